import csv

from django.http import HttpResponse
from django_filters.views import FilterView

from projects.filters import ProjectFilter, TaskFilter
from projects.models import Project, Task


def _projects():
    return Project.objects.published().for_display()


class ProjectListView(FilterView):
    filterset_class = ProjectFilter
    template_name = "projects/project_list.html"
    context_object_name = "projects"
    paginate_by = 100

    def get_queryset(self):
        return _projects()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filtered = self.filterset.qs
        context.update(
            total_count=filtered.count(),
            total_investment=filtered.total_investment(),
            section_totals=filtered.order_by().section_totals(),
        )
        return context


def project_csv(request):
    """The filtered project list as CSV: UTF-8 with BOM, one row per project, 亿元 column."""
    projects = ProjectFilter(request.GET, queryset=_projects()).qs
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
        units = {"responsible": [], "cooperating": [], "lead": []}
        for responsibility in project.responsibilities.all():
            units[responsibility.role].append(responsibility.unit.display_name)
        writer.writerow(
            [
                project.notice.doc_number or "",
                project.section,
                project.number,
                project.name,
                "" if project.investment_yi is None else f"{project.investment_yi.normalize():f}",
                project.content,
                project.deadline_text,
                project.location,
                "、".join(units["lead"] + units["responsible"]),
                "、".join(units["cooperating"]),
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
