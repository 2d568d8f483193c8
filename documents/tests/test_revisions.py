"""Revisions: a new text of a published issue changes nothing public until a 审核发布 user
publishes it; then notices keep their ids, corrections are listed, removed notices answer 410.
Collisions, empty issues and unacknowledged warnings are messages, never errors."""

import datetime
import io
from pathlib import Path
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from documents.history import HAND_EDIT, set_change_reason
from documents.importer.records import ImportFormatError
from documents.models import (
    Correction,
    Issue,
    Notice,
    PublicationStatus,
    RemovedNotice,
    Revision,
    RevisionStatus,
    Table,
)
from documents.services import (
    PublicationRefused,
    issue_acknowledge_warnings,
    issue_import,
    issue_publish,
    propose_correction,
    revision_publish,
    revision_schedule,
    revision_submit,
)
from documents.tests.factories import EDITOR, PUBLISHER, make_issue, make_staff_user

pytestmark = pytest.mark.django_db

MINIMAL = (Path(__file__).resolve().parent / "importer/fixtures/minimal-issue.txt").read_bytes()
GREENING = "咸政发〔2023〕3号"
PLAN = "咸政办发〔2023〕2号"
APPOINTMENTS = "咸宁市人民政府关于张某某等同志职务任免的通知"


def edited(data: bytes, *pairs: tuple[str, str]) -> bytes:
    text = data.decode()
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text.encode()


def without_appointments(data: bytes) -> bytes:
    """The text with its last notice (the appointments, no document number) cut out."""
    text = data.decode()
    start = text.index(APPOINTMENTS + "\n\n各县")
    end = text.index("主 办：")
    toc = text.index(APPOINTMENTS + "……")
    text = text[:start] + text[end:]
    return (text[:toc] + text[text.index("\n", toc) + 1 :]).encode()


CORRECTED = edited(
    MINIMAL,
    ("请认真贯彻执行。", "请结合实际认真贯彻执行。"),
    ("第二条 本办法自2023年3月1日起施行", "第二条 本办法自2023年4月1日起施行"),
)


def public_urls() -> list[str]:
    urls = ["/", "/issues/", "/units/", "/groups/", "/projects/", "/tasks/", "/search/?q=绿化"]
    urls += [reverse("documents:notice_feed"), reverse("documents:notice_feed_atom")]
    urls += [issue.get_absolute_url() for issue in Issue.objects.all()]
    urls += [f"/notices/{pk}/" for pk in Notice.objects.values_list("pk", flat=True)]
    return urls


def snapshot(client, urls) -> dict[str, tuple[int, bytes]]:
    return {url: (r.status_code, r.content) for url in urls if (r := client.get(url))}


def revise(data: bytes, user) -> Revision:
    """A revision made by importing `data` again, as `user`."""
    revision = issue_import(data=data, user=user).revision
    assert revision is not None
    return revision


@pytest.fixture
def published():
    outcome = issue_import(data=MINIMAL, publish=True)
    assert outcome.issue is not None and outcome.issue.is_published
    return outcome.issue


@pytest.fixture
def editor():
    return make_staff_user(groups=[EDITOR], username="editor", email="editor@example.gov.cn")


@pytest.fixture
def publisher():
    return make_staff_user(groups=[PUBLISHER], username="publisher", email="pub@example.gov.cn")


# --- Nothing public changes before a publisher publishes ------------------------------------


def test_import_gazette_without_publish_leaves_every_public_page_byte_identical(
    client, published, tmp_path
):
    urls = public_urls()
    before = snapshot(client, urls)
    path = tmp_path / "corrected.txt"
    path.write_bytes(without_appointments(CORRECTED))
    out = io.StringIO()
    call_command("import_gazette", str(path), stdout=out, stderr=io.StringIO())
    assert "已保存为修订稿" in out.getvalue() and "公开页面没有改动" in out.getvalue()
    assert snapshot(client, urls) == before
    revision = Revision.objects.get()
    assert revision.status == RevisionStatus.DRAFT and revision.issue == published


