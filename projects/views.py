import csv

from django.http import HttpResponse
from django_filters.views import FilterView

from gazette_site.cache import reads_query
from projects.charts import bar_chart
from projects.filters import ProjectFilter, TaskFilter, sort_columns
from projects.models import Project, Task


def _projects():
    return Project.objects.published().for_display()


class ProjectListView(FilterView):
    filterset_class = ProjectFilter
    query_parameters = ("sort",)
    template_name = "projects/project_list.html"
    context_object_name = "projects"
    paginate_by = 100

    def get_queryset(self):
        return _projects()

    def get_context_data(self, **kwargs):
        # object_list is what the list shows: the filtered projects, or none when a filter
        # is invalid (the filterset's own qs would then ignore that filter and show all).
        shown = self.object_list
        totals = shown.totals()
        sections = list(shown.section_totals())
        return super().get_context_data(
            total_count=totals["count"],
            total_investment=totals["investment"],
            section_totals=sections,
            section_chart=bar_chart(
                sections, label="section", slug="section", title="各栏目总投资"
            ),
            location_chart=bar_chart(
                shown.location_totals(), label="location", slug="location", title="各县市区总投资"
            ),
            sort=sort_columns(self.request.GET.get("sort")),
            **kwargs,
        )


@reads_query(filterset_class=ProjectFilter)  # the list's filters
def project_csv(request):
    """The filtered project list as CSV: UTF-8 with BOM, one row per project, 亿元 column."""
    filterset = ProjectFilter(request.GET, queryset=_projects())
    # As on the page: invalid filters give no rows, not every project (a bad `notice` id is
    # dropped by the form, so its qs would otherwise export everything).
    projects = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="projects.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        [
            "发文字号",
            "清单栏目",
            "序号",
            "项目名称",
            "总投资（亿元）",
            "建设内容",
            "完成时限",
            "所在县市区",
            "责任单位",
            "配合单位",
        ]
    )
    for project in projects:
        leading = project.lead_units + project.responsible_units
        writer.writerow(
            [
                project.notice.doc_number or "",
                project.section,
                project.number,
                project.name,
                project.investment_text,
                project.content,
                project.deadline_text,
                project.location,
                "、".join(unit.display_name for unit in leading),
                "、".join(unit.display_name for unit in project.cooperating_units),
            ]
        )
    return response


class TaskListView(FilterView):
    filterset_class = TaskFilter
    template_name = "projects/task_list.html"
    context_object_name = "tasks"
    paginate_by = 100

    def get_queryset(self):
        return Task.objects.published().for_display()
