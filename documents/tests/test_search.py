"""Search as a visitor uses it: /search/?q=… over published notices."""

from __future__ import annotations

import datetime
import itertools
import math
import random
import re
from typing import cast

import pytest
from django.core.management import call_command
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from psycopg import sql as psycopg_sql

from documents import search
from documents.checks import notices_without_an_index_row
from documents.models import Citation, MembershipRole, SearchEntry, Validity
from documents.search import (
    ResultPage,
    SearchResult,
    index_notices,
    normalize,
    parse_query,
    search_notices,
)
from documents.search import filters as search_filters
from documents.search import indexing as search_indexing
from documents.search import passages as search_passages
from documents.search import ranking as search_ranking
from documents.search import sql as search_sql
from documents.search import statements as search_statements
from documents.search import tokens as search_tokens
from documents.tests.factories import (
    admin_form_data,
    make_attachment,
    make_citation,
    make_group,
    make_issue,
    make_membership,
    make_notice,
    make_project,
    make_responsibility,
    make_table,
    make_task,
    make_unit,
)

pytestmark = pytest.mark.django_db

SEARCH = "/search/"


def published_notice(*, signed_on=datetime.date(2022, 8, 30), year=2022, **fields):
    """A notice in a fresh published issue, indexed as the importer and the admin do."""
    issue = make_issue(published=True, year=year, published_on=datetime.date(year, 11, 16))
    notice = make_notice(issue=issue, signed_on=signed_on, **fields)
    index_notices([notice.pk])
    return notice


def found(client, q: str, **params) -> list[str]:
    """Titles of the hits on the first result page, in order."""
    response = client.get(SEARCH, {"q": q, **params})
    assert response.status_code == 200
    return [hit.notice.title for hit in response.context["result"].page.hits]


def page_of(result: SearchResult) -> ResultPage:
    """The result page of a search that has one (every search with a query)."""
    assert result.page is not None
    return result.page


def doc_numbers(response) -> list[str]:
    return re.findall(r'data-doc-number="([^"]*)"', response.content.decode())


# --- Document numbers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "咸政办函〔2022〕8号",
        "咸政办函[2022]8号",
        "咸政办函(2022)8号",
        "咸政办函（2022）8号",
        "咸政办函【2022】8号",
        "咸政办函［２０２２］８号",
        "咸政办函 2022年 第8号",
        "咸政办函2022第8号",
        "咸政办函〔2022〕08",
        " 咸政办函〔2022〕8号。",
    ],
)
def test_every_form_of_a_document_number_goes_to_that_notice(client, typed):
    eight = published_notice(title="编纂方案的通知", doc_number="咸政办函〔2022〕8号")
    published_notice(title="另一个通知", doc_number="咸政办函〔2022〕28号")
    response = client.get(SEARCH, {"q": typed})
    assert response.status_code == 302
    assert response.url == eight.get_absolute_url()


def test_8_hao_never_finds_28_hao(client):
    published_notice(title="第二十八号文件", doc_number="咸政办函〔2022〕28号")
    response = client.get(SEARCH, {"q": "咸政办函[2022]8号"})
    assert response.status_code == 200
    assert "本站未收录发文字号为 咸政办函〔2022〕8号 的文件" in response.content.decode()
    assert doc_numbers(response) == []


def test_an_unknown_number_shows_the_notices_that_cite_or_repeal_it(client):
    citing = published_notice(title="引用省文件的通知", doc_number="咸政发〔2022〕11号")
    make_citation(notice=citing, doc_number="鄂政发〔2022〕17号")
    repealing = published_notice(title="废止旧文件的通知", doc_number="咸政发〔2022〕12号")
    make_citation(notice=repealing, kind=Citation.Kind.REPEALS, doc_number="鄂政发〔2022〕17号")
    unrelated = published_notice(title="无关的通知", doc_number="咸政发〔2022〕13号")
    make_citation(notice=unrelated, doc_number="鄂政发〔2022〕7号")

    response = client.get(SEARCH, {"q": "鄂政发（2022）17号"})

    page = response.content.decode()
    assert "本站未收录发文字号为 鄂政发〔2022〕17号 的文件" in page
    assert "废止 鄂政发〔2022〕17号 的文件" in page
    assert "引用 鄂政发〔2022〕17号 的文件" in page
    assert sorted(doc_numbers(response)) == ["咸政发〔2022〕11号", "咸政发〔2022〕12号"]


def test_a_draft_notice_number_is_not_redirected_to(client):
    draft = make_notice(doc_number="咸政办发〔2022〕40号", title="草稿通知")
    index_notices([draft.pk])
    response = client.get(SEARCH, {"q": "咸政办发〔2022〕40号"})
    assert response.status_code == 200
    assert "本站未收录" in response.content.decode()


def test_a_decree_is_found_by_its_number_in_any_form_and_only_it(client):
    decree = published_notice(
        title="咸宁市城市绿化管理办法",
        doc_number="咸宁市政府令 第４６号",
        body="第一条 为了加强绿化管理。",
    )
    assert (decree.doc_number, decree.agency_code, decree.year, decree.serial) == (
        "咸宁市人民政府令第46号",
        "咸宁市人民政府令",
        None,
        46,
    )
    published_notice(title="绿化工作的通知", doc_number="咸政发〔2022〕46号", body="第46号文件。")
    published_notice(title="另一部规章", doc_number="咸宁市人民政府令第146号")
    published_notice(title="省政府规章", doc_number="湖北省人民政府令第418号")

    for typed in ["咸宁市人民政府令第46号", "咸宁市人民政府令46号", "市政府令第46号"]:
        response = client.get(SEARCH, {"q": typed})
        assert (response.status_code, response.url) == (302, decree.get_absolute_url()), typed
    # Not a number on its own (no government named): the words, found where they are printed.
    assert found(client, "人民政府令第46号") == ["咸宁市城市绿化管理办法"]
    assert found(client, "咸宁市人民政府令第46号 绿化") == ["咸宁市城市绿化管理办法"]
    response = client.get(SEARCH, {"q": "咸宁市人民政府令第8号"})
    assert "本站未收录发文字号为 咸宁市人民政府令第8号 的文件" in response.content.decode()


# --- Chinese full text ------------------------------------------------------------------------