def test_an_editors_partial_import_deletes_nothing_and_cuts_no_table(client, published, editor):
    plan = Notice.objects.get(doc_number=PLAN)
    rows = {t.pk: t.rows for t in Table.objects.all()}
    ids = set(Notice.objects.values_list("pk", flat=True))
    outcome = issue_import(data=without_appointments(MINIMAL), user=editor)
    assert outcome.revision is not None
    assert [n["title"] for n in outcome.revision.changes["removed"]] == [APPOINTMENTS]
    assert set(Notice.objects.values_list("pk", flat=True)) == ids
    assert {t.pk: t.rows for t in Table.objects.all()} == rows
    assert all(client.get(f"/notices/{pk}/").status_code == 200 for pk in ids)
    assert client.get(plan.get_absolute_url()).status_code == 200


def test_an_editor_cannot_publish_a_revision_nor_import_with_publish(published, editor):
    revision = revise(CORRECTED, editor)
    with pytest.raises(PermissionDenied):
        revision_publish(revision=revision, user=editor)
    with pytest.raises(PermissionDenied):
        issue_import(data=CORRECTED, user=editor, publish=True)
    with pytest.raises(PermissionDenied):
        revision_schedule(
            revision=revision,
            user=editor,
            publish_at=timezone.now() + datetime.timedelta(hours=1),
        )
    assert "结合实际" not in Notice.objects.get(doc_number=GREENING).body


# --- Publishing a revision -------------------------------------------------------------------


def test_publishing_a_revision_keeps_ids_lists_corrections_and_answers_410_for_removed(
    client, published, editor, publisher
):
    greening = Notice.objects.get(doc_number=GREENING)
    appointments = Notice.objects.get(title=APPOINTMENTS)
    first_published_at = published.published_at
    revision = revision_submit(
        revision=revise(without_appointments(CORRECTED), editor), user=editor, note="更正施行日期"
    )
    changes = revision_publish(revision=revision, user=publisher)

    assert [n.pk for n in changes.removed] == [appointments.pk]
    greening.refresh_from_db()  # the same row, corrected in place
    paragraphs = [line for line in greening.body.splitlines() if line.strip()]
    first, second = (
        next(n for n, p in enumerate(paragraphs, 1) if words in p)
        for words in ("结合实际", "2023年4月1日")
    )
    # The effective date is read from the changed article too: both are corrections.
    described = f"施行日期更正；正文第{first}、{second}段更正"
    assert Correction.objects.get(notice=greening).description == described
    page = client.get(greening.get_absolute_url())
    assert page.status_code == 200
    assert "更正（1 次）" in page.content.decode() and described in page.content.decode()

    gone = client.get(f"/notices/{appointments.pk}/")
    assert gone.status_code == 410
    assert "修订时撤下" in gone.content.decode() and "更正施行日期" in gone.content.decode()
    assert RemovedNotice.objects.get().notice_id == appointments.pk

    feed = client.get(reverse("documents:notice_feed")).content.decode()
    assert "【更正】" in feed and described in feed
    revision.refresh_from_db()
    published.refresh_from_db()
    assert revision.status == RevisionStatus.PUBLISHED and revision.published_by == publisher
    assert published.published_at == first_published_at  # the first publication is kept
    assert revision.published_at > first_published_at


def test_a_published_revision_cannot_be_published_twice(published, publisher):
    revision = revise(CORRECTED, publisher)
    revision_publish(revision=revision, user=publisher)
    with pytest.raises(ValidationError, match="已发布"):
        revision_publish(revision=revision, user=publisher)
    assert Correction.objects.count() == 1


def test_import_with_publish_applies_and_publishes_at_once(published, tmp_path):
    path = tmp_path / "corrected.txt"
    path.write_bytes(CORRECTED)
    out = io.StringIO()
    call_command("import_gazette", str(path), "--publish", stdout=out, stderr=io.StringIO())
    assert "已发布修订稿" in out.getvalue()
    assert "结合实际" in Notice.objects.get(doc_number=GREENING).body
    assert Revision.objects.get().status == RevisionStatus.PUBLISHED


def test_hand_edits_survive_a_revision_unless_the_publisher_says_otherwise(
    published, editor, publisher
):
    greening = Notice.objects.get(doc_number=GREENING)
    greening.title = "咸宁市人民政府关于印发咸宁市城市绿化管理办法的通知（人工校对）"
    set_change_reason(greening, HAND_EDIT)
    greening.save()
    hand_table = Table(
        notice=greening, order=9, title="人工补录的表格", header=["甲"], rows=[["1"]]
    )
    set_change_reason(hand_table, HAND_EDIT)  # as the admin saves it
    hand_table.save()
    outcome = issue_import(data=CORRECTED, user=editor)
    assert outcome.changes is not None and outcome.revision is not None
    assert any("标题" in line for line in outcome.changes.hand_edits)
    revision_publish(revision=outcome.revision, user=publisher)
    greening.refresh_from_db()
    assert greening.title.endswith("（人工校对）")  # kept
    assert "结合实际" in greening.body  # the revision's own change applied
    assert Table.objects.filter(pk=hand_table.pk).exists()  # added by hand: kept

    again = revise(MINIMAL, publisher)
    again.keep_hand_edits = False
    again.save()
    revision_publish(revision=again, user=publisher)
    greening.refresh_from_db()
    assert not greening.title.endswith("（人工校对）")
    assert "结合实际" not in greening.body


