"""The SQL of a search, composed with psycopg's ``sql`` module: every value is a
``sql.Literal`` (quoted by psycopg), every column a name from the index table; nothing is
pasted into a string. The publication and validity rules are the QuerySets' own
(``Issue.objects.published()``, ``current_validity``), compiled by the ORM.

A search is a ``Plan`` (its conditions) and at most five statements on the index table
(``documents_searchentry``, one row per notice): sizing, counts with facets (and, for a small
result, its page), the page of a large one, reading hits (engine.py)."""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass

from django.db import connection
from psycopg import sql

from documents.models import Issue, SearchEntry, current_validity
from documents.search import ranking
from documents.search.filters import SearchFilters
from documents.search.tokens import (
    FACET_MARKS,
    OVERFLOW_LEXEME,
    SAMPLE_GROUPS,
    SAMPLE_LEVELS,
    ParsedQuery,
    Term,
    quote_lexeme,
    tsquery_of,
)

PAGE_SIZE = 20
MAX_PAGE = 50  # deep pages of huge result sets are never read; narrowing the query is
EXACT_LIMIT = 2000  # up to this many candidates, counts and facets are exact
VERIFIED_EXACT_LIMIT = 600  # the same, when each candidate's text is read to verify a term
PROBE_GROUPS = 2  # sample groups (of 1,024) a query's size is first estimated from
PROBE_LIMIT = 1000  # candidates the probe counts at most (×512: past any exact limit)
SAMPLE_TARGET = 800  # rows a sampled count reads, about (±3.5 % at one standard error)
VERIFIED_SAMPLE_TARGET = 400  # the same when each row's text is read to verify a term (±5 %)

TABLE = sql.Identifier(SearchEntry._meta.db_table)
TRUE = sql.SQL("TRUE")
BY_DATE = sql.SQL("date DESC, notice_id DESC")
FACETS = {  # facet → its column (or expression, "validity") in the counting statement
    "year": "year",
    "issuer": "issuer",
    "agency": "agency_code",
    "validity": "validity",
    "projects": "has_projects",
    "tasks": "has_tasks",
}


def _all(conditions: list[sql.Composable]) -> sql.Composable:
    return sql.SQL(" AND ").join(conditions) if conditions else TRUE


def _contains(column: str, term: Term) -> sql.Composable:
    return sql.SQL("strpos({}, {}) > 0").format(sql.Identifier(column), sql.Literal(term.needle))


def _lacks(term: Term) -> sql.Composable:
    return sql.SQL("NOT {}").format(_contains("search_text", term))


def _compiled(text: str, params) -> sql.Composable:
    """SQL the ORM compiled, its parameters quoted by psycopg (the backend's compose_sql)."""
    return sql.SQL(connection.ops.compose_sql(text, params))  # type: ignore[attr-defined]


@functools.cache
def _published() -> sql.Composable:
    """Index rows of published issues, by ``Issue.objects.published()``. Written as "not one
    of the few other issues" (an array read once per statement): ``issue_id IN (published)``
    made PostgreSQL probe the issue table once per candidate (7,040 probes for 项目建设 at
    100,000 notices), as it estimates one row for any GIN match."""
    others = Issue.objects.exclude(pk__in=Issue.objects.published().values("pk")).values("pk")
    return sql.SQL("issue_id <> ALL(ARRAY({}))").format(_compiled(*others.query.sql_with_params()))


@functools.lru_cache(maxsize=4)
def _validity(today: datetime.date) -> sql.Composable:
    """``current_validity(today)`` on the index row, compiled by the ORM."""
    query = SearchEntry.objects.annotate(v=current_validity(today)).values("v").query
    return _compiled(*query.get_compiler(connection=connection).compile(query.annotations["v"]))


def _rows(query: sql.Composable) -> list[dict]:
    """The rows of `query`, each a dict by column name."""
    with connection.cursor() as cursor:
        cursor.execute(query)
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


# --- The plan ---------------------------------------------------------------------------------


