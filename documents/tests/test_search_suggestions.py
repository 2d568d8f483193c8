"""您是不是要找: what /search/ offers when a query finds nothing (documents.search.suggest)."""

from __future__ import annotations

import datetime
import html
import itertools
import re

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from documents.docnumbers import parse_doc_number, within_one_edit
from documents.models import Notice, PublicationStatus
from documents.search import SearchFilters, index_notices, parse_query, search_notices
from documents.search.suggest import (
    SUGGESTION_LIMIT,
    number_suggestions,
    query_suggestions,
)
from documents.tests.factories import make_issue, make_notice
from documents.tests.sample import PLAN_NUMBER, load_sample_issue

pytestmark = pytest.mark.django_db

SEARCH = "/search/"
HEADING = "您是不是要找"
_titles = itertools.count(1)
_CHINESE_DIGITS = str.maketrans("0123456789", "〇一二三四五六七八九")


def notice(
    doc_number: str | None,
    *,
    published_on: datetime.date = datetime.date(2022, 11, 16),
    published: bool = True,
    body: str = "",
) -> Notice:
    """A notice in an issue of its own (published unless told), indexed for search. Titles
    carry no number, so a number is found only as a document number."""
    issue = make_issue(published=published, year=published_on.year, published_on=published_on)
    made = make_notice(
        issue=issue,
        doc_number=doc_number,
        title=f"关于印发第{next(_titles)}批方案的通知".translate(_CHINESE_DIGITS),
        signed_on=published_on - datetime.timedelta(days=30),
        body=body,
    )
    index_notices([made.pk])
    return made


def suggestions_section(response) -> str:
    """The 您是不是要找 section of a search page ("" when there is none)."""
    assert response.status_code == 200
    found = re.search(
        r'<section class="card search-suggestions".*?</section>', response.content.decode(), re.S
    )
    return found.group() if found else ""


def suggested_numbers(response) -> list[str]:
    return re.findall(r'data-doc-number="([^"]*)"', suggestions_section(response))


def suggested_queries(response) -> list[tuple[str, str]]:
    """(query, the count text beside it) of each suggested shorter query."""
    rows = re.findall(
        r'data-suggested-query="([^"]*)">.*?<span class="muted">（(.*?)）</span>',
        suggestions_section(response),
        re.S,
    )
    return [(html.unescape(query), html.unescape(count)) for query, count in rows]


def hits(response) -> list[str]:
    page = response.context["result"].page
    return [hit.notice.doc_number for hit in page.hits] if page else []


# --- A number one edit off --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("held", "typed"),
    [
        ("咸政办发〔2022〕29号", "咸政办〔2022〕29号"),  # a character missing
        ("咸政办发〔2022〕29号", "咸政办法2022 29号"),  # a typo, no brackets
        ("鄂政发〔2021〕3号", "鄂政[2021]3号"),
        ("国办发〔2020〕12号", "国办发发（２０２０）１２号"),  # one too many, full-width
        ("国办发〔2020〕12号", "国发办［2020］12"),  # two neighbours swapped, no 号
        ("湘政办函〔2019〕108号", "湘政函【2019】第108号"),
        ("咸政规〔2023〕1号", "咸政观〔2023〕1号"),
    ],
)
def test_a_number_one_edit_off_suggests_the_number_held(client, held, typed):
    wanted = notice(held)
    number = parse_doc_number(held)
    code, year, serial = number.agency_code, number.year, number.serial
    assert year is not None
    notice(f"{code}〔{year - 1}〕{serial}号")  # another year
    notice(f"{code}〔{year}〕{serial + 10}号")  # another serial
    notice(f"测试局〔{year}〕{serial}号")  # a code far off

    response = client.get(SEARCH, {"q": typed})

    assert response.status_code == 200  # a guess is never a redirect
    assert suggested_numbers(response) == [wanted.doc_number]
    section = suggestions_section(response)
    assert HEADING in section
    assert f'href="{wanted.get_absolute_url()}"' in section


def test_a_number_two_edits_off_suggests_nothing(client):
    notice("咸政办发〔2022〕29号")
    response = client.get(SEARCH, {"q": "咸办〔2022〕29号"})
    assert "本站未收录发文字号为 咸办〔2022〕29号 的文件" in response.content.decode()
    assert suggestions_section(response) == ""


def test_every_near_code_is_suggested_newest_first(client):
    older = notice("咸政办发〔2022〕7号", published_on=datetime.date(2022, 3, 1))
    newer = notice("咸政办函〔2022〕7号", published_on=datetime.date(2022, 9, 1))
    response = client.get(SEARCH, {"q": "咸政办〔2022〕7号"})
    assert suggested_numbers(response) == [newer.doc_number, older.doc_number]


def test_a_number_with_wenjian_after_it_is_suggested_not_redirected(client):
    held = notice("鄂政发〔2021〕3号")
    response = client.get(SEARCH, {"q": "鄂政发〔2021〕3号文件"})
    assert response.status_code == 200
    assert suggested_numbers(response) == [held.doc_number]