def test_a_table_correction_is_described_by_its_row(client, publisher):
    sample = Path(__file__).resolve().parents[1] / "demo" / "xianning-2022-05.txt"
    issue_import(data=sample.read_bytes(), publish=True)
    table = next(
        t
        for t in Table.objects.all()
        if any("以县城为载体的城镇化" in c for r in t.rows for c in r)
    )
    row = next(n for n, r in enumerate(table.rows, 1) if "以县城为载体的城镇化" in r)
    corrected = edited(sample.read_bytes(), ("以县城为载体的城镇化", "以县城为重要载体的城镇化"))
    revision = revise(corrected, publisher)
    revision_publish(revision=revision, user=publisher)
    correction = Correction.objects.get(notice=table.notice)
    assert correction.description == f"附件表格“{table.title[:20]}”第{row}行更正"


# --- Collisions and checks are messages ------------------------------------------------------


def test_a_cumulative_number_of_another_issue_is_refused_in_the_preview(client, published):
    make_issue(year=2023, number=2, total_number=72)
    clash = edited(MINIMAL, ("2023 年第 1 号（总第 71 号）", "2023 年第 1 号（总第 72 号）"))
    for dry_run in (True, False):
        with pytest.raises(ImportFormatError, match="总第72号已是 2023年第2号"):
            issue_import(data=clash, dry_run=dry_run)
    publisher = make_staff_user(groups=[PUBLISHER])
    client.force_login(publisher)
    response = client.post(
        reverse("admin:documents_issue_import"),
        {"file": SimpleUploadedFile("clash.txt", clash)},
    )
    assert response.status_code == 200
    assert "总第72号已是 2023年第2号" in response.content.decode()
    assert Issue.objects.count() == 2 and not Revision.objects.exists()


def test_a_signing_date_after_the_issue_date_is_refused(db):
    late = edited(MINIMAL, ("二〇二三年一月十日", "二〇二三年三月十日"))
    with pytest.raises(ImportFormatError, match="成文日期 2023年03月10日 晚于本期出版日期"):
        issue_import(data=late, dry_run=True)
    assert not Issue.objects.exists()


def test_an_issue_without_notices_cannot_be_published(client, publisher):
    issue = make_issue()
    with pytest.raises(PublicationRefused, match="还没有任何文件"):
        issue_publish(issue=issue, user=publisher)
    client.force_login(publisher)
    response = client.post(
        reverse("admin:documents_issue_changelist"),
        {"action": "publish", "_selected_action": [issue.pk], "index": 0},
        follow=True,
    )
    assert "还没有任何文件，不能发布" in response.content.decode()
    issue.refresh_from_db()
    assert issue.status == PublicationStatus.DRAFT
    client.logout()
    assert issue.get_absolute_url() not in client.get("/").content.decode()


def test_import_warnings_block_publishing_until_a_publisher_acknowledges_them(publisher):
    warned = edited(
        MINIMAL, ("人事任免\n", "人事任免\n\n咸宁市人民政府关于并不存在的文件的通知……………… 20\n")
    )
    issue = issue_import(data=warned).issue
    assert issue is not None and issue.import_warnings
    with pytest.raises(PublicationRefused, match="尚未确认"):
        issue_publish(issue=issue, user=publisher)
    issue_acknowledge_warnings(issue=issue, user=publisher)
    assert issue_publish(issue=issue, user=publisher).is_published


# --- Review -----------------------------------------------------------------------------------


def test_submitting_a_revision_tells_the_publishers_by_email(
    published, editor, publisher, django_capture_on_commit_callbacks
):
    revision = revise(CORRECTED, editor)
    with django_capture_on_commit_callbacks(execute=True):
        revision_submit(revision=revision, user=editor, note="更正施行日期")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["pub@example.gov.cn"]
    assert "待审核" in message.subject and "更正施行日期" in message.body
    assert f"/admin/documents/revision/{revision.pk}/change/" in str(message.body)


