"""What every model admin of the portal shares: the forms, the publication lock, the search
index and the page cache kept up to date on every save."""

import csv
import datetime
import io
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.forms.models import modelform_factory
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from documents.docnumbers import DocNumberError, parse_doc_number
from documents.history import HAND_EDIT, set_change_reason
from documents.limits import FIRST_YEAR
from documents.models import Notice, Table
from documents.permissions import can_publish, draft_only, is_public, may_change
from documents.search import index_notices, notice_ids_of
from documents.services import PROPOSABLE_FIELDS, propose_correction
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
    def clean_publish_at(self):
        publish_at = self.cleaned_data.get("publish_at")
        changed = publish_at != getattr(self.instance, "publish_at", None)
        if publish_at and changed and publish_at <= timezone.now():
            raise forms.ValidationError(_("定时发布的时间应晚于现在；要立即发布请用“发布”动作。"))
        return publish_at

    def clean_published_on(self):
        published_on = self.cleaned_data.get("published_on")
        if published_on and published_on < EARLIEST_DATE:
            raise forms.ValidationError(
                _("出版日期不能早于%(year)d年1月1日。") % {"year": FIRST_YEAR}
            )
        return published_on


class NoticeForm(forms.ModelForm):
    def clean_doc_number(self):
        number = canonical_doc_number(self.cleaned_data.get("doc_number"))
        taken = Notice.objects.filter(doc_number=number).exclude(pk=self.instance.pk)
        holder = taken.select_related("issue").first() if number else None
        if holder is not None:
            raise forms.ValidationError(
                _("发文字号 %(number)s 已由 %(issue)s 的《%(title)s》使用。")
                % {"number": number, "issue": holder.issue, "title": holder.title}
            )
        return number

    def clean(self):
        cleaned = super().clean() or {}
        issue, signed_on = cleaned.get("issue") or self._issue(), cleaned.get("signed_on")
        published_on = getattr(issue, "published_on", None)
        if signed_on and published_on and signed_on > published_on:
            self.add_error(
                "signed_on",
                _("成文日期晚于所在刊期的出版日期（%(date)s），请核对。")
                % {"date": published_on.isoformat()},
            )
        return cleaned

    def _issue(self):
        # In the issue page's table of contents the issue is the form's parent.
        return getattr(self.instance, "issue", None) if self.instance.issue_id else None

    def clean_signed_on(self):
        signed_on = self.cleaned_data.get("signed_on")
        if signed_on and signed_on < EARLIEST_DATE:
            raise forms.ValidationError(
                _("成文日期不能早于%(year)d年1月1日。") % {"year": FIRST_YEAR}
            )
        return signed_on


class TabSeparatedField(forms.Field):
    """Table cells as WPS and Excel copy them: a line per row, cells separated by tabs (a cell
    holding a tab or a line break in double quotes). Cells keep their inner spaces."""

    widget = forms.Textarea(
        attrs={"rows": 12, "wrap": "off", "spellcheck": "false", "class": "tsv-cells"}
    )

    def __init__(self, *, single_row: bool = False, **kwargs):
        self.single_row = single_row
        kwargs.setdefault("required", False)
        if single_row:
            kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 2, "wrap": "off"}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list):
            rows = [value] if self.single_row else value
            out = io.StringIO()
            writer = csv.writer(out, delimiter="\t", lineterminator="\n")
            writer.writerows([[str(cell) for cell in row] for row in rows])
            return out.getvalue().rstrip("\n")
        return value

    def to_python(self, value):
        if isinstance(value, list):
            return value
        text = (value or "").replace("\r\n", "\n").replace("\r", "\n").strip("\n")
        if not text.strip():
            return []
        rows = [
            [cell.strip() for cell in row]
            for row in csv.reader(io.StringIO(text), delimiter="\t")
            if any(cell.strip() for cell in row)
        ]
        if self.single_row:
            if len(rows) > 1:
                raise forms.ValidationError(_("表头只能有一行：多行表头请合并为一行。"))
            return rows[0] if rows else []
        return rows