def test_the_near_codes_take_two_small_queries(django_assert_max_num_queries):
    for code in ("咸政办发", "咸政办函", "咸政发", "鄂政发", "测试局"):
        notice(f"{code}〔2022〕29号")
    with django_assert_max_num_queries(2):
        found = number_suggestions(parse_doc_number("咸政办〔2022〕29号"))
    assert {n.doc_number for n in found.notices} == {
        "咸政办发〔2022〕29号",
        "咸政办函〔2022〕29号",
        "咸政发〔2022〕29号",
    }


# --- A serial, a year and serial --------------------------------------------------------------


@pytest.mark.parametrize("typed", ["29号文件", "第29号文件", "２９号文件", "29文件", "29 号 文件"])
def test_a_serial_suggests_the_newest_notices_with_that_serial(client, typed):
    dates = [datetime.date(2015 + i, 6, 1) for i in range(SUGGESTION_LIMIT + 1)]
    codes = ["咸政办发", "咸政发", "鄂政发", "国办发", "咸政办函", "湘政发"]
    made = [
        notice(f"{code}〔{day.year}〕29号", published_on=day)
        for code, day in zip(codes, dates, strict=True)
    ]
    for other in ("咸政办发〔2022〕129号", "咸政办发〔2022〕290号", "咸政办发〔2022〕2号"):
        notice(other)
    notice("咸政发〔2023〕29号", published=False)  # a draft

    response = client.get(SEARCH, {"q": typed})

    newest = [n.doc_number for n in reversed(made)][:SUGGESTION_LIMIT]
    assert suggested_numbers(response) == newest


def test_a_serial_with_hao_alone_finds_those_numbers_as_hits(client):
    """29号 is in the numbers' text: it is found, so there is nothing to suggest."""
    wanted = notice("咸政办发〔2022〕29号")
    notice("咸政办发〔2022〕129号")
    response = client.get(SEARCH, {"q": "29号"})
    assert hits(response) == [wanted.doc_number]
    assert suggestions_section(response) == ""


@pytest.mark.parametrize(
    "typed",
    ["2022年29号", "2022-29", "[2022]第29号", "２０２２年２９号", "(2022)29", "2022/29号文件"],
)
def test_a_year_and_serial_suggest_the_notices_with_both(client, typed):
    older = notice("咸政办发〔2022〕29号", published_on=datetime.date(2022, 5, 1))
    newer = notice("鄂政发〔2022〕29号", published_on=datetime.date(2022, 11, 16))
    for other in ("咸政办发〔2021〕29号", "咸政办发〔2022〕28号", "咸政办发〔2022〕290号"):
        notice(other)
    notice("国办发〔2022〕29号", published=False)  # a draft

    response = client.get(SEARCH, {"q": typed})

    assert suggested_numbers(response) == [newer.doc_number, older.doc_number]


def test_digits_run_together_are_no_year_and_serial(client):
    notice("咸政办发〔2022〕29号")
    assert suggestions_section(client.get(SEARCH, {"q": "202229"})) == ""


# --- Dropping a term --------------------------------------------------------------------------


@pytest.fixture
def words():
    return [
        notice("咸政发〔2022〕1号", body="推进降碳工作。"),
        notice("咸政发〔2022〕2号", body="减污降碳协同增效。"),
        notice("咸政发〔2021〕3号", body="降碳行动。", published_on=datetime.date(2021, 6, 1)),
    ]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("降碳 乌有", [("降碳", "去掉“乌有”，共 3 件")]),
        ("降碳 减污 乌有", [("降碳 减污", "去掉“乌有”，共 1 件")]),
        (
            "“降碳工作” 协同",
            [("协同", "去掉“降碳工作”，共 1 件"), ("“降碳工作”", "去掉“协同”，共 1 件")],
        ),
        (
            "降碳 -工作 -协同 -行动",
            [
                ("降碳 -协同 -行动", "去掉“-工作”，共 1 件"),
                ("降碳 -工作 -行动", "去掉“-协同”，共 1 件"),
                ("降碳 -工作 -协同", "去掉“-行动”，共 1 件"),
            ],
        ),
    ],
)
def test_a_query_that_finds_nothing_suggests_dropping_a_term(client, words, typed, expected):
    response = client.get(SEARCH, {"q": typed})
    assert hits(response) == []
    assert suggested_queries(response) == expected


def test_each_shorter_query_finds_what_its_link_says(client, words):
    response = client.get(SEARCH, {"q": "降碳 减污 乌有", "year": "2022", "sort": "date"})
    links = re.findall(
        r'data-suggested-query="[^"]*">\s*<a href="([^"]+)"', suggestions_section(response)
    )
    assert len(links) == 1 and links[0].startswith("?")  # this page's address, another query
    followed = client.get(SEARCH + html.unescape(links[0]))
    result = followed.context["result"]
    assert result.query == "降碳 减污" and result.sort == "date"
    assert "year=2022" in html.unescape(links[0])
    assert result.count == 1 == len(result.page.hits)


