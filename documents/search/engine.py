"""search_notices: what the search page shows for a query."""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass, field

from django.db import DatabaseError
from django.utils import timezone
from django.utils.safestring import SafeString
from psycopg import sql

from documents.docnumbers import DocNumberError, parse_doc_number
from documents.models import Citation, Issue, Notice
from documents.search.filters import Facet, SearchFilters, build_facets
from documents.search.passages import highlight, passage, term_pattern
from documents.search.sql import (
    MAX_PAGE,
    PAGE_SIZE,
    SAMPLE_GROUPS,
    count,
    count_rows,
    page_ids,
    plan_search,
)
from documents.search.statements import Value, fall_back, tuples
from documents.search.suggest import Suggestions, number_suggestions, query_suggestions
from documents.search.tokens import ParsedQuery, parse_query

# --- Results ----------------------------------------------------------------------------------


@dataclass
class Hit:
    notice: Notice
    title: SafeString
    passage: SafeString


@dataclass
class ResultPage:
    """One page of hits. `num_pages` is approximate when the count is."""

    number: int
    hits: list[Hit]
    has_next: bool
    num_pages: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


@dataclass
class SearchResult:
    query: str
    message: str = ""
    notes: list[str] = field(default_factory=list)
    redirect_to: Notice | None = None
    doc_number: str | None = None
    citing: list[Notice] = field(default_factory=list)
    repealing: list[Notice] = field(default_factory=list)
    count: int = 0
    approximate: bool = False  # the count is an estimate (shown as 约); a facet says its own
    page: ResultPage | None = None
    facets: list[Facet] = field(default_factory=list)
    sort: str = "relevance"
    suggestions: Suggestions = field(default_factory=Suggestions)  # 您是不是要找, for no hits

    @property
    def facets_approximate(self) -> bool:
        return any(facet.approximate for facet in self.facets)


def _hits(ids: list[int], parsed: ParsedQuery) -> list[Hit]:
    if not ids:  # nothing found: no statement (half of such a search's time)
        return []
    notices = _notices_with_text(ids)
    patterns = [term_pattern(term) for term in parsed.positive]
    return [
        Hit(
            notice=notices[pk][0],
            title=highlight(notices[pk][0].title, patterns),
            passage=passage(notices[pk][1], patterns),
        )
        for pk in ids
        if pk in notices
    ]


@functools.cache
def _hit_columns() -> tuple[list[str], list[str], sql.SQL]:
    """The notice's fields (all but the body, which a list of hits never shows), the issue's,
    and the statement reading them with the text passages are cut from, its ids left as a
    placeholder: composed once (it cost a third of a one-hit search's Python)."""
    notice_fields = [f.attname for f in Notice._meta.concrete_fields if f.name != "body"]
    issue_fields = [f.attname for f in Issue._meta.concrete_fields]
    columns = [sql.Identifier("n", name) for name in notice_fields]
    columns += [sql.Identifier("i", name) for name in issue_fields]
    query = sql.SQL(
        "SELECT {}, e.text FROM documents_notice n JOIN documents_issue i ON i.id = n.issue_id"
        " JOIN documents_searchentry e ON e.notice_id = n.id WHERE n.id = ANY({{}})"
    ).format(sql.SQL(", ").join(columns))
    return notice_fields, issue_fields, sql.SQL(query.as_string())


def _notices_with_text(ids: list[int]) -> dict[int, tuple[Notice, str]]:
    """Notices with their issue, and the text passages are cut from, in one statement: the
    ORM's version of this query cost more to compile than PostgreSQL took to answer it."""
    notice_fields, issue_fields, select = _hit_columns()
    found = {}
    split = len(notice_fields)
    for row in tuples(select.format(Value(list(ids)))):
        # The hits belong to the primary: what a page loads of them later is read there.
        notice = Notice.from_db("default", notice_fields, row[:split])
        notice.issue = Issue.from_db("default", issue_fields, row[split:-1])
        found[notice.pk] = (notice, row[-1] or "")
    return found


# --- The search -------------------------------------------------------------------------------


