"""Issues of the gazette, and the statuses shared by issues and notices."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from documents.limits import FIRST_YEAR, LAST_YEAR, MAX_PDF_BYTES, MEGABYTE
from documents.validators import validate_pdf


class PublicationStatus(models.TextChoices):
    """An issue's place in the workflow: 草稿 → 待审核 → 已发布, and 已撤回 once withdrawn
    (which keeps its first publication time; only 已发布 is public)."""

    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审核")
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤回")


class Validity(models.TextChoices):
    IN_FORCE = "in_force", _("有效")
    EXPIRED = "expired", _("已失效")
    REPEALED = "repealed", _("已废止")


# --- What issues and revisions share ------------------------------------------------------------


def staff_link(verbose_name) -> models.ForeignKey:
    """Who did something to a record (set by the services; empty if the account goes)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=verbose_name,
    )


class ScheduledPublication(models.Model):
    """A publication time a 审核发布 user set: ``manage.py publish_due`` publishes then, as
    that user (documents.services.issue_schedule, revision_schedule)."""

    publish_at = models.DateTimeField(
        _("定时发布"),
        null=True,
        blank=True,
        help_text=_(
            "由审核发布人员填写：到时由定时任务（manage.py publish_due）发布；留空则手动发布。"
        ),
    )
    scheduled_by = staff_link(_("定时发布人"))

    class Meta:
        abstract = True


# --- Issues -----------------------------------------------------------------------------------


def standing_sponsor() -> str:
    """A new issue's 主办: the standing masthead's (settings.GAZETTE_MASTHEAD, which the footer
    shows too)."""
    return settings.GAZETTE_MASTHEAD["sponsor"]


def standing_publisher() -> str:
    """A new issue's 编辑出版: the standing masthead's."""
    return settings.GAZETTE_MASTHEAD["publisher"]


class IssueQuerySet(models.QuerySet):
    # The rule: only published issues are public (the search excludes the others by it, on the
    # partial index issue_unpublished_ids).
    PUBLISHED = Q(status=PublicationStatus.PUBLISHED)

    def published(self) -> IssueQuerySet:
        """Issues the public may see. The only door to public pages, feeds and search."""
        return self.filter(self.PUBLISHED)

    def withdrawn(self) -> IssueQuerySet:
        """Issues that were public and were withdrawn: their pages answer 410 with the reason."""
        return self.filter(status=PublicationStatus.WITHDRAWN)

    def due(self, now) -> IssueQuerySet:
        """Unpublished issues a publisher scheduled, whose time has come."""
        return self.exclude(status=PublicationStatus.PUBLISHED).filter(
            publish_at__lte=now, scheduled_by__isnull=False
        )

    def latest_first(self) -> IssueQuerySet:
        return self.order_by("-year", "-number")

    def with_contents(self) -> IssueQuerySet:
        """Issues with their notices in printed order (the table of contents: Notice's Meta
        ordering), in one query."""
        return self.prefetch_related("notices")


def issue_pdf_path(issue: Issue, filename: str) -> str:
    """Stored name of an issue's PDF: from the issue, never from the uploader's file name."""
    return f"issues/xianning-gazette-{issue.year}-{issue.number:02d}.pdf"


