"""What every model admin of the portal shares: the forms, the publication lock, the search
index and the page cache kept up to date on every save."""

import datetime
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.utils.translation import gettext_lazy as _

from documents.docnumbers import DocNumberError, parse_doc_number
from documents.limits import FIRST_YEAR
from documents.permissions import can_publish, draft_only, may_change
from documents.search import index_notices, notice_ids_of
from gazette_site.cache import content_changed

# The mixins below serve ModelAdmin and InlineModelAdmin subclasses alike (and
# django-simple-history's untyped SimpleHistoryAdmin); for the type checker they stand on Any,
# as django-stubs cannot express a mixin over both.
if TYPE_CHECKING:
    AdminMixinBase = Any
else:
    AdminMixinBase = object


# --- Forms -------------------------------------------------------------------------------------
# Rules the database enforces with a check constraint are repeated here where the constraint
# alone would only tell staff its name.

EARLIEST_DATE = datetime.date(FIRST_YEAR, 1, 1)


def canonical_doc_number(text: str | None) -> str | None:
    """The canonical number for a form's cleaned_data, or the parser's reason as the error.

    Cleaning to the canonical form here (not only in the model) lets a formset see that two
    rows typing one number two ways are the same number."""
    if not text or not text.strip():
        return None
    try:
        return parse_doc_number(text).canonical
    except DocNumberError as error:
        raise forms.ValidationError(str(error)) from error


class IssueForm(forms.ModelForm):
    def clean_published_on(self):
        published_on = self.cleaned_data.get("published_on")
        if published_on and published_on < EARLIEST_DATE:
            raise forms.ValidationError(
                _("出版日期不能早于%(year)d年1月1日。") % {"year": FIRST_YEAR}
            )
        return published_on


class NoticeForm(forms.ModelForm):
    def clean_doc_number(self):
        return canonical_doc_number(self.cleaned_data.get("doc_number"))

    def clean_signed_on(self):
        signed_on = self.cleaned_data.get("signed_on")
        if signed_on and signed_on < EARLIEST_DATE:
            raise forms.ValidationError(
                _("成文日期不能早于%(year)d年1月1日。") % {"year": FIRST_YEAR}
            )
        return signed_on


class CitationForm(forms.ModelForm):
    def clean_doc_number(self):
        return canonical_doc_number(self.cleaned_data.get("doc_number")) or ""


class InlineFormSet(forms.BaseInlineFormSet):
    """Duplicate rows are refused in the model's own words, not with internal field names."""

    def get_unique_error_message(self, unique_check):
        opts = self.model._meta
        for constraint in opts.total_unique_constraints:
            custom = constraint.violation_error_message is not (
                constraint.default_violation_error_message
            )
            if custom and set(constraint.fields) == set(unique_check):
                return constraint.violation_error_message
        fields = [opts.get_field(name) for name in unique_check]
        if len(fields) == 1 and "%(" not in fields[0].error_messages["unique"]:
            return fields[0].error_messages["unique"]
        names = "、".join(f"“{field.verbose_name}”" for field in fields)
        return _("请修正重复的%(fields)s：同一页中不能填写两次。") % {"fields": names}


class ContentChangedMixin(AdminMixinBase):
    """Every add, change and delete made in the admin clears the public page cache, from the
    admin's own save and delete paths (save_related runs once a form and its inlines are
    saved; the delete page and the delete action end in delete_model / delete_queryset)."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        content_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        content_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        content_changed()


class PublishedLockMixin(ContentChangedMixin):
    """The workflow's rule (documents.permissions) on every admin path that writes.

    Content citizens see (a published issue and everything in it, a unit a published page
    names) is changed only by staff who may publish; an 编辑 corrects drafts. The rule is asked
    by the change, delete and add permissions, which Django's admin consults on every path that
    writes: the change and add forms, inlines, the delete page and the delete action. The
    history page only shows old versions (reverting would save a historical copy past every
    rule, without reindexing), and a page that previews drafts needs the view permission."""

    formset: type[forms.BaseInlineFormSet] = InlineFormSet  # used by the inlines only

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and may_change(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and may_change(request.user, obj)

    def has_add_permission(self, request, obj=None):
        args = (request, obj) if isinstance(self, admin.options.InlineModelAdmin) else (request,)
        return super().has_add_permission(*args) and may_change(request.user, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        drafts = draft_only(db_field.related_model)
        if field is not None and drafts is not None and not can_publish(request.user):
            field.queryset = field.queryset.filter(drafts)
            field.error_messages = {**field.error_messages, "invalid_choice": DRAFT_ONLY_MESSAGE}
        return field

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"], HISTORY_READ_ONLY)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def preview_view(self, view):
        """`view` (a public page showing drafts too) for staff who may view this model."""

        def preview(request, *args, **kwargs):
            if not self.has_view_permission(request):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return self.admin_site.admin_view(preview)


DRAFT_ONLY_MESSAGE = _("已发布刊期中的内容只能由“审核发布”组的工作人员修改，请选择草稿。")
HISTORY_READ_ONLY = "历史版本只供查看，不能从这里保存或恢复。"


class SearchIndexMixin(AdminMixinBase):
    """Reindex the notices an admin save or delete touched, in the admin's transaction.

    save_related runs after the object and all its inlines are saved, so the index sees the
    notice as the form left it; deletes remember the notices first (a deleted notice's own
    row goes with it)."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        index_notices(notice_ids_of([form.instance]))

    def delete_model(self, request, obj):
        ids = notice_ids_of([obj])
        super().delete_model(request, obj)
        index_notices(ids)

    def delete_queryset(self, request, queryset):
        ids = notice_ids_of(queryset)
        super().delete_queryset(request, queryset)
        index_notices(ids)
