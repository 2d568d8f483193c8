import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from documents.models import Notice, Unit
from projects.models import Project, Role, Task


class ProjectFilter(django_filters.FilterSet):
    notice = django_filters.ModelChoiceFilter(
        label=_("来源文件"), queryset=Notice.objects.published()
    )
    section = django_filters.CharFilter(label=_("清单栏目"))
    location = django_filters.CharFilter(label=_("所在县市区"))
    unit = django_filters.ModelChoiceFilter(
        label=_("单位"), queryset=Unit.objects.all(), method="filter_unit"
    )
    role = django_filters.ChoiceFilter(label=_("角色"), choices=Role.choices, method="filter_noop")
    deadline_year = django_filters.NumberFilter(label=_("完成年份"))
    investment_min = django_filters.NumberFilter(
        label=_("总投资不少于（亿元）"), field_name="investment_yi", lookup_expr="gte"
    )
    investment_max = django_filters.NumberFilter(
        label=_("总投资不超过（亿元）"), field_name="investment_yi", lookup_expr="lte"
    )
    q = django_filters.CharFilter(label=_("关键词"), method="filter_text")
    sort = django_filters.OrderingFilter(
        label=_("排序"),
        fields=(
            ("investment_yi", "investment"),
            ("name", "name"),
            ("deadline_year", "deadline"),
            ("location", "location"),
        ),
    )

    class Meta:
        model = Project
        fields = []

    def filter_unit(self, queryset, name, value):
        return queryset.for_unit(value, role=self.form.cleaned_data.get("role") or None)

    def filter_noop(self, queryset, name, value):
        # The role only narrows the unit filter; on its own it selects nothing more.
        return queryset

    def filter_text(self, queryset, name, value):
        value = value.strip()[:100]
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(content__icontains=value))


class TaskFilter(django_filters.FilterSet):
    notice = django_filters.ModelChoiceFilter(
        label=_("来源文件"), queryset=Notice.objects.published()
    )
    unit = django_filters.ModelChoiceFilter(
        label=_("单位"), queryset=Unit.objects.all(), method="filter_unit"
    )
    role = django_filters.ChoiceFilter(label=_("角色"), choices=Role.choices, method="filter_noop")
    deadline_year = django_filters.NumberFilter(label=_("完成年份"))

    class Meta:
        model = Task
        fields = []

    def filter_unit(self, queryset, name, value):
        return queryset.for_unit(value, role=self.form.cleaned_data.get("role") or None)

    def filter_noop(self, queryset, name, value):
        return queryset
