import csv
import io
from dataclasses import dataclass
from urllib.parse import quote

from django.db.models import Count, prefetch_related_objects
from django.http import FileResponse, Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.generic import DetailView, ListView, TemplateView

from documents.docnumbers import DocNumberError, is_doc_number, parse_doc_number
from documents.extensions import extension_context
from documents.importer.structure import find_anchor
from documents.layout import notice_layout
from documents.models import (
    Citation,
    Issue,
    LeadingGroup,
    Membership,
    Notice,
    RemovedNotice,
    Table,
    Unit,
    Validity,
)
from documents.pdf import published_notice_pdf
from documents.rendering import notice_text
from documents.search import SearchFilters, clean_query, search_notices
from documents.text import normalize_person_name

RECENT_NOTICES = 8


def gone(request, template: str, context: dict) -> TemplateResponse:
    """410: the page was public and has been taken back; the template says when and why."""
    return TemplateResponse(request, template, context, status=410)


class HomeView(TemplateView):
    template_name = "documents/home.html"

    def get_context_data(self, **kwargs):
        issues = Issue.objects.published()
        notices = Notice.objects.published()
        return super().get_context_data(
            latest_issue=issues.with_contents().latest_first().first(),
            recent_notices=notices.newest_first()[:RECENT_NOTICES],
            figures={
                "issues": issues.count(),
                "notices": notices.count(),
                # Units with a published role: the directory at /units/ lists the same ones.
                "units": Unit.objects.public().count(),
                **extension_context("home_figures"),
            },
            **kwargs,
        )


class IssueArchiveView(ListView):
    template_name = "documents/issue_list.html"
    context_object_name = "issues"

    def get_queryset(self):
        return Issue.objects.published().latest_first().annotate(notice_count=Count("notices"))


class IssueYearView(ListView):
    """A year's cumulative index (年度总目录): every notice of the year's issues by issuer."""

    template_name = "documents/issue_year.html"
    context_object_name = "notices"

    def get_queryset(self):
        return Notice.objects.published().year_index(self.kwargs["year"])

    def get_context_data(self, **kwargs):
        issues = list(Issue.objects.published().filter(year=self.kwargs["year"]).order_by("number"))
        if not issues:
            raise Http404("这一年没有已发布的公报。")
        return super().get_context_data(year=self.kwargs["year"], issues=issues, **kwargs)


YEAR_INDEX_COLUMNS = ["发文机关", "文种", "发文字号", "标题", "刊期", "页码", "成文日期", "网址"]


def issue_year_csv(request, year: int):
    """The year's cumulative index as CSV (UTF-8 with BOM, so Excel opens it correctly): the
    page's rows in its order. A year's notices are few, so the answer is built whole (and can
    be kept in the page cache)."""
    if not Issue.objects.published().filter(year=year).exists():
        raise Http404("这一年没有已发布的公报。")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="xianning-gazette-{year}-index.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(YEAR_INDEX_COLUMNS)
    for notice in Notice.objects.published().year_index(year):
        writer.writerow(
            [
                notice.issuer,
                notice.kind,
                notice.doc_number or "",
                notice.title,
                f"{notice.issue.year}年第{notice.issue.number}号",
                notice.page or "",
                notice.signed_on.isoformat() if notice.signed_on else "",
                request.build_absolute_uri(notice.get_absolute_url()),
            ]
        )
    return response


