"""The page cache cannot be skipped or flooded (findings 6, 7 and part of 12 of the security
probe): made-up cookies and query strings, unique URLs, another host or scheme, a restore."""

import datetime
import uuid

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import connection

from documents.models import Issue, Notice
from documents.services import issue_publish
from documents.tests.factories import make_staff_user
from gazette_site import backup
from gazette_site import cache as page_cache
from gazette_site.security import STAFF_COOKIE
from gazette_site.tests.test_backup import throwaway_name  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.page_cache, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def notice():
    issue = Issue.objects.create(
        year=2022, number=5, total_number=70, published_on=datetime.date(2022, 11, 16)
    )
    notice = Notice.objects.create(
        issue=issue,
        order=1,
        title="关于示范的通知",
        issuer="咸宁市",
        signed_on=datetime.date(2022, 11, 1),
    )
    issue_publish(issue=issue)
    return notice


def address() -> str:
    return f"2001:db8::{uuid.uuid4().hex[:4]}"


# --- Cookies ------------------------------------------------------------------------------------


def test_a_made_up_session_cookie_gets_the_cached_page(client, notice):
    url = notice.get_absolute_url()
    assert client.get(url)["X-Page-Cache"] == "miss"
    client.cookies["sessionid"] = "x"
    assert client.get(url)["X-Page-Cache"] == "hit"
    client.cookies["sessionid"] = uuid.uuid4().hex
    assert client.get(url)["X-Page-Cache"] == "hit"


def test_a_made_up_cookie_costs_no_query_and_creates_no_session(
    client, notice, django_assert_num_queries
):
    url = notice.get_absolute_url()
    client.get(url)
    client.get(url)  # the page and this process's database identity are known now
    client.cookies["sessionid"] = "a" * 32
    with django_assert_num_queries(0):
        response = client.get(url)
    assert response["X-Page-Cache"] == "hit"
    assert "Set-Cookie" not in response and not response.cookies
    for path in ["/healthz", "/admin/login/", "/search/?q=示范"]:
        client.cookies["sessionid"] = uuid.uuid4().hex
        client.get(path)
    assert Session.objects.count() == 0  # Django's SESSION_SAVE_EVERY_REQUEST made one each


def test_a_valid_staff_session_sees_the_page_fresh(client, notice):
    url = notice.get_absolute_url()
    client.get(url)
    client.force_login(make_staff_user())
    assert client.get("/admin/").status_code == 200  # any admin page marks the session
    assert STAFF_COOKIE in client.cookies
    response = client.get(url)
    assert response.status_code == 200
    assert "X-Page-Cache" not in response
    client.post("/admin/logout/")
    assert client.cookies[STAFF_COOKIE].value == ""  # the marker goes with the session
    assert client.get(url)["X-Page-Cache"] == "hit"


def test_a_staff_marker_for_another_session_or_forged_is_ignored(client, notice):
    url = notice.get_absolute_url()
    client.get(url)
    client.force_login(make_staff_user())
    client.get("/admin/")
    marker = client.cookies[STAFF_COOKIE].value
    client.cookies["sessionid"] = uuid.uuid4().hex  # the marker of one session, on another
    assert client.get(url)["X-Page-Cache"] == "hit"
    client.cookies[STAFF_COOKIE] = marker[:-3] + "abc"  # a forged signature
    assert client.get(url)["X-Page-Cache"] == "hit"


# --- Query strings ------------------------------------------------------------------------------


def test_parameters_a_page_does_not_read_are_redirected_away(client, notice):
    url = notice.get_absolute_url()
    response = client.get(f"{url}?b={uuid.uuid4().hex}&from=weixin")
    assert response.status_code == 302
    assert response["Location"] == url
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(f"{url}?b=1", follow=True)["X-Page-Cache"] == "hit"