def test_the_publisher_sees_the_queue_and_the_diff_and_publishes_in_the_admin(
    client, published, editor, publisher
):
    revision = revise(CORRECTED, editor)
    revision_submit(revision=revision, user=editor, note="更正施行日期")
    client.force_login(publisher)
    home = client.get(reverse("admin:index")).content.decode()
    assert "待审核" in home and revision.get_absolute_url() in home and "更正施行日期" in home
    page = client.get(revision.get_absolute_url()).content.decode()
    assert "正文第" in page and "段更正" in page
    assert "2023年3月1日" in page and "2023年4月1日" in page  # old and new paragraph
    response = client.post(
        revision.get_absolute_url(),
        {"note": "更正施行日期", "keep_hand_edits": "on", "_publish": "1"},
        follow=True,
    )
    assert "已发布修订稿" in response.content.decode()
    assert "2023年4月1日" in Notice.objects.get(doc_number=GREENING).body


def test_an_editor_sees_no_publish_button_and_a_posted_one_is_refused(client, published, editor):
    revision = revise(CORRECTED, editor)
    client.force_login(editor)
    page = client.get(revision.get_absolute_url()).content.decode()
    assert 'name="_submit"' in page and 'name="_publish"' not in page
    response = client.post(
        revision.get_absolute_url(),
        {"note": "", "keep_hand_edits": "on", "_publish": "1"},
        follow=True,
    )
    assert "只有“审核发布”组" in response.content.decode()
    assert "结合实际" not in Notice.objects.get(doc_number=GREENING).body


def test_publish_due_publishes_a_scheduled_revision_as_its_scheduler(published, publisher):
    revision = revise(CORRECTED, publisher)
    soon = timezone.now() + datetime.timedelta(minutes=30)
    revision_schedule(revision=revision, user=publisher, publish_at=soon)
    out = io.StringIO()
    call_command("publish_due", stdout=out, stderr=io.StringIO())
    assert "结合实际" not in Notice.objects.get(doc_number=GREENING).body  # not yet due
    Revision.objects.filter(pk=revision.pk).update(publish_at=timezone.now())  # time passes
    call_command("publish_due", stdout=out, stderr=io.StringIO())
    assert "已发布" in out.getvalue()
    revision.refresh_from_db()
    assert revision.status == RevisionStatus.PUBLISHED and revision.published_by == publisher
    assert "结合实际" in Notice.objects.get(doc_number=GREENING).body


def test_a_schedule_in_the_past_is_refused(published, publisher):
    revision = revise(CORRECTED, publisher)
    with pytest.raises(ValidationError, match="晚于现在"):
        revision_schedule(
            revision=revision, user=publisher, publish_at=timezone.now() - datetime.timedelta(1)
        )


def test_a_refused_publication_on_the_command_line_writes_nothing(tmp_path):
    path = tmp_path / "warned.txt"
    path.write_bytes(
        edited(
            MINIMAL, ("人事任免\n", "人事任免\n\n咸宁市人民政府关于并不存在的文件的通知……… 20\n")
        )
    )
    with pytest.raises(CommandError, match="不能发布，未写入任何数据"):
        call_command("import_gazette", str(path), "--publish", stdout=io.StringIO())
    assert not Issue.objects.exists()


def without_the_plan(data: bytes) -> bytes:
    """The text with its second notice (the plan, with its project list) cut out."""
    text = data.decode()
    toc = text.index("咸宁市人民政府办公室关于印发咸宁市重点项目建设三年行动计划\n")
    toc_end = text.index("\n", text.index("的通知 ……", toc)) + 1
    body = text.index(
        "咸宁市人民政府办公室关于印发咸宁市重点项目建设三年行动计划（2023—2025年）的通知\n"
    )
    body_end = text.index(APPOINTMENTS + "\n\n各县")
    text = text[:body] + text[body_end:]
    return (text[:toc] + text[toc_end:]).encode()


def test_a_notice_without_a_number_keeps_its_id_when_it_moves_up(client, published, publisher):
    appointments = Notice.objects.get(title=APPOINTMENTS)
    assert appointments.order == 3
    revision = revise(without_the_plan(MINIMAL), publisher)
    changes = revision_publish(revision=revision, user=publisher)
    assert [n.doc_number for n in changes.removed] == [PLAN]
    moved = Notice.objects.get(title=APPOINTMENTS)
    assert moved.pk == appointments.pk and moved.order == 2
    assert client.get(f"/notices/{appointments.pk}/").status_code == 200


