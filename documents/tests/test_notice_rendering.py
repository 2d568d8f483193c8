"""A notice's text is rendered once per version of its rows (documents.rendering): a second view
takes it from the cache, and any change among the rows it shows renders it again — inside one
transaction too, as every test here runs."""

from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from documents import rendering, views
from documents.models import (
    Correction,
    Issue,
    LeadingGroup,
    Membership,
    PublicationStatus,
    Unit,
)
from documents.tests.factories import (
    PASSWORD,
    NoticeFactory,
    make_attachment,
    make_citation,
    make_group,
    make_membership,
    make_project,
    make_responsibility,
    make_staff_user,
    make_table,
    make_task,
    make_unit,
)
from projects.models import Project, Task

pytestmark = pytest.mark.django_db


@pytest.fixture
def notice():
    """A published notice with something of every kind its text shows."""
    notice = NoticeFactory.create(published=True, body="一、总体要求\n原来的正文。")
    attachment = make_attachment(notice=notice, title="原来的附件", body="一、标题\n附件内容。")
    make_table(notice=notice, attachment=attachment, title="原来的表")
    unit = make_unit(full_name="咸宁市原来的局", short_name="市原来局")
    make_responsibility(project=make_project(notice=notice, name="原来的项目"), unit=unit)
    make_responsibility(task=make_task(notice=notice, content="原来的任务"), unit=make_unit())
    group = make_group(notice=notice, name="咸宁市原来的领导小组")
    make_membership(group=group, person_name="原来人", unit=make_unit())
    # It cites a notice of an issue not yet published.
    NoticeFactory.create(title="被引用的文件", doc_number="咸政办测〔2021〕7号")
    make_citation(notice=notice, doc_number="咸政办测〔2021〕7号", cited_title="被引用的文件")
    return notice


