"""The SQL of a search: conditions, counts and facets, the order of the page."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection

from documents.models import Citation, PublicationStatus, SearchEntry, Validity
from documents.search.filters import SearchFilters
from documents.search.tokens import (
    FACET_MARKS,
    HEADING_MARK,
    OVERFLOW_LEXEME,
    SAMPLE_MARK,
    TITLE_MARK,
    ParsedQuery,
    Term,
    quote_lexeme,
    tsquery_of,
)

PAGE_SIZE = 20
MAX_PAGE = 50  # deep pages of huge result sets are never read; narrowing the query is
EXACT_LIMIT = 2000  # up to this many candidates, counts and facets are exact
SAMPLE_GROUPS = 64  # every row is in one of 64 sample groups (a lexeme, see SAMPLE_MARK)
SAMPLE_TARGET = 1500  # rows a sampled count reads, about (±3 % at one standard error)

# --- SQL building -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Sql:
    """A fragment of SQL with its parameters; user text only ever travels as a parameter."""

    text: str
    params: tuple = ()

    def __add__(self, other: _Sql) -> _Sql:
        return _Sql(self.text + other.text, self.params + other.params)

    @staticmethod
    def join(separator: str, parts: Iterable[_Sql]) -> _Sql:
        parts = list(parts)
        return _Sql(separator.join(p.text for p in parts), sum((p.params for p in parts), ()))


_TRUE = _Sql("TRUE")


_VERIFY_COLUMNS = ("title_text", "heading_text", "search_text")


def _contains(column: str, term: Term) -> _Sql:
    return _Sql(f"strpos({column}, %s) > 0", (term.needle,))


def _validity_sql(today: datetime.date) -> _Sql:
    """current_validity as NoticeQuerySet.with_validity computes it, on index rows."""
    return _Sql(
        "CASE WHEN e.doc_number IN ("
        " SELECT c.doc_number FROM documents_citation c"
        " JOIN documents_notice n ON n.id = c.notice_id"
        " JOIN documents_issue i ON i.id = n.issue_id"
        " WHERE c.kind = %s AND i.status = %s AND c.doc_number <> '')"
        " THEN %s WHEN e.validity <> %s THEN e.validity WHEN e.expires_on < %s THEN %s ELSE %s END",
        (
            Citation.Kind.REPEALS,
            PublicationStatus.PUBLISHED,
            Validity.REPEALED,
            Validity.IN_FORCE,
            today,
            Validity.EXPIRED,
            Validity.IN_FORCE,
        ),
    )


@dataclass
class _Plan:
    """The SQL conditions of one search."""

    published: _Sql
    tsquery: str  # every lexeme the terms need ("" when there are no terms)
    narrow: str  # tsquery of the year, agency and issuer filters' lexemes ("" when none)
    overflow: _Sql  # overflow rows (no vector) checked term by term in their text
    verify: _Sql  # what candidates must also satisfy: the longer terms, checked in the text
    filters: dict[str, _Sql]  # facet name → condition, "date" for the range
    tier: str  # tsquery: some term's lexemes are in the title or a heading
    rank: _Sql
    validity: _Sql

    def match(self, extra: str = "", *, verified: bool = True) -> _Sql:
        """Published rows with the lexemes (and `extra`, a tsquery), verified unless told.

        The lexemes, the overflow marker and `extra` make one ``@@``: a single GIN condition
        that PostgreSQL answers from the index, never by reading stored vectors."""
        query = f"({self.tsquery}) | {OVERFLOW_LEXEME}" if self.tsquery else ""
        query = f"({query}) & ({extra})" if query and extra else query or extra
        parts = [self.published]
        if query:
            parts.append(_Sql("e.vector @@ %s::tsquery", (query,)))
        if self.tsquery:
            parts.append(self.overflow)
        if verified and self.verify is not _TRUE:
            parts.append(self.verify)
        return _Sql.join(" AND ", parts)

    def narrowed(self, extra: str = "") -> _Sql:
        """``match(extra)`` and every filter, the year, agency and issuer also in the ``@@``."""
        query = " & ".join(f"({x})" for x in (extra, self.narrow) if x)
        return _Sql.join(" AND ", [self.match(query), self.filtered()])

    def filtered(self, without: str | None = None) -> _Sql:
        return _Sql.join(" AND ", [sql for name, sql in self.filters.items() if name != without])


def plan_search(parsed: ParsedQuery, filters: SearchFilters, today: datetime.date) -> _Plan:
    # Not in an unpublished issue: the few draft ids are read once per query (an InitPlan),
    # where ``IN (published issues)`` made PostgreSQL probe the issue table once per candidate
    # (it estimates one candidate for any GIN match): 7,040 probes for 项目建设 at 100,000.
    published = _Sql(
        "e.issue_id <> ALL(ARRAY(SELECT id FROM documents_issue WHERE status <> %s))",
        (PublicationStatus.PUBLISHED,),
    )
    verified = [t for t in parsed.positive if not t.exact_by_lexemes]
    excluded = [t for t in parsed.negative if not t.exact_by_lexemes]
    overflow = (
        _Sql("(NOT e.overflow OR (")
        + _Sql.join(
            " AND ",
            [_contains("e.search_text", t) for t in parsed.positive]
            + [_Sql("NOT ") + _contains("e.search_text", t) for t in parsed.negative],
        )
        + _Sql("))")
    )
    # search_text begins with title_text and heading_text, so a term found in those short
    # columns is in search_text too: the long text (often TOASTed) is read only when needed.
    checks = [
        _Sql("(") + _Sql.join(" OR ", [_contains(f"e.{c}", t) for c in _VERIFY_COLUMNS]) + _Sql(")")
        for t in verified
    ]
    checks += [_Sql("NOT ") + _contains("e.search_text", t) for t in excluded]
    validity = _validity_sql(today)
    rank_parts = [
        _Sql("(CASE WHEN strpos(e.title_text, %s) > 0 THEN 2 ELSE 0 END", (t.needle,))
        + _Sql(" + CASE WHEN strpos(e.heading_text, %s) > 0 THEN 1 ELSE 0 END)", (t.needle,))
        for t in parsed.positive
    ]
    tier = " | ".join(
        f"({' & '.join(quote_lexeme(mark + lexeme) for lexeme in term.lexemes)})"
        for term in parsed.positive
        for mark in (TITLE_MARK, HEADING_MARK)
    )
    return _Plan(
        published=published,
        tsquery=tsquery_of(parsed.terms) if parsed.positive else "",
        narrow=" & ".join(
            quote_lexeme(f"{FACET_MARKS[name]}{value}")
            for name, value in (
                ("year", filters.year),
                ("agency", filters.agency),
                ("issuer", filters.issuer),
            )
            if value
        ),
        overflow=overflow,
        verify=_Sql.join(" AND ", checks) if checks else _TRUE,
        filters=_filter_conditions(filters, validity),
        tier=tier,
        rank=_Sql.join(" + ", rank_parts) if rank_parts else _Sql("0"),
        validity=validity,
    )


def _filter_conditions(filters: SearchFilters, validity: _Sql) -> dict[str, _Sql]:
    conditions = {
        "year": _Sql("e.year = %s", (filters.year,)) if filters.year else _TRUE,
        "issuer": _Sql("e.issuer = %s", (filters.issuer,)) if filters.issuer else _TRUE,
        "agency": _Sql("e.agency_code = %s", (filters.agency,)) if filters.agency else _TRUE,
        "validity": validity + _Sql(" = %s", (filters.validity,)) if filters.validity else _TRUE,
        "projects": _Sql("e.has_projects") if filters.projects else _TRUE,
        "tasks": _Sql("e.has_tasks") if filters.tasks else _TRUE,
    }
    dates = []
    if filters.date_from:
        dates.append(_Sql("e.signed_on >= %s", (filters.date_from,)))
    if filters.date_to:
        dates.append(_Sql("e.signed_on <= %s", (filters.date_to,)))
    conditions["date"] = _Sql.join(" AND ", dates) if dates else _TRUE
    return conditions


def _fetch(sql: _Sql) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql.text, sql.params)
        return cursor.fetchall()


# --- Counting and facets ----------------------------------------------------------------------

_FACET_COLUMNS = {  # facet → column of the facet query's input
    "year": "year",
    "issuer": "issuer",
    "agency": "agency_code",
    "validity": "validity",
    "projects": "has_projects",
    "tasks": "has_tasks",
}


def facet_counts(
    plan: _Plan, where: _Sql, page: tuple[str, int, int] | None = None
) -> tuple[int, dict[str, dict[object, int]], list[int]]:
    """(total, {facet: {value: count}}, page ids) over rows matching `where` and the filters,
    each facet counted with every other filter applied: one scan, grouping sets.

    With `page` (sort, limit, offset) the same scan also yields the ids of that page: the
    rows are verified once for both (a phrase's candidates are each read once, not twice)."""
    flags = _Sql.join(", ", [sql + _Sql(f" AS f_{name}") for name, sql in plan.filters.items()])
    columns = ", ".join(_FACET_COLUMNS.values())

    def others(name: str) -> str:
        return " AND ".join(f"f_{other}" for other in plan.filters if other != name)

    counts = ", ".join(f"count(*) FILTER (WHERE {others(name)})" for name in _FACET_COLUMNS)
    which = " ".join(
        f"WHEN GROUPING({column}) = 0 THEN '{name}'" for name, column in _FACET_COLUMNS.items()
    )
    sets = ", ".join(f"({column})" for column in _FACET_COLUMNS.values())
    sql = (
        _Sql("WITH m AS (SELECT e.year, e.issuer, e.agency_code, ")
        + plan.validity
        + _Sql(" AS validity, e.has_projects, e.has_tasks, ")
        + flags
        + _Sql(", e.notice_id, e.date, ")
        + (plan.rank if page else _Sql("0"))
        + _Sql(" AS rank FROM documents_searchentry e WHERE ")
        + where
        + _Sql(
            f") SELECT CASE {which} ELSE '' END, {columns}, {counts},"
            f" count(*) FILTER (WHERE {others('')}), "
        )
        + _page_column(page, others(""))
        + _Sql(f" FROM m GROUP BY GROUPING SETS ({sets}, ())")
    )
    facets: dict[str, dict[object, int]] = {name: {} for name in _FACET_COLUMNS}
    total = 0
    ids: list[int] = []
    for row in _fetch(sql):
        name, values, per_facet, overall = row[0], row[1:7], row[7:13], row[13]
        if not name:
            total, ids = overall, row[14] or []
            continue
        index = list(_FACET_COLUMNS).index(name)
        facets[name][values[index]] = per_facet[index]
    return total, facets, ids


def _page_column(page: tuple[str, int, int] | None, filtered: str) -> _Sql:
    """The ids of one page of the facet query's rows (`filtered`: every filter holds)."""
    if page is None:
        return _Sql("NULL")
    sort, limit, offset = page
    order = _BY_DATE if sort == "date" else f"rank DESC, {_BY_DATE}"
    order = order.replace("e.", "p.")
    return _Sql(
        f"(SELECT array_agg(p.notice_id ORDER BY {order}) FROM (SELECT * FROM m p"
        f" WHERE {filtered} ORDER BY {order} LIMIT %s OFFSET %s) p)",
        (limit, offset),
    )


def count_rows(where: _Sql, limit: int) -> int:
    """How many rows match `where`, counting no further than `limit`."""
    sql = (
        _Sql("SELECT count(*) FROM (SELECT 1 FROM documents_searchentry e WHERE ")
        + where
        + _Sql(" LIMIT %s) c", (limit,))
    )
    return _fetch(sql)[0][0]


def is_large(plan: _Plan) -> bool:
    """Whether more than EXACT_LIMIT rows have the query's lexemes (counts are then sampled)."""
    return count_rows(plan.match(verified=False), EXACT_LIMIT + 1) > EXACT_LIMIT


def sample_tsquery(groups: int) -> str:
    """tsquery for the first `groups` sample groups."""
    return " | ".join(quote_lexeme(f"{SAMPLE_MARK}{group}") for group in range(groups))


def sample_groups(plan: _Plan) -> int:
    """How many of the 64 sample groups to read for about SAMPLE_TARGET rows (64: all)."""
    probe = count_rows(plan.match(sample_tsquery(2), verified=False), SAMPLE_TARGET)
    estimate = probe * SAMPLE_GROUPS // 2
    return max(1, min(SAMPLE_GROUPS, -(-SAMPLE_GROUPS * SAMPLE_TARGET // max(estimate, 1))))


# --- Ordering and the page --------------------------------------------------------------------

_BY_DATE = "e.date DESC, e.notice_id DESC"


def _ranked(plan: _Plan, where: _Sql, limit: int, offset: int = 0) -> list[tuple[int, int]]:
    """(notice id, rank) of matching rows, best first."""
    sql = (
        _Sql("SELECT e.notice_id, ")
        + plan.rank
        + _Sql(" AS rank FROM documents_searchentry e WHERE ")
        + where
        + _Sql(f" ORDER BY rank DESC, {_BY_DATE} LIMIT %s OFFSET %s", (limit, offset))
    )
    return [(row[0], row[1]) for row in _fetch(sql)]


def _newest(where: _Sql, limit: int, *, walk: bool) -> list[tuple[int, datetime.date]]:
    """(notice id, date) of the newest rows matching `where`.

    With `walk` (a large result) PostgreSQL walks the date index: a term in many notices
    matches every few rows, so the walk reads a few dozen rows where a bitmap scan reads
    every match and sorts them. For a small result the bitmap scan is the fast plan."""
    sql = _Sql("SELECT e.notice_id, e.date FROM documents_searchentry e WHERE ") + where
    with connection.cursor() as cursor:
        if walk:
            cursor.execute("SET LOCAL enable_bitmapscan = off; SET LOCAL enable_indexscan = on")
        cursor.execute(sql.text + f" ORDER BY {_BY_DATE} LIMIT %s", (*sql.params, limit))
        rows = cursor.fetchall()
        if walk:
            cursor.execute("SET LOCAL enable_bitmapscan = on; SET LOCAL enable_indexscan = off")
    return [(row[0], row[1]) for row in rows]


def page_ids(plan: _Plan, sort: str, offset: int, limit: int, *, large: bool) -> list[int]:
    """Notice ids of one page, in order: rank (unless sorted by date), then newest first.

    A small result is ranked in one query. A large one is ranked in two: the rows whose
    title or headings have a term, found through the index (usually few), then the newest
    of the others, found by walking the date index."""
    where = plan.narrowed()
    need = offset + limit
    # With a filter on, the rows the filter keeps may all sit far down the date index: a
    # bitmap scan of the narrower set is the safe plan there.
    walk = large and all(sql is _TRUE for sql in plan.filters.values())
    if sort == "date":
        return [pk for pk, _ in _newest(where, need, walk=walk)][offset:]
    if not large:
        return [pk for pk, _ in _ranked(plan, where, limit, offset)]
    tiered = _ranked(plan, plan.narrowed(plan.tier), need)
    ranked = [pk for pk, rank in tiered if rank > 0]
    if len(ranked) < need:
        # Rows with a title lexeme but not the whole term rank 0: they join the rest by date.
        zero = [pk for pk, rank in tiered if rank == 0]
        others = plan.narrowed(f"!({plan.tier})" if plan.tier else "")
        rest = _newest(others, need, walk=walk)
        dates = dict(_dates(zero)) | dict(rest)
        ranked += sorted(dates, key=lambda pk: (dates[pk], pk), reverse=True)
    return ranked[offset:need]


def _dates(ids: list[int]) -> list[tuple[int, datetime.date]]:
    if not ids:
        return []
    return list(SearchEntry.objects.filter(notice_id__in=ids).values_list("notice_id", "date"))
