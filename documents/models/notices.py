"""The notices in an issue, and what they contain: attachments, tables, citations."""

from __future__ import annotations

import datetime
import functools
import operator

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from documents.docnumbers import DocNumber, DocNumberError, parse_doc_number, within_one_edit
from documents.extensions import notice_extensions
from documents.importer.structure import structure_of
from documents.models.issues import FIRST_YEAR, Issue, PublicationStatus, Validity
from documents.models.units import LeadingGroup, Unit
from documents.text import (
    DOCUMENT_KINDS,
    Block,
    BodyOutline,
    PartOutline,
    body_blocks,
    body_outline,
    chinese_date,
    part_outline,
)


def current_validity(today: datetime.date) -> Case:
    """The validity on `today`: repealed (废止) by a published notice, else the stored one when
    it is not 有效, else expired (失效) past ``expires_on``, else in force. An expression on the
    fields ``doc_number``, ``validity`` and ``expires_on``, which a notice and its search index
    row (SearchEntry) both have: the search filters and counts by this very rule."""
    repealed = (
        Citation.objects.filter(kind=Citation.Kind.REPEALS, notice__in=Notice.objects.published())
        .exclude(doc_number="")
        .values("doc_number")
    )
    return Case(
        When(doc_number__in=repealed, then=Value(Validity.REPEALED)),
        When(~Q(validity=Validity.IN_FORCE), then=F("validity")),
        When(expires_on__lt=today, then=Value(Validity.EXPIRED)),
        default=Value(Validity.IN_FORCE),
        output_field=models.CharField(),
    )


class NoticeQuerySet(models.QuerySet):
    def published(self) -> NoticeQuerySet:
        """Notices in published issues: the only door for every public page, feed and search."""
        return self.filter(issue__status=PublicationStatus.PUBLISHED)

    def with_doc_number(self, text: str) -> NoticeQuerySet:
        """Notices whose document number is `text` in any form people type; none if not one."""
        try:
            number = parse_doc_number(text)
        except DocNumberError:
            return self.none()
        return self.filter(doc_number=number.canonical)

    def near_doc_number(self, number: DocNumber) -> NoticeQuerySet:
        """Notices with `number`'s year and serial whose agency code is within one edit of its
        code (``within_one_edit``): what 咸政办〔2022〕29号 may have meant. The codes come from
        the index on (agency_code, year, serial), never from the notices' text."""
        same = self.filter(year=number.year, serial=number.serial)
        codes = same.order_by().values_list("agency_code", flat=True).distinct()
        near = [code for code in codes if within_one_edit(code, number.agency_code)]
        return same.filter(agency_code__in=near)

    def with_validity(self, today: datetime.date | None = None) -> NoticeQuerySet:
        """Annotate `current_validity` (see ``current_validity``)."""
        return self.annotate(current_validity=current_validity(today or timezone.localdate()))

    def for_detail(self) -> NoticeQuerySet:
        """What a notice page shows, fetched in a fixed number of queries. The groups the
        notice sets up come as `top_groups`, each with its subgroups (LeadingGroup.parent)."""
        return self.for_page().prefetch_related(*self.text_prefetches())

    def for_page(self) -> NoticeQuerySet:
        """What a notice page draws around its text (documents.rendering): the validity and
        the issue."""
        return self.with_validity().select_related("issue")

    @staticmethod
    def text_prefetches() -> list[models.Prefetch | str]:
        """The related rows a notice's text is rendered from (for_detail, or
        prefetch_related_objects on a notice in hand)."""
        return [
            models.Prefetch("attachments", queryset=Attachment.objects.order_by("order")),
            models.Prefetch("tables", queryset=Table.objects.order_by("order")),
            models.Prefetch(
                "leading_groups",
                queryset=LeadingGroup.objects.top_level().for_display(),
                to_attr="top_groups",
            ),
            "citations",
            "corrections",
        ]

    def newest_first(self) -> NoticeQuerySet:
        """Newest issue first, then the newest signing date; with the issue for the row."""
        return self.select_related("issue").order_by(
            "-issue__published_on", "-issue__number", "-signed_on", "-pk"
        )

    def year_index(self, year: int) -> NoticeQuerySet:
        """The year's cumulative index (年度总目录), as gazettes print it at year end: the
        notices of the year's issues by issuer (发文机关), then by kind (文种, in the order of
        DOCUMENT_KINDS, those without one last), then by their number's year and serial (those
        without a number last), then by title; with the issue each is printed in."""
        kind_order = Case(
            *(When(kind=kind, then=Value(i)) for i, kind in enumerate(DOCUMENT_KINDS)),
            default=Value(len(DOCUMENT_KINDS)),
        )
        return (
            self.filter(issue__year=year)
            .select_related("issue")
            .order_by(
                "issuer",
                kind_order,
                F("year").asc(nulls_last=True),
                F("serial").asc(nulls_last=True),
                "title",
                "pk",
            )
        )

    def citing(self, doc_number: str | None, kind: str) -> NoticeQuerySet:
        """Notices that cite (or repeal, by `kind`) the given canonical document number, with
        their issue (a row shows it)."""
        if not doc_number:
            return self.none()
        return (
            self.filter(citations__doc_number=doc_number, citations__kind=kind)
            .distinct()
            .select_related("issue")
        )

    def by_doc_numbers(self, numbers) -> dict[str, Notice]:
        """{canonical number: notice} for those of `numbers` that this queryset holds."""
        wanted = {n for n in numbers if n}
        if not wanted:
            return {}
        return {n.doc_number: n for n in self.filter(doc_number__in=wanted).select_related("issue")}

    def for_unit(self, unit: Unit) -> NoticeQuerySet:
        """Notices that give the unit a role in a leading group, or in what an extension adds
        (projects' project and task lists).

        Subqueries, not joins: joining a notice's projects, tasks and groups multiplies their
        rows (36 projects × 32 tasks × 11 groups × their units for one notice of the sample)."""
        roles = [Exists(LeadingGroup.objects.filter(notice=OuterRef("pk"), memberships__unit=unit))]
        roles += [role for ext in notice_extensions() for role in ext.unit_roles(unit)]
        return self.filter(functools.reduce(operator.or_, roles))