# --- Corrections proposed in the admin ---------------------------------------------------------


def test_an_editors_correction_of_a_published_notice_waits_in_a_revision(
    client, published, editor, publisher
):
    greening = Notice.objects.get(doc_number=GREENING)
    public = client.get(greening.get_absolute_url()).content
    client.force_login(editor)
    url = reverse("admin:documents_notice_propose", args=[greening.pk])
    form = client.get(url)
    assert form.status_code == 200 and "记入修订稿" in form.content.decode()
    fixed = greening.title.replace("城市绿化", "城市园林绿化")
    response = client.post(
        url,
        {
            "title": fixed,
            "issuer": greening.issuer,
            "addressees": greening.addressees,
            "body": greening.body.replace("\n", "\r\n"),  # as a browser sends it
        },
        follow=True,
    )
    assert "已记入修订稿" in response.content.decode()
    revision = Revision.objects.get()
    assert revision.edits == [{"model": "notice", "pk": greening.pk, "fields": {"title": fixed}}]
    assert revision.changes["corrected"][0]["corrections"] == ["标题更正"]
    client.logout()
    assert client.get(greening.get_absolute_url()).content == public  # nothing public yet
    greening.refresh_from_db()
    assert greening.title != fixed

    revision_publish(revision=revision, user=publisher)
    greening.refresh_from_db()
    assert greening.title == fixed
    page = client.get(greening.get_absolute_url()).content.decode()
    assert fixed in page and "标题更正" in page


def test_corrections_of_two_notices_gather_in_one_draft_revision(published, editor):
    greening = Notice.objects.get(doc_number=GREENING)
    plan = Notice.objects.get(doc_number=PLAN)
    propose_correction(obj=greening, user=editor, values={"title": "甲"})
    propose_correction(obj=plan, user=editor, values={"issuer": "咸宁市人民政府"})
    propose_correction(obj=greening, user=editor, values={"title": "乙"})
    revision = Revision.objects.get()
    edits = {edit["pk"]: edit["fields"] for edit in revision.edits}
    assert edits == {greening.pk: {"title": "乙"}, plan.pk: {"issuer": "咸宁市人民政府"}}


# --- History and trash ------------------------------------------------------------------------


