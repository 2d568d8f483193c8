"""Query parameters of the API: the pages' FilterSets where the pages have one (projects,
tasks), a FilterSet for notices with the search page's filters, and a backend that refuses a
parameter a resource does not read (400 naming it) instead of ignoring it silently."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django_filters.rest_framework import DjangoFilterBackend

from api.problems import BadParameter
from documents.docnumbers import DocNumberError, parse_doc_number
from documents.models import Notice, Validity
from documents.text import DOCUMENT_KINDS

# Parameters every list takes (pagination) and those a view reads itself.
COMMON = frozenset({"page", "page_size", "format"})


class KnownParametersFilterBackend(DjangoFilterBackend):
    """django-filter's DRF backend, strict: every query parameter must be one the resource
    reads (its FilterSet's, the pagination's, the view's `extra_parameters`)."""

    def filter_queryset(self, request, queryset, view):
        known = set(COMMON) | set(getattr(view, "extra_parameters", ()))
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            known |= set(filterset_class.base_filters)
        for name in request.query_params:
            if name not in known:
                allowed = "、".join(sorted(known - COMMON - {"format"})) or "无"
                raise BadParameter(
                    name, f"不是本接口的参数（可用：{allowed}；分页：page、page_size）"
                )
        return super().filter_queryset(request, queryset, view)


class NoticeFilter(django_filters.FilterSet):
    """The search page's filters (year, issuer, agency code, validity, signing dates) and a
    document number in any form people type."""

    year = django_filters.NumberFilter(field_name="issue__year", label="刊期年份")
    issuer = django_filters.CharFilter(field_name="issuer", label="发文机关（全称）")
    agency = django_filters.CharFilter(field_name="agency_code", label="机关代字，如 咸政办发")
    kind = django_filters.ChoiceFilter(
        field_name="kind", choices=[(k, k) for k in DOCUMENT_KINDS], label="文种"
    )
    normative = django_filters.BooleanFilter(field_name="normative", label="行政规范性文件")
    validity = django_filters.ChoiceFilter(
        field_name="current_validity", choices=Validity.choices, label="效力状态"
    )
    signed_from = django_filters.DateFilter(
        field_name="signed_on", lookup_expr="gte", label="成文日期不早于（YYYY-MM-DD）"
    )
    signed_to = django_filters.DateFilter(
        field_name="signed_on", lookup_expr="lte", label="成文日期不晚于（YYYY-MM-DD）"
    )
    doc_number = django_filters.CharFilter(
        method="filter_doc_number", label="发文字号（任意常见写法，如 咸政办发[2022]29号）"
    )
    cites = django_filters.CharFilter(method="filter_cites", label="引用了该发文字号的文件")

    class Meta:
        model = Notice
        fields: list[str] = []

    def filter_doc_number(self, queryset, name, value):
        return queryset.filter(doc_number=_canonical(name, value))

    def filter_cites(self, queryset, name, value):
        return queryset.filter(Q(citations__doc_number=_canonical(name, value))).distinct()


def _canonical(name: str, value: str) -> str:
    try:
        return parse_doc_number(value).canonical
    except DocNumberError as error:
        raise BadParameter(name, f"“{value[:40]}”不是发文字号：{error}") from error