class Notice(models.Model):
    issue = models.ForeignKey(
        Issue, on_delete=models.CASCADE, related_name="notices", verbose_name=_("刊期")
    )
    order = models.PositiveSmallIntegerField(_("刊内顺序"), default=1)
    section = models.CharField(
        _("目录栏目"), max_length=100, blank=True, help_text=_("如：市政府及市政府办公室文件")
    )
    page = models.PositiveSmallIntegerField(
        _("起始页码"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    title = models.CharField(_("标题"), max_length=500)
    doc_number = models.CharField(
        _("发文字号"),
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text=_("可按任意常见写法输入，如 咸政办发[2022]29号，保存为 咸政办发〔2022〕29号。"),
        error_messages={"unique": _("已有文件使用这个发文字号。")},
    )
    agency_code = models.CharField(_("机关代字"), max_length=20, blank=True, editable=False)
    year = models.PositiveSmallIntegerField(_("发文年份"), null=True, blank=True, editable=False)
    serial = models.PositiveIntegerField(_("发文序号"), null=True, blank=True, editable=False)
    issuer = models.CharField(_("发文机关"), max_length=100, db_index=True)
    addressees = models.TextField(_("主送机关"), blank=True)
    kind = models.CharField(
        _("文种"),
        max_length=4,
        blank=True,
        choices=[(kind, kind) for kind in DOCUMENT_KINDS],
        help_text=_("导入时由标题（或“…令第N号”的字号）得出，如：通知、意见、令。"),
    )
    disclosure = models.CharField(
        _("公开方式"),
        max_length=20,
        blank=True,
        help_text=_("如：主动公开、公开发布（印在成文日期下）"),
    )
    normative = models.BooleanField(
        _("行政规范性文件"),
        default=False,
        help_text=_("按规范性文件编号（如 咸政规〔2023〕1号）发布的文件。"),
    )
    signer = models.CharField(
        _("签署人"), max_length=40, blank=True, help_text=_("令的签署：如“市长 王某某”。")
    )
    # The 政府信息公开 page's fields (索引号, 主题分类) when the document was imported from one.
    index_number = models.CharField(_("索引号"), max_length=60, blank=True)
    topic = models.CharField(_("主题分类"), max_length=100, blank=True)
    signed_on = models.DateField(_("成文日期"), null=True, blank=True)
    effective_on = models.DateField(
        _("施行日期"), null=True, blank=True, help_text=_("留空表示自印发之日起施行。")
    )
    valid_years = models.PositiveSmallIntegerField(
        _("有效期（年）"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    expires_on = models.GeneratedField(
        verbose_name=_("有效期至"),
        expression=models.Func(
            Coalesce("effective_on", "signed_on"),
            "valid_years",
            function="notice_expiry",
            output_field=models.DateField(),
        ),
        output_field=models.DateField(),
        db_persist=True,
    )
    validity = models.CharField(
        _("效力状态（人工）"),
        max_length=16,
        choices=Validity,
        default=Validity.IN_FORCE,
        help_text=_("被本站收录的文件废止时自动显示为已废止；其他情况在此标注并说明理由。"),
    )
    validity_note = models.CharField(_("效力说明"), max_length=300, blank=True)
    body = models.TextField(_("正文"), blank=True, help_text=_("每段一行。"))
    # The parser's structure of the body, one entry per line of `body`:
    # [{"kind": "article", "number": "第十四条", "anchor": "第十四条"}, …]
    # (documents.importer.structure); rebuilt by the same rules when staff edit the body.
    structure = models.JSONField(_("正文结构"), default=list, blank=True, editable=False)
    # The grand total line its list prints (合计：事项 32 项、项目 36 个，总投资 619.53 亿元):
    # {"tasks": 32, "projects": 36, "investment_yi": "619.53"}; publishing checks the list still
    # adds up to it (documents.extensions: NoticeExtension.publication_problems).
    printed_totals = models.JSONField(_("清单印刷合计"), default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    # expires_on is computed by the database; the history keeps what staff typed.
    history = HistoricalRecords(verbose_name=_("文件修改记录"), excluded_fields=["expires_on"])
    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("文件")
        verbose_name_plural = _("文件")
        ordering = ["issue__year", "issue__number", "order"]
        indexes = [
            models.Index(fields=["agency_code", "year", "serial"], name="notice_doc_parts"),
            models.Index(fields=["-signed_on"], name="notice_signed_on"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "order"],
                name="notice_issue_order_unique",
                violation_error_message=_("同一期中已有文件使用这个顺序号。"),
            ),
            models.CheckConstraint(condition=Q(page__gte=1), name="notice_page_positive"),
            models.CheckConstraint(
                condition=(
                    Q(doc_number__isnull=True, year__isnull=True, serial__isnull=True)
                    | Q(doc_number__isnull=False, serial__isnull=False, serial__gte=1)
                ),
                name="notice_doc_number_parts",
            ),
            models.CheckConstraint(
                condition=Q(signed_on__gte=datetime.date(FIRST_YEAR, 1, 1)),
                name="notice_signed_on_sensible",
            ),
            models.CheckConstraint(
                condition=Q(valid_years__gte=1, valid_years__lte=100),
                name="notice_valid_years_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.doc_number}）" if self.doc_number else self.title

    def get_absolute_url(self) -> str:
        return reverse("documents:notice_detail", args=[self.pk])

    def clean(self) -> None:
        self.set_doc_number(self.doc_number)
        if self.signed_on and self.issue_id and self.signed_on > self.issue.published_on:
            raise ValidationError({"signed_on": _("成文日期晚于本期出版日期，请核对。")})

    def set_doc_number(self, text: str | None) -> None:
        """Store the canonical form of `text` and its parts; a clear error if it is not one."""
        if not text or not text.strip():
            self.doc_number, self.agency_code, self.year, self.serial = None, "", None, None
            return
        try:
            number = parse_doc_number(text)
        except DocNumberError as error:
            raise ValidationError({"doc_number": str(error)}) from error
        self.doc_number = number.canonical
        self.agency_code, self.year, self.serial = number.agency_code, number.year, number.serial

    def blocks(self) -> list[Block]:
        """The body's lines with what the parser found them to be: the stored structure, or
        where it does not fit the body (a row stored before structures were kept) the body
        read again by the parser's rules."""
        return body_blocks(self.body, structure_of(self.body, self.structure))

    def outline(self) -> BodyOutline:
        """The body as the notice page shows it (letter, enclosed title, enclosed document)."""
        return body_outline(self.blocks())

    @property
    def starts_on(self) -> datetime.date | None:
        return self.effective_on or self.signed_on

    def validity_label(self) -> str:
        """有效 / 已失效 / 已废止, for the current validity (needs `with_validity()`)."""
        return str(Validity(getattr(self, "current_validity", self.validity)).label)

    def validity_explanation(self) -> str:
        """Why the notice has its current validity (needs `with_validity()`)."""
        status = getattr(self, "current_validity", self.validity)
        if status == Validity.REPEALED:
            return self.validity_note or "已被本站收录的文件废止，见下方“废止本文件的文件”。"
        if status == Validity.EXPIRED:
            if self.validity_note:
                return self.validity_note
            if self.expires_on is None:  # marked expired by hand, without a period
                return "已失效。"
            return f"有效期{self.valid_years}年，已于{chinese_date(self.expires_on)}届满。"
        parts = []
        if self.starts_on:
            parts.append(f"自{chinese_date(self.starts_on)}起施行")
        if self.expires_on:
            parts.append(f"有效期{self.valid_years}年，至{chinese_date(self.expires_on)}")
        return "，".join(parts) + "。" if parts else ""


class Attachment(models.Model):
    notice = models.ForeignKey(
        Notice, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("文件")
    )
    order = models.PositiveSmallIntegerField(_("顺序"), default=1)
    label = models.CharField(_("附件编号"), max_length=20, help_text=_("如：附件1、附件3.1、附录"))
    title = models.CharField(_("标题"), max_length=500, blank=True)
    body = models.TextField(_("正文"), blank=True)
    structure = models.JSONField(_("正文结构"), default=list, blank=True, editable=False)

    history = HistoricalRecords(verbose_name=_("附件修改记录"))

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["notice", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "label"],
                name="attachment_label_unique",
                violation_error_message=_("同一文件中已有这个附件编号。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.title}".strip()

    def blocks(self) -> list[Block]:
        """The body's lines with what the parser found them to be (as Notice.blocks)."""
        return body_blocks(self.body, structure_of(self.body, self.structure))

    def outline(self) -> PartOutline:
        """The body as the notice page shows it, headings nested under the attachment's, ids
        starting with its label (附件2, 附件2-一)."""
        return part_outline(self.label or f"附件{self.order}", self.blocks())


class Table(models.Model):
    """A table printed in a notice or one of its attachments, as rows of cells."""

    notice = models.ForeignKey(
        Notice, on_delete=models.CASCADE, related_name="tables", verbose_name=_("文件")
    )
    attachment = models.ForeignKey(
        Attachment,
        on_delete=models.CASCADE,
        related_name="tables",
        null=True,
        blank=True,
        verbose_name=_("所在附件"),
    )
    order = models.PositiveSmallIntegerField(_("顺序"), default=1)
    title = models.CharField(_("表名"), max_length=300, blank=True)
    header = models.JSONField(_("表头"), default=list, blank=True)
    rows = models.JSONField(_("数据行"), default=list, blank=True)

    history = HistoricalRecords(verbose_name=_("表格修改记录"))

    class Meta:
        verbose_name = _("表格")
        verbose_name_plural = _("表格")
        ordering = ["notice", "order"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "order"], name="table_order_unique"),
        ]

    def __str__(self) -> str:
        return self.title or f"表格 {self.order}"

    def clean(self) -> None:
        if not isinstance(self.header, list) or not all(isinstance(c, str) for c in self.header):
            raise ValidationError({"header": _('表头应为文字列表，如 ["序号", "名称"]。')})
        if not isinstance(self.rows, list) or not all(
            isinstance(row, list) and all(isinstance(c, str) for c in row) for row in self.rows
        ):
            raise ValidationError({"rows": _("数据行应为列表的列表，每个单元格为文字。")})

    @property
    def width(self) -> int:
        return max([len(self.header), *(len(row) for row in self.rows)], default=0)

    def padded_rows(self) -> list[list[str]]:
        """Rows padded to the table's width, so every row renders the same number of cells."""
        width = self.width
        return [list(row) + [""] * (width - len(row)) for row in self.rows]


class Citation(models.Model):
    """A document number a notice cites or repeals.

    The cited notice is found by its number when the page is built, not stored: a notice
    entered later resolves every earlier citation of its number without any update.
    """

    class Kind(models.TextChoices):
        CITES = "cites", _("引用")
        REPEALS = "repeals", _("废止")

    notice = models.ForeignKey(
        Notice, on_delete=models.CASCADE, related_name="citations", verbose_name=_("文件")
    )
    kind = models.CharField(_("关系"), max_length=10, choices=Kind, default=Kind.CITES)
    doc_number = models.CharField(_("被引文件字号"), max_length=64, blank=True, db_index=True)
    cited_title = models.CharField(_("被引文件标题"), max_length=500, blank=True)

    history = HistoricalRecords(verbose_name=_("引用修改记录"))

    class Meta:
        verbose_name = _("引用或废止")
        verbose_name_plural = _("引用与废止")
        ordering = ["notice", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "kind", "doc_number", "cited_title"],
                name="citation_unique",
                violation_error_message=_("这条引用已经录入。"),
            ),
            models.CheckConstraint(
                condition=~Q(doc_number="") | ~Q(cited_title=""),
                name="citation_has_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.doc_number or self.cited_title}"

    def clean(self) -> None:
        if self.doc_number:
            try:
                self.doc_number = parse_doc_number(self.doc_number).canonical
            except DocNumberError as error:
                raise ValidationError({"doc_number": str(error)}) from error
        if not self.doc_number and not self.cited_title:
            # On a field, so the form shows this once, not also the constraint's bare name.
            raise ValidationError({"doc_number": _("请填写被引文件的发文字号或标题。")})


# --- Units and leading groups -----------------------------------------------------------------
