"""The read-only JSON API (/api/v1/): published content only, through the same QuerySets and
FilterSets as the pages, and the same search. Every view is a PublicApi: described by
api.schema, and dated like the pages (Last-Modified, so If-Modified-Since is answered 304)."""

from __future__ import annotations

from django.db.models import Count, Prefetch
from django.http import QueryDict
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import http_date
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.schemas.inspectors import ViewInspector
from rest_framework.views import APIView

from api import serializers
from api.filters import NoticeFilter
from api.problems import BadParameter
from api.schema import GazetteSchema
from documents.models import Citation, Issue, LeadingGroup, Membership, Notice, Unit
from documents.models.issues import PublicationStatus
from documents.search import SearchFilters, search_notices
from gazette_site.responses import last_modified
from projects.filters import ProjectFilter, TaskFilter
from projects.models import Project, Responsibility, Task

PUBLISHED = PublicationStatus.PUBLISHED


class PublicApi:
    """What every view of the API shares: its schema (api.schema), and the date of what it
    shows. A response is dated as the pages are (gazette_site.responses.last_modified: the
    last change of published content, or the last midnight, when validity turns), so that
    ConditionalGetMiddleware answers If-Modified-Since with 304 until published content
    changes, beside the ETag it gives every response. With it goes Cache-Control: no-cache,
    so that clients ask again each time rather than guess a copy fresh."""

    schema: ViewInspector | None = GazetteSchema()

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            django_request = getattr(request, "_request", request)
            response["Last-Modified"] = http_date(last_modified(django_request))
            if not response.has_header("Cache-Control"):
                patch_cache_control(response, no_cache=True)
        return response


class ReadOnlyViewSet(PublicApi, viewsets.ReadOnlyModelViewSet):
    pass


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
class IssueViewSet(ReadOnlyViewSet):
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
class NoticeViewSet(ReadOnlyViewSet):
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
class UnitViewSet(ReadOnlyViewSet):
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
class ProjectViewSet(ReadOnlyViewSet):
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
class TaskViewSet(ReadOnlyViewSet):
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
class GroupViewSet(ReadOnlyViewSet):
    serializer_class = serializers.GroupSerializer

    def get_queryset(self):
        members = Membership.objects.select_related("unit").order_by("order")
        return (
            LeadingGroup.objects.published()
            .select_related("notice__issue")
            .prefetch_related(Prefetch("memberships", queryset=members))
            .order_by("notice__issue__year", "notice__issue__number", "notice__order", "order")
        )


@extend_schema(
    summary="检索",
    description="与检索页相同的检索（search_notices）：关键词或发文字号、筛选、分面计数和高亮片段。"
    "每页 20 条。参数与检索页同名；无法识别的值返回 400（检索页则忽略并提示）。",
    parameters=[serializers.SearchQuerySerializer],
    responses=serializers.SearchResultSerializer,
)
class SearchView(PublicApi, APIView):
    def get(self, request: Request) -> Response:
        query = serializers.SearchQuerySerializer(data=request.query_params)
        known = list(query.fields)
        for name in request.query_params:
            if name not in known and name != "format":  # ?format=json: DRF's own
                raise BadParameter(name, "不是检索接口的参数（可用：" + "、".join(known) + "）")
        if not query.is_valid():
            name, errors = next(iter(query.errors.items()))
            raise BadParameter(name, str(errors[0]))
        values = query.validated_data
        result = search_notices(
            values.get("q", ""),
            filters=SearchFilters.from_params(_page_parameters(values)),
            sort=values.get("sort") or "relevance",
            page=values.get("page"),
        )
        body = _search_body(request, result)
        return Response(serializers.SearchResultSerializer(body).data)


@extend_schema(exclude=True)
class NoSuchEndpoint(PublicApi, APIView):
    """Any other address under /api/v1/ (ending in a slash: without one, Django's APPEND_SLASH
    redirects first): a 404 problem body like the API's others, not the site's HTML page."""

    def get(self, request: Request, rest: str) -> Response:
        raise NotFound("接口中没有这个地址：可用的地址见 /api/v1/schema/ 与 /api/v1/docs/。")


def _page_parameters(values: dict) -> QueryDict:
    """The checked parameters, written as the search page's query string has them."""
    params = QueryDict(mutable=True)
    for name in SearchFilters.PARAMETERS:
        value = values.get(name)
        if value in (None, "", False):
            continue
        params[name] = "1" if value is True else str(value)
    return params


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
                "api_url": absolute(reverse("api:notice-detail", args=[hit.notice.pk])),
            }
            for hit in (page.hits if page else [])
        ],
        "facets": {
            facet.param: {
                "label": facet.label,
                "approximate": facet.approximate,
                "buckets": [
                    {"value": b.value, "label": b.label, "count": b.count, "selected": b.selected}
                    for b in facet.buckets
                ],
            }
            for facet in result.facets
        },
    }
