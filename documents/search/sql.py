"""The SQL of a search: conditions, counts and facets, the order of the page."""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import connection

from documents.models import Citation, PublicationStatus, Validity
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
VERIFIED_EXACT_LIMIT = 600  # the same, when candidates' text must be read to verify a term
PROBE_GROUPS = 2  # sample groups (of 1,024) a query's size is first estimated from
PROBE_LIMIT = 1000  # candidates the probe counts at most (×512: past any exact limit)
DENSE_CANDIDATES = 10_000  # from this many candidates on, pages by date walk the date index
SAMPLE_TARGET = 800  # rows a sampled count reads, about (±3.5 % at one standard error)
VERIFIED_SAMPLE_TARGET = 400  # the same when each row's text is read to verify a term (±5 %)

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
    rank: _Sql  # the BM25F score (documents.search.ranking)
    idfs: list[float]  # of the positive terms, in the score (and its bounds)
    validity: _Sql
    positive: list[Term]
    negative: list[Term]

    @property
    def verifies(self) -> bool:
        """Whether some term must be verified in each candidate's text (a longer term)."""
        return self.verify is not _TRUE

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
        if verified and self.verifies:
            parts.append(self.verify)
        return _Sql.join(" AND ", parts)

    def narrowed(self, extra: str = "", *, verified: bool = True) -> _Sql:
        """``match(extra)`` and every filter, the year, agency and issuer also in the ``@@``."""
        query = " & ".join(f"({x})" for x in (extra, self.narrow) if x)
        return _Sql.join(" AND ", [self.match(query, verified=verified), self.filtered()])

    def filtered(self, without: str | None = None) -> _Sql:
        return _Sql.join(" AND ", [sql for name, sql in self.filters.items() if name != without])

    def walked(self) -> _Sql:
        """The whole query as tests of each row's text, for walks of the date index: a walk
        reads rows one by one, and the stored vector (kilobytes, out of line) costs more to
        read than the substring tests that decide the match by themselves."""
        terms = [_contains("e.search_text", t) for t in self.positive]
        terms += [_Sql("NOT ") + _contains("e.search_text", t) for t in self.negative]
        return _Sql.join(" AND ", [self.published, self.filtered(), *terms])


def plan_search(
    parsed: ParsedQuery, filters: SearchFilters, today: datetime.date, *, scored: bool = True
) -> _Plan:
    """The conditions of a search; with `scored` false, without its score (a count needs
    none, and the score's inputs cost two statements: the terms' idf and the average length)."""
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
    positive = parsed.positive if scored else []
    average = ranking.average_length() if positive else 1.0
    idfs = ranking.idfs(positive, (published.text, published.params))
    score_parts = [
        _Sql(*ranking.term_score(term, idf, average))
        for term, idf in zip(positive, idfs, strict=True)
    ]
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
        rank=_Sql.join(" + ", score_parts) if score_parts else _Sql("0"),
        idfs=idfs,
        validity=validity,
        positive=parsed.positive,
        negative=parsed.negative,
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


@dataclass(frozen=True)
class Size:
    """How a search reads its rows: the sample groups its counts read (all: exact counts)
    and how many rows have its lexemes (counted, or estimated from the probe)."""

    groups: int
    candidates: int

    @property
    def large(self) -> bool:
        return self.groups < SAMPLE_GROUPS

    @property
    def dense(self) -> bool:
        """Whether a walk down the date index meets matches often enough to be the fast way
        to the newest ones (else: the candidates, sorted by date, verified in that order)."""
        return self.candidates >= DENSE_CANDIDATES


