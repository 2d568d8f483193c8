"""Revisions of published issues, the corrections they make public, and removed notices.

A published issue is never written over: a new text of it (an import, CLI or admin) becomes a
`Revision` held beside it, which a 审核发布 user publishes (documents.services.revision_publish).
Publishing applies it to the issue in place — notices keep their ids and URLs — and records a
`Correction` on every published notice it changes, and a `RemovedNotice` for every notice it
takes out, whose URL then answers 410 with the note instead of a bare 404.
"""

from __future__ import annotations

import hashlib

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from documents.models.issues import Issue, ScheduledPublication, staff_link
from documents.models.notices import Notice


class RevisionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审核")
    PUBLISHED = "published", _("已发布")
    DISCARDED = "discarded", _("已放弃")


OPEN_REVISION_STATUSES = (RevisionStatus.DRAFT, RevisionStatus.SUBMITTED)


class RevisionQuerySet(models.QuerySet):
    def open(self) -> RevisionQuerySet:
        """Revisions still waiting: drafts and those submitted for review."""
        return self.filter(status__in=OPEN_REVISION_STATUSES)

    def queue(self) -> RevisionQuerySet:
        """What a publisher reviews: submitted revisions, oldest submission first."""
        return (
            self.filter(status=RevisionStatus.SUBMITTED)
            .select_related("issue", "created_by", "submitted_by")
            .order_by("submitted_at", "pk")
        )

    def due(self, now) -> RevisionQuerySet:
        """Open revisions a publisher scheduled, whose time has come."""
        return self.open().filter(publish_at__lte=now, scheduled_by__isnull=False)


class Revision(ScheduledPublication):
    issue = models.ForeignKey(
        Issue, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("刊期")
    )
    source = models.TextField(
        _("修订文本"), blank=True, help_text=_("导入的公报全文，发布时据此更新刊期。")
    )
    # Staff's corrections of the issue's published notices, attachments and tables, applied
    # after the text: [{"model": "notice", "pk": 7, "fields": {"title": "…"}}]
    # (documents.services.PROPOSABLE_FIELDS says which fields).
    edits = models.JSONField(_("人工更正"), default=list, blank=True, editable=False)
    source_name = models.CharField(_("文件名"), max_length=255, blank=True)
    # The printed page of each line of `source` (a PDF's folios), so publishing keeps pages.
    pages = models.JSONField(_("页码"), default=list, blank=True, editable=False)
    # Single documents added to the issue, each parsed on its own when the revision is
    # published: [{"name": "46号令.docx", "text": "…", "pages": [1, 1, …]}]. They add or
    # update notices; nothing else of the issue is removed.
    documents = models.JSONField(_("新增文件"), default=list, blank=True, editable=False)
    digest = models.CharField(_("文本摘要"), max_length=64, editable=False)
    status = models.CharField(
        _("状态"), max_length=16, choices=RevisionStatus, default=RevisionStatus.DRAFT
    )
    note = models.TextField(
        _("修订说明"), blank=True, help_text=_("提交审核时写明改了什么、为什么。")
    )
    keep_hand_edits = models.BooleanField(
        _("保留人工修改"),
        default=True,
        help_text=_("工作人员在上次导入后手工改过的字段，发布时保留人工修改的内容。"),
    )
    # What publishing would change, as computed when the revision was made (the review page
    # computes it again against the issue as it is then): see documents.importer.changes.
    changes = models.JSONField(_("变更摘要"), default=dict, blank=True, editable=False)
    warnings = models.JSONField(_("导入提示"), default=list, blank=True, editable=False)
    created_by = staff_link(_("导入人"))
    created_at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    submitted_by = staff_link(_("提交人"))
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True, editable=False)
    published_by = staff_link(_("发布人"))
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, editable=False)

    objects = RevisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("刊期修订稿")
        verbose_name_plural = _("刊期修订稿")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=RevisionStatus.PUBLISHED) | Q(published_at__isnull=False),
                name="revision_published_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status=RevisionStatus.SUBMITTED) | Q(submitted_at__isnull=False),
                name="revision_submitted_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.issue} 修订稿 {self.pk or ''}".strip()

    def save(self, *args, **kwargs):
        self.digest = hashlib.sha256(self.source.encode()).hexdigest()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("admin:documents_revision_change", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REVISION_STATUSES


class Correction(models.Model):
    """A published correction (更正) of a notice: when, and what changed, in words."""

    notice = models.ForeignKey(
        Notice, on_delete=models.CASCADE, related_name="corrections", verbose_name=_("文件")
    )
    revision = models.ForeignKey(
        Revision,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("修订稿"),
    )
    published_at = models.DateTimeField(_("更正时间"))
    description = models.CharField(_("更正内容"), max_length=1000)

    history = HistoricalRecords(verbose_name=_("更正修改记录"))

    class Meta:
        verbose_name = _("更正")
        verbose_name_plural = _("更正")
        ordering = ["notice", "published_at", "pk"]

    def __str__(self) -> str:
        return f"{self.notice}：{self.description}"


class RemovedNotice(models.Model):
    """A published notice a revision took out: its URL answers 410 with this note."""

    notice_id = models.PositiveIntegerField(_("原文件编号"), unique=True)
    issue = models.ForeignKey(
        Issue, on_delete=models.CASCADE, related_name="removed_notices", verbose_name=_("刊期")
    )
    title = models.CharField(_("标题"), max_length=500)
    doc_number = models.CharField(_("发文字号"), max_length=64, blank=True)
    removed_at = models.DateTimeField(_("撤下时间"))
    note = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("已撤下的文件")
        verbose_name_plural = _("已撤下的文件")
        ordering = ["-removed_at"]

    def __str__(self) -> str:
        return self.title
