"""Issues of the gazette, the notices in them, and what the notices contain or set up."""

from __future__ import annotations

import datetime

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from documents.docnumbers import DocNumberError, parse_doc_number
from documents.text import (
    BodyOutline,
    OutlineBlock,
    body_blocks,
    body_outline,
    normalize_person_name,
    outline_blocks,
)
from documents.validators import validate_pdf

FIRST_YEAR = 1949
LAST_YEAR = 2100


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


class Validity(models.TextChoices):
    IN_FORCE = "in_force", _("有效")
    EXPIRED = "expired", _("已失效")
    REPEALED = "repealed", _("已废止")


# --- Issues -----------------------------------------------------------------------------------


class IssueQuerySet(models.QuerySet):
    def published(self) -> IssueQuerySet:
        """Issues the public may see. The only door to public pages, feeds and search."""
        return self.filter(status=PublicationStatus.PUBLISHED)

    def latest_first(self) -> IssueQuerySet:
        return self.order_by("-year", "-number")

    def with_contents(self) -> IssueQuerySet:
        """Issues with their notices in printed order (the table of contents), in one query."""
        return self.prefetch_related(
            models.Prefetch("notices", queryset=Notice.objects.order_by("order"))
        )


def issue_pdf_path(issue: Issue, filename: str) -> str:
    """Stored name of an issue's PDF: from the issue, never from the uploader's file name."""
    return f"issues/xianning-gazette-{issue.year}-{issue.number:02d}.pdf"