def sample_size(plan: _Plan) -> Size:
    """How many of the sample groups the counts read: all of them (exact counts) when few
    enough rows have the query's lexemes, else about SAMPLE_TARGET rows' worth.

    One statement: a count of the candidates in PROBE_GROUPS groups (a GIN intersection with
    a small posting list, cheap however frequent the term) and, only when that probe does not
    already show the result to be large (twice the exact limit, so that the probe's sampling
    error rarely sends a countable result to the sampled path), the exact candidate count.
    PostgreSQL evaluates that second subquery lazily, so a frequent term never builds the
    bitmap of all its rows."""
    limit = exact_limit(plan)
    sql = (
        _Sql("WITH p AS MATERIALIZED (SELECT count(*) AS n FROM (SELECT 1 FROM ")
        + _Sql("documents_searchentry e WHERE ")
        + plan.match(sample_tsquery(PROBE_GROUPS), verified=False)
        + _Sql(
            " LIMIT %s) s) SELECT p.n, CASE WHEN p.n * %s > %s THEN NULL ELSE (",
            (PROBE_LIMIT, SAMPLE_GROUPS, 2 * limit * PROBE_GROUPS),
        )
        + _Sql("SELECT count(*) FROM (SELECT 1 FROM documents_searchentry e WHERE ")
        + plan.match(verified=False)
        + _Sql(" LIMIT %s) c) END FROM p", (limit + 1,))
    )
    probe, exact = _fetch(sql)[0]
    if exact is not None and exact <= limit:
        return Size(groups=SAMPLE_GROUPS, candidates=exact)
    estimate = max(probe * SAMPLE_GROUPS // PROBE_GROUPS, limit + 1)
    target = VERIFIED_SAMPLE_TARGET if plan.verifies else SAMPLE_TARGET
    groups = max(1, min(SAMPLE_GROUPS, -(-SAMPLE_GROUPS * target // estimate)))
    if groups > 16:  # whole blocks of 16: at most 3 + 15 lexemes in the sample's tsquery
        groups = min(SAMPLE_GROUPS, -(-groups // 16) * 16)
    return Size(groups=groups, candidates=estimate)


def exact_limit(plan: _Plan) -> int:
    """Up to how many candidates counts are exact: fewer when each candidate's text must be
    read to verify a longer term (a phrase costs a text read per candidate)."""
    return VERIFIED_EXACT_LIMIT if plan.verifies else EXACT_LIMIT


def sample_tsquery(groups: int) -> str:
    """tsquery for the first `groups` sample groups, in as few lexemes as SAMPLE_LEVELS allow:
    whole blocks of 256, then of 16, then single groups."""
    lexemes, start = [], 0
    for mark, shift in SAMPLE_LEVELS:
        while start + (1 << shift) <= groups:
            lexemes.append(quote_lexeme(f"{mark}{start >> shift}"))
            start += 1 << shift
    return " | ".join(lexemes)


# --- Ordering and the page --------------------------------------------------------------------

_BY_DATE = "e.date DESC, e.notice_id DESC"


def _ranked(
    plan: _Plan, tsquery: str, limit: int, offset: int = 0
) -> list[tuple[int, datetime.date, float]]:
    """(notice id, date, score) of the rows matching ``plan.narrowed(tsquery)``, best score
    first, then newest first.

    Each candidate's text is read once, into a copy (``|| ''``) that the verification and
    every term's count then use: each function on the stored, compressed column would
    decompress it again (three times for two terms, one of them verified; about 20 µs each
    for a text of 6 KB)."""
    sql = (
        _Sql(
            "SELECT e.notice_id, e.date, e.rank FROM (SELECT e.notice_id, e.date, "
            "e.title_text, e.heading_text, e.search_text, "
        )
        + plan.rank
        + _Sql(
            " AS rank FROM (SELECT e.notice_id, e.date, e.title_text, e.heading_text,"
            " e.search_text || '' AS search_text FROM documents_searchentry e WHERE "
        )
        + plan.narrowed(tsquery, verified=False)
        + _Sql(" OFFSET 0) e WHERE ")
        + plan.verify
        + _Sql(f" OFFSET 0) e ORDER BY e.rank DESC, {_BY_DATE} LIMIT %s OFFSET %s", (limit, offset))
    )
    return [(row[0], row[1], row[2]) for row in _fetch(sql)]


def _newest(plan: _Plan, limit: int, *, walk: bool) -> list[int]:
    """Ids of the newest matching rows.

    With `walk` PostgreSQL walks the date index, testing each row's text: a term in many
    notices matches every few rows, so the walk reads a few dozen rows where a bitmap scan
    reads every match and sorts them. Otherwise the candidates come from the index, sorted
    by date, and are verified in that order only until `limit` are found."""
    if walk:
        sql = _Sql("SELECT e.notice_id FROM documents_searchentry e WHERE ") + plan.walked()
    else:
        sql = (
            _Sql(
                "SELECT e.notice_id FROM (SELECT e.notice_id, e.date, e.title_text,"
                " e.heading_text, e.search_text FROM documents_searchentry e WHERE "
            )
            + plan.narrowed(verified=False)
            + _Sql(f" ORDER BY {_BY_DATE} OFFSET 0) e WHERE ")
            + plan.verify
        )
    with _date_walk(walk) as cursor:
        cursor.execute(sql.text + f" ORDER BY {_BY_DATE} LIMIT %s", (*sql.params, limit))
        return [row[0] for row in cursor.fetchall()]


@contextlib.contextmanager
def _date_walk(walk: bool = True) -> Iterator:
    """A cursor on which, with `walk`, PostgreSQL walks the date index (no bitmap scans)."""
    with connection.cursor() as cursor:
        if not walk:
            yield cursor
            return
        cursor.execute("SET LOCAL enable_bitmapscan = off; SET LOCAL enable_indexscan = on")
        try:
            yield cursor
        finally:
            cursor.execute("SET LOCAL enable_bitmapscan = on; SET LOCAL enable_indexscan = off")


def page_ids(plan: _Plan, sort: str, offset: int, limit: int, size: Size) -> list[int]:
    """Notice ids of one page, in order: score (unless sorted by date), then newest first.

    A small result is scored in one query. A large one is scored from its impact tiers
    (``_best_by_tiers``). By date (or with no term to score: every score is then 0), the
    newest matches: by walking the date index when matches are dense, else by sorting the
    candidates by date and verifying them in that order until the page is full (a phrase's
    few thousand candidates are not all read)."""
    need = offset + limit
    if sort == "date" or not plan.positive:
        # With a filter on, the rows the filter keeps may all sit far down the date index:
        # the candidates, narrowed by the filters through the index, are the safe plan there.
        walk = size.dense and all(sql is _TRUE for sql in plan.filters.values())
        return _newest(plan, need, walk=walk)[offset:]
    if not size.large:
        return [pk for pk, _, _ in _ranked(plan, "", limit, offset)]
    return [pk for pk, _, _ in _best_by_tiers(plan, need)][offset:]


def _best_by_tiers(plan: _Plan, need: int) -> list[tuple[int, datetime.date, float]]:
    """The `need` best (id, date, score) of a large result, exactly as scoring every match
    would order them, from the rows of its highest impact tiers (documents.search.ranking).

    Usually three statements, whatever the size: the highest tier holding `need` candidates
    (``_start_tier``); that tier and above, scored (overflow rows, which have no tiers, too);
    then, unless the `need`-th score is already above the bound of the rows left, the rows
    down to the highest tier whose bound it is above (the `need`-th score only rises as rows
    are added, so that is the last). While fewer than `need` rows match (candidates that
    verification or a filter drops), one tier more at a time. Each statement keeps its
    `need` best: the best of their union are among them. Rows below tier 1 are not scored
    all: ``_shortest_untiered``."""
    level = max(1, _start_tier(plan, need))
    best = _ranked(plan, _either(ranking.tier_tsquery(plan.positive, level)), need)
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


def _shortest_untiered(
    plan: _Plan, tiered: str, need: int
) -> list[tuple[int, datetime.date, float]]:
    """The `need` best rows below tier 1 (not matching `tiered`, the tsquery of tier 1).

    There every term has a lexeme held once, in the body, so every term occurs exactly once,
    in the body: the score falls with the text's length alone (the length norm), and the best
    rows are the shortest, then the newest. The candidates are sorted by length (the stored
    size, read without the text) and verified and scored in that order until `need` are
    found, as ``_newest`` does by date: a term held once in each of thousands of notices (a
    name) does not read thousands of texts."""
    by_length = "length, e.date DESC, e.notice_id DESC"
    sql = (
        _Sql("SELECT e.notice_id, e.date, ")
        + plan.rank
        + _Sql(
            " FROM (SELECT e.notice_id, e.date, e.title_text, e.heading_text, e.search_text,"
            " octet_length(e.search_text) AS length FROM documents_searchentry e WHERE "
        )
        + plan.narrowed(f"!({tiered}) & !{OVERFLOW_LEXEME}", verified=False)
        + _Sql(f" ORDER BY {by_length} OFFSET 0) e WHERE ")
        + plan.verify
        + _Sql(f" ORDER BY e.{by_length} LIMIT %s", (need,))
    )
    return [(row[0], row[1], row[2]) for row in _fetch(sql)]


def _either(tiers: str) -> str:
    """`tiers` or an overflow row (which has no tier lexemes and is scored with the first)."""
    return f"({tiers}) | {OVERFLOW_LEXEME}" if tiers else ""


def _start_tier(plan: _Plan, need: int) -> int:
    """The highest tier whose rows and those above hold `need` candidates (0 if none): no
    tier above it can give a full page. One statement; PostgreSQL evaluates each tier's
    count only when the tiers above it fell short, and the highest tiers' lists are short."""
    tests = [
        _Sql("WHEN (SELECT count(*) FROM (SELECT 1 FROM documents_searchentry e WHERE ")
        + plan.narrowed(ranking.tier_tsquery(plan.positive, level), verified=False)
        + _Sql(" LIMIT %s) c) >= %s THEN %s ", (need, need, level))
        for level in range(ranking.TIERS, 0, -1)
    ]
    return _fetch(_Sql("SELECT CASE ") + _Sql.join("", tests) + _Sql("ELSE 0 END"))[0][0]