class IssueDetailView(DetailView):
    template_name = "documents/issue_detail.html"
    context_object_name = "issue"
    preview = False  # staff preview from the admin: drafts shown too

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:  # not published: withdrawn (410) or never was (404)
            if self.preview:
                raise
            withdrawn = Issue.objects.withdrawn().filter(
                year=self.kwargs["year"], number=self.kwargs["number"]
            )
            if issue := withdrawn.first():
                return gone(request, "documents/issue_withdrawn.html", {"issue": issue})
            raise

    def get_object(self, queryset=None):
        issues = Issue.objects.all() if self.preview else Issue.objects.published()
        return get_object_or_404(
            issues.with_contents(), year=self.kwargs["year"], number=self.kwargs["number"]
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(preview=self.preview, **kwargs)


class NoticeDetailView(DetailView):
    template_name = "documents/notice_detail.html"
    context_object_name = "notice"
    preview = False  # staff preview from the admin: drafts shown too

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:  # not published: taken out, withdrawn (410) or never was (404)
            if self.preview:
                raise
            pk = self.kwargs["pk"]
            removed = RemovedNotice.objects.filter(notice_id=pk).select_related("issue").first()
            if removed is not None:
                return gone(request, "documents/notice_gone.html", {"removed": removed})
            notice = Notice.objects.filter(pk=pk, issue__in=Issue.objects.withdrawn()).first()
            if notice is not None:
                return gone(request, "documents/notice_gone.html", {"withdrawn": notice})
            raise

    def get_queryset(self):
        notices = Notice.objects.all() if self.preview else Notice.objects.published()
        # The body and its structure are read only when the text is rendered (documents.rendering).
        return notices.for_page().defer("body", "structure")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(preview=self.preview, **kwargs)
        notice = self.object
        issue = notice.issue
        # In a staff preview, links to the issue stay in preview.
        context["issue_url"] = (
            reverse("admin:documents_issue_preview", args=[issue.year, issue.number])
            if self.preview
            else issue.get_absolute_url()
        )
        # Its text, corrections and related notices come rendered: from the cache when the rows
        # they show have not changed since (documents.rendering).
        context["rendered"] = notice_text(
            notice, lambda: text_context(notice), self.request, keep=not self.preview
        )
        return context


def text_context(notice: Notice) -> dict:
    """What the notice's text, corrections and related notices (documents.rendering) are
    rendered from: the notice with its attachments, tables, groups, citations and corrections,
    the extensions' lists, the layout, and the published notices it cites or that cite it."""
    prefetch_related_objects([notice], *Notice.objects.text_prefetches())
    published = Notice.objects.published()
    citations = notice.citations.all()
    cited = published.by_doc_numbers(c.doc_number for c in citations)
    context = {
        "notice": notice,
        "citations": [(citation, cited.get(citation.doc_number)) for citation in citations],
        "cited_by": published.citing(notice.doc_number, Citation.Kind.CITES),
        "repealed_by": published.citing(notice.doc_number, Citation.Kind.REPEALS),
        **extension_context("notice_context", notice),
    }
    context["layout"] = notice_layout(
        notice, context.pop("table_rows", None), context.pop("table_links", None)
    )
    return context


def issue_pdf(request, year: int, number: int):
    """The PDF of a published issue, as a download named after the issue (never the name it was
    uploaded under). Uploads are not served from MEDIA_URL at all: only this view hands them out,
    so a draft's PDF stays private."""
    issue = get_object_or_404(Issue.objects.published().exclude(pdf=""), year=year, number=number)
    try:
        file = issue.pdf.open("rb")
    except FileNotFoundError as error:
        raise Http404("本期 PDF 版暂时无法下载。") from error
    return FileResponse(
        file,
        as_attachment=True,
        filename=f"xianning-gazette-{issue.year}-{issue.number:02d}.pdf",
        content_type="application/pdf",
    )


def notice_pdf(request, pk: int):
    """A published notice as a PDF laid out after GB/T 9704 (documents.pdf), with its address
    on the portal printed at the end; typeset once per content version, then from the cache."""
    url = request.build_absolute_uri(reverse("documents:notice_detail", args=[pk]))
    try:
        pdf = published_notice_pdf(pk, url=url)
    except Notice.DoesNotExist as error:
        raise Http404("本站没有这份已发布的文件。") from error
    return FileResponse(
        io.BytesIO(pdf.content),
        as_attachment=True,
        filename=pdf.filename,
        content_type="application/pdf",
    )


def table_csv(request, pk: int, order: int):
    """One table of a published notice as CSV (UTF-8 with BOM, so Excel opens it correctly)."""
    table = get_object_or_404(Table, notice__in=Notice.objects.published(), notice=pk, order=order)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="notice-{pk}-table-{order}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    if table.header:
        writer.writerow(table.header)
    writer.writerows(table.padded_rows())
    return response


def doc_number_redirect(request, number: str):
    """/d/<number>/: a stable permalink by document number, typed in any form."""
    try:
        canonical = parse_doc_number(number).canonical
    except DocNumberError as error:
        raise Http404(f"“{number[:80]}”不是有效的发文字号：{error}") from error
    notice = Notice.objects.published().with_doc_number(canonical).first()
    if notice is None:
        raise Http404(f"本站未收录发文字号为 {canonical} 的文件。")
    return redirect(notice, permanent=False)


def doc_number_anchor_redirect(request, number: str, anchor: str):
    """/d/<number>/<anchor>/: a permalink to an article, chapter, heading, attachment or table
    of a notice (第十四条, 第二章, 一-（二）, 附件2, 表-3; 第14条 finds 第十四条), by its number
    typed in any form; 404 if the notice has no such part."""
    notice = Notice.objects.published().with_doc_number(number).first()
    if notice is None:
        # The whole path may be one number typed with slashes; else the number's own 404.
        whole = f"{number}/{anchor}"
        return doc_number_redirect(request, whole if is_doc_number(whole) else number)
    anchors = [
        *notice.outline().anchors,
        *(name for item in notice.attachments.all() for name in item.outline().anchors),
        *(f"表-{table.order}" for table in notice.tables.all()),
    ]
    found = find_anchor(anchors, anchor)
    if found is None:
        raise Http404(f"{notice.doc_number} 中没有“{anchor[:40]}”。")
    return redirect(f"{notice.get_absolute_url()}#{quote(found, safe='')}")


@dataclass(frozen=True)
class FilterChip:
    """An active search filter, shown as a chip that links to the same search without it."""

    label: str
    url: str


def search_url(query: str) -> str:
    """The search page with `query` (an encoded query string, "" for none)."""
    return reverse("documents:search") + (f"?{query}" if query else "")


def filter_chips(filters: SearchFilters) -> list[FilterChip]:
    """The active filters, in the order of the filter panel, each with the search without it."""
    date = "{:%Y-%m-%d}".format
    labels = [
        ("year", f"{filters.year}年" if filters.year else ""),
        ("issuer", filters.issuer),
        ("agency", f"机关代字：{filters.agency}" if filters.agency else ""),
        ("validity", str(dict(Validity.choices).get(filters.validity, ""))),
        ("projects", "含项目清单" if filters.projects else ""),
        ("tasks", "含任务清单" if filters.tasks else ""),
        ("from", f"成文日期从 {date(filters.date_from)}" if filters.date_from else ""),
        ("to", f"成文日期至 {date(filters.date_to)}" if filters.date_to else ""),
    ]
    return [
        FilterChip(label, search_url(filters.toggled(param, "", selected=True)))
        for param, label in labels
        if label
    ]


def without_filters(params: QueryDict) -> str:
    """The same search with no filter at all (the query and the order kept)."""
    query = params.copy()
    for name in ("page", *SearchFilters.PARAMETERS):
        query.pop(name, None)
    return search_url(query.urlencode())


class SearchView(TemplateView):
    """/search/?q=…: a document number goes straight to its notice; words get ranked hits."""

    template_name = "documents/search.html"
    query_parameters = ("q", "sort", "page", *SearchFilters.PARAMETERS)

    def get(self, request, *args, **kwargs):
        filters = SearchFilters.from_params(request.GET)
        result = search_notices(
            request.GET.get("q", ""),
            filters=filters,
            sort=request.GET.get("sort", ""),
            page=request.GET.get("page"),
            suggest=True,
        )
        if result.redirect_to is not None:
            return redirect(result.redirect_to)
        context = self.get_context_data(
            result=result,
            query=result.query,
            filter_chips=filter_chips(filters),
            filters_cleared=without_filters(request.GET),
        )
        return self.render_to_response(context)


class UnitListView(ListView):
    template_name = "documents/unit_list.html"
    context_object_name = "units"

    def get_queryset(self):
        return Unit.objects.public().with_role_counts().in_directory_order()


class UnitDetailView(DetailView):
    template_name = "documents/unit_detail.html"
    context_object_name = "unit"
    queryset = Unit.objects.public().prefetch_related("aliases")

    def get_context_data(self, **kwargs):
        unit = self.object
        return super().get_context_data(
            notices=Notice.objects.published().for_unit(unit).select_related("issue"),
            **extension_context("unit_context", unit),
            memberships=Membership.objects.filter(
                unit=unit, group__in=LeadingGroup.objects.published()
            )
            .select_related("group__notice", "group__parent")
            .order_by("-group__notice__signed_on", "group__order"),
            **kwargs,
        )


class GroupListView(ListView):
    """Leading groups, subgroups under their parent; ?person= the groups of one person."""

    template_name = "documents/group_list.html"
    context_object_name = "groups"
    query_parameters = ("person",)

    def person(self) -> str:
        """?person= as stored: padding spaces (杨 军) and characters PostgreSQL refuses (NUL)
        removed, so any input gives a page."""
        return normalize_person_name(clean_query(self.request.GET.get("person", "")))[:30]

    def get_queryset(self):
        groups = LeadingGroup.objects.published()
        person = self.person()
        groups = groups.with_member(person) if person else groups.top_level()
        return groups.for_display()

    def get_context_data(self, **kwargs):
        return super().get_context_data(person=self.person(), **kwargs)
