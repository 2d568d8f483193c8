import csv

from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import DetailView, ListView, TemplateView

from documents.docnumbers import DocNumberError, parse_doc_number
from documents.models import (
    Citation,
    Issue,
    LeadingGroup,
    Membership,
    Notice,
    Table,
    Unit,
    UnitKind,
)
from documents.search import search_notices
from projects.models import Project, Task


class HomeView(TemplateView):
    template_name = "documents/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        issues = Issue.objects.published()
        latest = issues.latest_first().first()
        projects = Project.objects.published()
        context.update(
            latest_issue=latest,
            latest_notices=latest.notices.order_by("order") if latest else [],
            recent_notices=Notice.objects.published()
            .select_related("issue")
            .order_by("-issue__published_on", "-signed_on", "-pk")[:8],
            figures={
                "issues": issues.count(),
                "notices": Notice.objects.published().count(),
                "projects": projects.count(),
                "investment": projects.total_investment(),
                "units": Unit.objects.count(),
            },
        )
        return context


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
        return (
            Notice.objects.published()
            .filter(issue__year=self.kwargs["year"])
            .select_related("issue")
            .order_by("issuer", "issue__number", "order")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        issues = Issue.objects.published().filter(year=self.kwargs["year"]).order_by("number")
        if not issues.exists():
            raise Http404("这一年没有已发布的公报。")
        context.update(year=self.kwargs["year"], issues=issues)
        return context


class IssueDetailView(DetailView):
    template_name = "documents/issue_detail.html"
    context_object_name = "issue"
    preview = False  # staff preview from the admin: drafts shown too

    def get_object(self, queryset=None):
        issues = Issue.objects.all() if self.preview else Issue.objects.published()
        return get_object_or_404(
            issues.prefetch_related(Prefetch("notices", queryset=Notice.objects.order_by("order"))),
            year=self.kwargs["year"],
            number=self.kwargs["number"],
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(preview=self.preview, **kwargs)


class NoticeDetailView(DetailView):
    template_name = "documents/notice_detail.html"
    context_object_name = "notice"
    preview = False  # staff preview from the admin: drafts shown too

    def get_queryset(self):
        notices = Notice.objects.all() if self.preview else Notice.objects.published()
        return notices.for_detail()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(preview=self.preview, **kwargs)
        notice = self.object
        published = Notice.objects.published()
        citations = notice.citations.all()
        cited = published.by_doc_numbers(c.doc_number for c in citations)
        context.update(
            citations=[(citation, cited.get(citation.doc_number)) for citation in citations],
            cited_by=published.citing(notice.doc_number, Citation.Kind.CITES),
            repealed_by=published.citing(notice.doc_number, Citation.Kind.REPEALS),
            projects=Project.objects.filter(notice=notice).for_display(),
            tasks=Task.objects.filter(notice=notice).for_display(),
        )
        return context


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
    notice = Notice.objects.published().filter(doc_number=canonical).first()
    if notice is None:
        raise Http404(f"本站未收录发文字号为 {canonical} 的文件。")
    return redirect(notice, permanent=False)


class SearchView(TemplateView):
    template_name = "documents/search.html"

    def get(self, request, *args, **kwargs):
        result = search_notices(request.GET.get("q", ""), page=request.GET.get("page"))
        if result.redirect_to is not None:
            return redirect(result.redirect_to)
        return self.render_to_response(self.get_context_data(result=result, query=result.query))


class UnitListView(ListView):
    template_name = "documents/unit_list.html"
    context_object_name = "units"

    def get_queryset(self):
        return Unit.objects.with_role_counts().order_by("kind", "full_name")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["kinds"] = UnitKind
        return context


class UnitDetailView(DetailView):
    template_name = "documents/unit_detail.html"
    context_object_name = "unit"
    queryset = Unit.objects.prefetch_related("aliases")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        unit = self.object
        projects = Project.objects.published().for_unit(unit).for_display()
        context.update(
            notices=Notice.objects.published().for_unit(unit).select_related("issue"),
            projects=projects,
            project_total=projects.total_investment(),
            tasks=Task.objects.published().for_unit(unit).for_display(),
            memberships=Membership.objects.filter(
                unit=unit, group__in=LeadingGroup.objects.published()
            ).select_related("group__notice"),
        )
        return context


class GroupListView(ListView):
    template_name = "documents/group_list.html"
    context_object_name = "groups"

    def get_queryset(self):
        groups = LeadingGroup.objects.published().select_related("notice", "parent")
        person = self.request.GET.get("person", "").strip()[:30]
        if person:
            groups = groups.filter(memberships__person_name=person).distinct()
        return groups.prefetch_related(
            Prefetch(
                "memberships", queryset=Membership.objects.select_related("unit").order_by("order")
            )
        ).order_by("-notice__signed_on", "notice", "order")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["person"] = self.request.GET.get("person", "").strip()[:30]
        return context
