"""Project and task lists published in notices, and the units responsible for them."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from documents.limits import FIRST_YEAR, LAST_YEAR
from documents.models import Attachment, Notice, PublicationStatus, Unit
from documents.pinyin import PinyinKeyField, with_pinyin_keys

if TYPE_CHECKING:
    from django.db.models.fields.related_descriptors import RelatedManager


class Role(models.TextChoices):
    LEAD = "lead", _("牵头单位")
    RESPONSIBLE = "responsible", _("责任单位")
    COOPERATING = "cooperating", _("配合单位")


class ListItemQuerySet(models.QuerySet):
    def published(self):
        """Items of notices in published issues: the only door for public pages."""
        return self.filter(notice__issue__status=PublicationStatus.PUBLISHED)

    def for_unit(self, unit: Unit, role: str | None = None):
        """Items the unit has a role in (any role, or the given one).

        A subquery, not a join with distinct(): a unit with two roles in one project must not
        count that project twice in section_totals() and other grouped sums."""
        roles = Responsibility.objects.filter(
            unit=unit, **{self.model._meta.model_name: OuterRef("pk")}
        )
        if role:
            roles = roles.filter(role=role)
        return self.filter(Exists(roles))

    def for_display(self):
        """Rows for a list page: their notice and units fetched up front, in printed order."""
        return (
            self.select_related("notice__issue")
            .prefetch_related(
                models.Prefetch(
                    "responsibilities",
                    queryset=Responsibility.objects.select_related("unit").order_by(
                        "role", "order"
                    ),
                )
            )
            .order_by("notice", "section_order", "number")
        )

    def source_notices(self):
        """The notices these items come from, newest first (the list pages' notice filter)."""
        return Notice.objects.filter(Exists(self.filter(notice=OuterRef("pk")))).order_by(
            "-issue__published_on", "order"
        )

    def sections(self) -> list[str]:
        """The list sections the items sit in, each once, in printed order."""
        rows = self.exclude(section="").order_by("notice", "section_order")
        return list(dict.fromkeys(rows.values_list("section", flat=True)))

    def deadline_years(self) -> list[int]:
        """The completion years the items carry, each once, earliest first."""
        rows = self.filter(deadline_year__isnull=False).order_by("deadline_year")
        return list(rows.values_list("deadline_year", flat=True).distinct())


class ProjectQuerySet(ListItemQuerySet):
    def total_investment(self) -> Decimal:
        """Sum of total investment in 亿元 (projects without a figure count as zero)."""
        return self.aggregate(total=Sum("investment_yi"))["total"] or Decimal("0")

    def totals(self) -> dict:
        """How many projects and their total investment in 亿元, in one query."""
        totals = self.aggregate(count=models.Count("id"), investment=Sum("investment_yi"))
        return {"count": totals["count"], "investment": totals["investment"] or Decimal("0")}

    def locations(self) -> list[str]:
        """The counties and districts the projects are in, each once, by name."""
        rows = self.exclude(location="").order_by("location")
        return list(rows.values_list("location", flat=True).distinct())

    def location_totals(self):
        """One row per location: project count and investment, largest investment first."""
        return (
            self.values("location")
            .annotate(count=models.Count("id"), total=Sum("investment_yi"))
            .order_by(models.F("total").desc(nulls_last=True), "location")
        )

    def section_totals(self):
        """One row per (notice, list section): project count and investment subtotal."""
        return (
            self.values("notice_id", "section_order", "section")
            .annotate(count=models.Count("id"), total=Sum("investment_yi"))
            .order_by("notice_id", "section_order")
        )


class ListItem(models.Model):
    """What projects and tasks share: where they were published and in which list section."""

    responsibilities: RelatedManager[Responsibility]  # Responsibility.project / .task

    notice = models.ForeignKey(
        Notice, on_delete=models.CASCADE, related_name="%(class)ss", verbose_name=_("来源文件")
    )
    attachment = models.ForeignKey(
        Attachment,
        on_delete=models.SET_NULL,
        related_name="%(class)ss",
        null=True,
        blank=True,
        verbose_name=_("所在附件"),
    )
    section_order = models.PositiveSmallIntegerField(_("栏目顺序"), default=1)
    section = models.CharField(_("清单栏目"), max_length=200, blank=True)
    number = models.PositiveSmallIntegerField(_("序号"), default=1)
    deadline_text = models.CharField(
        _("完成时限"), max_length=50, blank=True, help_text=_("如：2025年、持续推进")
    )
    deadline_year = models.PositiveSmallIntegerField(
        _("完成年份"), null=True, blank=True, validators=[MinValueValidator(FIRST_YEAR)]
    )

    class Meta:
        abstract = True
        ordering = ["notice", "section_order", "number"]

    # What the notice page calls the row: 项目-<section>-<number>, 事项-<section>-<number>.
    anchor_prefix = ""

    @property
    def anchor(self) -> str:
        """The row's id on its notice's page (项目-3-2: the second project of the list's third
        section), stable across re-imports; the list pages keep project-<pk> / task-<pk>."""
        return f"{self.anchor_prefix}-{self.section_order}-{self.number}"

    def units_in(self, role: str) -> list[Unit]:
        """The item's units in `role`, in printed order (from prefetched responsibilities)."""
        return [r.unit for r in self.responsibilities.all() if r.role == role]

    @property
    def lead_units(self) -> list[Unit]:
        return self.units_in(Role.LEAD)

    @property
    def responsible_units(self) -> list[Unit]:
        return self.units_in(Role.RESPONSIBLE)

    @property
    def cooperating_units(self) -> list[Unit]:
        return self.units_in(Role.COOPERATING)


class Project(ListItem):
    anchor_prefix = "项目"

    name = models.CharField(_("项目名称"), max_length=300)
    investment_yi = models.DecimalField(
        _("总投资（亿元）"),
        max_digits=12,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    content = models.TextField(_("建设内容"), blank=True)
    location = models.CharField(_("所在县市区"), max_length=50, blank=True, db_index=True)
    # The pinyin of the name, for the list sorted by name (documents.pinyin).
    name_sort_key = PinyinKeyField(_("名称排序键"), source="name")

    history = HistoricalRecords(verbose_name=_("项目修改记录"), excluded_fields=["name_sort_key"])
    objects = ProjectQuerySet.as_manager()

    class Meta(ListItem.Meta):
        verbose_name = _("项目")
        verbose_name_plural = _("项目")
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "section_order", "number"],
                name="project_number_unique",
                violation_error_message=_("该清单栏目中已有这个序号。"),
            ),
            models.CheckConstraint(
                condition=Q(investment_yi__gte=0), name="project_investment_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(deadline_year__gte=FIRST_YEAR, deadline_year__lte=LAST_YEAR),
                name="project_deadline_year_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        # The importer's update_fields=["name"] writes the key too.
        kwargs["update_fields"] = with_pinyin_keys(self, kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("projects:project_list") + f"?notice={self.notice_id}#project-{self.pk}"

    @property
    def investment_text(self) -> str:
        """The investment in 亿元 as printed: 35.5, 12.25, 2 (no trailing zeros); "" if none."""
        if self.investment_yi is None:
            return ""
        return f"{self.investment_yi.normalize():f}"


class Task(ListItem):
    anchor_prefix = "事项"

    content = models.TextField(_("事项内容"))
    measures = models.TextField(_("主要措施"), blank=True)

    history = HistoricalRecords(verbose_name=_("任务修改记录"))
    objects = ListItemQuerySet.as_manager()

    class Meta(ListItem.Meta):
        verbose_name = _("任务事项")
        verbose_name_plural = _("任务事项")
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "section_order", "number"],
                name="task_number_unique",
                violation_error_message=_("该清单栏目中已有这个序号。"),
            ),
            models.CheckConstraint(
                condition=Q(deadline_year__gte=FIRST_YEAR, deadline_year__lte=LAST_YEAR),
                name="task_deadline_year_range",
            ),
        ]

    def __str__(self) -> str:
        return self.content[:60]

    def get_absolute_url(self) -> str:
        return reverse("projects:task_list") + f"?notice={self.notice_id}#task-{self.pk}"