BODIES = {
    "降碳": "推进长江经济带降碳减污扩绿增长十大行动。",
    "光伏": "建设咸安区150MW渔光互补光伏发电项目。",
    "名单": "组长：李 丽  市人民政府副市长\n成员：杨 军  市发改委主任",
    "全角": "新建１５０ＭＷ风电场，总投资２．５亿元。",
    "分行": "聚焦中央财经委员会明确的五\n大领域，加快项目建设。",
    "标点": "降碳，减污。",
}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("碳", {"降碳", "标点"}, id="one character"),
        pytest.param("降碳", {"降碳", "标点"}, id="two characters"),
        pytest.param("降碳减污扩绿增长", {"降碳"}, id="long run"),
        pytest.param("碳减污扩", {"降碳"}, id="run inside a word"),
        pytest.param("降碳减污", {"降碳"}, id="no match across punctuation"),
        pytest.param("降碳，减污", {"标点"}, id="punctuation typed"),
        pytest.param("150MW", {"光伏", "全角"}, id="letters and digits"),
        pytest.param("150mw渔光", {"光伏"}, id="mixed word and Chinese"),
        pytest.param("50MW", set(), id="no match inside a word"),
        pytest.param("１５０ｍｗ", {"光伏", "全角"}, id="full-width input"),
        pytest.param("2.5亿元", {"全角"}, id="full-width text"),
        pytest.param("李丽", {"名单"}, id="name typeset with a padding space"),
        pytest.param("李 丽", {"名单"}, id="name typed with the space"),
        pytest.param("五大领域", {"分行"}, id="word broken across a line"),
        pytest.param("降碳 光伏", set(), id="all terms must match"),
        pytest.param("项目 光伏", {"光伏"}, id="two terms"),
        pytest.param("降碳 -减污扩绿", {"标点"}, id="exclusion of a phrase"),
        pytest.param("降碳 -减污", set(), id="exclusion everywhere"),
        pytest.param("碳 -扩", {"标点"}, id="exclusion of one character"),
        pytest.param('"降碳减污扩绿"', {"降碳"}, id="quoted phrase"),
        pytest.param("“扩绿增长”", {"降碳"}, id="Chinese quotes"),
        pytest.param("不存在的词", set(), id="nothing"),
    ],
)
def test_substring_semantics(client, query, expected):
    for title, body in BODIES.items():
        published_notice(title=title, body=body)
    assert set(found(client, query)) == expected


@pytest.mark.parametrize(
    ("query", "build"),
    [
        pytest.param(
            "附件标题词",
            lambda n: make_attachment(notice=n, title="附件标题词清单"),
            id="attachment title",
        ),
        pytest.param(
            "附件正文词",
            lambda n: make_attachment(notice=n, body="这是附件正文词。"),
            id="attachment body",
        ),
        pytest.param(
            "表格单元格",
            lambda n: make_table(notice=n, rows=[["1", "表格单元格内容"]]),
            id="table cell",
        ),
        pytest.param(
            "渔光互补",
            lambda n: make_project(notice=n, name="咸安区渔光互补项目"),
            id="project name",
        ),
        pytest.param(
            "升压站",
            lambda n: make_project(notice=n, content="建设升压站及配套设施"),
            id="project content",
        ),
        pytest.param(
            "垃圾分类",
            lambda n: make_task(notice=n, content="推进垃圾分类"),
            id="task content",
        ),
        pytest.param(
            "打击整治",
            lambda n: make_group(notice=n, name="打击整治工作领导小组"),
            id="leading group",
        ),
        pytest.param(
            "王小明",
            lambda n: make_membership(group=make_group(notice=n), person_name="王 小明"),
            id="member name",
        ),
        pytest.param(
            "市测绘中心",
            lambda n: make_responsibility(
                project=make_project(notice=n),
                unit=make_unit(full_name="咸宁市测绘地理信息中心", short_name="市测绘中心"),
            ),
            id="responsible unit",
        ),
    ],
)
def test_everything_a_notice_carries_is_searchable(client, query, build):
    notice = published_notice(title="载体通知", body="正文")
    build(notice)
    index_notices([notice.pk])
    assert found(client, query) == ["载体通知"]


# --- Ranking ----------------------------------------------------------------------------------


def test_title_match_ranks_above_a_newer_body_match(client):
    published_notice(title="正文提到", body="保障性租赁住房", signed_on=datetime.date(2022, 10, 1))
    published_notice(title="保障性租赁住房实施方案", signed_on=datetime.date(2021, 1, 1))
    assert found(client, "租赁住房") == ["保障性租赁住房实施方案", "正文提到"]


def test_document_number_counts_as_title(client):
    published_notice(
        title="正文提到", body="咸政办函〔2022〕8号", signed_on=datetime.date(2022, 10, 1)
    )
    published_notice(
        title="编纂方案", doc_number="咸政办函〔2022〕8号", signed_on=datetime.date(2021, 1, 1)
    )
    assert found(client, "〔2022〕8号") == ["编纂方案", "正文提到"]


def test_attachment_title_ranks_between_title_and_body(client):
    body = published_notice(title="甲", body="数字政府", signed_on=datetime.date(2022, 10, 3))
    attachment = published_notice(title="乙", signed_on=datetime.date(2022, 10, 2))
    make_attachment(notice=attachment, title="数字政府建设任务")
    index_notices([attachment.pk, body.pk])
    published_notice(title="数字政府实施方案", signed_on=datetime.date(2022, 10, 1))
    assert found(client, "数字政府") == ["数字政府实施方案", "乙", "甲"]


def test_newer_first_among_equals_and_sort_by_date(client):
    for day, title in [(1, "项目一"), (3, "项目三"), (2, "旧项目")]:
        published_notice(title=title, signed_on=datetime.date(2022, 5, day))
    published_notice(title="正文", body="项目", signed_on=datetime.date(2022, 6, 1))
    assert found(client, "项目") == ["项目三", "旧项目", "项目一", "正文"]
    assert found(client, "项目", sort="date") == ["正文", "项目三", "旧项目", "项目一"]


# --- Facets and filters -----------------------------------------------------------------------


@pytest.fixture
def facet_corpus():
    """Five notices mentioning 项目, one not; various years, issuers, codes and flags."""
    rows = [
        (2021, "咸政发〔2021〕1号", "咸宁市人民政府", True, False, None),
        (2021, "咸政办发〔2021〕2号", "咸宁市人民政府办公室", False, True, None),
        (2022, "咸政办发〔2022〕3号", "咸宁市人民政府办公室", True, True, None),
        (2022, "咸政办函〔2022〕4号", "咸宁市人民政府办公室", False, False, 1),
        (2022, "咸政发〔2022〕5号", "咸宁市人民政府", False, False, None),
    ]
    notices = []
    for year, number, issuer, projects, tasks, valid_years in rows:
        notice = published_notice(
            year=year,
            signed_on=datetime.date(year, 3, 1),
            doc_number=number,
            issuer=issuer,
            title=f"关于{number}的通知",
            body="推进项目建设。",
            valid_years=valid_years,
        )
        if projects:
            make_project(notice=notice)
        if tasks:
            make_task(notice=notice)
        notices.append(notice)
    published_notice(title="无关", body="别的内容")
    index_notices([n.pk for n in notices])
    return notices


def facet_counts(response) -> dict[str, dict[str, int]]:
    return {
        facet.param: {bucket.value: bucket.count for bucket in facet.buckets}
        for facet in response.context["result"].facets
    }


def test_facets_count_each_value_of_the_matches(client, facet_corpus):
    response = client.get(SEARCH, {"q": "项目"})
    result = response.context["result"]
    assert (result.count, result.approximate) == (5, False)
    assert facet_counts(response) == {
        "year": {"2022": 3, "2021": 2},
        "issuer": {"咸宁市人民政府办公室": 3, "咸宁市人民政府": 2},
        "agency": {"咸政办发": 2, "咸政发": 2, "咸政办函": 1},
        "validity": {"in_force": 4, "expired": 1},
        "projects": {"1": 2},
        "tasks": {"1": 2},
    }


