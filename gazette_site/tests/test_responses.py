"""Compression and conditional GET (gazette_site/responses.py), the favicon and the manifest."""

import gzip
import json
import time

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.templatetags.static import static
from django.utils.http import http_date, parse_http_date

from documents.tests.factories import make_issue, make_notice
from gazette_site.cache import VERSION_KEY, content_changed
from gazette_site.responses import PublicGZipMiddleware

pytestmark = pytest.mark.django_db

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


@pytest.fixture
def notice():
    return make_notice(issue=make_issue(published=True), title="关于加强测试工作的通知")


def test_public_pages_are_compressed_for_browsers_that_accept_gzip(client, notice):
    response = client.get(notice.get_absolute_url(), **GZIP)
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    page = gzip.decompress(response.content)
    assert "关于加强测试工作的通知" in page.decode()
    again = client.get(notice.get_absolute_url(), **GZIP)  # the copy compressed before
    assert again["Content-Encoding"] == "gzip" and again["ETag"] == response["ETag"]
    assert int(again["Content-Length"]) == len(again.content)
    assert gzip.decompress(again.content) == page
    plain = client.get(notice.get_absolute_url())
    assert not plain.has_header("Content-Encoding")
    assert "关于加强测试工作的通知" in plain.content.decode()


def test_admin_pages_with_a_csrf_token_are_never_compressed(client):
    # BREACH: a page holding a secret (the CSRF token) is sent as it is.
    response = client.get("/admin/login/", **GZIP)
    assert response.status_code == 200
    assert "csrfmiddlewaretoken" in response.content.decode()
    assert not response.has_header("Content-Encoding")


def test_no_page_with_a_csrf_token_is_compressed(rf):
    def page(request, form: bool) -> HttpResponse:
        token = f"<form method=post>{get_token(request)}</form>" if form else ""
        return HttpResponse(token + "<p>订阅</p>" * 100)

    gzip_middleware = PublicGZipMiddleware(lambda request: HttpResponse())
    for form, encoding in [(True, None), (False, "gzip")]:
        request = rf.get("/alerts/", **GZIP)
        response = gzip_middleware.process_response(request, page(request, form))
        assert response.get("Content-Encoding") == encoding, form


def test_a_page_the_browser_has_is_answered_304_by_its_etag(client, notice):
    url = notice.get_absolute_url()
    first = client.get(url, **GZIP)
    etag = first["ETag"]
    again = client.get(url, HTTP_IF_NONE_MATCH=etag, **GZIP)
    assert again.status_code == 304 and again.content == b""
    # The same page asked for without compression has the same (strong) tag's value.
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_a_page_the_browser_has_is_answered_304_by_its_date(client, notice):
    url = notice.get_absolute_url()
    first = client.get(url)
    assert first["Cache-Control"] == "no-cache"  # asked again each time, never guessed fresh
    last_modified = first["Last-Modified"]
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    earlier = http_date(parse_http_date(last_modified) - 1)
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=earlier).status_code == 200


@pytest.mark.page_cache
def test_a_change_gives_cached_pages_a_new_etag_and_date(
    client, notice, django_capture_on_commit_callbacks
):
    an_hour_ago = time.time_ns() - 3600 * 10**9
    cache.set(VERSION_KEY, str(an_hour_ago), timeout=None)
    url = notice.get_absolute_url()
    client.get(url)
    cached = client.get(url, **GZIP)
    assert cached["X-Page-Cache"] == "hit" and cached["Content-Encoding"] == "gzip"
    etag, last_modified = cached["ETag"], cached["Last-Modified"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304

    notice.title = "关于加强测试工作的补充通知"
    with django_capture_on_commit_callbacks(execute=True):
        notice.save()
        content_changed()

    changed = client.get(url, HTTP_IF_NONE_MATCH=etag, HTTP_IF_MODIFIED_SINCE=last_modified)
    assert changed.status_code == 200 and "补充通知" in changed.content.decode()
    assert changed["ETag"].removeprefix("W/") != etag.removeprefix("W/")
    assert parse_http_date(changed["Last-Modified"]) > parse_http_date(last_modified)
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 200


def test_pages_outside_the_page_cache_carry_no_content_date(client):
    assert not client.get("/admin/login/").has_header("Last-Modified")
    assert not client.get("/healthz").has_header("Last-Modified")


def test_favicon_ico_leads_to_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    assert icon["Content-Type"] == "image/x-icon"
    assert b"".join(icon.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_pages_link_the_svg_icon_and_the_manifest(client, notice):
    body = client.get("/").content.decode()
    assert f'href="{static("icons/favicon.svg")}" type="image/svg+xml"' in body
    assert f'<link rel="manifest" href="{static("manifest.json")}">' in body
    assert "manifest-src 'self'" in client.get("/")["Content-Security-Policy"]


def test_the_manifest_is_served_and_its_icons_too(client):
    response = client.get(static("manifest.json"))
    assert response.status_code == 200
    manifest = json.loads(b"".join(response.streaming_content))
    assert manifest["start_url"] == "/"
    for icon in manifest["icons"]:
        # Relative to the manifest's own address, under /static/.
        assert client.get(f"/static/{icon['src']}").status_code == 200, icon