def test_parameters_a_page_reads_are_kept_in_their_order(client, notice):
    response = client.get("/search/?q=示范&junk=1&sort=date&year=2022&page=1")
    assert response.status_code == 302
    assert response["Location"] == "/search/?q=%E7%A4%BA%E8%8C%83&sort=date&year=2022&page=1"
    # A FilterSet's fields (a range's two inputs each) and pagination count as read.
    assert client.get("/projects/?investment_min=1&investment_max=2&page=1").status_code == 200
    assert client.get("/projects/?sort=-investment&unit=1").status_code == 200
    assert client.get("/groups/?person=杨军").status_code == 200
    response = client.get("/projects/export.csv?investment_min=1&utm_source=x")
    assert response["Location"] == "/projects/export.csv?investment_min=1"


def test_pages_with_no_parameters_lose_every_parameter(client, notice):
    for url in ["/", "/issues/", "/units/", "/feeds/notices/", "/sitemap.xml", "/robots.txt"]:
        response = client.get(f"{url}?nocache={uuid.uuid4().hex}")
        assert (response.status_code, response["Location"]) == (302, url), url


# --- Bounds -------------------------------------------------------------------------------------


@pytest.mark.rate_limit
def test_cache_misses_are_limited_per_client_address(client, notice, settings):
    settings.PAGE_MISS_LIMIT_PER_MINUTE = 3
    flood = address()
    # Unique URLs a page does read (every ?person= is a new page): each one a miss.
    for n in range(3):
        assert client.get(f"/groups/?person=王{n}", REMOTE_ADDR=flood).status_code == 200
    response = client.get("/groups/?person=王9", REMOTE_ADDR=flood)
    assert response.status_code == 429
    assert "访问过于频繁" in response.content.decode()
    assert int(response["Retry-After"]) >= 1
    # Pages already in the cache still answer that client; other clients are not held back.
    assert client.get("/groups/?person=王0", REMOTE_ADDR=flood)["X-Page-Cache"] == "hit"
    assert client.get("/groups/?person=王9", REMOTE_ADDR=address()).status_code == 200


def test_a_page_larger_than_the_bound_is_not_cached(client, notice, settings):
    settings.PAGE_CACHE_MAX_BYTES = 100
    url = notice.get_absolute_url()
    client.get(url)
    assert "X-Page-Cache" not in client.get(url)


def test_the_cache_holds_a_bounded_number_of_pages(settings):
    assert caches["default"]._max_entries == settings.CACHES["default"]["OPTIONS"]["MAX_ENTRIES"]
    assert settings.CACHES["default"]["OPTIONS"]["MAX_ENTRIES"] <= 20000


# --- Keys ---------------------------------------------------------------------------------------


def test_a_page_built_for_one_host_or_scheme_is_not_served_to_another(client, notice, settings):
    settings.ALLOWED_HOSTS = ["gazette.example.gov.cn", "testserver"]
    url = notice.get_absolute_url()
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url, HTTP_HOST="gazette.example.gov.cn")["X-Page-Cache"] == "miss"
    assert client.get(url, secure=True)["X-Page-Cache"] == "miss"
    assert client.get(url, secure=True)["X-Page-Cache"] == "hit"


def test_after_a_restore_pages_are_built_from_the_restored_database(
    client,
    notice,
    tmp_path,
    throwaway_name,  # noqa: F811
):
    url = notice.get_absolute_url()
    dumped = backup.backup(directory=tmp_path, media_root=tmp_path / "no-media")  # has the notice
    Notice.objects.filter(pk=notice.pk).delete()
    page_cache.content_changed()
    assert client.get(url).status_code == 404
    assert client.get(url)["X-Page-Cache"] == "hit"  # the 404, cached
    backup.restore(path=dumped.path, target=throwaway_name, media_target=tmp_path / "media")

    # Switch to the restored database, as a restarted worker does.
    live = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = throwaway_name
    page_cache._database_identity = None
    try:
        response = client.get(url)
        assert response.status_code == 200
        assert "关于示范的通知" in response.content.decode()
    finally:
        connection.close()
        connection.settings_dict["NAME"] = live
        page_cache._database_identity = None


def test_no_internal_header_outside_debug(client, notice, settings):
    settings.PAGE_CACHE_HEADER = False
    url = notice.get_absolute_url()
    client.get(url)
    response = client.get(url)
    assert "X-Page-Cache" not in response
    assert "Server" not in response