def test_each_facet_counts_with_the_other_filters(client, facet_corpus):
    response = client.get(SEARCH, {"q": "项目", "year": "2022", "issuer": "咸宁市人民政府办公室"})
    assert response.context["result"].count == 2
    assert facet_counts(response) == {
        # year: only the issuer filter applies, so 2021 still shows what choosing it would give
        "year": {"2022": 2, "2021": 1},
        # issuer: only the year filter applies
        "issuer": {"咸宁市人民政府办公室": 2, "咸宁市人民政府": 1},
        "agency": {"咸政办发": 1, "咸政办函": 1},
        "validity": {"in_force": 1, "expired": 1},
        "projects": {"1": 1},
        "tasks": {"1": 1},
    }
    assert set(doc_numbers(response)) == {"咸政办发〔2022〕3号", "咸政办函〔2022〕4号"}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"agency": "咸政发"}, {"咸政发〔2021〕1号", "咸政发〔2022〕5号"}),
        ({"validity": "expired"}, {"咸政办函〔2022〕4号"}),
        ({"projects": "1", "tasks": "1"}, {"咸政办发〔2022〕3号"}),
        (
            {"from": "2022-01-01"},
            {"咸政办发〔2022〕3号", "咸政办函〔2022〕4号", "咸政发〔2022〕5号"},
        ),
        ({"to": "2021-12-31", "agency": "咸政办发"}, {"咸政办发〔2021〕2号"}),
        ({"year": "1999"}, set()),
    ],
)
def test_filters_combine_with_the_query(client, facet_corpus, params, expected):
    response = client.get(SEARCH, {"q": "项目", **params})
    assert set(doc_numbers(response)) == expected
    assert response.context["result"].count == len(expected)


@pytest.mark.parametrize(
    ("excluded", "expected"),
    [
        ("办", {"咸政发〔2022〕5号"}),
        ("政办", {"咸政发〔2022〕5号"}),
        ("政办发", {"咸政办函〔2022〕4号", "咸政发〔2022〕5号"}),
        ("政办函", {"咸政办发〔2022〕3号", "咸政发〔2022〕5号"}),
    ],
)
def test_exclusions_apply_to_a_filtered_search_without_a_positive_term(
    client, facet_corpus, excluded, expected
):
    """With a filter, a query of exclusions alone lists the filter's notices without the
    excluded term: short exclusions (one or two characters, lexemes) as well as longer ones."""
    response = client.get(SEARCH, {"q": f"-{excluded}", "year": "2022"})
    found = {n for n in doc_numbers(response) if n in {x.doc_number for x in facet_corpus}}
    assert found == expected
    assert response.context["result"].count == len(set(doc_numbers(response)))


def test_a_repealing_notice_shows_as_repealed_in_the_validity_facet(client, facet_corpus):
    repealer = published_notice(title="废止通知", body="其他")
    make_citation(notice=repealer, kind=Citation.Kind.REPEALS, doc_number="咸政发〔2021〕1号")
    response = client.get(SEARCH, {"q": "项目", "validity": Validity.REPEALED})
    assert doc_numbers(response) == ["咸政发〔2021〕1号"]


def test_facet_links_keep_the_query_and_other_filters(client, facet_corpus):
    page = client.get(SEARCH, {"q": "项目", "year": "2022"}).content.decode()
    assert (
        'href="?q=%E9%A1%B9%E7%9B%AE&amp;year=2022&amp;agency=%E5%92%B8%E6%94%BF%E5%8F%91"' in page
    )


def test_active_filters_are_chips_that_each_link_to_the_search_without_them(client, facet_corpus):
    params = {"q": "项目", "year": "2022", "issuer": "咸宁市人民政府办公室", "from": "2022-01-01"}
    response = client.get(SEARCH, {**params, "sort": "date", "page": "1"})
    chips = {chip.label: chip.url for chip in response.context["filter_chips"]}
    assert list(chips) == ["2022年", "咸宁市人民政府办公室", "成文日期从 2022-01-01"]
    for label, param in [("2022年", "year"), ("咸宁市人民政府办公室", "issuer")]:
        path, query = chips[label].split("?")
        assert path == SEARCH
        rest = {k: v for k, v in params.items() if k != param}
        assert QueryDict(query).dict() == {**rest, "sort": "date"}  # no page: back to page 1
        narrower = client.get(chips[label])
        assert [c.label for c in narrower.context["filter_chips"]] == [
            c for c in chips if c != label
        ]
    page = response.content.decode()
    assert f'href="{escape(chips["2022年"])}"' in page
    assert response.context["filters_cleared"] == f"{SEARCH}?q=%E9%A1%B9%E7%9B%AE&sort=date"
    assert "全部取消" in page


def test_a_filter_that_leaves_nothing_is_still_a_chip_to_take_back(client, facet_corpus):
    response = client.get(SEARCH, {"year": "1999"})
    assert doc_numbers(response) == []
    [chip] = response.context["filter_chips"]
    assert (chip.label, chip.url) == ("1999年", SEARCH)
    assert "全部取消" not in response.content.decode()


def test_the_search_page_has_one_search_box(client, facet_corpus):
    page = client.get(SEARCH, {"q": "项目"}).content.decode()
    assert page.count('type="search"') == 1 and 'id="search-q"' in page
    assert 'id="site-search"' in client.get("/").content.decode()  # elsewhere the header's


# --- Highlighting -----------------------------------------------------------------------------


def test_passages_are_escaped_and_only_matches_are_marked(client):
    published_notice(
        title="关于<b>降碳</b>的通知",
        body='前文<script>alert("x")</script>推进降碳减污，降碳优先 & 其他。',
    )
    page = client.get(SEARCH, {"q": "降碳"}).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;推进<mark>降碳</mark>减污" in page
    assert "<mark>降碳</mark>优先 &amp; 其他" in page
    assert "&lt;b&gt;<mark>降碳</mark>&lt;/b&gt;" in page
    assert "<b>" not in page


def test_highlight_follows_the_original_spelling(client):
    published_notice(title="名单", body="组长：李 丽；新建１５０ＭＷ风电")
    result = search_notices("李丽 150mw")
    assert "<mark>李 丽</mark>" in page_of(result).hits[0].passage
    assert "<mark>１５０ＭＷ</mark>" in search.passage(
        "新建１５０ＭＷ风电",
        [search_passages.term_pattern(term) for term in parse_query("150mw").terms],
    )


def test_passage_is_cut_around_the_match(client):
    published_notice(title="长文", body="前" * 500 + "关键句" + "后" * 500)
    passage = page_of(search_notices("关键句")).hits[0].passage
    assert passage.startswith("…") and passage.endswith("…")
    assert "<mark>关键句</mark>" in passage
    assert len(passage) < search_passages.PASSAGE_LENGTH + 30


# --- Drafts, long documents, the index --------------------------------------------------------


def test_drafts_are_never_found(client):
    draft = make_notice(title="草稿降碳", body="降碳")
    index_notices([draft.pk])
    published_notice(title="已发布降碳")
    assert found(client, "降碳") == ["已发布降碳"]
    assert found(client, "草稿") == []


def test_a_small_result_takes_one_statement_and_its_hits_one_more():
    """Counts, facets and the page of a small result come from one statement, the hits'
    notices and texts from a second; a search that finds nothing needs no second."""
    published_notice(title="关于降碳的通知", body="降碳减排。")
    search_notices("减排")  # reads the sizes of the index rows, kept for a minute
    with CaptureQueriesContext(search_statements.search_connection()) as statements:
        assert search_notices("降碳").count == 1
    assert len(statements) == 2
    with CaptureQueriesContext(search_statements.search_connection()) as statements:
        assert search_notices("扩绿").count == 0
    assert len(statements) == 1


