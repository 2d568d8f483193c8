"""The read-only JSON API (/api/v1/): published content only, through the same QuerySets and
FilterSets as the pages, and the same search."""

from __future__ import annotations

from django.db.models import Count, Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import api_view, throttle_classes
from rest_framework.request import Request
from rest_framework.response import Response

from api import serializers
from api.filters import NoticeFilter
from api.problems import BadParameter
from api.throttling import ClientAddressThrottle
from documents.models import Citation, Issue, LeadingGroup, Membership, Notice, Unit
from documents.models.issues import PublicationStatus
from documents.search import SearchFilters, search_notices
from projects.filters import ProjectFilter, TaskFilter
from projects.models import Project, Responsibility, Task

PUBLISHED = PublicationStatus.PUBLISHED


def _in_printed_order(items):
    """Projects or tasks with their notice, issue and units, as the issues print them."""
    return (
        items.select_related("notice__issue")
        .prefetch_related(_responsibilities())
        .order_by("notice__issue__year", "notice__issue__number", "notice__order", "pk")
    )


def _responsibilities():
    return Prefetch(
        "responsibilities",
        queryset=Responsibility.objects.select_related("unit").order_by("order", "pk"),
    )


@extend_schema_view(
    list=extend_schema(summary="刊期列表", description="已发布的各期公报，新的在前。"),
    retrieve=extend_schema(summary="一期公报", description="刊头与目录（每件文件的页码）。"),
)
class IssueViewSet(viewsets.ReadOnlyModelViewSet):
    filterset_fields = ["year"]

    def get_queryset(self):
        issues = Issue.objects.published().annotate(notice_count=Count("notices"))
        if self.action == "retrieve":
            issues = issues.prefetch_related(
                Prefetch("notices", queryset=Notice.objects.order_by("order"))
            )
        return issues.order_by("-year", "-number")

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.IssueSerializer
        return serializers.IssueListSerializer


@extend_schema_view(
    list=extend_schema(
        summary="文件列表",
        description="已发布的文件，新的在前；可按年份、发文机关、机关代字、文种、效力、成文日期、"
        "发文字号（任意写法）筛选。",
    ),
    retrieve=extend_schema(
        summary="一件文件",
        description="元数据、正文及其结构、附件、表格（逐行）、引用与被引、效力与更正。",
    ),
)
class NoticeViewSet(viewsets.ReadOnlyModelViewSet):
    filterset_class = NoticeFilter

    def get_queryset(self):
        notices = Notice.objects.published()
        if self.action == "retrieve":
            return notices.for_detail().prefetch_related("tables__attachment")
        return notices.with_validity().newest_first()

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.NoticeSerializer
        return serializers.NoticeSummarySerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.action == "retrieve" and "pk" in self.kwargs:
            notice = self.get_object_for_context()
            published = Notice.objects.published()
            context["cited"] = published.by_doc_numbers(
                c.doc_number for c in notice.citations.all()
            )
            cites, repeals = Citation.Kind.CITES, Citation.Kind.REPEALS
            context["cited_by"] = published.citing(notice.doc_number, cites).with_validity()
            context["repealed_by"] = published.citing(notice.doc_number, repeals).with_validity()
        return context

    def get_object_for_context(self):
        if not hasattr(self, "_object"):
            self._object = self.get_object()
        return self._object

    def retrieve(self, request, *args, **kwargs):
        notice = self.get_object_for_context()
        return Response(self.get_serializer(notice).data)


@extend_schema_view(
    list=extend_schema(summary="单位列表", description="在已发布内容中担任角色的单位。"),
    retrieve=extend_schema(
        summary="一个单位", description="单位及其负责的项目、事项与领导小组席位数。"
    ),
)
class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.UnitSerializer
    filterset_fields = ["kind"]

    def get_queryset(self):
        return (
            Unit.objects.public()
            .with_role_counts()
            .prefetch_related("aliases")
            .order_by("short_name", "full_name")
        )


