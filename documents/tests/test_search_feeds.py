"""Feeds for any search and for a unit, linked from their pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from documents.models import Notice, Unit
from documents.services import issue_import

pytestmark = pytest.mark.django_db

MINIMAL = (Path(__file__).parent / "importer" / "fixtures" / "minimal-issue.txt").read_bytes()


@pytest.fixture
def issue():
    imported = issue_import(data=MINIMAL, publish=True).issue
    assert imported is not None
    return imported


def entries(response) -> list[tuple[str, str]]:
    """(title, pubDate) of each item of an RSS response."""
    assert response.status_code == 200
    tree = etree.fromstring(response.content)
    return [
        (item.findtext("title") or "", item.findtext("pubDate") or "") for item in tree.iter("item")
    ]


def test_a_search_as_a_feed_with_its_filters_and_the_issues_dates(client, issue):
    found = entries(client.get("/search/feed/", {"q": "绿化"}))
    titles = [title for title, _date in found]
    assert any("城市绿化管理办法" in title for title in titles)
    published = issue.published_on.strftime("%d %b %Y")
    assert all(published in date for _title, date in found)
    by_issuer = entries(client.get("/search/feed/", {"issuer": "咸宁市人民政府办公室"}))
    office = set(
        Notice.objects.filter(issuer="咸宁市人民政府办公室").values_list("title", flat=True)
    )
    assert by_issuer and all(any(t.startswith(o) for o in office) for t, _d in by_issuer)
    by_agency = entries(client.get("/search/feed/", {"agency": "咸政发"}))
    assert by_agency and all("咸政发" in title for title, _d in by_agency)
    atom = client.get("/search/feed/atom/", {"q": "绿化"})
    assert atom.status_code == 200 and b"<feed" in atom.content
    assert client.get("/search/feed/", {"q": "绿化", "utm_source": "weixin"}).status_code == 302


def test_the_search_and_unit_pages_link_their_feeds(client, issue):
    page = client.get("/search/", {"q": "绿化"}).content.decode()
    assert 'rel="alternate" type="application/rss+xml"' in page
    assert "/search/feed/?q=" in page and "/alerts/new/?q=" in page
    unit = Unit.objects.public().first()
    assert unit is not None
    unit_page = client.get(unit.get_absolute_url()).content.decode()
    assert f"/units/{unit.pk}/feed/" in unit_page
    feed = entries(client.get(f"/units/{unit.pk}/feed/"))
    assert feed  # the notices the unit has a role in
    hidden = Unit.objects.exclude(pk__in=Unit.objects.public()).first()
    if hidden is not None:
        assert client.get(f"/units/{hidden.pk}/feed/").status_code == 404


@pytest.mark.parametrize("path", ["/search/feed/", "/search/feed/atom/"])
def test_control_characters_in_the_query_never_break_a_feed(client, issue, path):
    """XML 1.0 cannot carry a control character: the feed's title takes the query as the search
    cleans it."""
    response = client.get(path, {"q": "绿\x00化\x1b", "issuer": "咸宁市\x07人民政府办公室"})
    assert response.status_code == 200
    title = etree.fromstring(response.content).findtext(".//{*}title") or ""
    assert "绿 化" in title and "\x00" not in response.content.decode()