def test_searches_of_one_shape_run_one_prepared_statement_with_their_values_apart():
    """What differs between two searches of the same shape (one term of two characters, one
    filter) is sent as parameters: their statements' texts are the same and hold neither the
    terms nor the filter's value, and the connection runs them as prepared statements. A value
    that would need quoting (' % \\) is a parameter like any other."""
    for title in ("关于降碳的通知", "关于扩绿的通知", "关于'%\\的通知"):
        published_notice(title=title, body="全文。", issuer="咸宁市人民政府")
    search_notices("通知")  # reads the sizes of the index rows, kept for a minute
    issuer = search.SearchFilters(issuer="咸宁市人民政府")
    texts = []
    for term in ("降碳", "扩绿", "于'%\\的"):
        with CaptureQueriesContext(search_statements.search_connection()) as statements:
            result = search_notices(term, filters=issuer)
        assert result.count == 1, term
        texts.append([statement["sql"] for statement in statements.captured_queries])
        assert not any(term in text or "咸宁市人民政府" in text for text in texts[-1]), term
    assert texts[0] == texts[1]
    with search_statements.search_connection().cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        assert cursor.fetchone()[0] >= 2


def test_a_search_runs_unprepared_where_its_connection_prepares_nothing():
    """With DATABASE_PREPARE=0 (a pooler that keeps no prepared statements) the connection's
    prepare_threshold is None: the same statements, with the same results, none prepared."""
    published_notice(title="关于降碳的通知", body="降碳全文。")
    database = search_statements.search_connection()
    database.ensure_connection()

    def prepared() -> int:
        with database.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements")
            return cursor.fetchone()[0]

    threshold, database.connection.prepare_threshold = database.connection.prepare_threshold, None
    try:
        before = prepared()
        result = search_notices("降碳 全文")
        assert result.page is not None
        assert [hit.notice.title for hit in result.page.hits] == ["关于降碳的通知"]
        assert prepared() == before
    finally:
        database.connection.prepare_threshold = threshold


def test_publishing_an_issue_makes_its_notices_findable_without_reindexing(client):
    from documents.services import issue_publish

    draft = make_notice(title="即将发布的通知")
    index_notices([draft.pk])
    assert found(client, "即将发布") == []
    issue_publish(issue=draft.issue)
    assert found(client, "即将发布") == ["即将发布的通知"]


def test_a_notice_longer_than_tsvector_positions_is_found_at_its_end(client):
    rng = random.Random(1)
    body = "".join(rng.choice("的一是在不了有和人这中大为上个国我以要他") for _ in range(40_000))
    published_notice(title="长文件", body=body + "结尾处的独特词组")
    assert found(client, "独特词组") == ["长文件"]


def test_a_notice_beyond_the_tsvector_size_limit_stays_fully_searchable(client):
    rng = random.Random(2)
    chars = [chr(c) for c in range(0x4E00, 0x9FA5)]
    body = "".join(rng.choice(chars) for _ in range(400_000))  # > 1 MB of text
    notice = published_notice(title="超长文件", body=body + "，末尾关键词，")
    published_notice(title="普通文件", body="关键词")
    assert SearchEntry.objects.get(notice=notice).overflow
    assert set(found(client, "末尾关键词")) == {"超长文件"}
    assert set(found(client, "关键词")) == {"超长文件", "普通文件"}
    assert found(client, body[1000:1004]) == ["超长文件"]
    assert found(client, "关键词 -末尾") == ["普通文件"]


def test_admin_save_reindexes_in_the_same_request(admin_client):
    notice = published_notice(title="旧标题", body="正文")
    url = reverse("admin:documents_notice_change", args=[notice.pk])
    data = admin_form_data(admin_client.get(url), title="新标题降碳")
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert found(admin_client, "降碳") == ["新标题降碳"]
    assert found(admin_client, "旧标题") == []


def test_admin_change_of_a_project_reindexes_its_notice(admin_client):
    notice = published_notice(title="项目清单")
    project = make_project(notice=notice, name="旧项目名")
    url = reverse("admin:projects_project_change", args=[project.pk])
    data = admin_form_data(admin_client.get(url), name="城区排水管网改造")
    assert admin_client.post(url, data).status_code == 302
    assert found(admin_client, "排水管网") == ["项目清单"]


def test_admin_membership_inline_reindexes(admin_client):
    notice = published_notice(title="成立领导小组")
    group = make_group(notice=notice, name="数字咸宁建设领导小组")
    make_membership(group=group, person_name="杨军", role=MembershipRole.LEADER)
    url = reverse("admin:documents_leadinggroup_change", args=[group.pk])
    data = admin_form_data(admin_client.get(url), **{"memberships-0-person_name": "张 三丰"})
    assert admin_client.post(url, data).status_code == 302
    assert found(admin_client, "张三丰") == ["成立领导小组"]
    assert found(admin_client, "杨军") == []


def test_rebuild_command_fills_the_index_and_works_on_an_empty_database(capsys):
    call_command("rebuild_search_index")
    assert "已重建 0 件" in capsys.readouterr().out
    notice = published_notice(title="重建测试")
    SearchEntry.objects.all().delete()
    assert search_notices("重建测试").count == 0
    call_command("rebuild_search_index")
    out, err = capsys.readouterr()
    assert "已重建 1 件" in out and "1/1" in err
    assert [hit.notice for hit in page_of(search_notices("重建测试")).hits] == [notice]


