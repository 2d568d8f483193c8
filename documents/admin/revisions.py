"""Revisions of published issues: review what publishing would change, submit, publish.

A revision comes from an import (it cannot be added by hand). Its page shows, computed afresh
against the issue as it is now, every notice added, removed or corrected, field by field, and
the fields staff changed by hand since the last import (kept unless 保留人工修改 is cleared).
The buttons below the form submit it for review (编辑), publish or discard it (审核发布).
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from documents.admin.base import ContentChangedMixin
from documents.importer.changes import field_diffs
from documents.importer.records import ImportFormatError
from documents.models import Correction, RemovedNotice, Revision
from documents.permissions import can_publish
from documents.services import (
    revision_discard,
    revision_preview,
    revision_publish,
    revision_schedule,
    revision_submit,
)

ACTIONS = {
    "_submit": _("已提交审核，审核发布人员会收到通知。"),
    "_publish": _("已发布修订稿：更正已列在相关文件页面上。"),
    "_discard": _("已放弃该修订稿。"),
    "_schedule": _("已定时：到时由定时任务发布。"),
}


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "status",
        "created_by",
        "created_at",
        "submitted_at",
        "publish_at",
        "summary",
    ]
    list_filter = ["status"]
    list_select_related = ["issue", "created_by"]
    search_fields = ["issue__year", "issue__total_number", "note"]
    fields = [
        "issue",
        "status",
        "source_name",
        "documents_display",
        "note",
        "keep_hand_edits",
        "publish_at",
    ]
    readonly_fields = ["issue", "status", "source_name", "documents_display"]
    change_form_template = "admin/documents/revision/change_form.html"
    view_on_site = False  # a revision has no public page (its URL is this admin page)

    def has_add_permission(self, request):
        return False  # a revision is made by importing the text

    def has_delete_permission(self, request, obj=None):
        return False  # kept as the record of what was proposed; discard it instead

    @admin.display(description=_("新增文件"))
    def documents_display(self, obj):
        """The single documents the revision adds or updates, by file name."""
        if not obj or not obj.documents:
            return "—"
        names = ((d.get("name") or _("（无文件名）"),) for d in obj.documents)
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", names))

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields if can_publish(request.user) else [*fields, "publish_at"]

    def has_change_permission(self, request, obj=None):
        """Open revisions; once a publisher has scheduled one, only publishers (what the
        schedule publishes is what was reviewed)."""
        allowed = super().has_change_permission(request, obj)
        if obj is None:
            return allowed
        return allowed and obj.is_open and (can_publish(request.user) or not obj.scheduled_by_id)

    @admin.display(description=_("变更"))
    def summary(self, obj):
        changes = obj.changes or {}
        return _("更正 %(c)d 件，新增 %(a)d 件，撤下 %(r)d 件") % {
            "c": len(changes.get("corrected", [])),
            "a": len(changes.get("added", [])),
            "r": len(changes.get("removed", [])),
        }

    def change_view(self, request, object_id, form_url="", extra_context=None):
        revision = self.get_object(request, object_id)
        context = {**(extra_context or {})}
        if revision is not None:
            context.update(self._review_context(request, revision))
        return super().change_view(request, object_id, form_url, context)

    def _review_context(self, request, revision: Revision) -> dict:
        context = {
            "revision": revision,
            "may_publish": can_publish(request.user),
            "is_open": revision.is_open,
        }
        if not revision.is_open:
            context["stored_changes"] = revision.changes
            return context
        try:
            changes = revision_preview(revision)
        except ImportFormatError as error:
            context["review_error"] = str(error)
            return context
        except ValidationError as error:
            context["review_error"] = "；".join(error.messages)
            return context
        context.update(changes=changes, diffs=field_diffs(changes))
        return context

    def response_change(self, request, obj):
        action = next((name for name in ACTIONS if name in request.POST), None)
        if action is None:
            return super().response_change(request, obj)
        try:
            if action == "_submit":
                revision_submit(revision=obj, user=request.user, note=obj.note)
            elif action == "_publish" and obj.publish_at:
                revision_schedule(revision=obj, user=request.user, publish_at=obj.publish_at)
                action = "_schedule"
            elif action == "_publish":
                revision_publish(revision=obj, user=request.user)
            else:
                revision_discard(revision=obj, user=request.user)
        except PermissionDenied as error:
            self.message_user(request, str(error), messages.ERROR)
        except ValidationError as error:
            for message in error.messages:
                self.message_user(request, message, messages.ERROR)
        else:
            self.message_user(request, ACTIONS[action], messages.SUCCESS)
        return HttpResponseRedirect(request.path)


@admin.register(Correction)
class CorrectionAdmin(ContentChangedMixin, admin.ModelAdmin):
    """Published corrections: a publisher may reword one (the notice pages and feeds that list
    it are refreshed); they come only from revisions."""

    list_display = ["notice", "published_at", "description"]
    list_select_related = ["notice"]
    search_fields = ["notice__title", "notice__doc_number", "description"]
    fields = ["notice", "revision", "published_at", "description"]
    readonly_fields = ["notice", "revision", "published_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RemovedNotice)
class RemovedNoticeAdmin(admin.ModelAdmin):
    list_display = ["title", "doc_number", "issue", "removed_at", "link"]
    list_select_related = ["issue"]
    search_fields = ["title", "doc_number"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("原地址"))
    def link(self, obj):
        url = reverse("documents:notice_detail", args=[obj.notice_id])
        return format_html('<a href="{}">{}</a>', url, url)
