"""Units (the directory of responsible bodies) and the leading groups notices set up."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from documents.models.issues import PublicationStatus
from documents.pinyin import PinyinKeyField, with_pinyin_keys
from documents.text import (
    normalize_person_name,
)


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
        in the directory's order, for the list pages' unit filter."""
        published = PublicationStatus.PUBLISHED
        lookup = f"responsibilities__{related_name}__notice__issue__status"
        with_role = Unit.objects.filter(**{lookup: published})
        return self.filter(pk__in=with_role.values("pk")).in_directory_order()

    def in_directory_order(self) -> UnitQuerySet:
        """By kind in the order UnitKind lists them (departments first), then by the pinyin
        of the name without the city's (Unit.sort_key): 市财政局, 市医保局, 市住建局."""
        kinds = [When(kind=value, then=Value(index)) for index, value in enumerate(UnitKind.values)]
        return self.annotate(
            kind_order=Case(*kinds, default=Value(len(kinds)), output_field=models.IntegerField())
        ).order_by("kind_order", "sort_key", "full_name")

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
    # The pinyin of the full name without the city's own name (documents.pinyin).
    sort_key = PinyinKeyField(_("排序键"), source="full_name", without_city=True)

    history = HistoricalRecords(verbose_name=_("单位修改记录"), excluded_fields=["sort_key"])
    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["kind", "full_name"]

    def __str__(self) -> str:
        return self.short_name or self.full_name

    def save(self, *args, **kwargs) -> None:
        # A renaming saved with update_fields=["full_name"] writes the key too.
        kwargs["update_fields"] = with_pinyin_keys(self, kwargs.get("update_fields"))
        super().save(*args, **kwargs)

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
            self.select_related("notice__issue", "parent__notice__issue")
            .prefetch_related(members, subgroups)
            .order_by("-notice__signed_on", "notice", "order")
        )


class LeadingGroup(models.Model):
    notice = models.ForeignKey(
        "documents.Notice",  # a string: documents.models.notices imports this module
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
    # The role as printed (主任委员, 常务副主任, 秘书长 …) when it is not the role's own name.
    role_label = models.CharField(_("职务名称（原文）"), max_length=20, blank=True)
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
        return f"{self.role_name} {who}".strip()

    @property
    def role_name(self) -> str:
        """The role as printed (主任委员), else the role's name (组长)."""
        return self.role_label or str(self.get_role_display())

    def clean(self) -> None:
        self.person_name = normalize_person_name(self.person_name)
        if not self.person_name and not self.position and not self.unit_id:
            # On a field, so the form shows this once, not also the constraint's bare name.
            raise ValidationError({"person_name": _("请至少填写姓名、职务或所在单位之一。")})


# --- Search index -----------------------------------------------------------------------------
