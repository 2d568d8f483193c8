"""The JSON API: published content only, the pages' filters, stated limits, problem bodies."""

from __future__ import annotations

import time
from unittest import mock

import pytest
from django.core.cache import cache
from django.utils.http import http_date, parse_http_date

from api.pagination import MAX_PAGE_SIZE
from api.problems import PROBLEM_TYPE
from api.throttling import ClientAddressThrottle
from documents.models import Notice
from documents.services import issue_import
from documents.tests.sample import MINIMAL, MINIMAL_SECOND
from gazette_site.cache import VERSION_KEY

pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    cache.clear()  # the throttle's counts
    issue = issue_import(data=MINIMAL, publish=True).issue
    assert issue is not None
    return issue


def get(client, url: str, **params):
    return client.get(url, params, HTTP_ACCEPT="application/json")


def problem_of(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM_TYPE)
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


def test_notices_are_the_published_ones_with_their_page_and_api_urls(client, published):
    draft = issue_import(data=MINIMAL_SECOND).issue
    assert draft is not None and not draft.is_published
    body = get(client, "/api/v1/notices/").json()
    assert body["count"] == published.notices.count()
    numbers = {row["doc_number"] for row in body["results"]}
    assert "咸政发〔2023〕3号" in numbers and "咸政发〔2023〕93号" not in numbers
    row = next(r for r in body["results"] if r["doc_number"] == "咸政发〔2023〕3号")
    notice = Notice.objects.get(doc_number="咸政发〔2023〕3号")
    assert row["url"] == f"http://testserver/notices/{notice.pk}/"
    assert row["api_url"] == f"http://testserver/api/v1/notices/{notice.pk}/"
    assert row["issue"]["year"] == 2023 and row["validity"] in ("in_force", "expired")
    hidden = draft.notices.get(doc_number="咸政发〔2023〕93号")
    problem_of(get(client, f"/api/v1/notices/{hidden.pk}/"), 404)


def test_a_notice_in_full(client, published):
    notice = Notice.objects.get(doc_number="咸政发〔2023〕3号")
    body = get(client, f"/api/v1/notices/{notice.pk}/").json()
    assert body["title"] == notice.title and body["body"] == notice.body
    assert body["kind"] == "通知"
    for entry in body["outline"]:
        assert entry["url"].startswith(f"http://testserver/notices/{notice.pk}/#")
    assert {"attachments", "tables", "citations", "cited_by", "corrections"} <= body.keys()


def test_a_document_number_in_any_form_and_a_bad_one_named(client, published):
    for typed in ("咸政发[2023]3号", "咸政发（2023）3号", "咸政发2023年第3号"):
        body = get(client, "/api/v1/notices/", doc_number=typed).json()
        assert [r["doc_number"] for r in body["results"]] == ["咸政发〔2023〕3号"], typed
    body = problem_of(get(client, "/api/v1/notices/", doc_number="关于印发的通知"), 400)
    assert body["parameter"] == "doc_number"


@pytest.mark.parametrize(
    ("url", "params", "parameter"),
    [
        ("/api/v1/notices/", {"colour": "red"}, "colour"),
        ("/api/v1/notices/", {"signed_from": "昨天"}, "signed_from"),
        ("/api/v1/notices/", {"validity": "maybe"}, "validity"),
        ("/api/v1/projects/", {"investment_min": "很多"}, "investment_min"),
        ("/api/v1/tasks/", {"unit": "99999999"}, "unit"),
        ("/api/v1/search/", {"q": "绿化", "colour": "red"}, "colour"),
        ("/api/v1/search/", {"q": "绿化", "sort": "newest"}, "sort"),
        ("/api/v1/search/", {"q": "绿化", "year": "二〇二三"}, "year"),
        ("/api/v1/search/", {"q": "绿化", "from": "昨天"}, "from"),
        ("/api/v1/units/", {"page_size": "很多"}, "page_size"),
        ("/api/v1/units/", {"page": "第二页"}, "page"),
    ],
)
def test_unknown_parameters_and_unreadable_values_are_400_naming_the_parameter(
    client, published, url, params, parameter
):
    body = problem_of(get(client, url, **params), 400)
    assert body["parameter"] == parameter
    assert parameter in body["detail"]


def test_empty_values_count_as_not_given(client, published):
    everything = get(client, "/api/v1/notices/").json()["count"]
    blank = get(client, "/api/v1/notices/", year="", validity="", page="", page_size="")
    assert blank.status_code == 200 and blank.json()["count"] == everything
    search = get(client, "/api/v1/search/", q="绿化", sort="", year="", page="")
    assert search.status_code == 200 and search.json()["count"] >= 1