class Responsibility(models.Model):
    """A unit's role (lead, responsible, cooperating) in exactly one project or task."""

    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        related_name="responsibilities",
        null=True,
        blank=True,
        verbose_name=_("项目"),
    )
    task = models.ForeignKey(
        Task,
        on_delete=models.CASCADE,
        related_name="responsibilities",
        null=True,
        blank=True,
        verbose_name=_("任务事项"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="responsibilities", verbose_name=_("单位")
    )
    role = models.CharField(_("角色"), max_length=12, choices=Role, default=Role.RESPONSIBLE)
    order = models.PositiveSmallIntegerField(_("顺序"), default=1)

    history = HistoricalRecords(verbose_name=_("责任分工修改记录"))

    class Meta:
        verbose_name = _("责任分工")
        verbose_name_plural = _("责任分工")
        ordering = ["role", "order"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(project__isnull=False, task__isnull=True)
                    | Q(project__isnull=True, task__isnull=False)
                ),
                name="responsibility_one_item",
                violation_error_message=_("责任分工须且只能属于一个项目或一个任务。"),
            ),
            models.UniqueConstraint(
                fields=["project", "unit", "role"],
                condition=Q(project__isnull=False),
                name="responsibility_project_unique",
                violation_error_message=_("这个单位在该项目中已有同样的角色。"),
            ),
            models.UniqueConstraint(
                fields=["task", "unit", "role"],
                condition=Q(task__isnull=False),
                name="responsibility_task_unique",
                violation_error_message=_("这个单位在该任务中已有同样的角色。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}：{self.unit}"

    # No clean() for "one project or one task": the responsibility_one_item constraint says
    # it whenever a form has both fields. In the admin's inline on a new project the project
    # has no id yet while the rows are validated, so a check here refused every new project.
