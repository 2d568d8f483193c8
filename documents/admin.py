"""Staff data entry: draft, review, publish. Labels come from the models' verbose names."""

from decimal import Decimal

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from documents.docnumbers import DocNumberError, parse_doc_number
from documents.models import (
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
from documents.services import PUBLISH_PERMISSION, issue_publish, issue_unpublish
from documents.views import IssueDetailView, NoticeDetailView
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


class PublishedLockMixin:
    """Content of a published issue is read-only for staff who cannot publish.

    An editor corrects a draft; once an issue is public, only 审核发布 staff change it (and
    every change is kept in the history)."""

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


# --- Issues -----------------------------------------------------------------------------------


class NoticeInline(PublishedLockMixin, admin.TabularInline):
    model = Notice
    fields = ["order", "page", "section", "title", "doc_number", "issuer", "signed_on"]
    extra = 0
    show_change_link = True
    ordering = ["order"]


@admin.register(Issue)
class IssueAdmin(PublishedLockMixin, SimpleHistoryAdmin):
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
            *super().get_urls(),
        ]

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
class NoticeAdmin(PublishedLockMixin, SimpleHistoryAdmin):
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
        try:
            number = parse_doc_number(search_term)
        except DocNumberError:
            return super().get_search_results(request, queryset, search_term)
        return queryset.filter(doc_number=number.canonical), False

    def get_urls(self):
        preview = self.admin_site.admin_view(NoticeDetailView.as_view(preview=True))
        return [
            path("<int:pk>/preview/", preview, name="documents_notice_preview"),
            *super().get_urls(),
        ]


# --- Units and groups -------------------------------------------------------------------------


class UnitAliasInline(admin.TabularInline):
    model = UnitAlias
    extra = 1


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
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
class LeadingGroupAdmin(PublishedLockMixin, SimpleHistoryAdmin):
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
class AttachmentAdmin(PublishedLockMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "notice"]
    search_fields = ["label", "title", "notice__doc_number"]
    autocomplete_fields = ["notice"]


@admin.register(Table)
class TableAdmin(PublishedLockMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "notice", "attachment"]
    search_fields = ["title", "notice__doc_number"]
    autocomplete_fields = ["notice", "attachment"]