class Issue(ScheduledPublication):
    year = models.PositiveSmallIntegerField(
        _("年份"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    number = models.PositiveSmallIntegerField(
        _("期号（年内第几号）"), validators=[MinValueValidator(1), MaxValueValidator(99)]
    )
    total_number = models.PositiveIntegerField(
        _("总期号（总第几号）"), unique=True, validators=[MinValueValidator(1)]
    )
    published_on = models.DateField(_("出版日期"))
    sponsor = models.CharField(_("主办"), max_length=100, blank=True, default=standing_sponsor)
    publisher = models.CharField(
        _("编辑出版"), max_length=100, blank=True, default=standing_publisher
    )
    phone = models.CharField(_("电话"), max_length=50, blank=True)
    email = models.EmailField(_("邮箱"), blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    postcode = models.CharField(_("邮政编码"), max_length=10, blank=True)
    permit_number = models.CharField(_("准印证号"), max_length=100, blank=True)
    pdf = models.FileField(
        _("PDF 版"),
        upload_to=issue_pdf_path,
        blank=True,
        validators=[validate_pdf],
        help_text=_(
            f"公报的 PDF 版，不超过 {MAX_PDF_BYTES // MEGABYTE} MB。"
            "公开页面经由本站下载，文件名由刊期决定。"
        ),
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=PublicationStatus, default=PublicationStatus.DRAFT
    )
    published_at = models.DateTimeField(_("首次发布时间"), null=True, blank=True, editable=False)
    review_note = models.TextField(
        _("提交说明"), blank=True, help_text=_("提交审核时写明本期要审核的内容。")
    )
    submitted_at = models.DateTimeField(_("提交审核时间"), null=True, blank=True, editable=False)
    submitted_by = staff_link(_("提交人"))
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True, editable=False)
    withdrawn_reason = models.CharField(
        _("撤回原因"), max_length=300, blank=True, help_text=_("公开页面上向公众说明。")
    )
    # The last import's warnings: they block publishing until a publisher acknowledges them.
    import_warnings = models.JSONField(_("导入提示"), default=list, blank=True, editable=False)
    warnings_acknowledged_at = models.DateTimeField(
        _("提示确认时间"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    history = HistoricalRecords(verbose_name=_("刊期修改记录"))
    objects = IssueQuerySet.as_manager()

    class Meta:
        verbose_name = _("刊期")
        verbose_name_plural = _("刊期")
        ordering = ["-year", "-number"]
        permissions = [("publish_issue", _("可以发布或撤回刊期"))]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "number"],
                name="issue_year_number_unique",
                violation_error_message=_("该年份的这一期号已经存在。"),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR),
                name="issue_year_range",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="issue_number_positive"),
            models.CheckConstraint(
                condition=Q(total_number__gte=1), name="issue_total_number_positive"
            ),
            models.CheckConstraint(
                condition=Q(published_on__gte=datetime.date(FIRST_YEAR, 1, 1)),
                name="issue_published_on_sensible",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[PublicationStatus.DRAFT, PublicationStatus.SUBMITTED])
                | Q(published_at__isnull=False),
                name="issue_published_has_time",
            ),
        ]
        indexes = [
            # Every search statement reads the ids of unpublished issues (few, whatever the
            # archive's size): one probe of this index instead of a scan of every issue.
            models.Index(
                fields=["id"],
                condition=~Q(status=PublicationStatus.PUBLISHED),
                name="issue_unpublished_ids",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年第{self.number}号（总第{self.total_number}号）"

    def get_absolute_url(self) -> str:
        return reverse("documents:issue_detail", args=[self.year, self.number])

    def clean(self) -> None:
        if self.published_on and self.year and abs(self.published_on.year - self.year) > 1:
            raise ValidationError({"published_on": _("出版日期与年份相差过大，请核对。")})

    @property
    def is_published(self) -> bool:
        return self.status == PublicationStatus.PUBLISHED

    def publication_time(self) -> datetime.datetime:
        """When the issue came out, for feeds and page metadata: its publication date (出版日期),
        at the time it was first published on the site if that was the same day, else at the
        day's start. A back issue imported years later keeps its printed date."""
        if self.published_at and timezone.localdate(self.published_at) == self.published_on:
            return self.published_at
        return datetime.datetime.combine(
            self.published_on, datetime.time.min, tzinfo=timezone.get_current_timezone()
        )

    def masthead(self) -> dict[str, str]:
        return {
            "sponsor": self.sponsor,
            "publisher": self.publisher,
            "phone": self.phone,
            "email": self.email,
            "address": self.address,
            "postcode": self.postcode,
            "permit_number": self.permit_number,
        }


# --- Notices ----------------------------------------------------------------------------------
