"""Single documents into an issue: the command's --issue, the loader adding without pruning, a
published issue's draft revision, and the admin's "添加文件" for several files at once."""

from __future__ import annotations

import datetime
import io
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from documents.importer.records import ImportFormatError
from documents.models import Issue, Notice, Revision, RevisionStatus
from documents.services import issue_import, revision_publish
from documents.tests.factories import EDITOR, PUBLISHER, make_issue, make_staff_user
from documents.tests.importer.renderings import to_docx, to_html

pytestmark = pytest.mark.django_db

MINIMAL = (Path(__file__).parent / "importer" / "fixtures" / "minimal-issue.txt").read_bytes()
ISSUE = "2023/1"  # the minimal issue: 2023年第1号, published 2023-02-28


def document(number: int, title: str = "", signed: str = "2023年2月10日") -> str:
    title = title or f"咸宁市人民政府关于做好第{number}项专项工作的通知"
    return (
        f"{title}\n咸政发〔2023〕{number}号\n"
        "各县、市、区人民政府，市政府各部门：\n"
        "为做好有关工作，经研究，现就有关事项通知如下。\n"
        "一、提高思想认识\n各地要高度重视。\n"
        f"咸宁市人民政府\n{signed}\n"
    )


DISCLOSURE_PAGE = (
    "索引号：011043460/2023-00412\n文号：咸政办发〔2023〕9号\n发文单位：咸宁市人民政府办公室\n"
    "主题分类：安全生产监管\n有效性：有效\n发文日期：2023年02月20日\n"
    "名称：咸宁市人民政府办公室关于加强汛期安全生产工作的通知\n\n"
    "咸宁市人民政府办公室关于加强汛期安全生产工作的通知\n"
    "各县、市、区人民政府，市政府各部门：\n汛期将至，现就加强安全生产工作通知如下。\n"
    "咸宁市人民政府办公室\n2023年2月20日\n"
)