@dataclass
class Plan:
    """The conditions of one search, on the index table."""

    lexemes: str  # tsquery of every lexeme the terms need ("" without terms)
    narrow: str  # tsquery of the year, agency and issuer filters' lexemes ("" without)
    verify: list[sql.Composable]  # the longer terms (and exclusions), tested in the text
    overflow: sql.Composable  # overflow rows (no vector) tested term by term in their text
    filters: dict[str, sql.Composable]  # facet name (or "from", "to") → condition, if active
    validity: sql.Composable
    rank: sql.Composable  # the BM25F score (documents.search.ranking)
    idfs: list[float]  # of the positive terms
    positive: list[Term]

    @property
    def verifies(self) -> bool:
        """Whether candidates' text must be read to verify a term."""
        return bool(self.verify)

    def where(
        self, extra: str = "", *, verified: bool = True, filtered: bool = True
    ) -> sql.Composable:
        """Published rows with the lexemes (and `extra`, a tsquery), verified and filtered
        unless told. The lexemes, the year, agency and issuer filters, the overflow marker and
        `extra` make a single ``@@`` that PostgreSQL answers from the GIN index alone."""
        query = f"({self.lexemes}) | {OVERFLOW_LEXEME}" if self.lexemes else ""
        narrow = self.narrow if filtered else ""
        query = " & ".join(f"({x})" for x in (query, narrow, extra) if x)
        conditions = [_published()]
        if query:
            conditions.append(sql.SQL("vector @@ {}::tsquery").format(sql.Literal(query)))
        if self.lexemes:
            conditions.append(self.overflow)
        if verified:
            conditions += self.verify
        if filtered:
            conditions += self.filters.values()
        return _all(conditions)


def plan_search(
    parsed: ParsedQuery, filters: SearchFilters, today: datetime.date, *, scored: bool = True
) -> Plan:
    """The conditions of a search; with `scored` false, without its score (a count needs
    none, and the score's inputs cost two statements: the terms' idf and the average length)."""
    # search_text begins with title_text and heading_text, so a term found in those short
    # columns is in search_text too: the long text (often TOASTed) is read only when needed.
    verify: list[sql.Composable] = [
        sql.SQL("({})").format(
            sql.SQL(" OR ").join(
                _contains(column, term) for column in ("title_text", "heading_text", "search_text")
            )
        )
        for term in parsed.positive
        if not term.exact_by_lexemes
    ]
    verify += [_lacks(term) for term in parsed.negative if not term.exact_by_lexemes]
    every_term = [_contains("search_text", t) for t in parsed.positive]
    every_term += [_lacks(t) for t in parsed.negative]
    validity = _validity(today)
    positive = parsed.positive if scored else []
    idfs = ranking.idfs(positive, _published())
    average = ranking.average_length() if positive else 1.0
    scores = [ranking.term_score(t, idf, average) for t, idf in zip(positive, idfs, strict=True)]
    narrow = [(FACET_MARKS[name], getattr(filters, name)) for name in ("year", "agency", "issuer")]
    return Plan(
        lexemes=tsquery_of(parsed.terms) if parsed.positive else "",
        narrow=" & ".join(quote_lexeme(f"{mark}{value}") for mark, value in narrow if value),
        verify=verify,
        overflow=sql.SQL("(NOT overflow OR ({}))").format(_all(every_term)),
        filters=_filter_conditions(filters, validity),
        validity=validity,
        rank=sql.SQL(" + ").join(scores) if scores else sql.SQL("0"),
        idfs=idfs,
        positive=parsed.positive,
    )


def _filter_conditions(
    filters: SearchFilters, validity: sql.Composable
) -> dict[str, sql.Composable]:
    value = sql.Literal
    conditions = [
        ("year", filters.year, sql.SQL("year = {}").format(value(filters.year))),
        ("issuer", filters.issuer, sql.SQL("issuer = {}").format(value(filters.issuer))),
        ("agency", filters.agency, sql.SQL("agency_code = {}").format(value(filters.agency))),
        (
            "validity",
            filters.validity,
            sql.SQL("{} = {}").format(validity, value(filters.validity)),
        ),
        ("projects", filters.projects, sql.SQL("has_projects")),
        ("tasks", filters.tasks, sql.SQL("has_tasks")),
        ("from", filters.date_from, sql.SQL("signed_on >= {}").format(value(filters.date_from))),
        ("to", filters.date_to, sql.SQL("signed_on <= {}").format(value(filters.date_to))),
    ]
    return {name: condition for name, active, condition in conditions if active}