@pytest.mark.parametrize("notice_id", [1, 2, 63, 64, 12_345, 987_654, 2**31 - 1])
def test_sample_groups_match_the_arithmetic_of_migration_0009(notice_id):
    """Rows indexed by Python and rows rewritten by the migration's SQL fall in one group."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT (((%s::bigint * 2654435761) & 4294967295) >> 22)::int", [notice_id])
        in_sql = cursor.fetchone()[0]
    assert in_sql == search_tokens.sample_group(notice_id)
    assert 0 <= in_sql < search_tokens.SAMPLE_GROUPS


def test_migration_0009_writes_the_sample_lexemes_the_indexer_writes():
    """The migration's SQL and ``index_notices`` agree on every row's sample lexemes."""
    import importlib

    from django.db import connection

    notices = [published_notice(title=f"样本{n}") for n in range(12)]
    written = dict(SearchEntry.objects.values_list("notice_id", "vector"))
    migration = importlib.import_module("documents.migrations.0009_search_sample_groups_1024")
    with connection.cursor() as cursor:
        cursor.execute(migration.FORWARD)
    rewritten = dict(SearchEntry.objects.values_list("notice_id", "vector"))
    assert rewritten == written
    assert all(
        set(search_tokens.sample_lexemes(n.pk))
        <= set(re.findall(r"'([^']+)'", cast(str, written[n.pk])))  # every notice is indexed
        for n in notices
    )


def test_migration_0021_writes_the_length_lexemes_the_indexer_writes():
    """The migration's SQL and ``index_notices`` give every row the same size lexeme, for
    sizes on both sides of the bounds."""
    import importlib

    from django.db import connection

    def size_lexemes() -> dict[int, list[str]]:
        vectors = SearchEntry.objects.values_list("notice_id", "vector")
        return {pk: [x for x in cast(str, v).split() if x.startswith("'#l")] for pk, v in vectors}

    for n in (0, 3, 20, 25, 200, 1100):
        published_notice(title="长度", body="字" * n)
    written = size_lexemes()
    for entry in SearchEntry.objects.all():
        size = len(entry.search_text.encode())
        assert written[entry.notice_id] == [f"'{search_tokens.length_lexeme(size)}'"], size
    migration = importlib.import_module("documents.migrations.0021_search_length_lexemes")
    with connection.cursor() as cursor:
        cursor.execute(migration.BACKWARD)
        assert not any(size_lexemes().values())
        cursor.execute(migration.FORWARD)
    assert size_lexemes() == written
    sizes = [len(t.encode()) for t in SearchEntry.objects.values_list("search_text", flat=True)]
    assert len({search_tokens.length_lexeme(size) for size in sizes}) >= 4


def test_notices_without_an_index_row_are_reported_and_indexed_on_request(capsys):
    """Migrations never compute index rows themselves, and ``migrate`` indexes nothing by a
    signal: the database check says which notices have no row (a database from before the
    index, rows a migration emptied), and ``rebuild_search_index --missing`` (run by
    ``make migrate``) gives them one."""
    indexed = published_notice(title="迁移前已索引")
    missing = published_notice(title="迁移后补建索引")
    SearchEntry.objects.filter(notice=missing).delete()
    call_command("migrate", verbosity=0)
    assert search_notices("补建索引").count == 0  # migrate wrote nothing
    [warning] = notices_without_an_index_row(None, databases=["default"])
    assert warning.id == "documents.W001" and warning.msg.startswith("1 件文件没有检索索引")
    assert "--missing" in warning.hint

    call_command("rebuild_search_index", "--missing")
    assert "已补建 1 件文件的检索索引" in capsys.readouterr().out
    assert notices_without_an_index_row(None, databases=["default"]) == []
    assert [hit.notice for hit in page_of(search_notices("补建索引")).hits] == [missing]
    assert [hit.notice for hit in page_of(search_notices("迁移前已索引")).hits] == [indexed]


def test_large_results_take_the_sampled_path_with_the_same_first_page(client, monkeypatch):
    # Notices of one length and one occurrence score the same: newest first on both paths.
    for day in range(1, 29):
        published_notice(
            title=f"通知{day:02d}", body="推进项目建设", signed_on=datetime.date(2022, 3, day)
        )
    published_notice(title="项目建设方案", signed_on=datetime.date(2020, 1, 1))
    exact = search_notices("项目建设")
    monkeypatch.setattr(search_sql, "EXACT_LIMIT", 5)
    monkeypatch.setattr(search_sql, "VERIFIED_EXACT_LIMIT", 5)
    monkeypatch.setattr(search_sql, "SAMPLE_TARGET", 4)
    monkeypatch.setattr(search_sql, "VERIFIED_SAMPLE_TARGET", 4)
    sampled = search_notices("项目建设")
    assert sampled.approximate and not exact.approximate
    assert [h.notice for h in page_of(sampled).hits] == [h.notice for h in page_of(exact).hits]
    assert page_of(sampled).hits[0].notice.title == "项目建设方案"
    dated = search_notices("项目建设", sort="date", page=2)
    assert [h.notice.title for h in page_of(dated).hits] == [
        "通知08",
        "通知07",
        "通知06",
        "通知05",
        "通知04",
        "通知03",
        "通知02",
        "通知01",
        "项目建设方案",
    ]
    page = client.get(SEARCH, {"q": "项目建设"}).content.decode()
    assert "约找到" in page and "数量为估计值" in page


def test_a_filter_that_leaves_few_of_a_large_result_is_counted_whole(client, monkeypatch):
    """A sampled search's year, agency or issuer filter can leave a handful of its many
    candidates, which a sample counts badly: those are counted whole, and the page says so,
    with the facets of the filters not chosen. A chosen filter's facet (its other values, the
    other filters applied) stays an estimate, labelled 约."""
    for n in range(24):
        year = 2010 + n % 3
        published_notice(title=f"发展通知{n}", year=year, signed_on=datetime.date(year, 1, 1 + n))
    few = [
        published_notice(title=f"发展规划{n}", year=2020, signed_on=datetime.date(2020, 5, 1 + n))
        for n in range(3)
    ]
    in_2020 = search.SearchFilters.from_params({"year": "2020"})
    by_date = search_notices("发展", filters=in_2020, sort="date")
    ranked = search_notices("发展", filters=in_2020)
    monkeypatch.setattr(search_sql, "EXACT_LIMIT", 5)
    monkeypatch.setattr(search_sql, "SAMPLE_TARGET", 4)
    assert search_notices("发展").approximate  # the whole result is sampled
    result = search_notices("发展", filters=in_2020)
    assert (result.count, result.approximate) == (3, False)
    assert [h.notice for h in page_of(result).hits] == [h.notice for h in page_of(ranked).hits]
    dated = search_notices("发展", filters=in_2020, sort="date")
    assert [h.notice for h in page_of(dated).hits] == [h.notice for h in page_of(by_date).hits]
    assert {h.notice for h in page_of(result).hits} == set(few)
    facets = {facet.param: facet for facet in result.facets}
    # 2020 chosen: its count is the matches', the other years' (as many as the sample holds)
    # are estimates; the facets of the filters not chosen are counted whole.
    [chosen, *others] = sorted(facets["year"].buckets, key=lambda b: not b.selected)
    assert (chosen.value, chosen.count, chosen.approximate) == ("2020", 3, False)
    assert all(b.approximate for b in others)
    assert not facets["issuer"].approximate and not facets["validity"].approximate
    assert [b.count for b in facets["issuer"].buckets] == [3]
    assert sum(b.count for b in facets["validity"].buckets) == 3
    page = client.get(SEARCH, {"q": "发展", "year": "2020"}).content.decode()
    assert "共找到 3 件文件" in page and '✓ 2020</a> <span class="facet-count">3</span>' in page
    api = client.get("/api/v1/search/", {"q": "发展", "year": "2020"}).json()
    assert api["count"] == 3 and not api["approximate"]
    assert not api["facets"]["issuer"]["approximate"]
    # Past the limit (8 in 2011) the sample's estimate stands; a filter without a lexeme
    # (validity) is never counted so: its candidates would be every match of 发展.
    for params in ({"year": "2011"}, {"validity": "in_force"}):
        filters = search.SearchFilters.from_params(params)
        assert search_notices("发展", filters=filters).approximate, params


# --- Bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "请输入发文字号或关键词"),
        ("   ", "请输入发文字号或关键词"),
        ("，。！？……", "没有可查找的文字或数字"),
        ("-降碳", "请至少输入一个要查找的关键词"),
        ("降" * 1000, "检索词过长"),
        ('"降碳 减污', "没有找到"),
        ("'; DROP TABLE documents_notice; --", "没有找到"),
        ("a & | ! <-> :* ' \\", "已忽略不含文字或数字的检索词"),
        ("降碳:* & !减污 <-> (扩绿", "没有找到"),
        ("\x00降碳\x07\x1b[31m", "没有找到"),
        ("咸政办发〔二〇二二〕29号", "没有找到"),
    ],
)
def test_bad_queries_give_a_normal_page_with_a_message(client, query, message):
    published_notice(title="其他", body="其他内容")
    response = client.get(SEARCH, {"q": query})
    assert response.status_code == 200
    assert message in response.content.decode()


def test_invalid_utf8_and_garbage_parameters_give_a_normal_page(client):
    published_notice(title="降碳通知")
    for query_string in [
        "q=%FF%FE%00",
        "q=%E9%99%8D%E7%A2%B3&page=abc",
        "q=%E9%99%8D%E7%A2%B3&page=-3",
        "q=%E9%99%8D%E7%A2%B3&page=99999999999999999999",
        "q=%E9%99%8D%E7%A2%B3&year=abc&from=2022-13-45&to=x&validity=%00&sort=%27",
    ]:
        response = client.get(f"{SEARCH}?{query_string}")
        assert response.status_code == 200, query_string
    page = client.get(f"{SEARCH}?q=%E9%99%8D%E7%A2%B3&from=2022-13-45").content.decode()
    assert "不是有效日期" in page and "<mark>降碳</mark>通知" in page


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(q=st.text(st.characters(exclude_categories=["Cs"]), max_size=300))
@example(q="\x00")
@example(q="'\\''")
@example(q='"')
@example(q="-")
@example(q='- -- "-"')
@example(q="!(a|b)&c:*")
@example(q="\u200b\ufeff")
def test_arbitrary_queries_never_fail(client, q):
    response = client.get(SEARCH, {"q": q, "page": q[:5], "year": q[:4]})
    assert response.status_code in (200, 302)


# --- Units of the module ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "normalized"),
    [
        ("李 丽", "李丽"),
        ("１５０ＭＷ", "150mw"),
        ("降碳，减污", "降碳,减污"),
        ("a\u3000 b\n\tc", "a b c"),
        ("措\n施", "措施"),
        ("\x00降\u200b碳", "降碳"),
    ],
)
def test_normalize(text, normalized):
    assert normalize(text) == normalized


def test_lexemes_are_characters_bigrams_and_whole_words():
    assert search.lexemes(normalize("降碳减污 150MW")) == {
        "降",
        "碳",
        "减",
        "污",
        "降碳",
        "碳减",
        "减污",
        "150mw",
    }


@given(text=st.text(st.sampled_from("规划项目建设市 a2\n，"), max_size=60))
def test_lexeme_counts_count_each_lexeme_where_it_occurs(text):
    """The impact tiers are only as sound as these counts: each lexeme, as often as it occurs
    (a pair of characters overlapping itself counts each time, a word only whole)."""
    normalized = normalize(text)
    counts = search_tokens.lexeme_counts(normalized)
    assert set(counts) == search.lexemes(normalized)
    for lexeme, n in counts.items():
        if search_tokens.HAN_RUN_RE.fullmatch(lexeme):
            assert n == len(re.findall(f"(?={re.escape(lexeme)})", normalized)), lexeme
        else:
            assert n == search_tokens.WORD_RE.findall(normalized).count(lexeme), lexeme


def test_a_lexeme_held_often_or_in_a_title_is_stored_with_its_impact_tier():
    notice = published_notice(title="项目通知", body="推进项目建设。" * 7 + "其他。")
    stored = set(SearchEntry.objects.get(notice=notice).vector.split())
    # Tiers are floor(2 log2 w): 项目, 5 in the title + 7 in the body = 12, tier 7; 建设, 7,
    # tier 5; 通知, 5, tier 4; 其他, once in the body, no tier.
    assert {"'+7项目'", "'+5建设'", "'+4通知'"} <= stored
    assert not any(lexeme.endswith("其他'") and "+" in lexeme for lexeme in stored)


def test_a_one_lexeme_terms_tier_in_the_text_is_the_one_stored():
    """A query of one lexeme is scored from its tier lexemes when the result is large and from
    its counts in the texts when it is small: both must put every row in the same tier."""
    bodies = ["发展" * n + "2022年办法。mw " * (n % 7) for n in (1, 2, 3, 5, 9, 17, 40)]
    for n, body in enumerate(bodies):
        notice = published_notice(title="发展规划" if n % 2 else "通知", body=body)
        if n % 3 == 0:
            make_attachment(notice=notice, title="发展目标 2022")
            index_notices([notice.pk])
    for text in ("发展", "展", "2022", "mw", "法"):
        (term,) = parse_query(text).terms
        assert search_ranking.levelled_by_index([term]), text
        query = psycopg_sql.SQL("SELECT vector::text AS vector, {} AS level FROM {}").format(
            search_ranking.text_level(term), search_sql.TABLE
        )
        rows = search_statements.rows(query)
        stored = [
            next(
                (
                    int(t[2], 36)
                    for t in row["vector"].split()
                    if t == f"'+{t[2]}{term.lexemes[0]}'"
                ),
                0,
            )
            for row in rows
        ]
        assert [row["level"] for row in rows] == stored, text
        assert len(set(stored)) >= 3, f"{text}: too few tiers for the comparison to mean much"


def test_terms_whose_occurrences_can_overlap_are_scored_from_the_text():
    queries = ("人人", "人民", "a b", "x" * 63, "x" * 64)
    levelled = [search_ranking.levelled_by_index(parse_query(q).terms) for q in queries]
    assert levelled == [False, True, False, True, False]


def test_a_huge_count_in_a_text_too_large_for_a_vector_is_scored(monkeypatch):
    """A row too large for a vector is scored from its text: a character held 50,000 times
    (its weighted count squared is past a 32-bit integer) still gets a tier."""
    with monkeypatch.context() as patched:
        patched.setattr(search_indexing, "LEXEME_BYTES_LIMIT", 0)
        huge = published_notice(title="通知", body="的" * 50_000)
    small = published_notice(title="通知", body="的确")
    result = search_notices("的")
    assert [h.notice for h in page_of(result).hits] == [huge, small]


def test_user_text_never_reaches_tsquery_syntax_unquoted():
    parsed = parse_query("降碳 -污 a'b \\x")
    assert search_tokens.tsquery_of(parsed.terms) == "'降碳' & 'a' & 'b' & 'x' & !'污'"


# --- Large results: the sampled path gives the exact path's pages ------------------------------


@pytest.fixture
def varied_corpus():
    """Sixty notices where 发展 is in every title, some headings and many bodies, 推进 in
    about half the bodies, and the phrase 推进项目建设 in a third: enough rows for every way a
    large result's page is found (impact tiers, date walk, candidates sorted by date)."""
    notices = []
    for n in range(60):
        title = ["发展规划", "加快发展", "工作通知", "实施方案"][n % 4] + f"{n}"
        body = "推进项目建设。" if n % 3 == 0 else ("推进工作。" if n % 2 else "其他内容。")
        notice = published_notice(
            title=title,
            body=body + ("坚持高质量发展。" if n % 5 else ""),
            signed_on=datetime.date(2010 + n % 13, 1 + n % 12, 1 + n % 27),
            year=2010 + n % 13,
        )
        if n % 7 == 0:
            make_attachment(notice=notice, title="发展目标")
            index_notices([notice.pk])
        notices.append(notice)
    return notices