class Issue(models.Model):
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
    sponsor = models.CharField(_("主办"), max_length=100, blank=True, default="咸宁市人民政府")
    publisher = models.CharField(
        _("编辑出版"), max_length=100, blank=True, default="咸宁市人民政府办公室"
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
        help_text=_("公报的 PDF 版，不超过 50 MB。公开页面经由本站下载，文件名由刊期决定。"),
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=PublicationStatus, default=PublicationStatus.DRAFT
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, editable=False)
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
                condition=Q(status=PublicationStatus.DRAFT) | Q(published_at__isnull=False),
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

    def with_validity(self, today: datetime.date | None = None) -> NoticeQuerySet:
        """Annotate `current_validity`: repealed by a published notice, else stored, else expiry."""
        today = today or timezone.localdate()
        repealing = Citation.objects.filter(
            kind=Citation.Kind.REPEALS,
            doc_number=OuterRef("doc_number"),
            notice__issue__status=PublicationStatus.PUBLISHED,
        )
        return self.annotate(
            repealed_by_notice=Exists(repealing),
        ).annotate(
            current_validity=Case(
                When(repealed_by_notice=True, then=Value(Validity.REPEALED)),
                When(~Q(validity=Validity.IN_FORCE), then=F("validity")),
                When(expires_on__lt=today, then=Value(Validity.EXPIRED)),
                default=Value(Validity.IN_FORCE),
                output_field=models.CharField(),
            )
        )

    def for_detail(self) -> NoticeQuerySet:
        """What a notice page shows, fetched in a fixed number of queries. The groups the
        notice sets up come as `top_groups`, each with its subgroups (LeadingGroup.parent)."""
        return (
            self.with_validity()
            .select_related("issue")
            .prefetch_related(
                models.Prefetch("attachments", queryset=Attachment.objects.order_by("order")),
                models.Prefetch("tables", queryset=Table.objects.order_by("order")),
                models.Prefetch(
                    "leading_groups",
                    queryset=LeadingGroup.objects.top_level().for_display(),
                    to_attr="top_groups",
                ),
                "citations",
            )
        )

    def newest_first(self) -> NoticeQuerySet:
        """Newest issue first, then the newest signing date; with the issue for the row."""
        return self.select_related("issue").order_by(
            "-issue__published_on", "-issue__number", "-signed_on", "-pk"
        )

    def year_index(self, year: int) -> NoticeQuerySet:
        """The year's cumulative index (年度总目录): its notices by issuer, then as printed."""
        return (
            self.filter(issue__year=year)
            .select_related("issue")
            .order_by("issuer", "issue__number", "order")
        )

    def listing(self, related_name: str) -> NoticeQuerySet:
        """Notices that list at least one item of `related_name` ("projects" or "tasks"),
        newest first, for the list pages' source-notice filter."""
        related = self.model._meta.get_field(related_name).related_model
        return self.filter(Exists(related.objects.filter(notice=OuterRef("pk")))).order_by(
            "-issue__published_on", "order"
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
        """Notices that give the unit a role in a project, a task or a leading group.

        Subqueries, not joins: joining a notice's projects, tasks and groups multiplies their
        rows (36 projects × 32 tasks × 11 groups × their units for one notice of the sample)."""
        project = self.model._meta.get_field("projects").related_model
        task = self.model._meta.get_field("tasks").related_model
        return self.filter(
            Exists(project.objects.filter(notice=OuterRef("pk"), responsibilities__unit=unit))
            | Exists(task.objects.filter(notice=OuterRef("pk"), responsibilities__unit=unit))
            | Exists(LeadingGroup.objects.filter(notice=OuterRef("pk"), memberships__unit=unit))
        )


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
            models.functions.Coalesce("effective_on", "signed_on"),
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
                    | Q(doc_number__isnull=False, year__isnull=False, serial__gte=1)
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

    def blocks(self):
        return body_blocks(self.body)

    def outline(self) -> BodyOutline:
        """The body as the notice page shows it (letter, enclosed title, enclosed document)."""
        return body_outline(self.body)

    @property
    def starts_on(self) -> datetime.date | None:
        return self.effective_on or self.signed_on

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
            return f"有效期{self.valid_years}年，已于{self.expires_on:%Y年%-m月%-d日}届满。"
        parts = []
        if self.starts_on:
            parts.append(f"自{self.starts_on:%Y年%-m月%-d日}起施行")
        if self.expires_on:
            parts.append(f"有效期{self.valid_years}年，至{self.expires_on:%Y年%-m月%-d日}")
        return "，".join(parts) + "。" if parts else ""


class Attachment(models.Model):
    notice = models.ForeignKey(
        Notice, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("文件")
    )
    order = models.PositiveSmallIntegerField(_("顺序"), default=1)
    label = models.CharField(_("附件编号"), max_length=20, help_text=_("如：附件1、附件3.1、附录"))
    title = models.CharField(_("标题"), max_length=500, blank=True)
    body = models.TextField(_("正文"), blank=True)

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

    def blocks(self):
        return body_blocks(self.body)

    def outline(self) -> list[OutlineBlock]:
        """The body as the notice page shows it, headings nested under the attachment's."""
        return outline_blocks(self.blocks())


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


class UnitKind(models.TextChoices):
    CITY_DEPARTMENT = "city_department", _("市直部门")
    COUNTY_GOVERNMENT = "county_government", _("县市区政府")
    DEVELOPMENT_ZONE = "development_zone", _("开发区")
    FINANCIAL = "financial", _("金融机构")
    STATE_ENTERPRISE = "state_enterprise", _("国有企业")
    SCHOOL_HOSPITAL = "school_hospital", _("学校医院")
    COLLECTIVE = "collective", _("集合")
    OTHER = "other", _("其他")


class UnitQuerySet(models.QuerySet):
    def with_role_counts(self) -> UnitQuerySet:
        """Annotate how many published projects, tasks and group seats each unit has."""
        published = PublicationStatus.PUBLISHED
        return self.annotate(
            project_count=models.Count(
                "responsibilities__project",
                filter=Q(responsibilities__project__notice__issue__status=published),
                distinct=True,
            ),
            task_count=models.Count(
                "responsibilities__task",
                filter=Q(responsibilities__task__notice__issue__status=published),
                distinct=True,
            ),
            group_count=models.Count(
                "memberships__group",
                filter=Q(memberships__group__notice__issue__status=published),
                distinct=True,
            ),
        )

    def public(self) -> UnitQuerySet:
        """Units the public pages show and count: those with a role in a published project or
        task or a seat in a published group. A unit known only from a draft (the importer
        creates one for a name it cannot match) or only from the seeded directory stays out."""
        published = PublicationStatus.PUBLISHED
        with_role = Unit.objects.filter(
            Q(responsibilities__project__notice__issue__status=published)
            | Q(responsibilities__task__notice__issue__status=published)
            | Q(memberships__group__notice__issue__status=published)
        )
        return self.filter(pk__in=with_role.values("pk"))

    def responsible_for(self, related_name: str) -> UnitQuerySet:
        """Units with a role in a published item of `related_name` ("project" or "task"),
        by name, for the list pages' unit filter."""
        published = PublicationStatus.PUBLISHED
        lookup = f"responsibilities__{related_name}__notice__issue__status"
        with_role = Unit.objects.filter(**{lookup: published})
        return self.filter(pk__in=with_role.values("pk")).order_by("short_name", "full_name")

    def in_directory_order(self) -> UnitQuerySet:
        """By kind in the order UnitKind lists them (departments first), then by name."""
        kinds = [When(kind=value, then=Value(index)) for index, value in enumerate(UnitKind.values)]
        return self.annotate(
            kind_order=Case(*kinds, default=Value(len(kinds)), output_field=models.IntegerField())
        ).order_by("kind_order", "full_name")

    def named(self, name: str) -> UnitQuerySet:
        """Units known by `name`: full name, short name or one of their aliases."""
        name = (name or "").strip()
        return self.filter(
            Q(full_name=name) | Q(short_name=name) | Q(aliases__name=name)
        ).distinct()


class Unit(models.Model):
    full_name = models.CharField(_("全称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=50, blank=True, db_index=True)
    kind = models.CharField(_("类别"), max_length=20, choices=UnitKind, default=UnitKind.OTHER)
    needs_review = models.BooleanField(
        _("待核对"),
        default=False,
        help_text=_("导入时未能匹配到已知单位而新建，请核对后取消勾选。"),
    )

    history = HistoricalRecords(verbose_name=_("单位修改记录"))
    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["kind", "full_name"]

    def __str__(self) -> str:
        return self.short_name or self.full_name

    def get_absolute_url(self) -> str:
        return reverse("documents:unit_detail", args=[self.pk])

    @property
    def display_name(self) -> str:
        return self.short_name or self.full_name


class UnitAlias(models.Model):
    """Another name a unit is printed under (an old name, a variant, a known typo)."""

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="aliases", verbose_name=_("单位")
    )
    name = models.CharField(
        _("别名"),
        max_length=100,
        unique=True,
        error_messages={"unique": _("这个别名已属于另一个单位。")},
    )

    class Meta:
        verbose_name = _("单位别名")
        verbose_name_plural = _("单位别名")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LeadingGroupQuerySet(models.QuerySet):
    def published(self) -> LeadingGroupQuerySet:
        return self.filter(notice__issue__status=PublicationStatus.PUBLISHED)

    def top_level(self) -> LeadingGroupQuerySet:
        """Groups that are not a subgroup of another group of the same notice."""
        return self.filter(Q(parent__isnull=True) | ~Q(parent__notice=F("notice")))

    def with_member(self, person_name: str) -> LeadingGroupQuerySet:
        """Groups in which `person_name` (as stored: 杨军) holds a seat."""
        members = Membership.objects.filter(group=OuterRef("pk"), person_name=person_name)
        return self.filter(Exists(members))

    def for_display(self) -> LeadingGroupQuerySet:
        """Groups in printed order with their notice, parent, members in order (with their
        unit) and subgroups (with theirs), in a fixed number of queries."""
        members = models.Prefetch(
            "memberships", queryset=Membership.objects.select_related("unit").order_by("order")
        )
        subgroups = models.Prefetch(
            "subgroups",
            # Only those of the same notice: elsewhere they are top-level groups of their own.
            queryset=LeadingGroup.objects.filter(notice=F("parent__notice"))
            .order_by("order")
            .prefetch_related(members),
        )
        return (
            self.select_related("notice__issue", "parent")
            .prefetch_related(members, subgroups)
            .order_by("-notice__signed_on", "notice", "order")
        )


class LeadingGroup(models.Model):
    notice = models.ForeignKey(
        Notice,
        on_delete=models.CASCADE,
        related_name="leading_groups",
        verbose_name=_("设立文件"),
    )
    order = models.PositiveSmallIntegerField(_("顺序"), default=1)
    name = models.CharField(_("名称"), max_length=200)
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        related_name="subgroups",
        null=True,
        blank=True,
        verbose_name=_("上级机构"),
    )
    office = models.CharField(_("办公室设在"), max_length=200, blank=True)
    duties = models.TextField(_("职责"), blank=True)

    history = HistoricalRecords(verbose_name=_("领导小组修改记录"))
    objects = LeadingGroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("领导小组或指挥部")
        verbose_name_plural = _("领导小组与指挥部")
        ordering = ["notice", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "name"],
                name="leading_group_name_unique",
                violation_error_message=_("同一文件中已有同名机构。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("documents:group_list") + f"#group-{self.pk}"


class MembershipRole(models.TextChoices):
    LEADER = "leader", _("组长")
    DEPUTY_LEADER = "deputy_leader", _("副组长")
    COMMANDER = "commander", _("指挥长")
    DEPUTY_COMMANDER = "deputy_commander", _("副指挥长")
    OFFICE_DIRECTOR = "office_director", _("办公室主任")
    OFFICE_DEPUTY_DIRECTOR = "office_deputy_director", _("办公室副主任")
    MEMBER = "member", _("成员")


class Membership(models.Model):
    group = models.ForeignKey(
        LeadingGroup, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("机构")
    )
    order = models.PositiveSmallIntegerField(_("顺序"), default=1)
    role = models.CharField(
        _("职务"), max_length=30, choices=MembershipRole, default=MembershipRole.MEMBER
    )
    person_name = models.CharField(
        _("姓名"), max_length=30, blank=True, db_index=True, help_text=_("保存时去掉排版空格。")
    )
    position = models.CharField(_("现任职务"), max_length=200, blank=True)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="memberships",
        null=True,
        blank=True,
        verbose_name=_("所在单位"),
    )

    history = HistoricalRecords(verbose_name=_("成员修改记录"))

    class Meta:
        verbose_name = _("成员")
        verbose_name_plural = _("成员")
        ordering = ["group", "order"]
        constraints = [
            models.UniqueConstraint(fields=["group", "order"], name="membership_order_unique"),
            models.CheckConstraint(
                condition=~Q(person_name="") | ~Q(position="") | Q(unit__isnull=False),
                name="membership_names_someone",
            ),
        ]

    def __str__(self) -> str:
        who = self.person_name or self.position or (self.unit and str(self.unit)) or ""
        return f"{self.get_role_display()} {who}".strip()

    def clean(self) -> None:
        self.person_name = normalize_person_name(self.person_name)
        if not self.person_name and not self.position and not self.unit_id:
            # On a field, so the form shows this once, not also the constraint's bare name.
            raise ValidationError({"person_name": _("请至少填写姓名、职务或所在单位之一。")})


# --- Search index -----------------------------------------------------------------------------


class SearchEntry(models.Model):
    """A notice as the search sees it: lexemes, normalised text, facet values.

    Written only by documents.search.index_notices (in the same transaction as the change it
    follows); read only by documents.search. Drafts are indexed too: publishing an issue needs
    no reindex, because every search joins the live publication status of the issue."""

    notice = models.OneToOneField(
        Notice,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_entry",
        verbose_name=_("文件"),
    )
    issue = models.ForeignKey(
        Issue, on_delete=models.CASCADE, related_name="+", verbose_name=_("刊期")
    )
    year = models.PositiveSmallIntegerField(_("刊期年份"))
    issuer = models.CharField(_("发文机关"), max_length=100)
    agency_code = models.CharField(_("机关代字"), max_length=20, blank=True)
    doc_number = models.CharField(_("发文字号"), max_length=64, blank=True)
    validity = models.CharField(_("效力状态（人工）"), max_length=16, choices=Validity)
    expires_on = models.DateField(_("有效期至"), null=True, blank=True)
    signed_on = models.DateField(_("成文日期"), null=True, blank=True)
    date = models.DateField(_("排序日期"), help_text=_("成文日期，缺时用出版日期。"))
    has_projects = models.BooleanField(_("含项目清单"), default=False)
    has_tasks = models.BooleanField(_("含任务清单"), default=False)
    title_text = models.TextField(_("标题与字号（规范化）"), blank=True)
    heading_text = models.TextField(_("附件标题、机构与单位（规范化）"), blank=True)
    search_text = models.TextField(_("全文（规范化）"), blank=True)
    text = models.TextField(_("原文（供摘要）"), blank=True)
    vector = SearchVectorField(_("检索词"), null=True)
    overflow = models.BooleanField(
        _("超长文件"), default=False, help_text=_("检索词超出 tsvector 上限，按全文逐字匹配。")
    )
    indexed_at = models.DateTimeField(_("索引时间"))

    class Meta:
        verbose_name = _("检索索引")
        verbose_name_plural = _("检索索引")
        indexes = [
            GinIndex(fields=["vector"], name="searchentry_vector"),
            models.Index(
                fields=["notice"], condition=Q(overflow=True), name="searchentry_overflow"
            ),
            models.Index(fields=["-date", "-notice"], name="searchentry_date"),
        ]

    def __str__(self) -> str:
        return str(self.notice_id)
