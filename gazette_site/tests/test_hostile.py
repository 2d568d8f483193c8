"""Hostile requests: whatever a visitor sends, a 4xx or a normal page, never a 5xx, and markup
stored in the database or typed into the address bar comes back as text.

Every public URL pattern of documents/urls.py and projects/urls.py (plus the feeds, sitemap and
robots.txt) is reversed with real ids of a small published fixture whose every text field holds
markup, then driven with generated query strings and path segments.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gazette_site.tests.hostile_data import IMG, SCRIPT

pytestmark = pytest.mark.django_db

# What must never appear in an HTML or XML answer: the payloads unescaped.
RAW_MARKERS = ("<script>alert", "<img src=x onerror", "<svg onload")


def _public_patterns() -> list[str]:
    """Names (namespace:name) of every URL pattern of the two public apps."""
    names: list[str] = []
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace in ("documents", "projects"):
            names.extend(
                f"{entry.namespace}:{pattern.name}"
                for pattern in entry.url_patterns
                if isinstance(pattern, URLPattern) and pattern.name
            )
    return names


# The arguments each public URL takes, from the fixture. A new URL with arguments fails
# test_every_public_url_is_driven until it is added here.
URL_ARGS = {
    "documents:issue_year": lambda ids: [ids["year"]],
    "documents:issue_year_csv": lambda ids: [ids["year"]],
    "documents:issue_detail": lambda ids: [ids["year"], ids["number"]],
    "documents:issue_pdf": lambda ids: [ids["year"], ids["number"]],
    "documents:notice_detail": lambda ids: [ids["notice"]],
    "documents:notice_pdf": lambda ids: [ids["notice"]],
    "documents:notice_table_csv": lambda ids: [ids["notice"], ids["table"]],
    "documents:doc_number_redirect": lambda ids: [ids["doc_number"]],
    "documents:doc_number_anchor_redirect": lambda ids: [ids["doc_number"], "第一条"],
    "documents:unit_detail": lambda ids: [ids["unit"]],
    "documents:unit_feed": lambda ids: [ids["unit"]],
    "documents:unit_feed_atom": lambda ids: [ids["unit"]],
}
EXTRA_URLS = ["/sitemap.xml", "/robots.txt", "/data/", "/alerts/new/"]
# The JSON API's own pages: driven once each with the payloads in the database (generated
# query strings against the API are api/tests' business: it answers them with 400s).
API_URLS = [
    "/api/v1/",
    "/api/v1/notices/",
    "/api/v1/search/?q=第一段",
    "/api/v1/schema/",
    "/api/v1/docs/",
]


def public_urls(ids) -> list[str]:
    no_args: Callable[[dict], list] = lambda _ids: []  # noqa: E731
    urls = [reverse(name, args=URL_ARGS.get(name, no_args)(ids)) for name in _public_patterns()]
    return urls + EXTRA_URLS


def assert_safe(response, url: str) -> None:
    assert response.status_code < 500, f"{url} → {response.status_code}"
    content_type = response.get("Content-Type", "")
    if content_type.startswith(("application/json", "application/problem+json")):
        # JSON is data: the API returns what the gazette printed, escaped for JSON, not for
        # HTML; a browser never renders it as a page (nosniff).
        assert response["X-Content-Type-Options"] == "nosniff", url
        return
    if response.streaming or not content_type.startswith(("text/html", "application/", "text/xml")):
        return  # CSV is data, sent as a download with nosniff; it is not rendered as markup
    body = response.content.decode("utf-8", "replace")
    for marker in RAW_MARKERS:
        assert marker not in body, f"unescaped {marker!r} in {url}"


def test_every_public_url_is_driven(published, client):
    names = _public_patterns()
    for name in [
        "documents:home",
        "documents:search",
        "projects:project_csv",
        "documents:issue_pdf",
    ]:
        assert name in names
    for url in [*public_urls(published), *API_URLS]:  # NoReverseMatch: add it to URL_ARGS
        response = client.get(url)
        assert response.status_code in (200, 302, 404), url
        assert_safe(response, url)


def test_markup_from_the_database_is_escaped_on_every_page_type(published, client):
    """The payloads are really on the pages (so the check can fail), as text."""
    pages = [
        "/",
        f"/issues/{published['year']}/",
        f"/issues/{published['year']}/{published['number']}/",
        f"/notices/{published['notice']}/",
        f"/units/{published['unit']}/",
        "/units/",
        "/projects/",
        "/tasks/",
        "/groups/",
        "/search/?q=第一段",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert "&lt;script&gt;" in body or "&lt;img" in body, url
        assert_safe(response, url)
    for url in ["/feeds/notices/", "/feeds/notices/atom/"]:
        response = client.get(url)
        assert "&lt;script&gt;" in response.content.decode(), url
        assert_safe(response, url)


# --- Generated requests --------------------------------------------------------------------------

PARAM_NAMES = [
    "q", "page", "sort", "year", "issuer", "agency", "validity", "from", "to", "projects",
    "tasks", "notice", "section", "location", "unit", "role", "deadline_year",
    "investment_min", "investment_max", "person", "o", "format",
]  # fmt: skip

nasty_numbers = st.sampled_from(
    [
        "0", "-1", "99999999999999999999", "1e999", "-1e999", "NaN", "Infinity", "0x10",
        "1.5", "２０２２", "١٢", "9" * 400, "2022-13-45", "0000-00-00", "99999-01-01",
    ]
)  # fmt: skip
payloads = st.sampled_from(
    [SCRIPT, IMG, "<svg onload=alert(1)>", '"><script>alert(1)</script>', "'\"<>&", "\x00", "%"]
)
any_text = st.text(
    st.characters(blacklist_categories=["Cs"]),  # lone surrogates cannot be sent at all
    max_size=60,
)
values = st.one_of(nasty_numbers, payloads, any_text, any_text.map(lambda t: t * 50))


def _encode(text: str) -> str:
    return quote(text, safe="")


raw_bytes = st.sampled_from(["%ff%fe", "%c0%af", "%ed%a0%80", "%00", "%", "%zz", "%e4%b8"])


@st.composite
def query_strings(draw) -> str:
    pairs = draw(
        st.lists(
            st.tuples(
                st.one_of(st.sampled_from(PARAM_NAMES), any_text),
                st.one_of(values.map(_encode), raw_bytes),
            ),
            max_size=5,
        )
    )
    return "&".join(f"{_encode(key)}={value}" for key, value in pairs)


HYPOTHESIS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@HYPOTHESIS
@given(data=st.data())
def test_generated_query_strings_never_give_a_5xx(published, data):
    client = Client()
    for url in public_urls(published):
        query = data.draw(query_strings(), label=url)
        target = f"{url}?{query}"
        assert_safe(client.get(target), target)


segments = st.one_of(
    values.map(_encode),
    raw_bytes,
    st.sampled_from(["..", "../../etc/passwd", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "x" * 5000]),
)

# Path shapes of the public URL map, with a generated segment in place of an id.
PATH_SHAPES = [
    "/issues/{s}/",
    "/issues/2022/{s}/",
    "/issues/{s}/5/pdf/",
    "/notices/{s}/",
    "/notices/{notice}/tables/{s}.csv",
    "/d/{s}/",
    "/d/{s}",
    "/units/{s}/",
    "/search/{s}",
    "/projects/{s}",
    "/feeds/notices/{s}",
    "/{s}",
    "/static/{s}",
    "/media/{s}",
]


@HYPOTHESIS
@given(data=st.data())
def test_generated_path_segments_never_give_a_5xx(published, data):
    client = Client()
    for shape in PATH_SHAPES:
        segment = data.draw(segments, label=shape)
        url = shape.format(s=segment, notice=published["notice"])
        assert_safe(client.get(url), url)


@pytest.mark.parametrize(
    "url",
    [
        "/search/?q=%ff%fe",
        "/search/?q=%00",
        "/search/?q=a%00b&page=2",
        "/search/?page=99999999999999999999",
        "/search/?q=项目&page=-1",
        "/search/?q=项目&page=abc",
        "/search/?q=" + "很长" * 5000,
        "/search/?from=2022-02-30&to=99999-01-01&year=99999999999999999999",
        "/issues/?page=99999999999999999999",
        "/issues/99999999999999999999/",
        "/issues/2022/99999999999999999999/",
        "/issues/99999999999999999999/5/pdf/",
        "/notices/99999999999999999999/",
        "/notices/99999999999999999999/tables/99999999999999999999.csv",
        "/units/99999999999999999999/",
        "/projects/?page=99999999999999999999",
        "/projects/?deadline_year=99999999999999999999",
        "/projects/?investment_min=1e999&investment_max=-1e999",
        "/projects/?investment_min=99999999999999999999999999999",
        "/projects/?notice=99999999999999999999&unit=99999999999999999999",
        "/projects/?unit=abc&role=<script>",
        "/projects/?sort=<script>&sort=-investment",
        "/projects/?q=%00",
        "/projects/export.csv?deadline_year=99999999999999999999&q=%00",
        "/projects/export.csv?investment_min=99999999999999999999999999999",
        "/tasks/?deadline_year=99999999999999999999&notice=-1&page=0",
        "/tasks/?unit=99999999999999999999",
        "/groups/?person=%00%ff%fe",
        "/notices/../../etc/passwd",
        "/notices/%2e%2e/%2e%2e/etc/passwd",
        "/d/%00/",
        "/d/%ff%fe/",
        "/d/../../etc/passwd/",
        "/d/" + "咸政办发" * 2000 + "/",
        "/" + "a" * 10000,
        "/feeds/notices/?page=99999999999999999999",
        "/sitemap.xml?p=99999999999999999999",
        "/sitemap.xml?p=-1",
        "/sitemap.xml?p=abc",
    ],
)
def test_known_hostile_requests(published, client, url):
    assert_safe(client.get(url), url)


def test_markup_in_the_query_string_is_escaped(published, client):
    for url in ["/search/?q=", "/groups/?person=", "/projects/?q=", "/d/"]:
        response = client.get(url + _encode(SCRIPT) + ("/" if url == "/d/" else ""))
        assert_safe(response, url)


def test_path_tricks_never_reach_the_file_system(client, db):
    response = client.get("/static/../../../../etc/passwd")
    assert response.status_code == 404
    assert b"root:" not in response.content
    assert re.search(rb"root:.*:0:0:", client.get("/media/../../etc/passwd").content) is None
