from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from documents.admin import PublishedLockMixin
from projects.models import Project, Responsibility, Task


class ResponsibilityInline(PublishedLockMixin, admin.TabularInline):
    model = Responsibility
    fields = ["role", "unit", "order"]
    autocomplete_fields = ["unit"]
    extra = 1


class ListItemAdmin(PublishedLockMixin, SimpleHistoryAdmin):
    list_filter = ["notice__issue__year", "section", "deadline_year"]
    list_select_related = ["notice"]
    autocomplete_fields = ["notice", "attachment"]
    inlines = [ResponsibilityInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("responsibilities__unit")

    @admin.display(description=_("责任单位"))
    def unit_list(self, obj):
        return "、".join(f"{r.unit}" for r in obj.responsibilities.all())


@admin.register(Project)
class ProjectAdmin(ListItemAdmin):
    list_display = [
        "name",
        "notice",
        "section",
        "investment_yi",
        "deadline_text",
        "location",
        "unit_list",
    ]
    list_filter = [*ListItemAdmin.list_filter, "location"]
    search_fields = ["name", "content", "notice__doc_number"]
    fields = [
        "notice",
        "attachment",
        ("section_order", "section", "number"),
        "name",
        "investment_yi",
        "content",
        ("deadline_text", "deadline_year"),
        "location",
    ]


@admin.register(Task)
class TaskAdmin(ListItemAdmin):
    list_display = ["short_content", "notice", "section", "deadline_text", "unit_list"]
    search_fields = ["content", "measures", "notice__doc_number"]
    fields = [
        "notice",
        "attachment",
        ("section_order", "section", "number"),
        "content",
        "measures",
        ("deadline_text", "deadline_year"),
    ]

    @admin.display(description=_("事项内容"))
    def short_content(self, obj):
        return obj.content[:60]