SAMPLED_CASES = [
    ("发展", {}),
    ("推进", {}),
    ("推进项目建设", {}),
    ("“项目建设”", {}),
    ("发展 推进 -工作", {}),
    ("发展", {"year": "2015"}),
    ("推进", {"validity": "in_force"}),
]


def test_sampled_results_page_exactly_as_counted_ones(varied_corpus, monkeypatch):
    """Counts of a large result are estimates; its pages are not. Whatever way a page of a
    large result is found (by its impact tiers, by a walk of the date index, or by the
    candidates sorted by date), it is the page the exact path ranks. Every query, filter,
    order and way to a page by date, on one corpus (building it is most of the cost)."""
    failures = []
    for (query, params), sort, dense in itertools.product(
        SAMPLED_CASES, ("relevance", "date"), (True, False)
    ):
        filters = search.SearchFilters.from_params(params)
        with monkeypatch.context() as patched:
            exact = [
                [
                    h.notice.pk
                    for h in page_of(search_notices(query, filters=filters, sort=sort, page=n)).hits
                ]
                for n in (1, 2, 3)
            ]
            assert exact[0], f"{query!r} must find something for the comparison to mean anything"
            patched.setattr(search_sql, "EXACT_LIMIT", 3)
            patched.setattr(search_sql, "VERIFIED_EXACT_LIMIT", 3)
            patched.setattr(search_sql, "SAMPLE_TARGET", 2)
            patched.setattr(search_sql, "VERIFIED_SAMPLE_TARGET", 2)
            patched.setattr(search_sql, "DENSE_CANDIDATES", 1 if dense else 10**9)
            sampled = [search_notices(query, filters=filters, sort=sort, page=n) for n in (1, 2, 3)]
        case = (query, params, sort, "dense" if dense else "sparse")
        if not sampled[0].approximate:
            failures.append(f"{case}: not sampled")
        elif [[h.notice.pk for h in page_of(r).hits] for r in sampled] != exact:
            failures.append(f"{case}: pages differ from the exact path's")
    assert not failures, "\n".join(failures)


