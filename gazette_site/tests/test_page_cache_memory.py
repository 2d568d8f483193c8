"""The page cache's copy in each process's memory: faster hits, never a stale page."""

import datetime

import pytest
from django.conf import settings
from django.core.cache import caches

from documents.models import Issue, Notice
from documents.services import issue_publish
from gazette_site import cache as page_cache
from gazette_site.cache import LocalPages

pytestmark = [pytest.mark.page_cache, pytest.mark.django_db(transaction=True)]


def publish(number: int, title: str) -> Notice:
    issue = Issue.objects.create(
        year=2022, number=number, total_number=70 + number, published_on=datetime.date(2022, 11, 16)
    )
    notice = Notice.objects.create(
        issue=issue,
        order=1,
        title=title,
        issuer="咸宁市人民政府",
        signed_on=datetime.date(2022, 11, 1),
    )
    issue_publish(issue=issue)
    return notice


def test_a_page_is_served_from_memory_once_cached(client, monkeypatch):
    publish(5, "第一件文件")
    client.get("/issues/")
    shared = caches[settings.PAGE_CACHE_ALIAS]
    asked = []
    read = shared.get

    def get(key, *args):
        asked.append(key)
        return read(key, *args)

    monkeypatch.setattr(shared, "get", get)
    response = client.get("/issues/")
    assert response["X-Page-Cache"] == "hit"
    assert "2022年第5号" in response.content.decode()
    assert asked == [page_cache.VERSION_KEY]  # the page itself came from memory


def test_a_change_is_shown_at_once_although_the_old_page_is_in_memory(client):
    publish(5, "第一件文件")
    assert "第二件文件" not in client.get("/").content.decode()
    assert client.get("/")["X-Page-Cache"] == "hit"
    publish(6, "第二件文件")
    response = client.get("/")
    assert response["X-Page-Cache"] == "miss"
    assert "第二件文件" in response.content.decode()


def test_each_hit_gets_its_own_response_with_headers_set_once(client):
    publish(5, "第一件文件")
    client.get("/issues/")
    first, second = client.get("/issues/"), client.get("/issues/")
    assert first is not second
    for response in (first, second):
        assert response["X-Page-Cache"] == "hit"
        assert response.headers.get("Content-Security-Policy", "").count("default-src") <= 1


def test_the_memory_keeps_the_most_recently_used_pages_until_they_expire(monkeypatch):
    pages = LocalPages(size=2)
    now = [1000.0]
    monkeypatch.setattr(page_cache.time, "monotonic", lambda: now[0])
    pages.set("a", "page a", timeout=60)
    pages.set("b", "page b", timeout=60)
    assert pages.get("a") == "page a"  # a is now the most recently used
    pages.set("c", "page c", timeout=60)
    assert (pages.get("a"), pages.get("b"), pages.get("c")) == ("page a", None, "page c")
    now[0] += 61
    assert pages.get("a") is None
