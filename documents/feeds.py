from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed

from documents.models import Correction, Notice
from documents.text import chinese_date

FEED_SIZE = 30


@dataclass(frozen=True)
class FeedEntry:
    """A notice as published, or one of its published corrections (an entry of its own, so
    that readers who saw the notice are told of the correction)."""

    notice: Notice
    when: datetime | None
    correction: Correction | None = None


class LatestNoticesFeed(Feed):
    """The newest published notices and corrections, as RSS 2.0 (and Atom at
    /feeds/notices/atom/)."""

    link = "/"
    description = "咸宁市人民政府公报最新刊载的文件及更正"

    def title(self):
        return f"{settings.GAZETTE_NAME} · 最新文件"

    def items(self):
        notices = (
            Notice.objects.published()
            .select_related("issue")
            .order_by("-issue__published_at", "-issue__published_on", "order")[:FEED_SIZE]
        )
        corrections = (
            Correction.objects.filter(notice__in=Notice.objects.published())
            .select_related("notice__issue")
            .order_by("-published_at", "-pk")[:FEED_SIZE]
        )
        entries = [FeedEntry(n, n.issue.published_at) for n in notices]
        entries += [FeedEntry(c.notice, c.published_at, c) for c in corrections]
        # Newest first; a notice's own entry before its corrections when the times are equal.
        entries.sort(key=lambda e: (e.when is not None, e.when, e.correction is None), reverse=True)
        return entries[:FEED_SIZE]

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


class LatestNoticesAtomFeed(LatestNoticesFeed):
    feed_type = Atom1Feed
    subtitle = LatestNoticesFeed.description
