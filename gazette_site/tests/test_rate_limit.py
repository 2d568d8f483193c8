"""Rate limits on search and the CSV exports, per client address, and how the address is found."""

import uuid
from unittest import mock

import pytest
from django.test import RequestFactory

from gazette_site import security
from gazette_site.security import client_ip

pytestmark = [pytest.mark.rate_limit, pytest.mark.django_db]

LIMIT = 3


@pytest.fixture(autouse=True)
def limit(settings):
    settings.RATE_LIMIT_PER_MINUTE = LIMIT
    settings.TRUSTED_PROXIES = []


def fresh_address() -> str:
    """An address no other test (or concurrent test run sharing the cache) has counted."""
    return f"2001:db8::{uuid.uuid4().hex[:4]}:{uuid.uuid4().hex[:4]}"


def get(client, url, address, **headers):
    return client.get(url, REMOTE_ADDR=address, **headers)


def test_search_beyond_the_limit_gets_a_clear_429_page(client):
    address = fresh_address()
    for _ in range(LIMIT):
        assert get(client, "/search/?q=项目", address).status_code == 200
    response = get(client, "/search/?q=项目", address)
    assert response.status_code == 429
    page = response.content.decode()
    assert "访问过于频繁" in page
    assert f"超过了 {LIMIT} 次" in page
    assert 1 <= int(response["Retry-After"]) <= 60
    assert f"{response['Retry-After']} 秒" in page
    assert "<html" in page  # the site's own page, with its navigation
    assert "Content-Security-Policy" in response


def test_others_and_ordinary_pages_are_not_held_back(client):
    address = fresh_address()
    for _ in range(LIMIT + 1):
        get(client, "/search/?q=项目", address)
    assert get(client, "/search/?q=项目", address).status_code == 429
    assert get(client, "/search/?q=项目", fresh_address()).status_code == 200
    assert get(client, "/issues/", address).status_code == 200
    assert get(client, "/projects/", address).status_code == 200


def test_the_csv_exports_share_one_limit(client, published):
    address = fresh_address()
    table = f"/notices/{published['notice']}/tables/{published['table']}.csv"
    assert get(client, "/projects/export.csv", address).status_code == 200
    assert get(client, table, address).status_code == 200
    assert get(client, "/projects/export.csv?section=x", address).status_code == 200
    assert get(client, table, address).status_code == 429
    assert get(client, "/search/?q=项目", address).status_code == 200  # a bucket of its own


def test_the_count_starts_again_the_next_minute(client):
    address = fresh_address()
    for _ in range(LIMIT + 1):
        get(client, "/search/?q=项目", address)
    assert get(client, "/search/?q=项目", address).status_code == 429
    later = security.time.time() + 60
    with mock.patch.object(security.time, "time", return_value=later):
        assert get(client, "/search/?q=项目", address).status_code == 200


def test_zero_turns_the_limit_off(client, settings):
    settings.RATE_LIMIT_PER_MINUTE = 0
    address = fresh_address()
    for _ in range(LIMIT * 3):
        assert get(client, "/search/?q=项目", address).status_code == 200


def test_a_client_cannot_dodge_the_limit_with_x_forwarded_for(client):
    address = fresh_address()
    statuses = [
        get(client, "/search/?q=项目", address, HTTP_X_FORWARDED_FOR=fresh_address()).status_code
        for _ in range(LIMIT + 1)
    ]
    assert statuses[-1] == 429


def test_behind_a_trusted_proxy_each_visitor_is_counted_on_their_own(client, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    visitor, other = fresh_address(), fresh_address()
    for _ in range(LIMIT):
        get(client, "/search/?q=项目", "127.0.0.1", HTTP_X_FORWARDED_FOR=visitor)
    assert (
        get(client, "/search/?q=项目", "127.0.0.1", HTTP_X_FORWARDED_FOR=visitor).status_code == 429
    )
    assert (
        get(client, "/search/?q=项目", "127.0.0.1", HTTP_X_FORWARDED_FOR=other).status_code == 200
    )


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "expected"),
    [
        ([], "203.0.113.9", "198.51.100.1", "203.0.113.9"),  # no proxy: the header is ignored
        (["127.0.0.1"], "203.0.113.9", "198.51.100.1", "203.0.113.9"),  # not from our proxy
        (["127.0.0.1"], "127.0.0.1", "198.51.100.1", "198.51.100.1"),
        # The left part is whatever the client sent; the proxy appended the real address.
        (["127.0.0.1"], "127.0.0.1", "6.6.6.6, 198.51.100.1", "198.51.100.1"),
        (["127.0.0.1", "10.0.0.0/8"], "127.0.0.1", "198.51.100.1, 10.1.2.3", "198.51.100.1"),
        (["127.0.0.1"], "127.0.0.1", "", "127.0.0.1"),
        (["127.0.0.1"], "127.0.0.1", "not-an-address", "127.0.0.1"),
        (["127.0.0.1"], "127.0.0.1", "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_ip(settings, trusted, remote, forwarded, expected):
    settings.TRUSTED_PROXIES = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_a_notices_pdf_has_a_limit_of_its_own(client):
    """Rendering a PDF holds a worker for seconds: the requests count before the view runs
    (so a missing notice counts too), in a bucket of their own."""
    address = fresh_address()
    for _ in range(LIMIT):
        assert get(client, "/notices/999999/pdf/", address).status_code == 404
    response = get(client, "/notices/999999/pdf/", address)
    assert response.status_code == 429 and "下载 PDF" in response.content.decode()
    assert get(client, "/projects/export.csv", address).status_code == 200
