"""The importer end to end: the command, the loader's idempotence and atomicity, admin upload."""

import io
import json
from decimal import Decimal
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from documents.models import Issue, LeadingGroup, Notice, PublicationStatus, Unit
from documents.services import issue_import
from projects.models import Project, Responsibility, Task

SAMPLE = Path(__file__).resolve().parents[1] / "demo" / "xianning-2022-05.txt"

pytestmark = pytest.mark.django_db


def sample_bytes() -> bytes:
    return SAMPLE.read_bytes()


def table_counts() -> dict[str, int]:
    """Rows in every table of the project's apps (the history tables included)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND (tablename LIKE 'documents_%' OR tablename LIKE 'projects_%')"
        )
        tables = [row[0] for row in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


def run_command(*args: str) -> str:
    out = io.StringIO()
    call_command("import_gazette", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_json_report_of_the_sample_names_its_eight_notices():
    report = json.loads(run_command(str(SAMPLE), "--json", "--dry-run"))
    assert report["issue"] == {
        **report["issue"],
        "year": 2022,
        "number": 5,
        "total_number": 70,
        "published_on": "2022-11-16",
    }
    numbers = [notice["doc_number"] for notice in report["notices"]]
    assert numbers == [
        "咸政发〔2022〕11号",
        "咸政办发〔2022〕29号",
        "咸政办发〔2022〕31号",
        "咸政办发〔2022〕32号",
        "咸政办发〔2022〕35号",
        "咸政办函〔2022〕8号",
        "咸政办函〔2022〕25号",
        "咸政办函〔2022〕27号",
    ]
    assert [notice["page"] for notice in report["notices"]] == [1, 8, 22, 26, 28, 34, 44, 53]


def test_dry_run_writes_nothing():
    before = table_counts()
    run_command(str(SAMPLE), "--dry-run")
    assert table_counts() == before


def test_import_creates_drafts_with_the_printed_figures():
    outcome = issue_import(data=sample_bytes())
    issue = outcome.issue
    assert issue is not None
    assert issue.status == PublicationStatus.DRAFT
    assert issue.notices.count() == 8
    notice = Notice.objects.get(doc_number="咸政办发〔2022〕29号")
    projects = Project.objects.filter(notice=notice)
    assert projects.count() == 36
    assert projects.total_investment() == Decimal("619.53")
    subtotals = [row["total"].normalize() for row in projects.section_totals()]
    for printed in ("120.6", "73.05", "6.5", "6.24", "208.87", "100.47", "103.8"):
        assert Decimal(printed) in subtotals
    assert Task.objects.filter(notice=notice, attachment__isnull=False).count() == 32
    assert Notice.objects.published().count() == 0


def test_leading_groups_have_their_leaders_without_padding_spaces():
    issue_import(data=sample_bytes())
    leaders = {
        group.notice.doc_number: [m.person_name for m in group.memberships.filter(role="leader")]
        for group in LeadingGroup.objects.select_related("notice")
    }
    assert "李丽" in leaders["咸政办函〔2022〕27号"]
    assert "杨军" in leaders["咸政办函〔2022〕25号"]


def test_units_are_matched_through_aliases():
    issue_import(data=sample_bytes())
    lead = Unit.objects.get(short_name="市发改委")
    assert Responsibility.objects.filter(unit=lead).exists()
    assert not Unit.objects.filter(full_name="市发改局").exists()


def test_reimporting_the_same_file_changes_nothing():
    issue_import(data=sample_bytes())
    before = table_counts()
    outcome = issue_import(data=sample_bytes())
    assert outcome.changed is False
    assert table_counts() == before


def test_importing_a_corrected_file_updates_the_same_records():
    first = issue_import(data=sample_bytes())
    notice = Notice.objects.get(doc_number="咸政办发〔2022〕31号")
    corrected = SAMPLE.read_text(encoding="utf-8").replace(
        "咸宁市健全重特大疾病医疗保险和 救助制度实施办法的通知",
        "咸宁市健全重特大疾病医疗保险和 救助制度实施办法（修订）的通知",
        1,
    )
    second = issue_import(data=corrected.encode())
    assert second.issue is not None and first.issue is not None
    assert second.issue.pk == first.issue.pk
    notice.refresh_from_db()
    assert "（修订）" in notice.title
    assert Notice.objects.count() == 8


def test_publish_flag_publishes_the_issue():
    run_command(str(SAMPLE), "--publish")
    assert Issue.objects.get().status == PublicationStatus.PUBLISHED
    assert Notice.objects.published().count() == 8


def test_a_failure_midway_writes_nothing():
    before = table_counts()
    with (
        mock.patch("documents.importer.loader._load_groups", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        issue_import(data=sample_bytes())
    assert table_counts() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "空"),
        (b"\xff\xfe\x00\x00garbage\x00\x01", ""),
        ("这不是一期公报，只是一段文字。".encode(), ""),
    ],
    ids=["empty", "binary", "not-an-issue"],
)
def test_unreadable_files_exit_non_zero_and_write_nothing(tmp_path, content, message):
    path = tmp_path / "issue.txt"
    path.write_bytes(content)
    before = table_counts()
    with pytest.raises(CommandError) as error:
        run_command(str(path))
    assert "未写入任何数据" in str(error.value)
    assert message in str(error.value)
    assert table_counts() == before


def test_truncated_file_writes_nothing(tmp_path):
    path = tmp_path / "truncated.txt"
    path.write_bytes(sample_bytes()[:400])
    before = table_counts()
    with pytest.raises(CommandError):
        run_command(str(path))
    assert table_counts() == before


def test_gb18030_file_imports_like_utf8(tmp_path):
    path = tmp_path / "gb.txt"
    path.write_bytes(SAMPLE.read_text(encoding="utf-8").encode("gb18030"))
    report = json.loads(run_command(str(path), "--json", "--dry-run"))
    assert len(report["notices"]) == 8


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="无法读取文件"):
        run_command(str(tmp_path / "nope.txt"))


def test_admin_upload_previews_then_creates_drafts_on_confirm(admin_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("issue.txt", sample_bytes(), content_type="text/plain")
    preview = admin_client.post("/admin/documents/issue/import/", {"file": upload})
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "咸政办函〔2022〕27号" in page
    assert "确认导入为草稿" in page
    assert Issue.objects.count() == 0  # nothing written before confirming
    digest = preview.context["digest"]
    confirmed = admin_client.post("/admin/documents/issue/import/", {"digest": digest})
    issue = Issue.objects.get()
    assert confirmed.status_code == 302
    assert confirmed["Location"].endswith(f"/admin/documents/issue/{issue.pk}/change/")
    assert issue.status == PublicationStatus.DRAFT
    assert issue.notices.count() == 8


def test_admin_upload_of_a_word_file_previews_its_notices(admin_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from documents.tests.importer.renderings import to_docx

    # Named .txt on purpose: the format is read from the content.
    upload = SimpleUploadedFile("issue.txt", to_docx(SAMPLE.read_text(encoding="utf-8")))
    preview = admin_client.post("/admin/documents/issue/import/", {"file": upload})
    assert preview.status_code == 200
    assert "咸政办函〔2022〕27号" in preview.content.decode()
    assert len(preview.context["report"]["notices"]) == 8
    assert Issue.objects.count() == 0


def test_a_word_file_imports_from_the_command_line_like_its_text(tmp_path):
    from documents.tests.importer import without_lines
    from documents.tests.importer.renderings import to_docx

    path = tmp_path / "issue.docx"
    path.write_bytes(to_docx(SAMPLE.read_text(encoding="utf-8")))
    from_word = json.loads(run_command(str(path), "--json", "--dry-run"))
    from_text = json.loads(run_command(str(SAMPLE), "--json", "--dry-run"))
    assert without_lines(from_word) == without_lines(from_text)  # lines fall elsewhere


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"%PDF-1.7\x00\x00binary", "PDF 文件无法读取"),
        (b"   ", "空"),
        ("只是一段文字。".encode(), "公报"),
    ],
    ids=["pdf", "blank", "not-an-issue"],
)
def test_admin_upload_refuses_bad_files_with_a_message(admin_client, content, expected):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("issue.txt", content, content_type="text/plain")
    response = admin_client.post("/admin/documents/issue/import/", {"file": upload})
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert Issue.objects.count() == 0


def test_admin_confirm_with_a_forged_digest_is_refused(admin_client):
    response = admin_client.post("/admin/documents/issue/import/", {"digest": "../../etc/passwd"})
    assert response.status_code == 200
    assert "重新上传" in response.content.decode()
    assert Issue.objects.count() == 0


def test_a_list_sections_lead_unit_leads_every_item_under_it():
    issue_import(data=sample_bytes())
    notice = Notice.objects.get(doc_number="咸政办发〔2022〕29号")
    lead = Unit.objects.get(short_name="市科技局")
    section_projects = Project.objects.filter(notice=notice, section__contains="绿色技术创新")
    assert section_projects.exists()
    for project in section_projects:
        assert project.responsibilities.filter(unit=lead, role="lead").exists()


def test_the_disclosure_note_is_stored_and_shown_not_kept_in_the_body(client):
    minimal = Path(__file__).resolve().parent / "importer/fixtures/minimal-issue.txt"
    text = minimal.read_text(encoding="utf-8").replace(
        "二〇二三年一月十日\n", "二〇二三年一月十日\n\n（此件公开发布）\n", 1
    )
    issue_import(data=text.encode(), publish=True)
    notice = Notice.objects.get(doc_number="咸政发〔2023〕3号")
    assert notice.disclosure == "公开发布"
    assert "此件" not in notice.body
    assert (
        "<dt>公开方式</dt><dd>公开发布</dd>"
        in client.get(notice.get_absolute_url()).content.decode()
    )


def test_every_notice_of_the_sample_has_its_kind_and_the_page_shows_it(client):
    issue_import(data=sample_bytes(), publish=True)
    kinds = {notice.doc_number: notice.kind for notice in Notice.objects.all()}
    assert set(kinds.values()) == {"通知"}, kinds
    notice = Notice.objects.get(doc_number="咸政办函〔2022〕25号")
    assert "<dt>文种</dt><dd>通知</dd>" in client.get(notice.get_absolute_url()).content.decode()


def test_a_value_the_database_refuses_is_not_called_a_refused_publication(tmp_path):
    from django.core.exceptions import ValidationError

    path = tmp_path / "issue.txt"
    path.write_bytes(sample_bytes())
    refused = ValidationError("发文字号过长")
    with (
        mock.patch(
            "documents.management.commands.import_gazette.issue_import", side_effect=refused
        ),
        pytest.raises(CommandError) as error,
    ):
        run_command(str(path))
    assert "导入失败，未写入任何数据：发文字号过长" in str(error.value)
    assert "不能发布" not in str(error.value)