class TableForm(forms.ModelForm):
    """A table edited as cells (pasted from WPS or Excel), every row as wide as the header."""

    header = TabSeparatedField(
        label=_("表头"),
        single_row=True,
        help_text=_("一行，各列之间用 Tab 分隔（从 WPS 或 Excel 复制表头一行粘贴即可）。"),
    )
    rows = TabSeparatedField(
        label=_("数据行"),
        help_text=_(
            "每行一条，单元格之间用 Tab 分隔：从 WPS 或 Excel 选中数据行复制后直接粘贴。"
            "每行的单元格数须与表头列数相同（空单元格也要保留）。"
        ),
    )

    class Meta:
        model = Table
        fields = ["notice", "attachment", "order", "title", "header", "rows"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # imported tables may have short rows (merged cells): pad them
            self.initial["rows"] = self.instance.padded_rows()

    def clean(self):
        cleaned = super().clean() or {}
        header, rows = cleaned.get("header") or [], cleaned.get("rows") or []
        width = len(header) or (len(rows[0]) if rows else 0)
        wrong = [(n, len(row)) for n, row in enumerate(rows, start=1) if len(row) != width]
        if wrong:
            where = "；".join(f"第{n}行有{cells}个单元格" for n, cells in wrong[:10])
            basis = _("表头有%(w)d列") if header else _("第1行有%(w)d个单元格")
            self.add_error("rows", f"{where}，而{basis % {'w': width}}：请补齐或删去多余的单元格。")
        return cleaned


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


class PlainTextField(forms.CharField):
    """A text area's value with the line endings of a stored text (\n): browsers send \r\n,
    and without this every save of an unchanged body recorded a change of every line."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value


class ContentChangedMixin(AdminMixinBase):
    """Every add, change and delete made in the admin clears the public page cache, from the
    admin's own save and delete paths (save_related runs once a form and its inlines are
    saved; the delete page and the delete action end in delete_model / delete_queryset).

    Every row the admin saves is recorded in the history as a hand edit (HAND_EDIT): a later
    import of the issue keeps it unless the user chooses otherwise."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.TextField) and not db_field.choices:
            kwargs.setdefault("form_class", PlainTextField)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if change and not form.has_changed():
            return  # nothing to save: no history row for a save that changes nothing
        set_change_reason(obj, HAND_EDIT)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            set_change_reason(inline_form.instance, HAND_EDIT)
        super().save_formset(request, form, formset, change)

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


def _plain_text(db_field, **kwargs):
    if isinstance(db_field, models.TextField):
        kwargs.setdefault("form_class", PlainTextField)
    return db_field.formfield(**kwargs)


class ProposeCorrectionMixin(AdminMixinBase):
    """Published content corrected through a revision: the page at ``<pk>/propose/`` takes
    the proposable fields (documents.services.PROPOSABLE_FIELDS) and keeps the change in the
    issue's draft revision; nothing public changes until a 审核发布 user publishes it."""

    correction_form: type[forms.ModelForm] = forms.ModelForm

    @admin.display(description=_("更正"))
    def correction_link(self, obj):
        if not obj or not obj.pk or not is_public(obj):
            return "—"
        opts = self.model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_propose", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("提出更正（记入修订稿，审核发布后公开）"))

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<int:pk>/propose/",
                self.admin_site.admin_view(self.propose_view),
                name=f"{opts.app_label}_{opts.model_name}_propose",
            ),
            *super().get_urls(),
        ]

    def propose_view(self, request, pk: int):
        opts = self.model._meta
        obj = get_object_or_404(self.model._default_manager, pk=pk)
        if not self.has_view_permission(request, obj) or not request.user.has_perm(
            f"{opts.app_label}.change_{opts.model_name}"
        ):
            raise PermissionDenied
        change_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        if not is_public(obj):
            return redirect(change_url)  # a draft is edited directly
        form_class = modelform_factory(
            self.model,
            form=self.correction_form,
            fields=PROPOSABLE_FIELDS[self.model],
            formfield_callback=_plain_text,
        )
        form = form_class(request.POST or None, instance=self.model._default_manager.get(pk=pk))
        if request.method == "POST" and form.is_valid():
            values = {name: form.cleaned_data[name] for name in PROPOSABLE_FIELDS[self.model]}
            try:
                revision = propose_correction(obj=obj, user=request.user, values=values)
            except ValidationError as error:
                self.message_user(request, "；".join(error.messages), messages.ERROR)
                return redirect(change_url)
            self.message_user(
                request,
                _("已记入修订稿：公开页面没有改动，提交审核并由审核发布人员发布后生效。"),
                messages.SUCCESS,
            )
            return redirect("admin:documents_revision_change", revision.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": opts,
            "title": _("提出更正"),
            "obj": obj,
            "change_url": change_url,
            "form": form,
        }
        return TemplateResponse(request, "admin/documents/propose.html", context)