def test_the_issue_history_page_shows_every_change_readably(client, published, publisher):
    greening = Notice.objects.get(doc_number=GREENING)
    revision_publish(revision=revise(CORRECTED, publisher), user=publisher)
    table = Table.objects.filter(notice__issue=published).first()
    assert table is not None
    table.rows = [*table.rows[:-1], ["改过的一行"]]
    set_change_reason(table, HAND_EDIT)
    table.save()
    client.force_login(publisher)
    page = client.get(reverse("admin:documents_issue_changes", args=[published.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "导入更新" in text and "人工修改" in text
    assert "已发布" in text and ">published<" not in text  # a status by its label
    assert "请结合实际认真贯彻执行。" in text  # the changed paragraph, not "[2966 chars]"
    assert "改过的一行" in text
    assert "第一条 为了加强城市绿化管理" in greening.body
    assert "第一条 为了加强城市绿化管理" not in text  # an unchanged paragraph is not repeated


def test_a_deleted_draft_notice_is_restored_with_what_it_held(client):
    issue = issue_import(data=MINIMAL).issue
    assert issue is not None and not issue.is_published
    plan = Notice.objects.get(doc_number=PLAN)
    held = {
        "attachments": plan.attachments.count(),
        "tables": plan.tables.count(),
        "projects": plan.projects.count(),
    }
    assert held["projects"] > 0
    editor = make_staff_user(groups=[EDITOR])
    client.force_login(editor)
    delete = reverse("admin:documents_notice_delete", args=[plan.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not Notice.objects.filter(pk=plan.pk).exists()
    trash_url = reverse("admin:documents_notice_trash")
    listed = client.get(trash_url).content.decode()
    assert plan.title in listed
    record = Notice.history.filter(id=plan.pk, history_type="-").get()
    response = client.post(trash_url, {"history_id": record.history_id}, follow=True)
    assert "已恢复" in response.content.decode()
    restored = Notice.objects.get(pk=plan.pk)
    assert {
        "attachments": restored.attachments.count(),
        "tables": restored.tables.count(),
        "projects": restored.projects.count(),
    } == held
    assert all(p.responsibilities.exists() for p in restored.projects.all())
    assert plan.title not in client.get(trash_url).content.decode()
    again = client.post(trash_url, {"history_id": record.history_id}, follow=True)
    assert "回收站中没有这件文件" in again.content.decode()


def test_a_list_that_no_longer_adds_up_to_its_printed_total_blocks_publishing(publisher):
    issue = issue_import(data=MINIMAL).issue
    assert issue is not None
    plan = Notice.objects.get(doc_number=PLAN)
    assert plan.printed_totals == {"projects": 3, "investment_yi": "12.5"}
    last = plan.projects.order_by("number").last()
    assert last is not None
    last.delete()
    with pytest.raises(PublicationRefused) as refused:
        issue_publish(issue=issue, user=publisher)
    assert any("项目数现为 2，与印刷的合计 3 不符" in m for m in refused.value.messages)
    assert any("总投资（亿元）现为" in m for m in refused.value.messages)
    issue.refresh_from_db()
    assert not issue.is_published


def test_an_editors_correction_of_a_published_table_row_is_published_as_a_row_correction(
    client, published, editor, publisher
):
    table = Table.objects.filter(notice__doc_number=PLAN).order_by("order").first()
    assert table is not None and len(table.rows) >= 2
    before_rows = [list(r) for r in table.padded_rows()]
    client.force_login(editor)
    url = reverse("admin:documents_table_propose", args=[table.pk])
    page = client.get(url)
    assert page.status_code == 200
    rows = [list(r) for r in before_rows]
    rows[1][1] = rows[1][1] + "（更正）"
    tsv = "\n".join("\t".join(r) for r in rows)
    wrong = client.post(
        url, {"title": table.title, "header": "\t".join(table.header), "rows": tsv + "\t多"}
    )
    assert wrong.status_code == 200 and "个单元格" in wrong.content.decode()
    response = client.post(
        url, {"title": table.title, "header": "\t".join(table.header), "rows": tsv}, follow=True
    )
    assert "已记入修订稿" in response.content.decode()
    table.refresh_from_db()
    assert [list(r) for r in table.padded_rows()] == before_rows  # nothing public yet
    revision_publish(revision=Revision.objects.get(), user=publisher)
    table.refresh_from_db()
    assert table.rows[1][1].endswith("（更正）")
    correction = Correction.objects.get(notice=table.notice)
    assert "第2行更正" in correction.description


# --- What a publisher has scheduled is what gets published ------------------------------------


def soon() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(hours=2)


def test_an_editor_cannot_change_a_draft_issue_a_publisher_has_scheduled(client, editor, publisher):
    from documents.permissions import may_change
    from documents.services import issue_schedule

    issue = issue_import(data=MINIMAL).issue
    assert issue is not None
    plan = Notice.objects.get(doc_number=PLAN)
    assert may_change(editor, plan)  # a draft, not yet scheduled
    issue_schedule(issue=issue, user=publisher, publish_at=soon())
    assert not may_change(editor, plan) and not may_change(editor, issue)
    assert may_change(publisher, plan)
    client.force_login(editor)
    change = reverse("admin:documents_notice_change", args=[plan.pk])
    response = client.post(change, {"title": "编辑改的标题"})
    assert response.status_code == 403
    delete = reverse("admin:documents_notice_delete", args=[plan.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    # Nor through a new import of the issue's text.
    with pytest.raises(ImportFormatError, match="定时发布"):
        issue_import(data=CORRECTED, user=editor)
    plan.refresh_from_db()
    assert (
        plan.title != "编辑改的标题"
        and "结合实际" not in Notice.objects.get(doc_number=GREENING).body
    )
    # The notice choices of a new attachment leave the scheduled issue out.
    add = client.get(reverse("admin:documents_attachment_add")).content.decode()
    assert f'value="{plan.pk}"' not in add


def test_a_notice_deleted_before_the_schedule_is_restored_by_a_publisher_only(editor, publisher):
    from documents.audit import notice_restore
    from documents.services import issue_schedule

    issue = issue_import(data=MINIMAL).issue
    assert issue is not None
    plan = Notice.objects.get(doc_number=PLAN)
    pk = plan.pk
    set_change_reason(plan, HAND_EDIT)
    plan.delete()
    issue_schedule(issue=issue, user=publisher, publish_at=soon())
    record = Notice.history.filter(id=pk, history_type="-").get()
    with pytest.raises(ValidationError, match="定时发布"):
        notice_restore(history_id=record.history_id, user=editor)
    assert not Notice.objects.filter(pk=pk).exists()
    assert notice_restore(history_id=record.history_id, user=publisher).pk == pk


def test_a_scheduled_revision_is_left_to_publishers(client, published, editor, publisher):
    from documents.services import revision_discard

    revision = revise(CORRECTED, editor)
    revision_schedule(revision=revision, user=publisher, publish_at=soon())
    client.force_login(editor)
    response = client.post(
        revision.get_absolute_url(), {"note": "编辑改的说明", "keep_hand_edits": ""}
    )
    assert response.status_code == 403
    revision.refresh_from_db()
    assert revision.note != "编辑改的说明" and revision.keep_hand_edits
    with pytest.raises(PermissionDenied):
        revision_discard(revision=revision, user=editor)
    # An editor's correction goes into a new draft, not into what was scheduled.
    notice = Notice.objects.get(doc_number=GREENING)
    draft = propose_correction(obj=notice, user=editor, values={"title": "更正后的标题"})
    assert draft.pk != revision.pk
    revision.refresh_from_db()
    assert revision.edits == [] and revision.status == RevisionStatus.DRAFT


def test_an_editor_may_discard_a_draft_revision_but_not_a_submitted_one(published, editor):
    from documents.services import revision_discard

    draft = revise(CORRECTED, editor)
    assert revision_discard(revision=draft, user=editor).status == RevisionStatus.DISCARDED
    submitted = revision_submit(revision=revise(CORRECTED, editor), user=editor, note="请审核")
    with pytest.raises(PermissionDenied):
        revision_discard(revision=submitted, user=editor)
    submitted.refresh_from_db()
    assert submitted.status == RevisionStatus.SUBMITTED


def test_submitting_from_the_issue_list_keeps_the_review_note(client, editor):
    issue = issue_import(data=MINIMAL).issue
    assert issue is not None
    Issue.objects.filter(pk=issue.pk).update(review_note="第3页表格已核对")
    client.force_login(editor)
    response = client.post(
        reverse("admin:documents_issue_changelist"),
        {"action": "submit", "_selected_action": [str(issue.pk)]},
        follow=True,
    )
    assert response.status_code == 200
    issue.refresh_from_db()
    assert issue.status == PublicationStatus.SUBMITTED
    assert issue.review_note == "第3页表格已核对"


def test_a_notice_the_revision_adds_is_listed_as_added_and_its_members_not_as_corrections(
    publisher,
):
    from documents.tests.sample import SAMPLE

    lines = SAMPLE.read_text(encoding="utf-8").split("\n")
    start = next(
        i for i, line in enumerate(lines) if i > 100 and "集中打击整治危害药品安全" in line
    )
    shorter = [line for line in lines[:start] if "集中打击整治危害药品安全" not in line]
    issue = issue_import(data="\n".join(shorter).encode(), publish=True).issue
    assert issue is not None and issue.notices.count() == 7
    changes = revise(SAMPLE.read_bytes(), publisher).changes
    (added,) = changes["added"]
    assert "药品安全" in added
    # Its group's members are part of the new notice, not corrections of one that has no title.
    kept = set(issue.notices.values_list("pk", flat=True))
    assert all(entry["id"] in kept and entry["title"] for entry in changes["corrected"])


def test_rewording_a_correction_clears_the_page_cache_and_a_removed_notice_links_to_its_page(
    client, published, publisher
):
    revision = revise(without_appointments(CORRECTED), publisher)
    revision_publish(revision=revision, user=publisher)
    correction = Correction.objects.get(notice__doc_number=GREENING)
    client.force_login(publisher)
    change = reverse("admin:documents_correction_change", args=[correction.pk])
    with mock.patch("documents.admin.base.content_changed") as cleared:
        client.post(change, {"description": "第一段表述更正"})
    assert cleared.called
    correction.refresh_from_db()
    assert correction.description == "第一段表述更正"
    listing = client.get(reverse("admin:documents_removednotice_changelist")).content.decode()
    removed = RemovedNotice.objects.get()
    assert f'href="/notices/{removed.notice_id}/"' in listing
    assert client.get(f"/notices/{removed.notice_id}/").status_code == 410
