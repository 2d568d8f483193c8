"""Units and leading groups, and the stand-alone pages of notice parts."""

from django.contrib import admin
from django.db.models import Count, Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from documents.admin.base import (
    CitationForm,
    ProposeCorrectionMixin,
    PublishedLockMixin,
    SearchIndexMixin,
    TableForm,
)
from documents.models import (
    Attachment,
    Citation,
    LeadingGroup,
    Membership,
    Notice,
    Table,
    Unit,
    UnitAlias,
)

# --- Units and groups -------------------------------------------------------------------------


class UnitAliasInline(PublishedLockMixin, admin.TabularInline):
    model = UnitAlias
    extra = 1


@admin.register(Unit)
class UnitAdmin(SearchIndexMixin, PublishedLockMixin, SimpleHistoryAdmin):
    """A unit named on published pages is changed by 审核发布 staff only (renaming it changes
    those pages at once); an 编辑 adds units and corrects those only drafts name."""

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
class AttachmentAdmin(
    ProposeCorrectionMixin, SearchIndexMixin, PublishedLockMixin, SimpleHistoryAdmin
):
    list_display = ["__str__", "notice"]
    readonly_fields = ["correction_link"]
    search_fields = ["label", "title", "notice__doc_number"]
    autocomplete_fields = ["notice"]


@admin.register(Table)
class TableAdmin(ProposeCorrectionMixin, SearchIndexMixin, PublishedLockMixin, SimpleHistoryAdmin):
    form = TableForm
    correction_form = TableForm
    readonly_fields = ["correction_link"]
    list_display = ["__str__", "notice", "attachment"]
    search_fields = ["title", "notice__doc_number"]
    autocomplete_fields = ["notice", "attachment"]