TIERED_QUERIES = [
    "规划",
    "规划 实施",
    "“规划编制”",
    "规划编制 实施",
    "规划 -纲要",
    "规划 -规划纲要",
]


def test_large_results_rank_through_impact_tiers_as_the_exact_path_does(monkeypatch):
    """A large result's ranked pages come from its impact tiers, not from scoring every
    match: they must be the pages scoring every match gives. Ninety notices where 规划 occurs
    from once to fifty times, in bodies of many lengths, some titles and headings, beside a
    second term and inside a phrase: the tiers hold the best rows at several levels, so the
    page is found after one, two or several fetches, and ties (equal scores) break by date.
    The best of all is a row too large for a vector, which has no tiers."""
    for n in range(90):
        notice = published_notice(
            title="规划纲要" if n % 9 == 0 else f"通知{n % 30:02d}",
            body="推进规划编制。" * (1 + n * 13 % 50)
            + "实施。" * (n % 5)
            + "其他内容。" * (n * 7 % 60),
            signed_on=datetime.date(2010 + n % 13, 1 + n % 12, 1 + n % 27),
            year=2010 + n % 13,
        )
        if n % 10 == 0:
            make_attachment(notice=notice, title="规划目标")
            index_notices([notice.pk])
    with monkeypatch.context() as patched:  # a row with no vector (too large): no tiers
        patched.setattr(search_indexing, "LEXEME_BYTES_LIMIT", 0)
        overflow = published_notice(title="规划实施通知", body="推进规划编制。" * 60)
    assert SearchEntry.objects.get(notice=overflow).overflow
    failures = []
    exacts = {}
    for query in TIERED_QUERIES:
        pages = (1, 2, 3)
        exact = [[h.notice.pk for h in page_of(search_notices(query, page=n)).hits] for n in pages]
        exacts[query] = exact
        with monkeypatch.context() as patched:
            patched.setattr(search_sql, "EXACT_LIMIT", 3)
            patched.setattr(search_sql, "VERIFIED_EXACT_LIMIT", 3)
            patched.setattr(search_sql, "SAMPLE_TARGET", 2)
            patched.setattr(search_sql, "VERIFIED_SAMPLE_TARGET", 2)
            sampled = [search_notices(query, page=n) for n in pages]
        assert all(r.approximate for r in sampled), query
        if [[h.notice.pk for h in page_of(r).hits] for r in sampled] != exact:
            failures.append(query)
    assert not failures, f"pages differ from the exact path's: {failures}"
    # 规划 is scored from the index (each row's tier from its tier lexemes, in the counting
    # statement): the order scoring every match from its text gives.
    today = datetime.date.today()
    plan = search_sql.plan_search(parse_query("规划"), search.SearchFilters(), today)
    assert plan.by_index
    by_text = [pk for pk, _, _ in search_sql._ranked(plan, "", 60)]
    assert [pk for page in exacts["规划"] for pk in page] == by_text
    # Filtered, and beside a draft that holds 规划 most (its tier rows are read with the
    # lexeme filters alone, then joined to the matches): still the order of the text's scores.
    draft = make_notice(title="规划规划规划", body="规划。" * 80)
    index_notices([draft.pk])
    for params in ("year=2014", "year=2022", "validity=in_force", "year=2016&validity=in_force"):
        filters = search.SearchFilters.from_params(QueryDict(params))
        plan = search_sql.plan_search(parse_query("规划"), filters, today)
        by_text = [pk for pk, _, _ in search_sql._ranked(plan, "", 60)]
        found_ids = [h.notice.pk for h in page_of(search_notices("规划", filters=filters)).hits]
        assert by_text and draft.pk not in by_text
        assert found_ids == by_text[:20], params


def test_a_terms_tiers_are_read_from_its_rarest_lexeme_and_rank_as_the_exact_path_does(
    monkeypatch,
):
    """A term of several lexemes is fetched tier by tier through its rarest lexeme alone
    (划编 of 规划编制: 规划 and 编制 also occur apart, in more notices). Those include rows where
    the term itself is rarer than the lexeme, and the page is still the one scoring every
    match gives; a lower tier's rows too long to reach the page's last score are not read."""
    for n in range(120):
        published_notice(
            title=f"通知{n % 40:02d}" + ("规划" if n % 6 == 0 else ""),
            body="规划编制。" * (1 + n * 7 % 23)
            + "编制规划。" * (n * 5 % 11)
            + "其他内容。" * (n * 13 % 160),
            signed_on=datetime.date(2010 + n % 13, 1 + n % 12, 1 + n % 27),
            year=2010 + n % 13,
        )
    for n in range(40):
        published_notice(title=f"编制规划{n}", body="编制规划。" * (1 + n % 9))
    today = datetime.date.today()
    plan = search_sql.plan_search(parse_query("规划编制"), search.SearchFilters(), today)
    assert search_sql._tier_lexemes(plan) == ["划编"]
    pages = (1, 2, 3)
    exact = [[h.notice.pk for h in page_of(search_notices("规划编制", page=n)).hits] for n in pages]
    bands = []  # (rows of a lower tier, rows of it read)
    band = search_sql._band

    def recording(plan, tiered, levels, score, need):
        if score is not None:
            every = band(plan, tiered, levels, None, 10**6)
            bands.append((len(every), len(band(plan, tiered, levels, score, 10**6))))
        return band(plan, tiered, levels, score, need)

    with monkeypatch.context() as patched:
        patched.setattr(search_sql, "EXACT_LIMIT", 3)
        patched.setattr(search_sql, "VERIFIED_EXACT_LIMIT", 3)
        patched.setattr(search_sql, "SAMPLE_TARGET", 2)
        patched.setattr(search_sql, "VERIFIED_SAMPLE_TARGET", 2)
        patched.setattr(search_sql, "_band", recording)
        sampled = [search_notices("规划编制", page=n) for n in pages]
    assert all(r.approximate for r in sampled)
    assert [[h.notice.pk for h in page_of(r).hits] for r in sampled] == exact
    assert bands, "no lower tier was read with a length limit: the corpus no longer tests it"
    assert any(read < every for every, read in bands), bands


