"""Issues: the table of contents, import from text, publish and withdraw."""

import re

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from documents.admin.base import (
    IssueForm,
    NoticeForm,
    PublishedLockMixin,
    SearchIndexMixin,
)
from documents.audit import issue_history
from documents.forms import (
    AddDocumentsConfirmForm,
    AddDocumentsForm,
    IssueImportConfirmForm,
    IssueImportForm,
)
from documents.importer.records import ImportFormatError
from documents.models import (
    Issue,
    Notice,
)
from documents.permissions import can_publish
from documents.services import (
    PUBLISH_PERMISSION,
    issue_acknowledge_warnings,
    issue_import,
    issue_publish,
    issue_submit,
    issue_unpublish,
)
from documents.views import IssueDetailView

# --- Issues -----------------------------------------------------------------------------------

ISSUE_NUMBER = re.compile(
    r"^(?:(?P<year>\d{4})(?:年第?|[-/.])(?P<number>\d{1,2})[号期]?|总第(?P<total>\d{1,5})[号期])$"
)


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
    readonly_fields = [
        "status",
        "published_at",
        "submitted_at",
        "withdrawn_at",
        "withdrawn_reason",
        "warnings_display",
        "preview_link",
        "changes_link",
        "add_documents_link",
    ]
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
        (
            _("审核与发布"),
            {
                "fields": [
                    ("status", "published_at"),
                    ("submitted_at", "review_note"),
                    "publish_at",
                    ("withdrawn_at", "withdrawn_reason"),
                    "warnings_display",
                    ("preview_link", "changes_link", "add_documents_link"),
                ]
            },
        ),
    ]
    inlines = [NoticeInline]
    actions = ["submit", "publish", "unpublish", "acknowledge_warnings"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(notice_count=Count("notices"))

    def get_changeform_initial_data(self, request):
        """A new issue starts with the standing masthead (settings.GAZETTE_MASTHEAD)."""
        names = {field.name for field in Issue._meta.fields}
        masthead = {k: v for k, v in settings.GAZETTE_MASTHEAD.items() if k in names}
        return {**masthead, **super().get_changeform_initial_data(request)}

    def get_search_results(self, request, queryset, search_term):
        # "2022年第6号", "2022-6" and "总第70号" find that issue.
        found = ISSUE_NUMBER.search(search_term.replace(" ", ""))
        if found and found["year"]:
            return queryset.filter(year=int(found["year"]), number=int(found["number"])), False
        if found:
            return queryset.filter(total_number=int(found["total"])), False
        return super().get_search_results(request, queryset, search_term)

    def view_on_site(self, obj):
        """A draft's "在站点上查看" opens its preview (its public page would be a 404)."""
        if obj.is_published:
            return obj.get_absolute_url()
        return reverse("admin:documents_issue_preview", args=[obj.year, obj.number])

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields if can_publish(request.user) else [*fields, "publish_at"]

    def save_model(self, request, obj, form, change):
        if "publish_at" in form.changed_data:  # only publishers have the field
            obj.scheduled_by = request.user if obj.publish_at else None
        super().save_model(request, obj, form, change)

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
            path(
                "<int:pk>/add-documents/",
                self.admin_site.admin_view(self.add_documents_view),
                name="documents_issue_add_documents",
            ),
            path(
                "<int:pk>/changes/",
                self.admin_site.admin_view(self.changes_view),
                name="documents_issue_changes",
            ),
            *super().get_urls(),
        ]

    def changes_view(self, request, pk: int):
        """Every change to the issue and to everything in it, newest first, readable."""
        issue = get_object_or_404(Issue, pk=pk)
        if not self.has_view_permission(request, issue):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("%(issue)s 的修改记录") % {"issue": issue},
            "issue": issue,
            "entries": issue_history(issue),
        }
        return TemplateResponse(request, "admin/documents/issue/changes.html", context)

    @admin.display(description=_("修改记录"))
    def changes_link(self, obj):
        if not obj or not obj.pk:
            return "—"
        url = reverse("admin:documents_issue_changes", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("本期全部内容的修改记录"))

    @admin.display(description=_("添加文件"))
    def add_documents_link(self, obj):
        if not obj or not obj.pk:
            return "—"
        url = reverse("admin:documents_issue_add_documents", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("向本期添加单篇文件（可多件）"))

    def add_documents_view(self, request, pk: int):
        """Single documents (Word, PDF, web pages) into this issue: a report per file first;
        on confirmation a draft issue gets them as drafts, a published one in its draft
        revision (published by 审核发布 staff). All files or none."""
        issue = get_object_or_404(Issue, pk=pk)
        if not self.has_change_permission(request) or not self.has_add_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("向 %(issue)s 添加文件") % {"issue": issue},
            "issue": issue,
        }
        ref = (issue.year, issue.number)
        if request.method == "POST" and "digests" in request.POST:
            confirm = AddDocumentsConfirmForm(request.POST)
            if not confirm.is_valid():
                context["errors"] = confirm.non_field_errors()
                context["form"] = AddDocumentsForm()
                return TemplateResponse(
                    request, "admin/documents/issue/add_documents.html", context
                )
            try:
                with transaction.atomic():  # every file or none
                    outcomes = [
                        issue_import(data=data, user=request.user, source_name=name, issue=ref)
                        for name, data in confirm.files_data
                    ]
            except (ImportFormatError, PermissionDenied, ValidationError) as error:
                messages_ = getattr(error, "messages", [str(error)])
                self.message_user(request, "；".join(messages_), messages.ERROR)
                return redirect("admin:documents_issue_add_documents", issue.pk)
            revision = next((o.revision for o in outcomes if o.revision is not None), None)
            if revision is not None:
                self.message_user(
                    request,
                    _("本期已发布：文件已加入修订稿，公开页面没有改动。请核对后提交审核。"),
                    messages.SUCCESS,
                )
                return redirect("admin:documents_revision_change", revision.pk)
            self.message_user(
                request,
                _("已添加 %(n)d 件文件为草稿，请逐件核对。") % {"n": len(outcomes)},
                messages.SUCCESS,
            )
            return redirect("admin:documents_issue_change", issue.pk)
        form = AddDocumentsForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            previews, failed = [], False
            for name, data in form.cleaned_data["documents"]:
                try:
                    outcome = issue_import(data=data, dry_run=True, user=request.user, issue=ref)
                except (ImportFormatError, PermissionDenied) as error:
                    previews.append({"name": name, "error": str(error)})
                    failed = True
                else:
                    previews.append(
                        {"name": name, "report": outcome.report, "changes": outcome.changes}
                    )
            context.update(previews=previews, failed=failed)
            if not failed:
                stored = form.store()
                context.update(
                    digests=",".join(digest for _name, digest in stored),
                    names="/".join(name for name, _digest in stored),
                )
            return TemplateResponse(
                request, "admin/documents/issue/add_documents_preview.html", context
            )
        context["form"] = form
        return TemplateResponse(request, "admin/documents/issue/add_documents.html", context)

    def import_view(self, request):
        """Upload an issue's text, see the report, confirm to create the drafts."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("导入公报"),
        }
        if request.method == "POST" and "digest" in request.POST:
            confirm = IssueImportConfirmForm(request.POST)
            if confirm.is_valid():
                try:
                    outcome = issue_import(
                        data=confirm.data_bytes(),
                        user=request.user,
                        source_name=confirm.cleaned_data.get("source_name", ""),
                    )
                except (ImportFormatError, PermissionDenied) as error:
                    self.message_user(request, str(error), messages.ERROR)
                    return redirect("admin:documents_issue_import")
                if outcome.revision is not None:
                    self.message_user(
                        request,
                        _(
                            "本期已发布，新文本已保存为修订稿：公开页面没有改动。请核对变更后提交审核。"
                        ),
                        messages.SUCCESS,
                    )
                    return redirect("admin:documents_revision_change", outcome.revision.pk)
                self.message_user(
                    request, _("已导入为草稿，请逐件核对后提交审核。"), messages.SUCCESS
                )
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
                    context.update(
                        report=outcome.report,
                        digest=form.store(),
                        source_name=form.source_name,
                        target=outcome.issue,
                        changes=outcome.changes,
                    )
                    return TemplateResponse(
                        request, "admin/documents/issue/import_preview.html", context
                    )
        else:
            form = IssueImportForm()
        context["form"] = form
        return TemplateResponse(request, "admin/documents/issue/import_form.html", context)

    def has_publish_permission(self, request):
        return request.user.has_perm(PUBLISH_PERMISSION)

    @admin.display(description=_("导入提示"))
    def warnings_display(self, obj):
        if not obj or not obj.import_warnings:
            return "—"
        state = (
            _("已由审核发布人员确认")
            if obj.warnings_acknowledged_at
            else _("尚未确认：确认前不能发布")
        )
        return format_html(
            "<p>{}</p><ul>{}</ul>",
            state,
            format_html_join("", "<li>{}</li>", ((w,) for w in obj.import_warnings)),
        )

    @admin.action(description=_("提交审核（通知审核发布人员）"))
    def submit(self, request, queryset):
        done = 0
        for issue in queryset:
            try:
                issue_submit(issue=issue, user=request.user)  # the note typed in its form stays
            except ValidationError as error:
                for message in error.messages:
                    self.message_user(request, f"{issue}：{message}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, _("已提交审核 %(n)d 期。") % {"n": done}, messages.SUCCESS)

    @admin.action(description=_("发布所选刊期（连同其中全部文件）"), permissions=["publish"])
    def publish(self, request, queryset):
        done = 0
        for issue in queryset:
            try:
                issue_publish(issue=issue, user=request.user)
            except PermissionDenied as error:
                self.message_user(request, str(error), messages.ERROR)
                return
            except ValidationError as error:
                for message in error.messages:
                    self.message_user(request, f"{issue} 未发布：{message}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, _("已发布 %(n)d 期。") % {"n": done}, messages.SUCCESS)

    @admin.action(description=_("撤回所选刊期（公众将看到撤回说明）"), permissions=["publish"])
    def unpublish(self, request, queryset):
        """Asks for the reason first (shown on the public pages), as the delete action asks
        for confirmation."""
        if "reason" not in request.POST:
            context = {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("撤回刊期"),
                "issues": queryset,
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/documents/issue/withdraw.html", context)
        reason = request.POST.get("reason", "").strip()
        if not reason:
            self.message_user(request, _("请填写撤回原因：公开页面会向公众说明。"), messages.ERROR)
            return None
        try:
            for issue in queryset:
                issue_unpublish(issue=issue, user=request.user, reason=reason)
        except PermissionDenied as error:
            self.message_user(request, str(error), messages.ERROR)
            return None
        self.message_user(
            request, _("已撤回 %(n)d 期。") % {"n": queryset.count()}, messages.SUCCESS
        )
        return None

    @admin.action(description=_("确认导入提示（已逐条核对）"), permissions=["publish"])
    def acknowledge_warnings(self, request, queryset):
        for issue in queryset:
            issue_acknowledge_warnings(issue=issue, user=request.user)
        self.message_user(request, _("已确认所选刊期的导入提示。"), messages.SUCCESS)