def page(client, notice) -> str:
    response = client.get(notice.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def renders(client, notice) -> int:
    """How many times viewing the notice rendered its text."""
    with mock.patch.object(views, "text_context", wraps=views.text_context) as context:
        page(client, notice)
    return context.call_count


def test_a_second_view_takes_the_text_kept_by_the_first(client, notice):
    first = page(client, notice)
    with mock.patch.object(views, "text_context", wraps=views.text_context) as context:
        second = page(client, notice)
    assert context.call_count == 0
    assert second == first
    for text in ("原来的正文", "原来的附件", "原来的表", "原来的项目", "原来的任务", "原来人"):
        assert text in second


def edit_body(notice):
    notice.body = "一、总体要求\n改过的正文。"
    notice.save()


def edit_attachment(notice):
    notice.attachments.update(title="改过的附件")


def edit_table(notice):
    table = notice.tables.get()
    table.title = "改过的表"
    table.save()


def edit_project(notice):
    Project.objects.filter(notice=notice).update(name="改过的项目")


def delete_task(notice):
    Task.objects.filter(notice=notice).delete()


def rename_unit(notice):
    Unit.objects.filter(full_name="咸宁市原来的局").update(short_name="市改过局")


def edit_member(notice):
    Membership.objects.filter(group__notice=notice).update(person_name="改过人")


def add_project(notice):
    make_project(notice=notice, name="新加的项目")


def add_correction(notice):
    Correction.objects.create(notice=notice, published_at=timezone.now(), description="更正了一处")


def publish_a_notice_citing_it(notice):
    make_citation(
        notice=NoticeFactory.create(published=True, title="新的引用文件"),
        doc_number=notice.doc_number,
    )


def publish_the_notice_it_cites(notice):
    Issue.objects.filter(notices__doc_number="咸政办测〔2021〕7号").update(
        status=PublicationStatus.PUBLISHED, published_at=timezone.now()
    )


CHANGES = [
    (edit_body, "改过的正文", "原来的正文"),
    (edit_attachment, "改过的附件", "原来的附件"),
    (edit_table, "改过的表", "原来的表"),
    (edit_project, "改过的项目", "原来的项目"),
    (delete_task, None, "原来的任务"),
    (rename_unit, "市改过局", "市原来局"),
    (edit_member, "改过人", "原来人"),
    (add_project, "新加的项目", None),
    (add_correction, "更正了一处", None),
    (publish_a_notice_citing_it, "新的引用文件", None),
    (publish_the_notice_it_cites, "被引用的文件", "本站未收录"),
]


@pytest.mark.parametrize(("change", "shown", "gone"), CHANGES, ids=[c[0].__name__ for c in CHANGES])
def test_any_change_among_the_rows_shown_renders_the_text_again(
    client, notice, change, shown, gone
):
    page(client, notice)  # kept
    change(notice)  # in the same transaction as the first view: the row's ctid tells
    assert renders(client, notice) == 1
    body = page(client, notice)
    if shown:
        assert shown in body
    if gone:
        assert gone not in body


def test_a_change_to_another_notice_keeps_the_text(client, notice):
    page(client, notice)
    other = NoticeFactory.create(published=True)
    make_project(notice=other, name="别的项目")
    assert renders(client, notice) == 0


def test_the_fingerprint_is_one_query_and_carries_the_code_version(notice, monkeypatch):
    with CaptureQueriesContext(connection) as queries:
        before = rendering.fingerprint(notice)
    assert len(queries) == 1
    monkeypatch.setattr(rendering, "code_version", lambda: "another-deployment")
    assert rendering.fingerprint(notice) != before


def test_a_staff_preview_renders_afresh_and_keeps_nothing(client, notice):
    client.login(username=make_staff_user(groups=["编辑"]).username, password=PASSWORD)
    preview = reverse("admin:documents_notice_preview", args=[notice.pk])
    with mock.patch.object(views, "text_context", wraps=views.text_context) as context:
        assert client.get(preview).status_code == 200
        assert client.get(preview).status_code == 200
    assert context.call_count == 2
    assert renders(client, notice) == 1  # the public page found nothing kept


def test_a_cache_that_cannot_keep_the_text_still_serves_the_page(client, notice):
    with mock.patch("django.core.cache.backends.filebased.FileBasedCache.set", side_effect=OSError):
        assert "原来的正文" in page(client, notice)
    assert renders(client, notice) == 1


def test_the_code_version_follows_the_projects_own_templates(settings, tmp_path):
    """Another deployment (a template changed) renders the texts again; installed packages are
    not read (walking the virtualenv cost 0.3 s a process)."""
    template = tmp_path / "templates" / "page.html"
    template.parent.mkdir()
    template.write_text("一")
    settings.BASE_DIR = tmp_path
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path / "templates"]}]
    rendering.code_version.cache_clear()
    try:
        before = rendering.code_version()
        template.write_text("一二")
        rendering.code_version.cache_clear()
        assert rendering.code_version() != before
    finally:
        rendering.code_version.cache_clear()


def test_a_group_under_another_notices_group_names_it_once_published_and_follows_it(client):
    """上级机构: the parent group of another notice is shown only when that notice is published,
    and renaming it renders the text again."""
    parent_notice = NoticeFactory.create(title="设立上级机构的文件")  # its issue: a draft
    parent = make_group(notice=parent_notice, name="咸宁市上级测试指挥部")
    notice = NoticeFactory.create(published=True)
    make_group(notice=notice, name="咸宁市下级测试专班", parent=parent)
    assert "咸宁市上级测试指挥部" not in page(client, notice)
    Issue.objects.filter(pk=parent_notice.issue_id).update(
        status=PublicationStatus.PUBLISHED, published_at=timezone.now()
    )
    assert "咸宁市上级测试指挥部" in page(client, notice)
    LeadingGroup.objects.filter(pk=parent.pk).update(name="咸宁市改名测试指挥部")
    assert "咸宁市改名测试指挥部" in page(client, notice)


def test_a_change_committed_while_the_text_is_rendered_is_not_kept_under_the_old_version(
    client, notice
):
    real = views.text_context

    def render_while_someone_edits(n):
        context = real(n)
        Correction.objects.create(notice=n, published_at=timezone.now(), description="途中更正")
        return context

    with mock.patch.object(views, "text_context", side_effect=render_while_someone_edits):
        page(client, notice)
    assert renders(client, notice) == 1  # nothing was kept: rendered again, with the correction
    assert "途中更正" in page(client, notice)
