"""What every model admin of the portal shares: the forms, the publication lock, the search
index and the page cache kept up to date on every save."""

import datetime

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from documents.docnumbers import DocNumberError, parse_doc_number
from documents.models import (
    FIRST_YEAR,
    Issue,
    PublicationStatus,
)
from documents.search import index_notices, notice_ids_of
from documents.services import (
    PUBLISH_PERMISSION,
)
from gazette_site.cache import content_changed

PARENT_LINKS = ("issue", "notice", "group", "project", "task")


def issue_of(obj) -> Issue | None:
    """The issue an admin object belongs to, following notice/group/project links upwards."""
    for _depth in range(4):
        if obj is None or isinstance(obj, Issue):
            return obj
        parents = (getattr(obj, link, None) for link in PARENT_LINKS)
        obj = next((parent for parent in parents if parent is not None), None)
    return None


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
            raise forms.ValidationError(_("出版日期不能早于1949年1月1日。"))
        return published_on


class NoticeForm(forms.ModelForm):
    def clean_doc_number(self):
        return canonical_doc_number(self.cleaned_data.get("doc_number"))

    def clean_signed_on(self):
        signed_on = self.cleaned_data.get("signed_on")
        if signed_on and signed_on < EARLIEST_DATE:
            raise forms.ValidationError(_("成文日期不能早于1949年1月1日。"))
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


class ContentChangedMixin:
    """Every add, change and delete made in the admin clears the public page cache."""

    def log_addition(self, request, obj, message):
        content_changed()
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        content_changed()
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        content_changed()
        return super().log_deletions(request, queryset)


# Links that put an object into an issue, and the drafts staff who cannot publish may choose.
DRAFT_ONLY = {
    "issue": {"status": PublicationStatus.DRAFT},
    "notice": {"issue__status": PublicationStatus.DRAFT},
}
DRAFT_ONLY_MESSAGE = _("已发布刊期中的内容只能由“审核发布”组的工作人员修改，请选择草稿。")


class PublishedLockMixin(ContentChangedMixin):
    """Content of a published issue is read-only for staff who cannot publish.

    An editor corrects a draft; once an issue is public, only 审核发布 staff change it (and
    every change is kept in the history)."""

    formset = InlineFormSet  # used by the inlines only

    def _locked(self, request, obj) -> bool:
        issue = issue_of(obj)
        return (
            issue is not None
            and issue.status == PublicationStatus.PUBLISHED
            and not request.user.has_perm(PUBLISH_PERMISSION)
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._locked(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._locked(request, obj)

    def has_add_permission(self, request, obj=None):
        args = (request, obj) if isinstance(self, admin.options.InlineModelAdmin) else (request,)
        return super().has_add_permission(*args) and not self._locked(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Choosing a published issue (or a notice in one) would publish the object at once:
        # staff who cannot publish may only put content into drafts.
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        draft = DRAFT_ONLY.get(db_field.name)
        if field is not None and draft and not request.user.has_perm(PUBLISH_PERMISSION):
            field.queryset = field.queryset.filter(**draft)
            field.error_messages = {**field.error_messages, "invalid_choice": DRAFT_ONLY_MESSAGE}
        return field


class SearchIndexMixin:
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
