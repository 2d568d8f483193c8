"""Staff data entry: draft, review, publish. Labels come from the models' verbose names."""

import datetime
from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from documents.docnumbers import DocNumberError, is_doc_number, parse_doc_number
from documents.forms import IssueImportConfirmForm, IssueImportForm
from documents.importer.records import ImportFormatError
from documents.models import (
    FIRST_YEAR,
    Attachment,
    Citation,
    Issue,
    LeadingGroup,
    Membership,
    Notice,
    PublicationStatus,
    Table,
    Unit,
    UnitAlias,
)
from documents.search import index_notices, notice_ids_of
from documents.services import (
    PUBLISH_PERMISSION,
    issue_import,
    issue_publish,
    issue_unpublish,
)
from documents.views import IssueDetailView, NoticeDetailView
from gazette_site.cache import content_changed
from projects.models import Project, Task

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
        preview = self.admin_site.admin_view(IssueDetailView.as_view(preview=True))
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
                except ImportFormatError as error:
                    self.message_user(request, str(error), messages.ERROR)
                    return redirect("admin:documents_issue_import")
                self.message_user(request, _("已导入为草稿，请逐件核对后发布。"), messages.SUCCESS)
                return redirect("admin:documents_issue_change", outcome.issue.pk)
            form = IssueImportForm()
            context["errors"] = confirm.errors.get("digest")
        elif request.method == "POST":
            form = IssueImportForm(request.POST, request.FILES)
            if form.is_valid():
                try:
                    outcome = issue_import(data=form.cleaned_data["file"], dry_run=True)
                except ImportFormatError as error:
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


# --- Notices ----------------------------------------------------------------------------------


class AttachmentInline(PublishedLockMixin, admin.StackedInline):
    model = Attachment
    fields = [("order", "label"), "title", "body"]
    extra = 0


class TableInline(PublishedLockMixin, admin.StackedInline):
    model = Table
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


@admin.register(Notice)
class NoticeAdmin(SearchIndexMixin, PublishedLockMixin, SimpleHistoryAdmin):
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
    list_filter = ["issue__year", "issuer", "issue__status", "validity"]
    list_select_related = ["issue"]
    search_fields = ["title", "doc_number"]
    date_hierarchy = "signed_on"
    autocomplete_fields = ["issue"]
    readonly_fields = [
        "agency_code",
        "year",
        "serial",
        "expires_on",
        "preview_link",
        "investment_summary",
    ]
    fieldsets = [
        (None, {"fields": ["issue", ("order", "page"), "section", "title"]}),
        (
            _("发文信息"),
            {
                "fields": [
                    "doc_number",
                    ("agency_code", "year", "serial"),
                    "issuer",
                    "addressees",
                    "signed_on",
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
        (_("项目清单汇总"), {"fields": ["investment_summary"]}),
        (_("预览"), {"fields": ["preview_link"]}),
    ]
    inlines = [
        AttachmentInline,
        TableInline,
        CitationInline,
        ProjectInline,
        TaskInline,
        LeadingGroupInline,
    ]

    @admin.display(description=_("刊期状态"), ordering="issue__status")
    def issue_status(self, obj):
        return obj.issue.get_status_display()

    @admin.display(description=_("预览"))
    def preview_link(self, obj):
        if not obj or not obj.pk:
            return "—"
        url = reverse("admin:documents_notice_preview", args=[obj.pk])
        return format_html('<a href="{}" target="_blank">{}</a>', url, _("预览公开页面"))

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

    def get_search_results(self, request, queryset, search_term):
        # A document number typed in any form finds exactly that notice.
        if not is_doc_number(search_term):
            return super().get_search_results(request, queryset, search_term)
        return queryset.with_doc_number(search_term), False

    def get_urls(self):
        preview = self.admin_site.admin_view(NoticeDetailView.as_view(preview=True))
        return [
            path("<int:pk>/preview/", preview, name="documents_notice_preview"),
            *super().get_urls(),
        ]


# --- Units and groups -------------------------------------------------------------------------


class UnitAliasInline(admin.TabularInline):
    model = UnitAlias
    formset = InlineFormSet
    extra = 1


@admin.register(Unit)
class UnitAdmin(SearchIndexMixin, ContentChangedMixin, SimpleHistoryAdmin):
    list_display = ["full_name", "short_name", "kind", "needs_review", "alias_list"]
    list_filter = ["kind", "needs_review"]
    search_fields = ["full_name", "short_name", "aliases__name"]
    inlines = [UnitAliasInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("aliases")

    @admin.display(description=_("别名"))
    def alias_list(self, obj):
        return "、".join(alias.name for alias in obj.aliases.all())


class MembershipInline(PublishedLockMixin, admin.TabularInline):
    model = Membership
    fields = ["order", "role", "person_name", "position", "unit"]
    autocomplete_fields = ["unit"]
    extra = 0


@admin.register(LeadingGroup)
class LeadingGroupAdmin(SearchIndexMixin, PublishedLockMixin, SimpleHistoryAdmin):
    list_display = ["name", "notice", "member_count"]
    list_filter = ["notice__issue__year"]
    search_fields = ["name", "memberships__person_name"]
    autocomplete_fields = ["notice", "parent"]
    fields = ["notice", "order", "name", "parent", "office", "duties"]
    inlines = [MembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=Count("memberships"))

    @admin.display(description=_("成员数"), ordering="member_count")
    def member_count(self, obj):
        return obj.member_count


@admin.register(Citation)
class CitationAdmin(PublishedLockMixin, SimpleHistoryAdmin):
    form = CitationForm
    list_display = ["notice", "kind", "doc_number", "cited_title", "resolved"]
    list_filter = ["kind"]
    search_fields = ["doc_number", "cited_title"]
    autocomplete_fields = ["notice"]

    def get_queryset(self, request):
        target = Notice.objects.filter(doc_number=OuterRef("doc_number"))
        return super().get_queryset(request).annotate(is_resolved=Exists(target))

    @admin.display(description=_("本站已收录"), boolean=True, ordering="is_resolved")
    def resolved(self, obj):
        return obj.is_resolved


@admin.register(Attachment)
class AttachmentAdmin(SearchIndexMixin, PublishedLockMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "notice"]
    search_fields = ["label", "title", "notice__doc_number"]
    autocomplete_fields = ["notice"]


@admin.register(Table)
class TableAdmin(SearchIndexMixin, PublishedLockMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "notice", "attachment"]
    search_fields = ["title", "notice__doc_number"]
    autocomplete_fields = ["notice", "attachment"]