def search_notices(
    raw: str,
    *,
    filters: SearchFilters | None = None,
    sort: str = "relevance",
    page: str | int | None = None,
    today: datetime.date | None = None,
    suggest: bool = False,
) -> SearchResult:
    """Everything the search page shows for query `raw`: a redirect for a document number we
    have, the notices citing one we do not, or ranked hits with counts and facets; with
    `suggest`, what to try instead when nothing is found (documents.search.suggest: the page
    asks for them, the feeds, alerts and the API do not).

    Only published notices are ever found. Never raises on user input."""
    filters = filters or SearchFilters()
    parsed = parse_query(raw)
    today = today or timezone.localdate()
    result = SearchResult(
        query=parsed.text, notes=[*filters.notes, *parsed.notes], sort=_sort(sort)
    )
    if parsed.text and _answer_doc_number(parsed.text, result):
        if suggest and result.redirect_to is None and result.doc_number:
            result.suggestions = number_suggestions(parse_doc_number(result.doc_number))
        return result
    # Without a term or a filter there is nothing to search, except the whole archive newest
    # first (sort=date alone: what the home page's count of notices links to).
    browsing = result.sort == "date" and not parsed.terms
    if not parsed.positive and not filters.active and not browsing:
        if parsed.negative:
            result.message = "请至少输入一个要查找的关键词（以“-”开头的词表示排除）。"
        elif parsed.text:
            result.message = "检索词中没有可查找的文字或数字，请换一个关键词。"
        else:
            result.message = "请输入发文字号或关键词。"
        return result

    try:
        _search(result, parsed, filters, page, today)
    except DatabaseError:
        if not fall_back():  # on the primary, or the statement failed: the site's 503
            raise
        _search(result, parsed, filters, page, today)
    if suggest and result.page is not None and not result.page.hits:
        result.suggestions = query_suggestions(parsed, filters, today)
    return result


def _search(
    result: SearchResult,
    parsed: ParsedQuery,
    filters: SearchFilters,
    page: str | int | None,
    today: datetime.date,
) -> None:
    plan = plan_search(parsed, filters, today)
    requested = _page_number(page)
    counts = count(plan, (result.sort, PAGE_SIZE + 1, (requested - 1) * PAGE_SIZE))
    scale = SAMPLE_GROUPS / counts.groups
    result.approximate = counts.large and counts.exact is None
    result.count = round(counts.total * scale) if counts.exact is None else counts.exact
    result.facets = build_facets(counts.facets, filters, scale, counts.exact_facets, counts.exact)

    num_pages = max(1, min(MAX_PAGE, -(-result.count // PAGE_SIZE)))
    # An estimated count may fall short of the last page: the page asked for is read, and
    # only when it is empty does the estimate say which page is the last.
    number = requested if result.approximate else min(requested, num_pages)
    offset = (number - 1) * PAGE_SIZE
    if counts.page is not None and number == requested:
        ids = counts.page
    else:
        ids = page_ids(plan, result.sort, offset, PAGE_SIZE + 1, counts)
    if not ids and number > 1:
        # Past the last page (the estimate was high): count the matches to find it.
        result.count = count_rows(plan, offset)
        number = max(1, -(-result.count // PAGE_SIZE))
        offset = (number - 1) * PAGE_SIZE
        ids = page_ids(plan, result.sort, offset, PAGE_SIZE + 1, counts)
        num_pages = number
    result.count = max(result.count, offset + len(ids[:PAGE_SIZE]))
    result.page = ResultPage(
        number=number,
        hits=_hits(ids[:PAGE_SIZE], parsed),
        has_next=len(ids) > PAGE_SIZE and number < MAX_PAGE,
        num_pages=max(num_pages, number),
    )
    if not result.page.hits:
        result.message = _nothing_found(parsed, filters)


def _answer_doc_number(query: str, result: SearchResult) -> bool:
    """Fill `result` for a query that is a document number; False when it is not one."""
    try:
        number = parse_doc_number(query)
    except DocNumberError:
        return False
    published = Notice.objects.published().select_related("issue")
    result.doc_number = number.canonical
    result.redirect_to = published.with_doc_number(number.canonical).first()
    if result.redirect_to is None:
        result.citing = list(published.citing(number.canonical, Citation.Kind.CITES))
        result.repealing = list(published.citing(number.canonical, Citation.Kind.REPEALS))
        result.message = f"本站未收录发文字号为 {number.canonical} 的文件。" + (
            "以下是引用或废止该文件的文件。" if result.citing or result.repealing else ""
        )
    return True


def _nothing_found(parsed: ParsedQuery, filters: SearchFilters) -> str:
    words = "”“".join(term.text for term in parsed.positive)
    where = "符合所选条件且" if filters.active else ""
    if not words:
        return "没有符合所选条件的文件。"
    return f"没有找到{where}包含“{words}”的文件。请检查用字，或减少关键词、取消部分筛选条件。"


def _sort(value: str | None) -> str:
    return "date" if value == "date" else "relevance"


def _page_number(value: str | int | None) -> int:
    try:
        number = int(str(value or "1").strip()[:6])
    except ValueError:
        return 1
    return min(max(number, 1), MAX_PAGE)
