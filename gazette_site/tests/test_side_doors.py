"""The side doors through which an 编辑 changed published content, each shut (findings 1–5 of
the security probe). The role × URL × method matrix (test_admin_matrix) covers every admin
path; these tests replay the probe's own requests."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents.importer.records import ImportFormatError
from documents.models import Issue, Notice, PublicationStatus, Revision, RevisionStatus, Unit
from documents.search import search_notices
from documents.services import issue_import, issue_publish
from documents.tests.factories import (
    EDITOR,
    PUBLISHER,
    NoticeFactory,
    admin_form_data,
    index_for_search,
    make_issue,
    make_notice,
    make_project,
    make_responsibility,
    make_staff_user,
    make_unit,
)

MINIMAL_ISSUE = (
    Path(__file__).resolve().parents[2] / "documents/tests/importer/fixtures/minimal-issue.txt"
).read_bytes()


@pytest.fixture
def editor(client, db):
    user = make_staff_user(groups=[EDITOR])
    client.force_login(user)
    return user


def history_url(obj, version) -> str:
    meta = obj._meta
    return f"/admin/{meta.app_label}/{meta.model_name}/{obj.pk}/history/{version.history_id}/"


def published_issue_with_a_draft_past() -> Issue:
    issue = make_issue(year=2022, number=5)  # created as a draft: history version 1
    make_notice(issue=issue)
    issue_publish(issue=issue)  # version 2
    return Issue.objects.get(pk=issue.pk)


# --- 1 and 2: the history page saves nothing ------------------------------------------------------


def test_an_old_version_posted_to_the_history_page_does_not_withdraw_an_issue(client, editor):
    issue = published_issue_with_a_draft_past()
    draft_version = issue.history.order_by("history_id").first()
    assert draft_version.status == PublicationStatus.DRAFT
    url = history_url(issue, draft_version)
    data = admin_form_data(client.get(url))  # the page's own fields, as the probe sent them

    response = client.post(url, data)

    assert response.status_code == 405
    assert "只供查看" in response.content.decode()
    issue.refresh_from_db()
    assert issue.status == PublicationStatus.PUBLISHED
    assert issue.history.count() == 2
    assert client.get(issue.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("group", [EDITOR, PUBLISHER])
def test_the_history_page_is_read_only_for_everyone_even_as_multipart(client, db, group):
    client.force_login(make_staff_user(groups=[group]))
    issue = published_issue_with_a_draft_past()
    version = issue.history.order_by("history_id").last()
    url = history_url(issue, version)
    assert client.get(url).status_code == 200  # still shown
    data = admin_form_data(client.get(url), phone="0715-0000000")
    data["pdf"] = SimpleUploadedFile("x.pdf", b"%PDF-1.7\n%%EOF\n")
    assert client.post(url, data).status_code == 405
    issue.refresh_from_db()
    assert (issue.phone, issue.pdf.name) == ("", "")


def test_a_notice_is_not_moved_into_a_draft_through_its_history(client, editor):
    published = make_issue(year=2022, number=5, published=True)
    draft = make_issue(year=2022, number=6)
    notice = make_notice(issue=published, title="关于加强药品安全工作的通知")
    index_for_search(notice)
    url = history_url(notice, notice.history.get())
    data = admin_form_data(client.get(url), issue=draft.pk)

    assert client.post(url, data).status_code == 405

    notice.refresh_from_db()
    assert notice.issue == published
    result = search_notices("药品安全")
    assert result.page is not None
    hits = result.page.hits
    assert [(hit.notice.pk, hit.notice.issue_id) for hit in hits] == [(notice.pk, published.pk)]


# --- 3: the import does not write into a published issue --------------------------------------


def public_rows():
    return sorted(Notice.objects.values_list("pk", "title", "body", "issue_id"))


def test_an_editors_import_of_a_published_issue_makes_a_revision_and_changes_nothing(db):
    issue_import(data=MINIMAL_ISSUE, publish=True)  # published by a trusted caller
    before = public_rows()
    editor = make_staff_user(groups=[EDITOR])
    changed = MINIMAL_ISSUE.replace("认真贯彻执行".encode(), "参照执行".encode())
    preview = issue_import(data=changed, user=editor, dry_run=True)
    assert preview.changes is not None and preview.changes.corrected
    assert not Revision.objects.exists()
    outcome = issue_import(data=changed, user=editor)
    assert outcome.revision is not None
    assert outcome.revision.status == RevisionStatus.DRAFT
    assert outcome.revision.created_by == editor
    assert public_rows() == before


def test_a_notice_of_another_issue_is_a_collision_for_everyone(db):
    issue_import(data=MINIMAL_ISSUE, publish=True)
    notice = Notice.objects.get(doc_number="咸政发〔2023〕3号")
    editor = make_staff_user(groups=[EDITOR])
    # Another issue's text (a new cumulative number) printing the same document.
    other = MINIMAL_ISSUE.replace("总第 71 号".encode(), "总第 72 号".encode()).replace(
        "2023 年第 1 号".encode(), "2023 年第 2 号".encode()
    )
    for user in (editor, None):
        with pytest.raises(ImportFormatError, match="咸政发〔2023〕3号 已由 2023年第1号"):
            issue_import(data=other, user=user, dry_run=True)
        with pytest.raises(ImportFormatError, match="咸政发〔2023〕3号"):
            issue_import(data=other, user=user)
    notice.refresh_from_db()
    assert notice.issue.status == PublicationStatus.PUBLISHED
    assert Issue.objects.count() == 1


def test_the_admin_import_of_a_published_issue_by_an_editor_previews_a_revision(client, editor):
    issue_import(data=MINIMAL_ISSUE, publish=True)
    before = public_rows()
    url = reverse("admin:documents_issue_import")
    response = client.post(url, {"file": SimpleUploadedFile("issue.txt", MINIMAL_ISSUE)})
    assert response.status_code == 200
    page = response.content.decode()
    assert "修订稿" in page and "审核发布" in page
    assert public_rows() == before


def test_a_publisher_may_still_reimport_a_published_issue(db):
    issue_import(data=MINIMAL_ISSUE, publish=True)
    publisher = make_staff_user(groups=[PUBLISHER])
    outcome = issue_import(data=MINIMAL_ISSUE, user=publisher)
    assert outcome.changed is False


# --- 4: units that published pages name -----------------------------------------------------------


def test_an_editor_cannot_rename_a_unit_that_published_pages_show(client, editor):
    unit = make_unit(full_name="咸宁市示范保障局", short_name="市示范局")
    project = make_project(notice=NoticeFactory.create(published=True))
    make_responsibility(project=project, unit=unit)
    url = reverse("admin:documents_unit_change", args=[unit.pk])
    client.force_login(make_staff_user(groups=[PUBLISHER]))
    data = admin_form_data(client.get(url), short_name="市改名局")  # the form as it offers it
    client.force_login(editor)
    response = client.post(url, data)
    assert response.status_code == 403
    unit.refresh_from_db()
    assert unit.short_name == "市示范局"


def test_an_editor_may_correct_a_unit_only_drafts_name(client, editor):
    unit = make_unit(full_name="咸宁市新建单位", short_name="市新建单位")
    make_responsibility(project=make_project(), unit=unit)  # in a draft
    url = reverse("admin:documents_unit_change", args=[unit.pk])
    response = client.post(url, admin_form_data(client.get(url), short_name="市新建局"))
    assert response.status_code == 302
    assert Unit.objects.get(pk=unit.pk).short_name == "市新建局"


# --- 5: previews of drafts need a permission to view them ----------------------------------------


def test_staff_without_permissions_cannot_preview_drafts(client, db):
    notice = make_notice(title="尚未发布的草稿文件")
    client.force_login(make_staff_user())
    issue_url = reverse(
        "admin:documents_issue_preview", args=[notice.issue.year, notice.issue.number]
    )
    for url in (issue_url, reverse("admin:documents_notice_preview", args=[notice.pk])):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "尚未发布的草稿文件" not in response.content.decode()


def test_an_editor_previews_drafts(client, editor):
    notice = make_notice(title="尚未发布的草稿文件")
    response = client.get(reverse("admin:documents_notice_preview", args=[notice.pk]))
    assert response.status_code == 200
    assert "尚未发布的草稿文件" in response.content.decode()


@pytest.mark.django_db
def test_a_refused_admin_request_says_why_in_chinese(client):
    from documents.tests.factories import EDITOR, make_issue, make_notice, make_staff_user

    notice = make_notice(issue=make_issue(published=True))
    client.force_login(make_staff_user(groups=[EDITOR]))
    response = client.post(f"/admin/documents/notice/{notice.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "没有权限" in page and "审核发布" in page
