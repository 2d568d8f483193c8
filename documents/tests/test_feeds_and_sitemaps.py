"""The feed and the sitemap date notices by their issue's publication, never by their import."""

import datetime
import email.utils
import zoneinfo

import pytest
from django.utils import timezone
from lxml import etree

from documents.models import Correction
from documents.tests.factories import make_issue, make_notice

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
SITEMAP = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
ATOM = {"a": "http://www.w3.org/2005/Atom"}


@pytest.fixture
def back_issue():
    """An issue printed on 10 May 2019 and imported (published on the site) today."""
    issue = make_issue(published=True, year=2019, published_on=datetime.date(2019, 5, 10))
    assert issue.published_at and issue.published_at.date() > issue.published_on
    return issue


def rss_dates(client) -> dict[str, datetime.datetime]:
    root = etree.fromstring(client.get("/feeds/notices/").content)
    return {
        item.findtext("title", ""): email.utils.parsedate_to_datetime(item.findtext("pubDate", ""))
        for item in root.iter("item")
    }


def test_feed_items_are_dated_by_their_issues_publication_date(client, back_issue):
    notice = make_notice(issue=back_issue, doc_number=None, title="关于二〇一九年的通知")
    assert rss_dates(client)[notice.title] == datetime.datetime(2019, 5, 10, tzinfo=SHANGHAI)
    atom = etree.fromstring(client.get("/feeds/notices/atom/").content)
    entry = atom.find("a:entry", ATOM)
    assert entry is not None
    assert entry.findtext("a:title", namespaces=ATOM) == notice.title
    assert entry.findtext("a:published", namespaces=ATOM) == "2019-05-10T00:00:00+08:00"


def test_an_issue_published_on_its_date_gives_the_time_of_publication(client):
    published_at = datetime.datetime(2022, 11, 16, 9, 30, tzinfo=SHANGHAI)
    issue = make_issue(published=True, published_on=datetime.date(2022, 11, 16))
    issue.published_at = published_at
    issue.save()
    notice = make_notice(issue=issue, doc_number=None, title="当天发布的通知")
    assert rss_dates(client)[notice.title] == published_at


def test_the_feed_lists_the_newest_printed_issue_first(client, back_issue):
    newer = make_issue(published=True, year=2022, published_on=datetime.date(2022, 11, 16))
    newer.published_at = timezone.now() - datetime.timedelta(days=30)  # before the import
    newer.save()
    make_notice(issue=newer, doc_number=None, title="二〇二二年的通知")
    make_notice(issue=back_issue, doc_number=None, title="二〇一九年的通知")
    assert list(rss_dates(client)) == ["二〇二二年的通知", "二〇一九年的通知"]


def sitemap_lastmods(client) -> dict[str, str]:
    index = etree.fromstring(client.get("/sitemap.xml").content)
    return {
        url.findtext("s:loc", "", SITEMAP): url.findtext("s:lastmod", "", SITEMAP)
        for url in index.iterfind("s:url", SITEMAP)
    }


def test_sitemap_lastmod_is_the_publication_date_not_the_import(client, back_issue):
    notice = make_notice(issue=back_issue)
    lastmods = sitemap_lastmods(client)
    assert lastmods[f"http://testserver{notice.get_absolute_url()}"] == "2019-05-10"
    assert lastmods[f"http://testserver{back_issue.get_absolute_url()}"] == "2019-05-10"


def test_a_correction_dates_the_notice_in_the_sitemap(client, back_issue):
    notice = make_notice(issue=back_issue)
    corrected = datetime.datetime(2020, 3, 2, 10, 0, tzinfo=SHANGHAI)
    Correction.objects.create(notice=notice, published_at=corrected, description="更正成文日期")
    assert sitemap_lastmods(client)[f"http://testserver{notice.get_absolute_url()}"] == "2020-03-02"


def test_the_sitemap_lists_each_year_index_with_its_latest_issue(client, back_issue):
    make_issue(published=True, year=2019, published_on=datetime.date(2019, 9, 1))
    make_issue(year=2018, published_on=datetime.date(2018, 9, 1))  # a draft: no year page
    lastmods = sitemap_lastmods(client)
    assert lastmods["http://testserver/issues/2019/"] == "2019-09-01"
    assert "http://testserver/issues/2018/" not in lastmods
    assert client.get("/issues/2019/").status_code == 200
