"""Notices and what they contain: attachments, tables, citations, groups. (projects/admin.py
registers this admin again with the notice's project and task lists.)"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from documents.admin.base import (
    CitationForm,
    NoticeForm,
    ProposeCorrectionMixin,
    PublishedLockMixin,
    SearchIndexMixin,
    TableForm,
)
from documents.audit import TRASH_DAYS, notice_restore, trash
from documents.docnumbers import is_doc_number, parse_doc_number
from documents.importer.structure import rebuilt_structure
from documents.models import (
    Attachment,
    Citation,
    LeadingGroup,
    Notice,
    Table,
)
from documents.views import NoticeDetailView

# --- Notices ----------------------------------------------------------------------------------


def _restructure(form) -> None:
    """A body staff changed gets its structure again by the parser's rules (the enclosed
    title the import found is kept while its line is there), so the page shows the new text
    the way an import of it would."""
    if "body" in form.changed_data:
        row = form.instance
        row.structure = rebuilt_structure(form.initial.get("body") or "", row.structure, row.body)


class AttachmentInline(PublishedLockMixin, admin.StackedInline):
    model = Attachment
    fields = [("order", "label"), "title", "body"]
    extra = 0


class TableInline(PublishedLockMixin, admin.StackedInline):
    model = Table
    form = TableForm
    fields = [("order", "attachment"), "title", "header", "rows"]
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "attachment":
            notice_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Attachment.objects.filter(notice_id=notice_id or 0)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CitationInline(PublishedLockMixin, admin.TabularInline):
    model = Citation
    form = CitationForm
    fields = ["kind", "doc_number", "cited_title"]
    extra = 0


class LeadingGroupInline(PublishedLockMixin, admin.TabularInline):
    model = LeadingGroup
    fields = ["order", "name", "parent", "office"]
    extra = 0
    show_change_link = True
    fk_name = "notice"


@admin.register(Notice)
class NoticeAdmin(ProposeCorrectionMixin, SearchIndexMixin, PublishedLockMixin, SimpleHistoryAdmin):
    form = NoticeForm
    list_display = [
        "title",
        "doc_number",
        "issuer",
        "signed_on",
        "issue",
        "validity",
        "issue_status",
    ]
    list_filter = ["issue__year", "kind", "issuer", "issue__status", "validity"]
    list_select_related = ["issue"]
    search_fields = ["title", "doc_number", "body", "citations__doc_number"]
    date_hierarchy = "signed_on"
    autocomplete_fields = ["issue"]
    readonly_fields = [
        "agency_code",
        "year",
        "serial",
        "expires_on",
        "preview_link",
        "correction_link",
    ]
    fieldsets = [
        (None, {"fields": ["issue", ("order", "page"), "section", "title"]}),
        (
            _("发文信息"),
            {
                "fields": [
                    "doc_number",
                    ("agency_code", "year", "serial"),
                    ("kind", "normative"),
                    ("issuer", "signer"),
                    "addressees",
                    ("signed_on", "disclosure"),
                    ("index_number", "topic"),
                ]
            },
        ),
        (
            _("效力"),
            {
                "fields": [
                    ("effective_on", "valid_years", "expires_on"),
                    ("validity", "validity_note"),
                ]
            },
        ),
        (_("正文"), {"fields": ["body"]}),
        (_("预览"), {"fields": ["preview_link", "correction_link"]}),
    ]
    inlines = [
        AttachmentInline,
        TableInline,
        CitationInline,
        LeadingGroupInline,
    ]

    def save_model(self, request, obj, form, change):
        _restructure(form)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is Attachment:
            for inline_form in formset.forms:
                _restructure(inline_form)
        super().save_formset(request, form, formset, change)

    @admin.display(description=_("刊期状态"), ordering="issue__status")
    def issue_status(self, obj):
        return obj.issue.get_status_display()

    @admin.display(description=_("预览"))
    def preview_link(self, obj):
        if not obj or not obj.pk:
            return "—"
        url = reverse("admin:documents_notice_preview", args=[obj.pk])
        return format_html('<a href="{}" target="_blank">{}</a>', url, _("预览公开页面"))

    def get_search_results(self, request, queryset, search_term):
        # A document number typed in any form finds that notice and the notices citing it.
        if not is_doc_number(search_term):
            return super().get_search_results(request, queryset, search_term)
        number = parse_doc_number(search_term).canonical
        found = queryset.filter(Q(doc_number=number) | Q(citations__doc_number=number))
        return found.distinct(), True

    def view_on_site(self, obj):
        """A draft's "在站点上查看" opens its preview (its public page would be a 404)."""
        if obj.issue.is_published:
            return obj.get_absolute_url()
        return reverse("admin:documents_notice_preview", args=[obj.pk])

    def trash_view(self, request):
        """Deleted draft notices of the last TRASH_DAYS days; POST restores one."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            try:
                notice = notice_restore(
                    history_id=int(request.POST.get("history_id", "0") or 0), user=request.user
                )
            except (ValueError, ValidationError) as error:
                messages_ = getattr(error, "messages", ["请选择要恢复的文件。"])
                self.message_user(request, "；".join(messages_), messages.ERROR)
                return redirect("admin:documents_notice_trash")
            self.message_user(
                request, _("已恢复《%(t)s》。") % {"t": notice.title}, messages.SUCCESS
            )
            return redirect("admin:documents_notice_change", notice.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("回收站：%(days)d 天内删除的草稿文件") % {"days": TRASH_DAYS},
            "deleted": trash().select_related("history_user")[:200],
        }
        return TemplateResponse(request, "admin/documents/notice/trash.html", context)

    def get_urls(self):
        preview = self.preview_view(NoticeDetailView.as_view(preview=True))
        return [
            path("<int:pk>/preview/", preview, name="documents_notice_preview"),
            path(
                "trash/",
                self.admin_site.admin_view(self.trash_view),
                name="documents_notice_trash",
            ),
            *super().get_urls(),
        ]
