"""Writes that touch several models or carry a rule of the workflow."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from documents.models import Issue, PublicationStatus

PUBLISH_PERMISSION = "documents.publish_issue"


def _check_can_publish(user) -> None:
    if user is not None and not user.has_perm(PUBLISH_PERMISSION):
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
        issue._change_reason = "发布"
        issue.save(update_fields=["status", "published_at", "updated_at"])
    return issue


@transaction.atomic
def issue_unpublish(*, issue: Issue, user=None) -> Issue:
    """Withdraw an issue: it and its notices disappear from every public page again."""
    _check_can_publish(user)
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    if issue.status != PublicationStatus.DRAFT:
        issue.status = PublicationStatus.DRAFT
        issue.published_at = None
        issue._change_reason = "撤回"
        issue.save(update_fields=["status", "published_at", "updated_at"])
    return issue
