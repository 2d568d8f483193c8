import argparse
import json
import re
import sys
import unicodedata
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from documents.importer import ImportFormatError
from documents.limits import MAX_IMPORT_BYTES, MEGABYTE
from documents.models import RevisionStatus
from documents.services import PublicationRefused, issue_import


class Command(BaseCommand):
    help = (
        "Import an issue (PDF, Word .docx, a saved web page or plain text, told apart by content) "
        "as draft records (or only report on it with --dry-run). "
        "The text of an issue already published becomes a revision for review; --publish "
        "applies and publishes it at once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            type=Path,
            help="the issue, or single documents with --issue: PDF, .docx, HTML or text "
            "(UTF-8 or GB18030)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="parse and report, write nothing"
        )
        parser.add_argument(
            "--issue",
            type=_issue_ref,
            metavar="YEAR/NUMBER",
            help="the issue single documents are for (e.g. 2023/2); a file whose cover or "
            "web-edition block names another issue is refused",
        )
        parser.add_argument("--json", action="store_true", help="print the report as JSON")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="publish the issue (or the revision of a published one) after loading",
        )

    def handle(
        self,
        *args,
        file: Path,
        dry_run: bool,
        json: bool,
        publish: bool,
        issue: tuple[int, int] | None = None,
        **options,
    ):
        try:
            if file.stat().st_size > MAX_IMPORT_BYTES:
                raise CommandError(f"文件过大（超过 {MAX_IMPORT_BYTES // MEGABYTE} MB）：{file}")
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"无法读取文件 {file}：{error.strerror or error}") from error
        progress = None if json else self._progress
        try:
            outcome = issue_import(
                data=data,
                publish=publish,
                dry_run=dry_run,
                progress=progress,
                source_name=file.name,
                issue=issue,
            )
        except ImportFormatError as error:
            raise CommandError(f"{file}：{error}（未写入任何数据）") from error
        except PublicationRefused as error:  # the whole import rolled back
            reasons = "；".join(error.messages)
            raise CommandError(f"{file}：不能发布，未写入任何数据：{reasons}") from error
        except ValidationError as error:  # a value the database refuses: rolled back too
            reasons = "；".join(error.messages)
            raise CommandError(f"{file}：导入失败，未写入任何数据：{reasons}") from error
        if json:
            self.stdout.write(_dumps(outcome.report))
        else:
            self._summary(outcome, dry_run=dry_run)

    def _progress(self, message: str) -> None:
        self.stderr.write(message, ending="\n")
        sys.stderr.flush()

    def _summary(self, outcome, *, dry_run: bool) -> None:
        report = outcome.report
        issue = report["issue"]
        if issue.get("documents_only"):
            self.stdout.write(
                f"收入{issue['year']}年第{issue['number']}号的单篇文件 "
                f"{len(report['notices'])} 件："
            )
        else:
            self.stdout.write(
                f"{issue['year']}年第{issue['number']}号（总第{issue['total_number']}号），"
                f"{issue['published_on']}出版，{len(report['notices'])} 件文件："
            )
        for notice in report["notices"]:
            extras = []
            for key, label in (("projects", "项目"), ("tasks", "事项"), ("tables", "表格")):
                if notice.get(key):
                    extras.append(f"{label} {notice[key]}")
            if notice.get("groups"):
                extras.append(f"领导小组 {len(notice['groups'])}")
            self.stdout.write(
                f"  第{notice.get('page') or '?'}页  {notice.get('doc_number') or '（无字号）'}  "
                f"{notice['title']}" + (f"（{'，'.join(extras)}）" if extras else "")
            )
        for warning in report.get("warnings", []):
            self.stdout.write(self.style.WARNING(f"  注意：{warning}"))
        if outcome.changes is not None:
            self._changes(outcome, dry_run=dry_run)
        elif dry_run:
            self.stdout.write("试运行：未写入任何数据。")
        elif outcome.changed:
            self.stdout.write(
                self.style.SUCCESS(f"已导入，状态：{outcome.issue.get_status_display()}。")
            )
        else:
            self.stdout.write(
                f"数据库中已有相同内容，没有变化（状态：{outcome.issue.get_status_display()}）。"
            )

    def _changes(self, outcome, *, dry_run: bool) -> None:
        changes = outcome.changes
        self.stdout.write(f"{outcome.issue} 已发布，本文本与之相比：")
        if changes.empty:
            self.stdout.write("  没有变化。")
        for notice in changes.added:
            self.stdout.write(f"  新增：《{notice.title}》")
        for notice in changes.removed:
            self.stdout.write(f"  撤下：《{notice.title}》")
        for _pk, title, words in changes.corrected_list:
            self.stdout.write(f"  更正：《{title}》{'；'.join(words)}")
        for line in changes.hand_edits:
            self.stdout.write(f"  保留人工修改：{line}")
        if dry_run:
            self.stdout.write("试运行：未写入任何数据。")
        elif outcome.revision.status == RevisionStatus.PUBLISHED:
            self.stdout.write(self.style.SUCCESS("已发布修订稿，更正已列在相关文件页面上。"))
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"已保存为修订稿（编号 {outcome.revision.pk}），公开页面没有改动；"
                    "请在后台“刊期修订稿”中提交审核，由审核发布人员发布。"
                )
            )


_ISSUE_REF_RE = re.compile(r"^\s*(\d{4})\s*(?:[/\-.]|年\s*第?)\s*(\d{1,3})\s*[号期]?\s*$")


def _issue_ref(text: str) -> tuple[int, int]:
    """``2023/2``, ``2023-2`` or ``2023年第2号`` → (2023, 2)."""
    match = _ISSUE_REF_RE.match(unicodedata.normalize("NFKC", text))
    if match is None or int(match[2]) < 1:
        raise argparse.ArgumentTypeError(f"期号应写作“年份/期号”，如 2023/2，而不是“{text}”")
    return int(match[1]), int(match[2])


def _dumps(report: dict) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2, default=str)