# --- Sizing -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Size:
    """How a search reads its rows: the sample groups its counts read (all of them: exact)."""

    groups: int
    candidates: int  # rows with its lexemes: counted, or estimated from the probe

    @property
    def large(self) -> bool:
        return self.groups < SAMPLE_GROUPS


def sample_size(plan: Plan) -> Size:
    """How many sample groups the counts read: all of them (exact counts) when few enough rows
    have the query's lexemes, else about SAMPLE_TARGET rows' worth.

    One statement: the candidates in PROBE_GROUPS groups (a GIN intersection with a short
    posting list, cheap however frequent the term) and, only when that probe does not show
    the result to be large (twice the exact limit, so the probe's sampling error rarely sends
    a countable result to the sampled path), all candidates, counted up to the limit.
    PostgreSQL evaluates that second subquery lazily: a frequent term never builds the bitmap
    of all its rows."""
    limit = VERIFIED_EXACT_LIMIT if plan.verifies else EXACT_LIMIT
    query = sql.SQL(
        "WITH p AS MATERIALIZED (SELECT count(*) AS n FROM (SELECT 1 FROM {table} WHERE {probe}"
        " LIMIT {probe_limit}) s) SELECT p.n AS probe, CASE WHEN p.n * {groups} > {large}"
        " THEN NULL ELSE (SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {all}"
        " LIMIT {limit}) c) END AS exact FROM p"
    ).format(
        table=TABLE,
        probe=plan.where(sample_tsquery(PROBE_GROUPS), verified=False, filtered=False),
        probe_limit=sql.Literal(PROBE_LIMIT),
        groups=sql.Literal(SAMPLE_GROUPS),
        large=sql.Literal(2 * limit * PROBE_GROUPS),
        all=plan.where(verified=False, filtered=False),
        limit=sql.Literal(limit + 1),
    )
    row = _rows(query)[0]
    if row["exact"] is not None and row["exact"] <= limit:
        return Size(groups=SAMPLE_GROUPS, candidates=row["exact"])
    estimate = max(row["probe"] * SAMPLE_GROUPS // PROBE_GROUPS, limit + 1)
    target = VERIFIED_SAMPLE_TARGET if plan.verifies else SAMPLE_TARGET
    groups = max(1, min(SAMPLE_GROUPS, -(-SAMPLE_GROUPS * target // estimate)))
    if groups > 16:  # whole blocks of 16: at most 3 + 15 lexemes in the sample's tsquery
        groups = min(SAMPLE_GROUPS, -(-groups // 16) * 16)
    return Size(groups=groups, candidates=estimate)


def sample_tsquery(groups: int) -> str:
    """tsquery for the first `groups` sample groups, in as few lexemes as SAMPLE_LEVELS allow:
    whole blocks of 256, then of 16, then single groups ("" for all of them)."""
    lexemes, start = [], 0
    for mark, shift in SAMPLE_LEVELS:
        while start + (1 << shift) <= groups < SAMPLE_GROUPS:
            lexemes.append(quote_lexeme(f"{mark}{start >> shift}"))
            start += 1 << shift
    return " | ".join(lexemes)


# --- Counts and facets ------------------------------------------------------------------------


@dataclass
class Counts:
    total: int
    facets: dict[str, dict[str, int]]  # facet → {value as text: count}
    page: list[int]  # the ids of the page asked for, when the counting statement gave it


def facet_counts(plan: Plan, size: Size, page: tuple[str, int, int] | None = None) -> Counts:
    """The count and facets of the rows matching the plan (in the sample, when `size` is
    large), each facet counted with every *other* filter applied, in one statement.

    With `page` (sort, limit, offset) the statement also gives that page's ids: a small
    result's candidates are then each verified once, for both."""

    def holds(without: str = "") -> sql.Composable:
        return _all([sql.Identifier(f"f_{name}") for name in plan.filters if name != without])

    flags = [
        sql.SQL("{} AS {}").format(condition, sql.Identifier(f"f_{name}"))
        for name, condition in plan.filters.items()
    ]
    facets = [
        sql.SQL(
            "SELECT {name} AS facet, {column}::text AS value, count(*) FILTER (WHERE {holds})"
            " AS count, NULL AS ids FROM m GROUP BY {column}"
        ).format(name=sql.Literal(name), column=sql.Identifier(column), holds=holds(name))
        for name, column in FACETS.items()
    ]
    if page:
        sort, limit, offset = page
        order = BY_DATE if sort == "date" else sql.SQL("rank DESC, {}").format(BY_DATE)
        ids = sql.SQL(
            "(SELECT array_agg(notice_id ORDER BY {order}) FROM (SELECT * FROM m WHERE {holds}"
            " ORDER BY {order} LIMIT {limit} OFFSET {offset}) p)"
        ).format(order=order, holds=holds(), limit=sql.Literal(limit), offset=sql.Literal(offset))
    query = sql.SQL(
        "WITH m AS MATERIALIZED (SELECT year, issuer, agency_code, {validity} AS validity,"
        " has_projects, has_tasks, notice_id, date, {rank} AS rank{flags} FROM {table}"
        " WHERE {where}) SELECT '' AS facet, NULL AS value, count(*) FILTER (WHERE {holds})"
        " AS count, {ids}::bigint[] AS ids FROM m UNION ALL {facets}"
    ).format(
        validity=plan.validity,
        rank=plan.rank if page else sql.SQL("0"),
        flags=sql.SQL("").join(sql.SQL(", {}").format(flag) for flag in flags),
        table=TABLE,
        where=plan.where(sample_tsquery(size.groups), filtered=False),
        holds=holds(),
        ids=ids if page else sql.NULL,
        facets=sql.SQL(" UNION ALL ").join(facets),
    )
    counts = Counts(total=0, facets={name: {} for name in FACETS}, page=[])
    for row in _rows(query):
        if row["facet"]:
            counts.facets[row["facet"]][row["value"]] = row["count"]
        else:
            counts.total, counts.page = row["count"], row["ids"] or []
    return counts


def count_rows(plan: Plan, limit: int) -> int:
    """How many rows match the plan, counting no further than `limit`."""
    query = sql.SQL("SELECT count(*) FROM (SELECT 1 FROM {} WHERE {} LIMIT {}) c").format(
        TABLE, plan.where(), sql.Literal(limit)
    )
    return _rows(query)[0]["count"]


# --- The page ---------------------------------------------------------------------------------

Scored = tuple[int, datetime.date, float]  # (notice id, date, score)


def page_ids(plan: Plan, sort: str, offset: int, limit: int, size: Size) -> list[int]:
    """Notice ids of one page, in order: score (unless sorted by date), then newest first.

    A small result is scored whole; a large one through its impact tiers (``_best_by_tiers``).
    By date (or with no term: every score is then 0), the candidates sorted by date and
    verified in that order until the page is full."""
    if sort == "date" or not plan.positive:
        return _newest(plan, offset + limit)[offset:]
    if not size.large:
        return [pk for pk, _, _ in _ranked(plan, "", limit, offset)]
    return [pk for pk, _, _ in _best_by_tiers(plan, offset + limit)][offset:]


def _newest(plan: Plan, limit: int) -> list[int]:
    """Ids of the newest matching rows: the candidates, from the GIN index and sorted by date,
    verified in that order only until `limit` are found (a phrase's thousands of candidates
    are not all read). Without a term or a filter, the date index's first rows."""
    query = sql.SQL(
        "SELECT notice_id FROM (SELECT notice_id, date, title_text, heading_text, search_text"
        " FROM {table} WHERE {candidates} ORDER BY {by_date} OFFSET 0) e WHERE {verified}"
        " ORDER BY {by_date} LIMIT {limit}"
    ).format(
        table=TABLE,
        candidates=plan.where(verified=False),
        by_date=BY_DATE,
        verified=_all(plan.verify),
        limit=sql.Literal(limit),
    )
    return [row["notice_id"] for row in _rows(query)]


def _ranked(plan: Plan, tsquery: str, limit: int, offset: int = 0) -> list[Scored]:
    """The matching rows (also matching `tsquery`), best score first, then newest first.

    Each candidate's text is read once, into a copy (``|| ''``) that the verification and
    every term's count then use: each function on the stored, compressed column would
    decompress it again (three times for two terms, one of them verified; about 20 µs each
    for a text of 6 KB)."""
    query = sql.SQL(
        "SELECT notice_id, date, rank FROM (SELECT notice_id, date, {rank} AS rank FROM"
        " (SELECT notice_id, date, title_text, heading_text, search_text || '' AS search_text"
        " FROM {table} WHERE {candidates} OFFSET 0) e WHERE {verified} OFFSET 0) e"
        " ORDER BY rank DESC, {by_date} LIMIT {limit} OFFSET {offset}"
    ).format(
        rank=plan.rank,
        table=TABLE,
        candidates=plan.where(tsquery, verified=False),
        verified=_all(plan.verify),
        by_date=BY_DATE,
        limit=sql.Literal(limit),
        offset=sql.Literal(offset),
    )
    return [(row["notice_id"], row["date"], row["rank"]) for row in _rows(query)]


def _best_by_tiers(plan: Plan, need: int) -> list[Scored]:
    """The `need` best rows of a large result, exactly as scoring every match would order
    them, from the rows of its highest impact tiers (documents.search.ranking).

    Usually three statements, whatever the size: the highest tier holding `need` candidates
    (``_start_tier``); that tier and above, scored (overflow rows, which have no tiers, too);
    then, unless the `need`-th score is already above the bound of the rows left, the rows
    down to the highest tier whose bound it is above (the `need`-th score only rises as rows
    are added, so that is the last). While fewer than `need` rows match (candidates that
    verification or a filter drops), one tier more at a time. Rows below tier 1 are not all
    scored: ``_shortest_untiered``."""
    level = max(1, _start_tier(plan, need))
    tiers = ranking.tier_tsquery(plan.positive, level)
    best = _ranked(plan, f"({tiers}) | {OVERFLOW_LEXEME}", need)
    while level > 0:
        score = best[need - 1][2] if len(best) >= need else None
        if score is not None and score > ranking.bound(plan.idfs, level):
            break
        above = ranking.tier_tsquery(plan.positive, level)
        if level == 1:
            rows, level = _shortest_untiered(plan, above, need), 0
        else:
            lower = level - 1 if score is None else ranking.tier_met(plan.idfs, score, level)
            below = ranking.tier_tsquery(plan.positive, max(lower, 1))
            rows = _ranked(plan, f"({below}) & !({above}) & !{OVERFLOW_LEXEME}", need)
            level = max(lower, 1)
        best = sorted(best + rows, key=lambda row: (row[2], row[1], row[0]), reverse=True)[:need]
    return best


def _shortest_untiered(plan: Plan, tiered: str, need: int) -> list[Scored]:
    """The `need` best rows below tier 1 (not matching `tiered`, the tsquery of tier 1).

    There every term occurs exactly once, in the body, so the score falls with the text's
    length alone (the length norm): the best rows are the shortest, then the newest. The
    candidates are sorted by their stored size (read without the text) and verified and
    scored in that order until `need` are found: a name held once in each of thousands of
    notices does not read thousands of texts."""
    by_length = sql.SQL("octet_length(search_text), {}").format(BY_DATE)
    query = sql.SQL(
        "SELECT notice_id, date, {rank} AS rank FROM (SELECT notice_id, date, title_text,"
        " heading_text, search_text FROM {table} WHERE {candidates} ORDER BY {by_length}"
        " OFFSET 0) e WHERE {verified} ORDER BY {by_length} LIMIT {need}"
    ).format(
        rank=plan.rank,
        table=TABLE,
        candidates=plan.where(f"!({tiered}) & !{OVERFLOW_LEXEME}", verified=False),
        by_length=by_length,
        verified=_all(plan.verify),
        need=sql.Literal(need),
    )
    return [(row["notice_id"], row["date"], row["rank"]) for row in _rows(query)]


def _start_tier(plan: Plan, need: int) -> int:
    """The highest tier whose rows and those above hold `need` candidates (0 if none): no
    tier above it can give a full page. One statement; PostgreSQL evaluates each tier's
    count only when the tiers above it fell short, and the highest tiers' lists are short."""
    tests = [
        sql.SQL(
            "WHEN (SELECT count(*) FROM (SELECT 1 FROM {} WHERE {} LIMIT {}) c) >= {} THEN {}"
        ).format(
            TABLE,
            plan.where(ranking.tier_tsquery(plan.positive, level), verified=False),
            sql.Literal(need),
            sql.Literal(need),
            sql.Literal(level),
        )
        for level in range(ranking.TIERS, 0, -1)
    ]
    query = sql.SQL("SELECT CASE {} ELSE 0 END AS tier").format(sql.SQL(" ").join(tests))
    return _rows(query)[0]["tier"]
