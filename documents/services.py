"""Writes that touch several models or carry a rule of the workflow."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from documents.history import set_change_reason
from documents.models import Issue, PublicationStatus
from documents.permissions import PUBLISH_PERMISSION, can_publish, import_touches_public
from gazette_site.cache import content_changed

__all__ = [
    "PUBLISH_PERMISSION",
    "ImportOutcome",
    "issue_import",
    "issue_publish",
    "issue_unpublish",
]


def _check_can_publish(user) -> None:
    if not can_publish(user):
        raise PermissionDenied("只有“审核发布”组的工作人员可以发布或撤回刊期。")


@transaction.atomic
def issue_publish(*, issue: Issue, user=None) -> Issue:
    """Publish an issue: it and every notice in it become visible on all public pages.

    `user` None means a trusted caller (the importer's --publish, a data migration)."""
    _check_can_publish(user)
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    if issue.status != PublicationStatus.PUBLISHED:
        issue.status = PublicationStatus.PUBLISHED
        issue.published_at = timezone.now()
        set_change_reason(issue, "发布")
        issue.save(update_fields=["status", "published_at", "updated_at"])
        content_changed()
    return issue


@transaction.atomic
def issue_unpublish(*, issue: Issue, user=None) -> Issue:
    """Withdraw an issue: it and its notices disappear from every public page again."""
    _check_can_publish(user)
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    if issue.status != PublicationStatus.DRAFT:
        issue.status = PublicationStatus.DRAFT
        issue.published_at = None
        set_change_reason(issue, "撤回")
        issue.save(update_fields=["status", "published_at", "updated_at"])
        content_changed()
    return issue


@dataclass
class ImportOutcome:
    """The parse report (what the file holds) and, unless a dry run, what loading changed."""

    report: dict
    issue: Issue | None = None
    changed: bool = False


def issue_import(
    *,
    data: bytes,
    publish: bool = False,
    dry_run: bool = False,
    user=None,
    progress: Callable[[str], None] | None = None,
) -> ImportOutcome:
    """Turn an issue's text into draft records (or only report on it, with `dry_run`).

    One transaction: the issue, its notices and everything in them are written together, the
    search index with them, and a failure anywhere writes nothing. Raises ImportFormatError
    (a clear Chinese message) when the file is not a readable issue of the gazette, and
    PermissionDenied, also on a dry run, when `user` cannot publish and the import would change
    a published issue (write into it, or move one of its notices out).
    """
    from documents.importer import build_report, decode, parse_issue
    from documents.importer.loader import load_issue

    if publish and not dry_run:
        _check_can_publish(user)
    say = progress or (lambda message: None)
    say("读取文本…")
    text = decode(data)
    say("解析文件结构…")
    parsed = parse_issue(text)
    if not can_publish(user):
        reason = import_touches_public(
            year=parsed.year,
            number=parsed.number,
            total_number=parsed.total_number,
            doc_numbers=parsed.doc_numbers(),
        )
        if reason:
            raise PermissionDenied(f"{reason}只有“审核发布”组的工作人员可以导入已发布的内容。")
    report = build_report(parsed)
    if dry_run:
        return ImportOutcome(report=report)
    with transaction.atomic():
        result = load_issue(parsed, progress=say)
        if publish and result.issue is not None:
            result.issue = issue_publish(issue=result.issue, user=user)
        if result.changed:
            content_changed()
    report["load"] = result.as_dict()
    report["load"]["units_created"] = result.units_created
    if result.units_created:
        report["warnings"].append(
            "以下单位未能匹配到已知单位，已新建并标记为待核对：" + "、".join(result.units_created)
        )
    return ImportOutcome(report=report, issue=result.issue, changed=result.changed)
