"""Issues: the table of contents, import from text, publish and withdraw."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from documents.admin.base import (
    IssueForm,
    NoticeForm,
    PublishedLockMixin,
    SearchIndexMixin,
)
from documents.forms import IssueImportConfirmForm, IssueImportForm
from documents.importer.records import ImportFormatError
from documents.models import (
    Issue,
    Notice,
)
from documents.services import (
    PUBLISH_PERMISSION,
    issue_import,
    issue_publish,
    issue_unpublish,
)
from documents.views import IssueDetailView

# --- Issues -----------------------------------------------------------------------------------


class NoticeInline(PublishedLockMixin, admin.TabularInline):
    model = Notice
    form = NoticeForm
    fields = ["order", "page", "section", "title", "doc_number", "issuer", "signed_on"]
    extra = 0
    show_change_link = True
    ordering = ["order"]


@admin.register(Issue)
class IssueAdmin(SearchIndexMixin, PublishedLockMixin, SimpleHistoryAdmin):
    form = IssueForm
    ordering = ["-year", "-number"]  # explicit: the notice-count annotation groups rows
    list_display = ["__str__", "published_on", "status", "notice_count", "preview_link"]
    list_filter = ["status", "year"]
    date_hierarchy = "published_on"
    search_fields = ["=year", "=total_number"]
    readonly_fields = ["status", "published_at", "preview_link"]
    fieldsets = [
        (None, {"fields": [("year", "number", "total_number"), "published_on", "pdf"]}),
        (
            _("刊头"),
            {
                "fields": [
                    ("sponsor", "publisher"),
                    ("phone", "email"),
                    ("address", "postcode"),
                    "permit_number",
                ]
            },
        ),
        (_("发布"), {"fields": [("status", "published_at"), "preview_link"]}),
    ]
    inlines = [NoticeInline]
    actions = ["publish", "unpublish"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(notice_count=Count("notices"))

    @admin.display(description=_("文件数"), ordering="notice_count")
    def notice_count(self, obj):
        return obj.notice_count

    @admin.display(description=_("预览"))
    def preview_link(self, obj):
        if not obj or not obj.pk:
            return "—"
        url = reverse("admin:documents_issue_preview", args=[obj.year, obj.number])
        return format_html('<a href="{}" target="_blank">{}</a>', url, _("预览公开页面"))

    def get_urls(self):
        preview = self.preview_view(IssueDetailView.as_view(preview=True))
        return [
            path("preview/<int:year>/<int:number>/", preview, name="documents_issue_preview"),
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="documents_issue_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Upload an issue's text, see the report, confirm to create the drafts."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("导入公报文本"),
        }
        if request.method == "POST" and "digest" in request.POST:
            confirm = IssueImportConfirmForm(request.POST)
            if confirm.is_valid():
                try:
                    outcome = issue_import(data=confirm.data_bytes(), user=request.user)
                except (ImportFormatError, PermissionDenied) as error:
                    self.message_user(request, str(error), messages.ERROR)
                    return redirect("admin:documents_issue_import")
                self.message_user(request, _("已导入为草稿，请逐件核对后发布。"), messages.SUCCESS)
                assert outcome.issue is not None  # not a dry run: the issue was written
                return redirect("admin:documents_issue_change", outcome.issue.pk)
            form = IssueImportForm()
            context["errors"] = confirm.errors.get("digest")
        elif request.method == "POST":
            form = IssueImportForm(request.POST, request.FILES)
            if form.is_valid():
                try:
                    outcome = issue_import(
                        data=form.cleaned_data["file"], dry_run=True, user=request.user
                    )
                except (ImportFormatError, PermissionDenied) as error:
                    form.add_error("file", str(error))
                else:
                    context.update(report=outcome.report, digest=form.store())
                    return TemplateResponse(
                        request, "admin/documents/issue/import_preview.html", context
                    )
        else:
            form = IssueImportForm()
        context["form"] = form
        return TemplateResponse(request, "admin/documents/issue/import_form.html", context)

    def has_publish_permission(self, request):
        return request.user.has_perm(PUBLISH_PERMISSION)

    @admin.action(description=_("发布所选刊期（连同其中全部文件）"), permissions=["publish"])
    def publish(self, request, queryset):
        self._run(request, queryset, issue_publish, _("已发布 %(n)d 期。"))

    @admin.action(description=_("撤回所选刊期（公众将不再看到）"), permissions=["publish"])
    def unpublish(self, request, queryset):
        self._run(request, queryset, issue_unpublish, _("已撤回 %(n)d 期。"))

    def _run(self, request, queryset, service, message):
        try:
            for issue in queryset:
                service(issue=issue, user=request.user)
        except PermissionDenied as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        self.message_user(request, message % {"n": queryset.count()}, messages.SUCCESS)
