"""The query strings of the project and task lists. Filters whose values are known (sections,
locations, notices, units, years) are select boxes offering only published values."""

from __future__ import annotations

from dataclasses import dataclass

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField, ModelChoiceIterator

from documents.models import Unit
from projects.models import Project, Role, Task

ALL = _("全部")


def _published_projects():
    return Project.objects.published()


def _published_tasks():
    return Task.objects.published()


def _section_choices():
    return [(section, section) for section in _published_projects().sections()]


def _location_choices():
    return [(location, location) for location in _published_projects().locations()]


def _project_year_choices():
    return [(str(year), f"{year}年") for year in _published_projects().deadline_years()]


def _task_year_choices():
    return [(str(year), f"{year}年") for year in _published_tasks().deadline_years()]


class _UnitsByKind(ModelChoiceIterator):
    """The unit filter's options in the directory's order, under its kinds (an optgroup
    each: 市直部门, 县市区政府 …), as /units/ lists them."""

    def __iter__(self):
        kinds: dict[str, list] = {}
        for choice in super().__iter__():
            unit = getattr(choice[0], "instance", None)
            if unit is None:  # 全部
                yield choice
            else:
                kinds.setdefault(unit.get_kind_display(), []).append(choice)
        yield from kinds.items()


class _UnitChoiceField(ModelChoiceField):
    iterator = _UnitsByKind


class _UnitFilter(django_filters.ModelChoiceFilter):
    field_class = _UnitChoiceField


def _unit_filter(related_name: str):
    return _UnitFilter(
        label=_("单位"),
        queryset=Unit.objects.responsible_for(related_name),
        empty_label=ALL,
        method="filter_unit",
    )


def _role_filter():
    return django_filters.ChoiceFilter(
        label=_("单位的角色"), choices=Role.choices, empty_label=ALL, method="filter_noop"
    )


class ListItemFilter(django_filters.FilterSet):
    """What the project and task lists share: a unit filter narrowed by the unit's role."""

    def filter_unit(self, queryset, name, value: Unit):
        return queryset.for_unit(value, role=self.form.cleaned_data.get("role") or None)

    def filter_noop(self, queryset, name, value):
        # The role only narrows the unit filter; on its own it selects nothing more.
        return queryset


class ProjectFilter(ListItemFilter):
    notice = django_filters.ModelChoiceFilter(
        label=_("来源文件"),
        queryset=Project.objects.published().source_notices(),
        empty_label=ALL,
    )
    section = django_filters.ChoiceFilter(
        label=_("清单栏目"), choices=_section_choices, empty_label=ALL
    )
    location = django_filters.ChoiceFilter(
        label=_("所在县市区"), choices=_location_choices, empty_label=ALL
    )
    unit = _unit_filter("project")
    role = _role_filter()
    deadline_year = django_filters.ChoiceFilter(
        label=_("完成年份"), choices=_project_year_choices, empty_label=ALL
    )
    investment_min = django_filters.NumberFilter(
        label=_("总投资不少于（亿元）"), field_name="investment_yi", lookup_expr="gte"
    )
    investment_max = django_filters.NumberFilter(
        label=_("总投资不超过（亿元）"), field_name="investment_yi", lookup_expr="lte"
    )
    q = django_filters.CharFilter(label=_("项目名称或建设内容含"), method="filter_text")
    sort = django_filters.OrderingFilter(
        label=_("排序"),
        empty_label=_("按清单顺序"),
        fields=(
            ("investment_yi", "investment"),
            ("name_sort_key", "name"),  # in pinyin order
            ("deadline_year", "deadline"),
            ("location", "location"),
        ),
        field_labels={
            "investment_yi": _("总投资"),
            "name_sort_key": _("项目名称"),
            "deadline_year": _("完成年份"),
            "location": _("所在县市区"),
        },
    )

    class Meta:
        model = Project
        fields: list[str] = []

    def filter_text(self, queryset, name, value):
        value = value.strip()[:100]
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(content__icontains=value))


class TaskFilter(ListItemFilter):
    notice = django_filters.ModelChoiceFilter(
        label=_("来源文件"),
        queryset=Task.objects.published().source_notices(),
        empty_label=ALL,
    )
    unit = _unit_filter("task")
    role = _role_filter()
    deadline_year = django_filters.ChoiceFilter(
        label=_("完成年份"), choices=_task_year_choices, empty_label=ALL
    )

    class Meta:
        model = Task
        fields: list[str] = []


# --- Sortable column headers ----------------------------------------------------------------


@dataclass(frozen=True)
class SortColumn:
    """A column header of the project list: the ?sort= its link asks for and, when the list
    is sorted by it, the direction (for aria-sort and the arrow)."""

    next: str
    direction: str = ""  # "ascending", "descending" or ""


def sort_columns(current: str | None) -> dict[str, SortColumn]:
    """Headers for ProjectFilter's `sort`: a click sorts by the column, a second click
    reverses it. Investment starts largest first; text and years start ascending."""
    current = current or ""
    columns = {}
    for key in ("name", "investment", "deadline", "location"):
        first = f"-{key}" if key == "investment" else key
        if current == key:
            columns[key] = SortColumn(next=f"-{key}", direction="ascending")
        elif current == f"-{key}":
            columns[key] = SortColumn(next=key, direction="descending")
        else:
            columns[key] = SortColumn(next=first)
    return columns