def test_the_counts_of_shorter_queries_keep_the_filters(client, words):
    response = client.get(SEARCH, {"q": "降碳 乌有", "year": "2021"})
    assert suggested_queries(response) == [("降碳", "去掉“乌有”，共 1 件")]


def test_a_term_in_many_notices_is_counted_up_to_the_limit(monkeypatch, words):
    monkeypatch.setattr("documents.search.suggest.COUNT_LIMIT", 2)
    result = search_notices("降碳 乌有", suggest=True)
    (reduced,) = result.suggestions.queries
    assert (reduced.query, reduced.count, reduced.more) == ("降碳", 2, True)


def test_one_term_that_finds_nothing_has_nothing_to_drop(client, words):
    response = client.get(SEARCH, {"q": "乌有"})
    assert "没有找到包含“乌有”的文件" in response.content.decode()
    assert suggestions_section(response) == ""


# --- Never a draft, never when found, never a redirect ----------------------------------------


@pytest.mark.parametrize("typed", ["咸政办〔2022〕29号", "29号文件", "2022年29号", "降碳 乌有"])
def test_drafts_are_never_suggested(client, typed):
    notice("咸政办发〔2022〕29号", published=False, body="降碳")
    response = client.get(SEARCH, {"q": typed})
    assert response.status_code == 200
    assert HEADING not in response.content.decode()


def test_an_exact_number_redirects_and_suggests_nothing(client):
    held = notice("咸政办发〔2022〕29号")
    notice("咸政办函〔2022〕29号")
    response = client.get(SEARCH, {"q": "咸政办发[2022]29号"})
    assert response.status_code == 302 and response.url == held.get_absolute_url()
    assert not search_notices("咸政办发〔2022〕29号", suggest=True).suggestions


def test_a_query_with_hits_suggests_nothing(client, words):
    response = client.get(SEARCH, {"q": "降碳"})
    assert len(hits(response)) == 3
    assert HEADING not in response.content.decode()


def test_the_sample_issues_near_misses_suggest_its_notices(client):
    load_sample_issue()
    plan = Notice.objects.get(doc_number=PLAN_NUMBER)
    for typed in ("咸政办〔2022〕29号", "咸政办法2022 29号", "29号文件", "2022年29号"):
        response = client.get(SEARCH, {"q": typed})
        assert PLAN_NUMBER in suggested_numbers(response), typed
        assert f'href="{plan.get_absolute_url()}"' in suggestions_section(response)


# --- Odd input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "号文件",
        "第号",
        "0号文件",
        "000000号文件",
        "99999999999号文件",
        "2022-",
        "2022-0",
        "9999-29",
        "0000年1号",
        "〔2022〕",
        "[" * 200,
        "29号文件" * 40,
        "咸" * 60 + "〔2022〕29号",
        "\x00 29号\u200b文件",
        "'; DROP TABLE documents_notice; -- 29号文件",
        " ".join(f"乌有{i}" for i in range(30)),
        "降碳 " + " ".join(f"-乌有{i}" for i in range(12)),
        '"降碳 "乌有',
        "“降碳”” 乌有",
        "2022年第二十九号",
    ],
)
def test_odd_input_gives_a_normal_page(client, words, typed):
    response = client.get(SEARCH, {"q": typed})
    assert response.status_code == 200


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.text(st.sampled_from('0129２号年第文件〔〕[]()-/ 咸政办发降碳-“”"\x00'), max_size=40)
)
@example(text="2022年29号")
@example(text="-")
def test_suggestions_never_fail(words, text):
    suggestions = query_suggestions(parse_query(text), SearchFilters(), timezone.localdate())
    assert all(n.issue.status == PublicationStatus.PUBLISHED for n in suggestions.notices)


@pytest.mark.parametrize(
    ("a", "b", "near"),
    [
        ("咸政办发", "咸政办发", True),
        ("咸政办发", "咸政办", True),
        ("咸政办", "咸政办发", True),
        ("咸政办发", "咸政办法", True),
        ("咸政办发", "咸办政发", True),
        ("咸政办发", "政办发", True),
        ("咸政办发", "咸政办发发", True),
        ("咸政办发", "咸办", False),
        ("咸政办发", "办政咸发", False),
        ("咸政办发", "咸政发办函", False),
        ("", "咸", True),
        ("ab", "ba", True),
        ("abc", "cab", False),
    ],
)
def test_within_one_edit(a, b, near):
    assert within_one_edit(a, b) is near
    assert within_one_edit(b, a) is near


def test_only_the_page_asks_for_suggestions(words):
    """Feeds, alerts and the API search too: they get no suggestions, and pay nothing for them."""
    assert not search_notices("降碳 乌有").suggestions
    assert not search_notices("咸政办〔2022〕29号").suggestions
    assert search_notices("降碳 乌有", suggest=True).suggestions