def test_an_address_the_api_does_not_have_is_a_404_problem(client, published):
    for url in ("/api/v1/nothing/", "/api/v1/notices/1/tables/", "/api/v1/notices/%2F/"):
        body = problem_of(get(client, url), 404)
        assert "/api/v1/schema/" in body["detail"], url
    problem_of(get(client, "/api/v1/notices/1.5e3/"), 404)  # not an id
    assert client.get("/api/v1/notices").status_code == 301  # APPEND_SLASH still first


def test_pages_have_a_stated_maximum_size(client, published):
    body = get(client, "/api/v1/units/", page_size=MAX_PAGE_SIZE + 50).json()
    assert len(body["results"]) <= MAX_PAGE_SIZE
    problem_of(get(client, "/api/v1/units/", page=999), 404)
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    assert "每页最多 100 条" in schema["info"]["description"]


def test_issues_with_their_table_of_contents(client, published):
    body = get(client, "/api/v1/issues/").json()
    [issue] = body["results"]
    assert (issue["year"], issue["number"], issue["total_number"]) == (2023, 1, 71)
    detail = get(client, issue["api_url"]).json()
    assert [entry["order"] for entry in detail["contents"]] == sorted(
        entry["order"] for entry in detail["contents"]
    )
    assert detail["contents"][0]["page"] == 1


def test_projects_tasks_units_and_groups_answer(client, published):
    for resource in ("projects", "tasks", "units", "groups"):
        response = get(client, f"/api/v1/{resource}/")
        assert response.status_code == 200, resource
        assert "results" in response.json()


def test_search_is_the_pages_search_with_facets_and_passages(client, published):
    body = get(client, "/api/v1/search/", q="绿化").json()
    assert body["count"] >= 1 and body["results"]
    assert "<mark>" in body["results"][0]["passage_html"] + body["results"][0]["title_html"]
    assert "year" in body["facets"] or body["facets"]
    found = get(client, "/api/v1/search/", q="咸政发[2023]3号").json()
    assert found["notice"].startswith("http://testserver/notices/")


def test_over_the_limit_is_429_with_retry_after_and_a_problem_body(client, published):
    address = "192.0.2.77"  # its own count (other tests run beside this one)
    with mock.patch.object(ClientAddressThrottle, "get_rate", return_value="2/min"):
        for _ in range(2):
            assert client.get("/api/v1/issues/", REMOTE_ADDR=address).status_code == 200
        response = client.get("/api/v1/issues/", REMOTE_ADDR=address)
        body = problem_of(response, 429)
        assert int(response["Retry-After"]) >= 1 and body["retry_after"] >= 1
        # Another client address has its own count.
        other = client.get("/api/v1/issues/", REMOTE_ADDR="192.0.2.78")
        assert other.status_code == 200


@pytest.mark.page_cache  # a content version of this test's own (the cache is per process)
def test_responses_are_dated_and_answer_if_modified_since_with_304(
    client, published, django_capture_on_commit_callbacks
):
    a_minute_ago = time.time_ns() - 60 * 10**9
    cache.set(VERSION_KEY, str(a_minute_ago), timeout=None)
    for url in ("/api/v1/notices/", "/api/v1/issues/", "/api/v1/search/?q=绿化"):
        first = client.get(url)
        assert first.status_code == 200 and first["Cache-Control"] == "no-cache", url
        assert parse_http_date(first["Last-Modified"]) <= time.time()
        again = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
        assert again.status_code == 304 and again.content == b"", url
        assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304, url
        earlier = http_date(parse_http_date(first["Last-Modified"]) - 1)
        assert client.get(url, HTTP_IF_MODIFIED_SINCE=earlier).status_code == 200, url
    last_modified = client.get("/api/v1/notices/")["Last-Modified"]

    # A publication moves the date: the copy a client has is stale.
    with django_capture_on_commit_callbacks(execute=True):
        issue_import(data=MINIMAL_SECOND, publish=True)
    after = client.get("/api/v1/notices/", HTTP_IF_MODIFIED_SINCE=last_modified)
    assert after.status_code == 200
    assert parse_http_date(after["Last-Modified"]) > parse_http_date(last_modified)
    assert after.json()["count"] == Notice.objects.published().count()
    # Errors are not dated.
    assert not get(client, "/api/v1/notices/", colour="red").has_header("Last-Modified")


def test_the_schema_and_self_hosted_docs(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {"/api/v1/notices/", "/api/v1/search/", "/api/v1/issues/{id}/"} <= paths.keys()
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "cdn" not in page.lower() and "<script>" not in page  # scripts by src, from here
    assert "drf_spectacular_sidecar" in page
