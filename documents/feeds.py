from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed

from documents.models import Notice
from documents.text import chinese_date

FEED_SIZE = 30


class LatestNoticesFeed(Feed):
    """The newest published notices, as RSS 2.0 (and Atom at /feeds/notices/atom/)."""

    link = "/"
    description = "咸宁市人民政府公报最新刊载的文件"

    def title(self):
        return f"{settings.GAZETTE_NAME} · 最新文件"

    def items(self):
        return (
            Notice.objects.published()
            .select_related("issue")
            .order_by("-issue__published_at", "-issue__published_on", "order")[:FEED_SIZE]
        )

    def item_title(self, item):
        return f"{item.title}（{item.doc_number}）" if item.doc_number else item.title

    def item_description(self, item):
        parts = [
            item.issuer,
            f"成文日期 {chinese_date(item.signed_on)}" if item.signed_on else "",
            f"刊载于 {item.issue}",
        ]
        return " · ".join(part for part in parts if part)

    def item_pubdate(self, item):
        return item.issue.published_at

    def item_categories(self, item):
        return [item.issuer] + ([item.agency_code] if item.agency_code else [])


class LatestNoticesAtomFeed(LatestNoticesFeed):
    feed_type = Atom1Feed
    subtitle = LatestNoticesFeed.description
