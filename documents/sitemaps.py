import datetime

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from documents.models import Issue, Notice, Unit


def last_published(published_on: datetime.date, changed_at: datetime.datetime | None):
    """A page's lastmod: the day its issue came out, or the day a published revision or
    correction last changed it. Never the day it was imported or saved: a back issue imported
    today has not changed since it was printed."""
    if changed_at is None:
        return published_on
    return max(published_on, timezone.localdate(changed_at))


class StaticSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return [
            "documents:home",
            "documents:issue_archive",
            "documents:unit_list",
            "projects:project_list",
            "projects:task_list",
            "documents:group_list",
        ]

    def location(self, item):
        return reverse(item)


class IssueSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.7

    def items(self):
        return (
            Issue.objects.published()
            .annotate(revised_at=Max("revisions__published_at"))
            .order_by("-year", "-number")
        )

    def lastmod(self, item):
        return last_published(item.published_on, item.revised_at)


class IssueYearSitemap(Sitemap):
    """The years' cumulative indexes (/issues/<year>/), dated by their latest issue."""

    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return (
            Issue.objects.published()
            .values("year")
            .annotate(published_on=Max("published_on"), revised_at=Max("revisions__published_at"))
            .order_by("-year")
        )

    def location(self, item):
        return reverse("documents:issue_year", args=[item["year"]])

    def lastmod(self, item):
        return last_published(item["published_on"], item["revised_at"])


class NoticeSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8
    limit = 5000

    def items(self):
        return (
            Notice.objects.published()
            .annotate(corrected_at=Max("corrections__published_at"))
            .select_related("issue")
            .only("pk", "issue__published_on")
            .order_by("pk")
        )

    def lastmod(self, item):
        return last_published(item.issue.published_on, item.corrected_at)


class UnitSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.4

    def items(self):
        return Unit.objects.public().order_by("pk")


SITEMAPS = {
    "pages": StaticSitemap,
    "issues": IssueSitemap,
    "years": IssueYearSitemap,
    "notices": NoticeSitemap,
    "units": UnitSitemap,
}
