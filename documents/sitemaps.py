from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from documents.models import Issue, Notice, Unit


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
        return Issue.objects.published().order_by("-year", "-number")

    def lastmod(self, item):
        return item.updated_at


class NoticeSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8
    limit = 5000

    def items(self):
        return Notice.objects.published().order_by("pk").only("pk", "updated_at")

    def lastmod(self, item):
        return item.updated_at


class UnitSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.4

    def items(self):
        return Unit.objects.public().order_by("pk")


SITEMAPS = {
    "pages": StaticSitemap,
    "issues": IssueSitemap,
    "notices": NoticeSitemap,
    "units": UnitSitemap,
}
