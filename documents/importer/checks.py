"""Checks against the database: what would make an import collide, what blocks publishing.

Each returns sentences in Chinese for staff, empty when all is well; the services refuse the
import (already at its preview) or the publication with them, so no constraint of the database
is ever met as an error page.
"""

from __future__ import annotations

from documents.extensions import notice_extensions
from documents.importer.records import ParsedIssue
from documents.models import Issue, Notice


def target_issue(parsed: ParsedIssue) -> Issue | None:
    """The issue an import of `parsed` writes into: found by its cumulative number (总第N号),
    or by year and number when the text prints none."""
    if parsed.total_number is not None:
        return Issue.objects.filter(total_number=parsed.total_number).first()
    return Issue.objects.filter(year=parsed.year, number=parsed.number).first()


def import_conflicts(parsed: ParsedIssue) -> list[str]:
    """Why `parsed` cannot be imported as it stands: numbers that belong to another issue or to
    a notice of another issue, and dates that contradict the issue's."""
    problems = []
    issue = target_issue(parsed)
    label = f"{parsed.year}年第{parsed.number}号"
    if issue is not None and (issue.year, issue.number) != (parsed.year, parsed.number):
        problems.append(
            f"总第{parsed.total_number}号已是 {issue} 的总期号，而本文本印的是{label}：请核对刊头。"
        )
    same_number = Issue.objects.filter(year=parsed.year, number=parsed.number)
    if issue is not None:
        same_number = same_number.exclude(pk=issue.pk)
    other = same_number.first()
    if other is not None:
        problems.append(
            f"{label}已存在（总第{other.total_number}号），"
            f"与本文本的总第{parsed.total_number}号不符：请核对刊头。"
        )
    taken = Notice.objects.filter(doc_number__in=parsed.doc_numbers()).select_related("issue")
    if issue is not None:
        taken = taken.exclude(issue=issue)
    for notice in taken.order_by("doc_number"):
        problems.append(
            f"发文字号 {notice.doc_number} 已由 {notice.issue} 的《{notice.title}》使用："
            "同一文件不能收入两期，请核对字号或先在后台处理那件文件。"
        )
    published = parsed.published_on or (issue.published_on if issue is not None else None)
    for parsed_notice in parsed.notices:
        signed = parsed_notice.signed_on
        if signed and published and signed > published:
            problems.append(
                f"《{parsed_notice.title}》的成文日期 {signed:%Y年%m月%d日} 晚于本期出版日期 "
                f"{published:%Y年%m月%d日}：请核对日期。"
            )
    return problems


def publication_problems(issue: Issue) -> list[str]:
    """What must be put right before `issue` may be published."""
    problems = []
    notices = list(issue.notices.order_by("order"))
    if not notices:
        problems.append(f"{issue} 还没有任何文件，不能发布。")
    for notice in notices:
        name = f"第{notice.order}件文件" + (f"《{notice.title}》" if notice.title.strip() else "")
        if not notice.title.strip():
            problems.append(f"{name}没有标题。")
        if notice.signed_on is None:
            problems.append(f"{name}没有成文日期。")
        elif notice.signed_on > issue.published_on:
            problems.append(f"{name}的成文日期晚于本期出版日期。")
    for ext in notice_extensions():
        problems += ext.publication_problems(issue)
    if issue.import_warnings and issue.warnings_acknowledged_at is None:
        problems.append(
            f"导入时有 {len(issue.import_warnings)} 条提示尚未确认：请逐条核对，"
            "由审核发布人员在刊期页面确认后再发布。"
        )
    return problems
