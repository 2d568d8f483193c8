from decimal import Decimal

from django import forms
from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from documents.admin import InlineFormSet, PublishedLockMixin, SearchIndexMixin
from documents.admin.notices import LeadingGroupInline
from documents.admin.notices import NoticeAdmin as DocumentsNoticeAdmin
from documents.limits import FIRST_YEAR, LAST_YEAR
from documents.models import Notice
from projects.models import Project, Responsibility, Task


class ResponsibilityFormSet(InlineFormSet):
    """Refuses the same unit twice in the same role on the form.

    The database's uniqueness rules for responsibilities are conditional (one for projects, one
    for tasks), and Django's formset only checks unconditional ones: without this, two such
    rows reached the database and the page failed."""

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.has_changed():
                continue
            if self.can_delete and form.cleaned_data.get("DELETE"):
                continue
            key = (form.cleaned_data.get("unit"), form.cleaned_data.get("role"))
            if None in key:
                continue
            if key in seen:
                form.add_error("unit", _("这个单位在此已有同样的角色，请勿重复填写。"))
            seen.add(key)


class ResponsibilityInline(PublishedLockMixin, admin.TabularInline):
    model = Responsibility
    formset = ResponsibilityFormSet
    fields = ["role", "unit", "order"]
    autocomplete_fields = ["unit"]
    extra = 1


class ListItemForm(forms.ModelForm):
    def clean_deadline_year(self):
        year = self.cleaned_data.get("deadline_year")
        if year is not None and year > LAST_YEAR:
            raise forms.ValidationError(
                _("完成年份应在%(first)d年至%(last)d年之间。")
                % {"first": FIRST_YEAR, "last": LAST_YEAR}
            )
        return year


class ListItemAdmin(SearchIndexMixin, PublishedLockMixin, SimpleHistoryAdmin):
    form = ListItemForm
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


# --- The notice admin, with the notice's lists -------------------------------------------------


class ProjectInline(PublishedLockMixin, admin.TabularInline):
    model = Project
    fields = [
        "section_order",
        "section",
        "number",
        "name",
        "investment_yi",
        "deadline_text",
        "location",
    ]
    extra = 0
    show_change_link = True


class TaskInline(PublishedLockMixin, admin.TabularInline):
    model = Task
    fields = ["section_order", "section", "number", "content", "deadline_text"]
    extra = 0
    show_change_link = True


class NoticeAdmin(DocumentsNoticeAdmin):
    """documents' notice admin (which knows nothing of lists) with the notice's project and
    task lists and their investment summary."""

    readonly_fields = [*DocumentsNoticeAdmin.readonly_fields, "investment_summary"]
    fieldsets = [
        *DocumentsNoticeAdmin.fieldsets[:-1],
        (_("项目清单汇总"), {"fields": ["investment_summary"]}),
        DocumentsNoticeAdmin.fieldsets[-1],  # 预览 stays last
    ]
    inlines = [
        *(i for i in DocumentsNoticeAdmin.inlines if i is not LeadingGroupInline),
        ProjectInline,
        TaskInline,
        LeadingGroupInline,
    ]

    @admin.display(description=_("投资合计（亿元）"))
    def investment_summary(self, obj):
        if not obj or not obj.pk:
            return "—"
        rows = list(Project.objects.filter(notice=obj).section_totals())
        if not rows:
            return _("本文件没有项目清单。")
        total = sum((row["total"] or Decimal("0") for row in rows), Decimal("0"))
        count = sum(row["count"] for row in rows)
        body = format_html_join(
            "",
            "<tr><td>{}</td><td class='num'>{}</td><td class='num'>{}</td></tr>",
            ((row["section"] or "—", row["count"], row["total"] or 0) for row in rows),
        )
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody>"
            "<tfoot><tr><th>{}</th><th class='num'>{}</th><th class='num'>{}</th></tr></tfoot>"
            "</table>",
            _("栏目"),
            _("项目数"),
            _("小计（亿元）"),
            body,
            _("合计"),
            count,
            total,
        )


admin.site.unregister(Notice)
admin.site.register(Notice, NoticeAdmin)