def imported(data: bytes, **options) -> Issue:
    issue = issue_import(data=data, **options).issue
    assert issue is not None
    return issue


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("import_gazette", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def write(tmp_path, name: str, data: bytes | str) -> str:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return str(path)


def test_a_dry_run_reports_single_documents_for_an_issue_that_does_not_exist(tmp_path):
    path = write(tmp_path, "page.html", to_html(DISCLOSURE_PAGE))
    report = json.loads(run(path, "--issue", "2023年第4号", "--dry-run", "--json"))
    assert report["issue"]["documents_only"] is True
    assert (report["issue"]["year"], report["issue"]["number"]) == (2023, 4)
    [notice] = report["notices"]
    assert notice["doc_number"] == "咸政办发〔2023〕9号"
    assert (notice["index_number"], notice["topic"]) == ("011043460/2023-00412", "安全生产监管")
    assert not Issue.objects.exists()


def test_without_the_issue_exists_or_named_the_command_says_what_to_do(tmp_path):
    path = write(tmp_path, "doc.txt", document(40))
    with pytest.raises(CommandError, match="--issue"):
        run(path)
    with pytest.raises(CommandError, match="2023年第4号还没有建立"):
        run(path, "--issue", "2023/4")
    with pytest.raises(CommandError, match="期号应写作"):
        run(path, "--issue", "第四期")
    assert not Notice.objects.exists()


def test_a_whole_issue_named_with_another_issue_is_refused_with_both(tmp_path):
    path = write(tmp_path, "issue.txt", MINIMAL)
    with pytest.raises(CommandError) as error:
        run(path, "--issue", "2023/2")
    assert "2023年第1号" in str(error.value) and "2023年第2号" in str(error.value)
    assert not Issue.objects.exists()


def test_documents_join_a_draft_issue_and_leave_its_notices_alone(tmp_path):
    issue = imported(MINIMAL)
    before = {n.pk: (n.order, n.title, n.body) for n in issue.notices.all()}
    warnings = list(issue.import_warnings)
    path = write(tmp_path, "doc.docx", to_docx(document(40)))
    run(path, "--issue", ISSUE)
    added = Notice.objects.get(doc_number="咸政发〔2023〕40号")
    assert added.issue == issue and added.order == max(o for o, _t, _b in before.values()) + 1
    assert added.kind == "通知" and added.body.startswith("为做好有关工作")
    assert {n.pk: (n.order, n.title, n.body) for n in issue.notices.exclude(pk=added.pk)} == before
    issue.refresh_from_db()
    assert issue.import_warnings[: len(warnings)] == warnings  # the issue's own stay

    # The same document again, corrected: the same notice is updated, nothing else changes.
    corrected = document(40, signed="2023年2月12日")
    run(write(tmp_path, "doc2.txt", corrected), "--issue", ISSUE)
    added.refresh_from_db()
    assert (
        added.signed_on is not None
        and added.signed_on.day == 12
        and issue.notices.count() == len(before) + 1
    )


def test_documents_for_a_published_issue_wait_in_its_draft_revision(client):
    issue = imported(MINIMAL, publish=True)
    editor = make_staff_user(groups=[EDITOR], username="editor")
    count = issue.notices.count()
    first = issue_import(data=document(40).encode(), user=editor, issue=(2023, 1))
    second = issue_import(data=DISCLOSURE_PAGE.encode(), user=editor, issue=(2023, 1))
    assert first.revision is not None and first.revision == second.revision  # one draft
    revision = Revision.objects.get()
    assert [d["text"][:4] for d in revision.documents] == ["咸宁市人", "索引号："]
    assert issue.notices.count() == count  # nothing public changed
    assert not Notice.objects.filter(doc_number="咸政发〔2023〕40号").exists()
    assert second.changes is not None
    assert {n.title for n in second.changes.added} == {
        "咸宁市人民政府关于做好第40项专项工作的通知",
        "咸宁市人民政府办公室关于加强汛期安全生产工作的通知",
    }
    assert not second.changes.removed

    publisher = make_staff_user(groups=[PUBLISHER], username="publisher")
    changes = revision_publish(revision=revision, user=publisher)
    assert not changes.removed
    assert issue.notices.count() == count + 2
    page = Notice.objects.get(doc_number="咸政办发〔2023〕9号")
    assert (page.index_number, page.topic) == ("011043460/2023-00412", "安全生产监管")
    shown = client.get(page.get_absolute_url()).content.decode()
    assert "<dt>索引号</dt><dd>011043460/2023-00412</dd>" in shown
    assert "<dt>主题分类</dt><dd>安全生产监管</dd>" in shown
    revision.refresh_from_db()
    assert revision.status == RevisionStatus.PUBLISHED


def test_a_document_already_in_another_issue_is_refused():
    issue_import(data=MINIMAL)  # holds 咸政发〔2023〕3号
    make_issue(year=2023, number=2, published_on=datetime.date(2023, 4, 30))
    with pytest.raises(ImportFormatError, match="已由 2023年第1号"):
        issue_import(data=document(3).encode(), issue=(2023, 2))
    late = document(41, signed="2023年5月9日").encode()
    with pytest.raises(ImportFormatError, match="晚于本期出版日期"):
        issue_import(data=late, issue=(2023, 2))
    assert not Notice.objects.filter(issue__number=2).exists()


def test_the_admin_adds_several_files_at_once_after_a_preview(client):
    issue = imported(MINIMAL)
    client.force_login(make_staff_user(groups=[EDITOR], username="editor"))
    url = reverse("admin:documents_issue_add_documents", args=[issue.pk])
    change_page = client.get(reverse("admin:documents_issue_change", args=[issue.pk]))
    assert url in change_page.content.decode()
    files = [
        SimpleUploadedFile("第40号.docx", to_docx(document(40))),
        SimpleUploadedFile("公开页面.html", to_html(DISCLOSURE_PAGE).encode()),
    ]
    preview = client.post(url, {"documents": files})
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "咸政发〔2023〕40号" in page and "011043460/2023-00412" in page
    assert not Notice.objects.filter(doc_number="咸政发〔2023〕40号").exists()
    confirmed = client.post(
        url, {"digests": preview.context["digests"], "names": preview.context["names"]}
    )
    assert confirmed.status_code == 302
    assert set(
        issue.notices.filter(
            doc_number__in=["咸政发〔2023〕40号", "咸政办发〔2023〕9号"]
        ).values_list("doc_number", flat=True)
    ) == {"咸政发〔2023〕40号", "咸政办发〔2023〕9号"}


def test_the_admin_writes_none_of_the_files_when_one_is_bad(client):
    issue = imported(MINIMAL)
    count = issue.notices.count()
    client.force_login(make_staff_user(groups=[EDITOR], username="editor"))
    url = reverse("admin:documents_issue_add_documents", args=[issue.pk])
    files = [
        SimpleUploadedFile("好.txt", document(40).encode()),
        SimpleUploadedFile("坏.pdf", b"%PDF-1.7\x00broken"),
        SimpleUploadedFile("别期.txt", MINIMAL.replace("第 1 号".encode(), "第 2 号".encode())),
    ]
    response = client.post(url, {"documents": files})
    page = response.content.decode()
    assert response.status_code == 200 and "全部文件均未写入" in page
    assert "PDF 文件无法读取" in page and "两者不一致" in page
    assert "digests" not in response.context or not response.context.get("digests")
    assert issue.notices.count() == count
    forged = client.post(url, {"digests": "../../etc/passwd", "names": "x"})
    assert forged.status_code == 200 and "重新上传" in forged.content.decode()