@extend_schema_view(
    list=extend_schema(
        summary="项目列表", description="与项目清单页相同的筛选（同一 FilterSet）。"
    ),
    retrieve=extend_schema(summary="一个项目"),
)
class ProjectViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.ProjectSerializer
    filterset_class = ProjectFilter

    def get_queryset(self):
        return _in_printed_order(Project.objects.published())


@extend_schema_view(
    list=extend_schema(
        summary="事项列表", description="与重点任务页相同的筛选（同一 FilterSet）。"
    ),
    retrieve=extend_schema(summary="一个事项"),
)
class TaskViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.TaskSerializer
    filterset_class = TaskFilter

    def get_queryset(self):
        return _in_printed_order(Task.objects.published())


@extend_schema_view(
    list=extend_schema(
        summary="领导小组列表", description="已发布文件设立的领导小组、指挥部等及其成员。"
    ),
    retrieve=extend_schema(summary="一个领导小组"),
)
class GroupViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.GroupSerializer

    def get_queryset(self):
        members = Membership.objects.select_related("unit").order_by("order")
        return (
            LeadingGroup.objects.published()
            .select_related("notice__issue")
            .prefetch_related(Prefetch("memberships", queryset=members))
            .order_by("notice__issue__year", "notice__issue__number", "notice__order", "order")
        )


SEARCH_PARAMETERS = ("q", "sort", "page", *SearchFilters.PARAMETERS)


@extend_schema(
    summary="检索",
    description="与检索页相同的检索（search_notices）：关键词或发文字号、筛选、分面计数和高亮片段。"
    "每页 20 条。",
    parameters=[
        OpenApiParameter("q", OpenApiTypes.STR, description="关键词或发文字号"),
        OpenApiParameter("sort", OpenApiTypes.STR, enum=["relevance", "date"]),
        OpenApiParameter("page", OpenApiTypes.INT),
        *(
            OpenApiParameter(name, OpenApiTypes.STR, description="与检索页同名参数")
            for name in SearchFilters.PARAMETERS
        ),
    ],
    responses={200: OpenApiTypes.OBJECT},
)
@api_view(["GET"])
@throttle_classes([ClientAddressThrottle])
def search(request: Request) -> Response:
    for name in request.query_params:
        if name not in SEARCH_PARAMETERS:
            raise BadParameter(
                name, "不是检索接口的参数（可用：" + "、".join(SEARCH_PARAMETERS) + "）"
            )
    params = request.query_params
    result = search_notices(
        params.get("q", ""),
        filters=SearchFilters.from_params(params),
        sort=params.get("sort", "relevance"),
        page=params.get("page"),
    )
    return Response(_search_body(request, result))


def _search_body(request, result) -> dict:
    """The search result as data: the count (approximate or not), the page of hits with their
    highlighted title and passage (<mark> around the matches), the facets with their counts,
    and for a document number the portal holds, that notice."""

    def absolute(path: str) -> str:
        return request.build_absolute_uri(path)

    page = result.page
    found = result.redirect_to
    return {
        "query": result.query,
        "message": result.message,
        "notes": list(result.notes),
        "doc_number": result.doc_number,
        "notice": absolute(found.get_absolute_url()) if found is not None else None,
        "citing": [absolute(n.get_absolute_url()) for n in result.citing],
        "count": result.count,
        "approximate": result.approximate,
        "sort": result.sort,
        "page": page.number if page else 1,
        "num_pages": page.num_pages if page else 0,
        "has_next": page.has_next if page else False,
        "results": [
            {
                "id": hit.notice.pk,
                "doc_number": hit.notice.doc_number,
                "title": hit.notice.title,
                "title_html": str(hit.title),
                "passage_html": str(hit.passage),
                "issuer": hit.notice.issuer,
                "signed_on": hit.notice.signed_on,
                "issue": {"year": hit.notice.issue.year, "number": hit.notice.issue.number},
                "url": absolute(hit.notice.get_absolute_url()),
            }
            for hit in (page.hits if page else [])
        ],
        "facets": {
            facet.param: {
                "label": facet.label,
                "buckets": [
                    {"value": b.value, "label": b.label, "count": b.count, "selected": b.selected}
                    for b in facet.buckets
                ],
            }
            for facet in result.facets
        },
    }