def test_the_longest_row_that_can_reach_a_score_is_what_the_score_allows():
    """ranking.longest: a row of that many bytes, with every term at the most its tiers
    allow and all of it in the body, scores the score; a row of any other length, with all
    of it in the title or the body, scores less when longer."""
    k1, b = search_ranking.K1, search_ranking.B
    idfs, average, below = [0.4, 1.3], 4000.0, 6
    w = math.isqrt(2**below - 1)

    def best(length: float) -> float:  # the most a row of `length` bytes can score there
        norm = 1 - b + b * length / average
        tf = w / min(1.0, norm)
        return sum(idf * tf * (k1 + 1) / (tf + k1) for idf in idfs)

    for length in (0.0, 300.0, 2500.0):
        score = best(length)
        longest = search_ranking.longest(idfs, score, below, average)
        assert longest == pytest.approx(length, abs=1e-6)
        assert longest is not None and best(longest + 50) < score
    assert search_ranking.longest(idfs, best(average * 3) * 0.99, below, average) is None
    assert search_ranking.longest(idfs, best(0) * 1.01, below, average) == 0


@pytest.mark.parametrize("query", ["郭原", "郭原明"])
def test_rows_holding_a_term_once_come_shortest_first_from_their_size_lexemes(monkeypatch, query):
    """Where every term occurs once the best rows are the shortest: read from the smallest
    sizes' rows only, or from every size when those hold too few (郭原明: half the
    candidates hold 郭原 and 原明 apart, and fail verification)."""
    notices = []
    for n in range(48):
        name = "郭原明" if n % 2 else "郭原与原明"
        filler = "其他内容。" * (n * 37 % 90)
        notices.append(published_notice(title=f"通知{n}", body=f"{filler}联系人{name}。"))
    monkeypatch.setattr(search_sql, "SCORE_ALL_LIMIT", 0)  # the page from the impact tiers
    monkeypatch.setattr(search_sql, "SHORTEST_MARGIN", 1)
    entries = SearchEntry.objects.filter(search_text__contains=normalize(query))
    expected = [
        e.notice_id
        for e in sorted(
            entries, key=lambda e: (-len(e.search_text.encode()), e.date, e.notice_id), reverse=True
        )
    ]
    pages = [search_notices(query, page=n) for n in (1, 2)]
    assert [h.notice.pk for p in pages for h in page_of(p).hits] == expected[:40]
    # A small result with a term to verify is scored whole; the tiers' way, as for a large one:
    plan = search_sql.plan_search(parse_query(query), search.SearchFilters(), datetime.date.today())
    best = search_sql._best_by_tiers(plan, 21, len(notices))
    assert [pk for pk, _, _ in best] == expected[:21]


def test_a_title_and_heading_match_outranks_newer_title_matches(monkeypatch):
    """A term in the title and an attachment title scores above one in the title alone
    whatever the dates, also when the page of a large result comes from its impact tiers."""
    older = published_notice(title="发展规划甲", signed_on=datetime.date(2001, 1, 1), year=2001)
    make_attachment(notice=older, title="发展目标表")
    index_notices([older.pk])
    newer = [
        published_notice(title=f"发展通知{n}", signed_on=datetime.date(2020, 1, 1 + n))
        for n in range(5)
    ]
    monkeypatch.setattr(search_sql, "EXACT_LIMIT", 2)
    monkeypatch.setattr(search_sql, "SAMPLE_TARGET", 1)
    result = search_notices("发展")
    assert result.approximate
    assert [h.notice for h in page_of(result).hits] == [older, *reversed(newer)]


def test_a_chosen_value_shows_the_count_of_the_matches_when_that_was_counted_whole():
    """In a sampled facet the chosen value's count (the other filters applied) is the matches'
    own: the count counted whole, not the sample's, and there even when the sample missed it."""
    filters = search.SearchFilters.from_params({"year": "2020", "tasks": "1"})
    sampled: dict[str, dict[str, int]] = {
        name: {} for name in ("year", "issuer", "agency", "validity", "projects", "tasks")
    }
    sampled["year"] = {"2019": 3, "2021": 1}  # none of 2020 in the sample
    sampled["tasks"] = {"true": 1, "false": 2}
    exact = {"issuer": {"咸宁市人民政府": 7}}
    facets = {f.param: f for f in search_filters.build_facets(sampled, filters, 4.0, exact, 7)}
    assert [(b.value, b.count, b.selected, b.approximate) for b in facets["year"].buckets] == [
        ("2021", 4, False, True),
        ("2020", 7, True, False),
        ("2019", 12, False, True),
    ]
    assert [(b.count, b.selected, b.approximate) for b in facets["tasks"].buckets] == [
        (7, True, False)
    ]
    assert [(b.count, b.approximate) for b in facets["issuer"].buckets] == [(7, False)]
    assert facets["year"].approximate and not facets["issuer"].approximate
    # Without the count counted whole, the sample's estimate stands, labelled.
    year = search_filters.build_facets(sampled, filters, 4.0, {}, None)[0]
    assert [(b.value, b.approximate) for b in year.buckets] == [("2021", True), ("2019", True)]


def test_a_facet_link_keeps_every_other_parameter_in_its_order_and_drops_the_page():
    filters = search.SearchFilters.from_params(
        QueryDict("q=%E9%A1%B9%E7%9B%AE&year=2022&sort=date&page=3&q=%E5%8F%91")
    )
    assert filters.toggled("year", "2021", selected=False) == (
        "q=%E9%A1%B9%E7%9B%AE&q=%E5%8F%91&year=2021&sort=date"
    )
    assert filters.toggled("year", "2022", selected=True) == (
        "q=%E9%A1%B9%E7%9B%AE&q=%E5%8F%91&sort=date"
    )
    assert filters.toggled("agency", "咸政发", selected=False).endswith(
        "&sort=date&agency=%E5%92%B8%E6%94%BF%E5%8F%91"
    )
    assert search.SearchFilters().toggled("year", "2022", selected=False) == "year=2022"


def test_the_count_probe_plans_the_gate_count_once(monkeypatch):
    """The probe's gate count is read twice (its column, and `open`); planned as one subplan,
    not flattened into each use and run twice."""
    published_notice(title="推进国土绿化试点示范的通知", body="推进国土绿化试点示范。")
    run, counting = search_statements._run, []

    def caught(query, database, *, named):
        if "AS open FROM" in repr(query):
            counting.append(query)
        return run(query, database, named=named)

    monkeypatch.setattr(search_statements, "_run", caught)
    search_notices("推进国土绿化试点示范")
    explain = psycopg_sql.SQL("EXPLAIN (FORMAT JSON) {}").format(counting[0])
    [(explained,)] = search_statements.tuples(explain)
    plan = explained[0]

    def nodes(node):
        yield node
        for child in node.get("Plans", ()):
            yield from nodes(child)

    [probe] = [n for n in nodes(plan["Plan"]) if n.get("Subplan Name") == "CTE p"]
    # Two counts, n and g: a third would be g's run again.
    assert [n["Node Type"] for n in nodes(probe)].count("Aggregate") == 2
