"""The search's publication and validity rules are the QuerySets' own.

The search reads its index table (SearchEntry), not the notices; the SQL it applies there is
compiled from ``Issue.objects.published()`` and ``current_validity``. These tests check, on
notices of every publication status and every way to a validity, that the search's rows and
the QuerySets' agree, and that the search page's filters follow them."""

from __future__ import annotations

import datetime

import pytest
from django.db import OperationalError, connection, connections
from psycopg import sql

from documents.models import Citation, Notice, PublicationStatus, SearchEntry, Validity
from documents.search import SearchFilters, search_notices
from documents.search import sql as search_sql
from documents.search import statements as search_statements
from documents.tests.factories import index_for_search, make_citation, make_issue, make_notice

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2024, 6, 1)
NOW = datetime.datetime(2024, 5, 1, tzinfo=datetime.UTC)


@pytest.fixture
def notices() -> list[Notice]:
    """Notices in issues of every status, with every way to each validity: stored, expired by
    date, repealed by a published notice, cited for repeal only by a draft or by a notice
    that merely cites it, and one without a number (a repeal of "" must repeal nothing)."""
    issues = {
        status: make_issue(status=status, published_at=None if status == "draft" else NOW)
        for status in PublicationStatus.values
    }
    published = issues[PublicationStatus.PUBLISHED]
    draft = issues[PublicationStatus.DRAFT]
    made = []
    for n, status in enumerate(PublicationStatus.values):
        made.append(make_notice(issue=issues[status], doc_number=f"咸政发〔2020〕{n + 1}号"))
    made += [
        make_notice(issue=published, doc_number="咸政发〔2021〕1号", validity=Validity.EXPIRED),
        make_notice(issue=published, doc_number="咸政发〔2021〕2号", validity=Validity.REPEALED),
        make_notice(issue=published, doc_number="咸政发〔2021〕3号", expires_on=TODAY),
        make_notice(
            issue=published,
            doc_number="咸政发〔2021〕4号",
            expires_on=TODAY - datetime.timedelta(1),
        ),
        make_notice(issue=published, doc_number="咸政发〔2021〕5号"),  # repealed by a published one
        make_notice(issue=published, doc_number="咸政发〔2021〕6号"),  # …by a draft only
        make_notice(issue=published, doc_number="咸政发〔2021〕7号"),  # cited, not repealed
        make_notice(issue=published, doc_number=None),
        make_notice(issue=draft, doc_number="咸政发〔2021〕8号"),  # repealed, but a draft
    ]
    repealing = make_notice(issue=published, doc_number="咸政发〔2022〕1号")
    drafted = make_notice(issue=draft, doc_number="咸政发〔2022〕2号")
    for number in ("咸政发〔2021〕5号", "咸政发〔2021〕8号", ""):  # "": cited by its title
        make_citation(
            notice=repealing, doc_number=number, cited_title="旧办法", kind=Citation.Kind.REPEALS
        )
    make_citation(notice=drafted, doc_number="咸政发〔2021〕6号", kind=Citation.Kind.REPEALS)
    make_citation(notice=repealing, doc_number="咸政发〔2021〕7号", kind=Citation.Kind.CITES)
    made += [repealing, drafted]
    index_for_search(*made)
    return made


def _entries(condition: sql.Composable) -> dict[int, object]:
    """{notice id: the condition's value} over every index row."""
    query = sql.SQL("SELECT notice_id, {} FROM {}").format(condition, search_sql.TABLE)
    with connection.cursor() as cursor:
        cursor.execute(query)
        return dict(cursor.fetchall())


def test_the_search_publishes_what_the_queryset_publishes(notices):
    searched = {pk for pk, shown in _entries(search_sql._published()).items() if shown}
    assert searched == set(Notice.objects.published().values_list("pk", flat=True))
    assert len(searched) < len(notices)  # drafts, scheduled and withdrawn issues are out
    assert SearchEntry.objects.count() == len(notices)


def test_the_search_reckons_validity_as_the_queryset_does(notices):
    expected = dict(Notice.objects.with_validity(TODAY).values_list("pk", "current_validity"))
    assert _entries(search_sql._validity(TODAY)) == expected
    assert set(expected.values()) == set(Validity.values)  # every validity is reached


@pytest.mark.parametrize("validity", Validity.values)
def test_the_validity_filter_and_facet_follow_the_queryset(notices, validity):
    published = Notice.objects.published().with_validity(TODAY)
    expected = set(published.filter(current_validity=validity).values_list("pk", flat=True))
    filters = SearchFilters.from_params({"validity": validity})
    result = search_notices("", filters=filters, today=TODAY)
    assert result.page is not None
    assert {hit.notice.pk for hit in result.page.hits} == expected
    everything = search_notices("", sort="date", today=TODAY)  # the whole archive
    facet = next(f for f in everything.facets if f.param == "validity")
    assert {b.value: b.count for b in facet.buckets}.get(validity, 0) == len(expected)


@pytest.mark.django_db(transaction=True, databases=["default", "search"])
def test_searches_run_on_their_own_connection_with_the_planner_kept_on_the_index(settings):
    """Outside tests searches use the "search" alias: the same database (or a replica) with
    the planner kept on the GIN index and no parallel workers; the rest of the site's
    connection is left alone."""
    settings.SEARCH_DATABASE = "search"
    notice = make_notice(issue=make_issue(published=True), title="抽水蓄能电站建设方案")
    index_for_search(notice)
    result = search_notices("抽水蓄能")
    assert result.page is not None
    assert [hit.notice.pk for hit in result.page.hits] == [notice.pk]
    for alias, expected in (("search", "off"), ("default", "on")):
        with connections[alias].cursor() as cursor:
            cursor.execute("SHOW enable_seqscan")
            assert cursor.fetchone()[0] == expected
    with connections["search"].cursor() as cursor:  # no workers for a generic plan to gather
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == "0"


@pytest.mark.django_db(transaction=True, databases=["default", "search"])
def test_a_search_falls_back_to_the_primary_while_its_replica_is_down(settings, monkeypatch):
    """A replica that stops answering (its connection gone) slows search pages, never fails
    them: the search runs again on the primary, and the next ones go there directly for a
    while. A statement that fails on a working connection is not run again."""
    settings.SEARCH_DATABASE = "search"
    monkeypatch.setattr(search_statements, "_replica_down_until", 0.0)
    notice = make_notice(issue=make_issue(published=True), title="抽水蓄能电站建设方案")
    index_for_search(notice)
    replica = connections["search"]
    calls = []

    def refused(*args, **kwargs):
        calls.append(1)
        raise OperationalError("connection refused")

    with monkeypatch.context() as patched:
        patched.setattr(replica, "ensure_connection", refused)
        patched.setattr(replica, "is_usable", lambda: False)
        first = search_notices("抽水蓄能")
        second = search_notices("蓄能电站")
    for result in (first, second):
        assert result.page is not None
        assert [hit.notice.pk for hit in result.page.hits] == [notice.pk]
    assert len(calls) == 1  # the second search went to the primary at once

    monkeypatch.setattr(search_statements, "_replica_down_until", 0.0)
    replica.ensure_connection()
    with monkeypatch.context() as patched:
        patched.setattr(replica, "ensure_connection", refused)
        patched.setattr(replica, "is_usable", lambda: True)
        with pytest.raises(OperationalError):
            search_notices("抽水蓄能")
