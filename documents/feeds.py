from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from documents.models import Correction, Notice, Unit
from documents.search import SearchFilters, clean_query, search_notices
from documents.text import chinese_date

FEED_SIZE = 30


@dataclass(frozen=True)
class FeedEntry:
    """A notice as published, or one of its published corrections (an entry of its own, so
    that readers who saw the notice are told of the correction)."""

    notice: Notice
    when: datetime | None
    correction: Correction | None = None


class NoticeFeed(Feed):
    """What every feed of notices shares: an entry a notice or correction (FeedEntry), dated by
    its publication."""

    def item_title(self, item):
        notice = item.notice
        title = f"{notice.title}（{notice.doc_number}）" if notice.doc_number else notice.title
        return f"【更正】{title}" if item.correction else title

    def item_link(self, item):
        url = item.notice.get_absolute_url()
        return f"{url}#corrections-title" if item.correction else url

    def item_guid(self, item):
        url = self.item_link(item)
        return f"{url}-{item.correction.pk}" if item.correction else url

    def item_guid_is_permalink(self, item):
        return False if item.correction else None

    def item_description(self, item):
        notice = item.notice
        if item.correction:
            return f"更正：{item.correction.description} · 刊载于 {notice.issue}"
        parts = [
            notice.issuer,
            f"成文日期 {chinese_date(notice.signed_on)}" if notice.signed_on else "",
            f"刊载于 {notice.issue}",
        ]
        return " · ".join(part for part in parts if part)

    def item_pubdate(self, item):
        return item.when

    def item_updateddate(self, item):
        return item.when

    def item_categories(self, item):
        notice = item.notice
        return [notice.issuer] + ([notice.agency_code] if notice.agency_code else [])


def latest_entries() -> list[FeedEntry]:
    """The newest published notices and corrections, newest first."""
    # By publication date, as the entries are dated: an issue of 2019 imported today is
    # no newer than the issues printed after it.
    notices = (
        Notice.objects.published()
        .select_related("issue")
        .order_by("-issue__published_on", "-issue__published_at", "order")[:FEED_SIZE]
    )
    corrections = (
        Correction.objects.filter(notice__in=Notice.objects.published())
        .select_related("notice__issue")
        .order_by("-published_at", "-pk")[:FEED_SIZE]
    )
    entries = [FeedEntry(n, n.issue.publication_time()) for n in notices]
    entries += [FeedEntry(c.notice, c.published_at, c) for c in corrections]
    # Newest first; a notice's own entry before its corrections when the times are equal.
    entries.sort(key=lambda e: (e.when is not None, e.when, e.correction is None), reverse=True)
    return entries[:FEED_SIZE]


class LatestNoticesFeed(NoticeFeed):
    """The newest published notices and corrections, as RSS 2.0 (and Atom at
    /feeds/notices/atom/)."""

    link = "/"
    description = f"{settings.GAZETTE_NAME}最新刊载的文件及更正"

    def title(self):
        return f"{settings.GAZETTE_NAME} · 最新文件"

    def items(self):
        return latest_entries()


class LatestNoticesAtomFeed(LatestNoticesFeed):
    feed_type = Atom1Feed
    subtitle = LatestNoticesFeed.description


class SearchFeed(NoticeFeed):
    """Any search as a feed (/search/feed/?q=…&issuer=…&agency=…): the newest 20 notices it
    finds, by publication date, dated by their issue's publication. Without a query or a
    filter, the latest notices."""

    query_parameters = ("q", *SearchFilters.PARAMETERS)  # CanonicalQueryMiddleware keeps them

    def get_object(self, request, *args, **kwargs):
        return request.GET

    def title(self, params):
        label = describe_search(params)
        return f"{settings.GAZETTE_NAME} · {label or '最新文件'}"

    def link(self, params):
        query = {k: params[k] for k in self.query_parameters if params.get(k)}
        return reverse("documents:search") + ("?" + urlencode(query) if query else "")

    def description(self, params):
        label = describe_search(params)
        return f"检索“{label}”的最新结果" if label else LatestNoticesFeed.description

    def items(self, params):
        query = (params.get("q") or "")[:200]
        filters = SearchFilters.from_params(params)
        if not query and not filters.active:
            return latest_entries()
        result = search_notices(query, filters=filters, sort="date")
        if result.redirect_to is not None:
            notices = [result.redirect_to]
        else:
            notices = [hit.notice for hit in result.page.hits] if result.page else []
        return [FeedEntry(n, n.issue.publication_time()) for n in notices]


class SearchAtomFeed(SearchFeed):
    feed_type = Atom1Feed


class UnitFeed(NoticeFeed):
    """The newest published notices in which a unit has a role (a project, a task, a seat)."""

    def get_object(self, request, pk: int):
        return get_object_or_404(Unit.objects.public(), pk=pk)

    def title(self, unit):
        return f"{settings.GAZETTE_NAME} · {unit.display_name}"

    def link(self, unit):
        return unit.get_absolute_url()

    def description(self, unit):
        return f"{unit.full_name}担任牵头、责任、配合单位或领导小组成员的最新文件"

    def items(self, unit):
        notices = (
            Notice.objects.published()
            .filter(
                Q(projects__responsibilities__unit=unit)
                | Q(tasks__responsibilities__unit=unit)
                | Q(leading_groups__memberships__unit=unit)
            )
            .distinct()
            .select_related("issue")
            .order_by("-issue__published_on", "-issue__published_at", "order")[:FEED_SIZE]
        )
        return [FeedEntry(n, n.issue.publication_time()) for n in notices]


class UnitAtomFeed(UnitFeed):
    feed_type = Atom1Feed


def describe_search(params) -> str:
    """A search in words, for a feed's title: “绿化”，发文机关：咸宁市人民政府."""
    labels = {"year": "年份", "issuer": "发文机关", "agency": "机关代字", "validity": "效力"}
    # Cleaned as the search cleans its query: a control character has no place in a title
    # (XML 1.0 cannot carry one at all) or in a mail's subject.
    query = clean_query(params.get("q") or "")
    words = [f"“{query[:50]}”"] if query else []
    words += [
        f"{labels.get(name, name)}：{clean_query(params[name])[:50]}"
        for name in SearchFilters.PARAMETERS
        if clean_query(params.get(name) or "")
    ]
    return "，".join(words)
