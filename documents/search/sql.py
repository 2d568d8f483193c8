"""The statements of a search, on the index table (``documents_searchentry``, one row per
notice), composed with psycopg's ``sql`` module: what the query gives is a ``Value`` (a
parameter of a prepared statement, statements.py), a constant an ``sql.Literal``, columns are
names; nothing is pasted into a string. The publication and validity rules are the
QuerySets' own (``Issue.objects.published()``, ``current_validity``), compiled by the ORM.
They run on the "search" connection (settings.py says why it has its own).

A search is a ``Plan`` (its conditions), then: the counts and facets, with the page when
that is cheap (``count``: one statement, two for a large result); else the page
(``page_ids``: by date one statement, by score through the impact tiers two to five); then
the hits' notices and texts (engine.py). A search of several terms first counts their
document frequencies (``_idfs``)."""

from __future__ import annotations

import bisect
import datetime
import functools
import math
import time
from dataclasses import dataclass, field

from django.db import transaction
from psycopg import sql

from documents.models import Issue, IssueQuerySet, SearchEntry, current_validity
from documents.search import ranking, statements
from documents.search.filters import SearchFilters
from documents.search.statements import Value, search_connection
from documents.search.tokens import (
    FACET_MARKS,
    LENGTH_BOUNDS,
    LENGTH_MARK,
    OVERFLOW_LEXEME,
    SAMPLE_GROUPS,
    ParsedQuery,
    Term,
    quote_lexeme,
    sample_tsquery,
    tsquery_of,
)

PAGE_SIZE = 20
MAX_PAGE = 50  # deep pages of huge result sets are never read; narrowing the query is
EXACT_LIMIT = 2000  # up to this many candidates, counts and facets are exact
VERIFIED_EXACT_LIMIT = 600  # the same, when each candidate's text is read to verify a term
PROBE_GROUPS = 2  # sample groups (of 1,024) a query's size is first estimated from
PROBE_LIMIT = 1000  # candidates the probe counts at most (×512: past any exact limit)
GATE_GROUPS = 64  # sample groups (four lexemes) that tell whether an exact count can be had
SAMPLE_TARGET = 800  # rows a sampled count reads, about (±3.5 % at one standard error)
VERIFIED_SAMPLE_TARGET = 400  # the same when each row's text is read to verify a term (±5 %)
DF_EXACT = 1000  # document frequencies counted up to this; larger ones estimated (``_idfs``)
DF_SAMPLE_GROUPS = 16  # of the 1,024 sample groups (a 64th of the rows)
AVERAGE_SAMPLE = 1000  # the newest rows the average text length is taken from
AVERAGE_SECONDS = 60  # how long a process keeps it
SHORTEST_MARGIN = 4  # the untiered rows of the smallest sizes are read in (``_shortest``)
DENSE_CANDIDATES = 10_000  # from this many candidates on, a page by date walks the date index
# Up to this many matches, a small result is scored whole (a text read each, about 25 µs);
# more go through the impact tiers (about 8 ms, whatever the size): ranking.py. A query scored
# from the index (Plan.by_index) is scored whole up to EXACT_LIMIT: it reads no text.
SCORE_ALL_LIMIT = 300
LEXEME_SAMPLES = (2, 16)  # sample groups a lexeme is counted in (``_tier_lexemes``)
LEXEME_SEEN = 4  # …until it is seen this often there
SHORT_SHARE = 0.125  # the share of rows up to which a band's short rows are found by size lexemes

TABLE = sql.Identifier(SearchEntry._meta.db_table)
TRUE = sql.SQL("TRUE")
BY_DATE = sql.SQL("date DESC, notice_id DESC")
# A row's texts as a score reads them: search_text into a copy (``|| ''``) that the verification
# and every term's count use, where each function on the stored column would read its
# out-of-line chunks again (and decompress them, for a row still stored compressed: 0022).
TEXTS = sql.SQL("title_text, heading_text, search_text || '' AS search_text")
FACETS = {  # facet → its column in the counting statement
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
    return sql.SQL("strpos({}, {}) > 0").format(sql.Identifier(column), Value(term.needle))


def _lacks(term: Term) -> sql.Composable:
    return sql.SQL("NOT {}").format(_contains("search_text", term))


def _compiled(text: str, params) -> sql.Composable:
    """SQL the ORM compiled, its parameters quoted by psycopg (the backend's compose_sql), a
    % doubled: the statement it goes into is sent with parameters (statements.py)."""
    composed = search_connection().ops.compose_sql(text, params)  # type: ignore[attr-defined]
    return sql.SQL(composed.replace("%", "%%"))


@functools.cache
def _published() -> sql.Composable:
    """Index rows of published issues, by the rule of ``Issue.objects.published()``
    (``IssueQuerySet.PUBLISHED``), written as "not one of the few other issues": an array read
    once per statement from a partial index, where ``issue_id IN (published)`` made PostgreSQL
    probe the issue table once per candidate (7,040 probes for 项目建设 at 100,000 notices), as
    it estimates one row for any GIN match."""
    others = Issue.objects.order_by().exclude(IssueQuerySet.PUBLISHED).values("pk")
    return sql.SQL("issue_id <> ALL(ARRAY({}))").format(_compiled(*others.query.sql_with_params()))


@functools.lru_cache(maxsize=4)
def _validity(today: datetime.date) -> sql.Composable:
    """``current_validity(today)`` on the index row, compiled by the ORM."""
    query = SearchEntry.objects.annotate(v=current_validity(today)).values("v").query
    compiler = query.get_compiler(connection=search_connection())
    return _compiled(*compiler.compile(query.annotations["v"]))


# --- The plan ---------------------------------------------------------------------------------


@dataclass
class Plan:
    """The conditions of one search, on the index table."""

    lexemes: str  # tsquery of every lexeme the terms need ("" without terms)
    narrow: str  # tsquery of the year, agency and issuer filters' lexemes ("" without)
    verify: list[sql.Composable]  # the longer terms (and exclusions), tested in the text
    texts: sql.Composable  # the whole query as tests of a row's text
    overflow: sql.Composable  # overflow rows (no vector) tested term by term in their text
    filters: dict[str, sql.Composable]  # facet name (or "from", "to") → condition, if active
    validity: sql.Composable
    rank: sql.Composable  # the BM25F score (documents.search.ranking), read from the text
    idfs: list[float]  # of the positive terms
    average: float  # the average length of the index rows' text
    positive: list[Term]

    @property
    def by_index(self) -> bool:
        """Scored from the index (ranking.levelled_by_index), no term or exclusion to test in
        the text (which must then be read anyway)."""
        return ranking.levelled_by_index(self.positive) and not self.verify

    def tsquery(self, extra: str = "", *, filtered: bool = True) -> str:
        """The lexemes, the year, agency and issuer filters' lexemes (unless not `filtered`)
        and `extra` as one tsquery, which PostgreSQL answers from the GIN index alone; an
        overflow row (no vector but its marker) is a candidate of any term."""
        query = f"({self.lexemes}) | {OVERFLOW_LEXEME}" if self.lexemes else ""
        return " & ".join(f"({x})" for x in (query, self.narrow if filtered else "", extra) if x)

    def where(
        self,
        extra: str = "",
        *,
        verified: bool = True,
        filtered: bool = True,
        match: sql.Composable | None = None,
    ) -> sql.Composable:
        """Published rows matching ``tsquery(extra)`` (or `match`, an SQL tsquery), verified
        and filtered unless told."""
        query = self.tsquery(extra, filtered=filtered)
        conditions = [_published()]
        if match is not None:
            conditions.append(sql.SQL("vector @@ {}").format(match))
        elif query:
            conditions.append(sql.SQL("vector @@ {}::tsquery").format(Value(query)))
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
    none, and its inputs cost a statement: the terms' document frequencies)."""
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
    # An exclusion of one or two characters is a !lexeme of the tsquery, which a query
    # without a positive term has not: then it is tested in the text too.
    verify += [_lacks(t) for t in parsed.negative if not t.exact_by_lexemes or not parsed.positive]
    every_term = [_contains("search_text", t) for t in parsed.positive]
    every_term += [_lacks(t) for t in parsed.negative]
    validity = _validity(today)
    positive = parsed.positive if scored else []
    idfs = _idfs(positive)
    average = text_sizes().average if positive else 1.0
    if ranking.levelled_by_index(positive):
        length = sql.SQL("octet_length(search_text)")
        scores = [
            ranking.quantised_score(idfs[0], ranking.text_level(positive[0]), length, average)
        ]
    else:
        scores = [ranking.term_score(t, i, average) for t, i in zip(positive, idfs, strict=True)]
    narrow = [(FACET_MARKS[name], getattr(filters, name)) for name in ("year", "agency", "issuer")]
    return Plan(
        lexemes=tsquery_of(parsed.terms) if parsed.positive else "",
        narrow=" & ".join(quote_lexeme(f"{mark}{value}") for mark, value in narrow if value),
        verify=verify,
        texts=_all(every_term),
        overflow=sql.SQL("(NOT overflow OR ({}))").format(_all(every_term)),
        filters=_filter_conditions(filters, validity),
        validity=validity,
        rank=sql.SQL(" + ").join(scores) if scores else sql.SQL("0"),
        idfs=idfs,
        average=average,
        positive=parsed.positive,
    )


def _filter_conditions(
    filters: SearchFilters, validity: sql.Composable
) -> dict[str, sql.Composable]:
    value = Value
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


# --- The score's inputs ---------------------------------------------------------------------


def _idfs(terms: list[Term]) -> list[float]:
    """Each term's idf (ranking.py) over the published index rows, in one statement. A
    document frequency is estimated from the rows of DF_SAMPLE_GROUPS sample groups (±25 % at
    1,000, ±4 % at 66,000; the idf moves far less: ln(1 + N / df), 4.6 against 4.4 at 100,000
    notices) and counted whole when that gives fewer than DF_EXACT, so a frequent term costs
    a sixteenth of its rows (a term in 66,000 of 100,000 notices: 4 ms)."""
    if len(terms) < 2:
        return [1.0] * len(terms)  # one term: a constant factor, no need to count
    counts = [
        sql.SQL(
            "(SELECT CASE WHEN s.n >= {exact} THEN s.n ELSE (SELECT count(*) FROM {table} WHERE"
            " {published} AND vector @@ {term}::tsquery) END FROM (SELECT count(*) * {scale} AS n"
            " FROM {table} WHERE {published} AND vector @@ {sampled}::tsquery) s)"
        ).format(
            exact=sql.Literal(DF_EXACT),
            table=TABLE,
            published=_published(),
            sampled=Value(f"({tsquery_of([term])}) & ({sample_tsquery(DF_SAMPLE_GROUPS)})"),
            scale=sql.Literal(SAMPLE_GROUPS // DF_SAMPLE_GROUPS),
            term=Value(tsquery_of([term])),
        )
        for term in terms
    ]
    query = sql.SQL("SELECT (SELECT reltuples FROM pg_class WHERE relname = {}) AS n, {}").format(
        sql.Literal(SearchEntry._meta.db_table),
        sql.SQL(", ").join(
            sql.SQL("{} AS {}").format(c, sql.Identifier(f"df{i}")) for i, c in enumerate(counts)
        ),
    )
    row = statements.rows(query)[0]
    frequencies = [row[f"df{i}"] for i in range(len(terms))]
    n = max(float(row["n"] or 0), float(max(frequencies)), 1.0)
    return [math.log(1 + (n - df + 0.5) / (df + 0.5)) for df in frequencies]


@dataclass(frozen=True)
class Sizes:
    """The sizes (in bytes) of the index rows' texts: their average, and the share of rows at
    or below each size lexeme's bound (tokens.length_lexeme)."""

    average: float
    shares: list[float]


_sizes: dict[str, tuple[float, Sizes]] = {}  # database alias → (when read, sizes)


def text_sizes() -> Sizes:
    """The sizes of the newest AVERAGE_SAMPLE rows' texts. They move slowly (a notice among a
    thousand), so a process reads them at most every AVERAGE_SECONDS (other processes keep
    theirs as long), and again after it writes the index (``index_notices`` calls
    ``forget_sizes``)."""
    now = time.monotonic()
    alias = search_connection().alias
    read, sizes = _sizes.get(alias, (-AVERAGE_SECONDS, None))
    if sizes is not None and now - read < AVERAGE_SECONDS:
        return sizes
    query = sql.SQL(
        "SELECT width_bucket(n, {}) AS size, count(*) AS rows, avg(n) AS average FROM (SELECT"
        " octet_length(search_text) AS n FROM {} ORDER BY notice_id DESC LIMIT {}) s"
        " GROUP BY ROLLUP (1)"
    ).format(sql.Literal(LENGTH_BOUNDS), TABLE, sql.Literal(AVERAGE_SAMPLE))
    rows = {row["size"]: row for row in statements.rows(query)}
    total = rows.pop(None)
    if not total["rows"]:
        return Sizes(1.0, [1.0] * (len(LENGTH_BOUNDS) + 1))  # empty: not kept
    counts = [rows[n]["rows"] if n in rows else 0 for n in range(len(LENGTH_BOUNDS) + 1)]
    shares = [sum(counts[: n + 1]) / total["rows"] for n in range(len(counts))]
    sizes = Sizes(float(total["average"]), shares)
    _sizes[alias] = (now, sizes)
    return sizes


def forget_sizes() -> None:
    """Read the text sizes afresh at the next search of this process."""
    _sizes.clear()


# --- Counts and facets ------------------------------------------------------------------------


@dataclass
class Counts:
    """The count and facets of a search, counted in `groups` of the 1,024 sample groups (all
    of them: exact), and the page asked for when the counting statement gave it (else None)."""

    total: int
    candidates: int  # rows with the query's lexemes (an estimate when `large`)
    facets: dict[str, dict[str, int]]  # facet → {value as text: count}
    groups: int = SAMPLE_GROUPS
    page: list[int] | None = None
    exact: int | None = None  # the matches counted whole when the sample's were few (``count``)
    exact_facets: dict[str, dict[str, int]] = field(default_factory=dict)  # …their facets

    @property
    def large(self) -> bool:
        return self.groups < SAMPLE_GROUPS


def count(plan: Plan, page: tuple[str, int, int]) -> Counts:
    """The count and the facets (each counted with every *other* filter applied) of the rows
    matching the plan, and the page `page` (sort, limit, offset) when that is cheap.

    Exact when few rows have the query's lexemes (EXACT_LIMIT, or VERIFIED_EXACT_LIMIT when
    each candidate's text is read to verify a term): one statement. Else estimated from the
    rows of a sample of the 1,024 groups, about SAMPLE_TARGET of them (VERIFIED_SAMPLE_TARGET),
    in a second statement. The first one's probe decides, from GIN intersections with short
    posting lists: the candidates in PROBE_GROUPS groups spare the first statement its scan
    when they are more than `limit` candidates would put there by chance (``_past``: cheap
    however frequent the term); else, unless there are none (a rare term, a small archive),
    those in GATE_GROUPS groups, counted no further, decide, and size the sample when the
    count is past exact. (With the first alone, a term in 2,900 to 4,900 of 10,000 notices
    went on to scan 2,000 rows for nothing, 9 to 11 ms of a 30 ms search; with the second
    alone, a term in 66,000 of 100,000 paid 6 to 8 ms for it.)"""
    limit = VERIFIED_EXACT_LIMIT if plan.verify else EXACT_LIMIT
    shown, most = (_past(limit * groups / SAMPLE_GROUPS) for groups in (PROBE_GROUPS, GATE_GROUPS))
    # n: the candidates in the probe's groups; g: in the gate's, counted when n leaves it in
    # doubt, no further than past `most`; open: whether the exact count is tried. OFFSET 0
    # keeps g's subquery apart, else flattened into each of its two uses and run twice (6 ms
    # each for a phrase at 100,000 notices).
    probe = sql.SQL(
        "SELECT n, g, coalesce(n = 0 OR g <= {most}, FALSE) AS open FROM (SELECT n, CASE WHEN n"
        " BETWEEN 1 AND {shown} THEN (SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {gate}"
        " LIMIT {past}) s) END AS g FROM (SELECT count(*) AS n FROM (SELECT 1 FROM {table} WHERE"
        " {probe} LIMIT {probe_limit}) s) s OFFSET 0) s"
    ).format(
        most=sql.Literal(most),
        shown=sql.Literal(shown),
        past=sql.Literal(most + 1),
        table=TABLE,
        gate=plan.where(sample_tsquery(GATE_GROUPS), verified=False, filtered=False),
        probe=plan.where(sample_tsquery(PROBE_GROUPS), verified=False, filtered=False),
        probe_limit=sql.Literal(PROBE_LIMIT),
    )
    # The probe is a one-time filter on the scan: PostgreSQL tests it first.
    gate = sql.SQL("AND (SELECT open FROM p) LIMIT {}").format(sql.Literal(limit + 1))
    exact = _counting(plan, probe, gate, page=page)
    if exact.open and exact.candidates <= limit:
        return exact
    counted = exact.gated is not None and exact.gated <= most  # the gate's groups, all of them
    gated = (exact.gated or 0) * SAMPLE_GROUPS // GATE_GROUPS
    probed = 0 if counted else exact.probe * SAMPLE_GROUPS // PROBE_GROUPS
    estimate = max(gated, probed, limit + 1)
    target = VERIFIED_SAMPLE_TARGET if plan.verify else SAMPLE_TARGET
    groups = max(1, min(SAMPLE_GROUPS, -(-SAMPLE_GROUPS * target // estimate)))
    if groups > 16:  # whole blocks of 16: at most 3 + 15 lexemes in the sample's tsquery
        groups = min(SAMPLE_GROUPS, -(-groups // 16) * 16)
    sampled = _counting(plan, NO_PROBE, sql.SQL(""), groups=groups)
    sampled.candidates = estimate
    # The year, agency and issuer filters can leave few of many candidates, and a sample then
    # holds a handful (发展 of 咸政办发 in 2020 at 100,000 notices: 593, estimated 372 from 6):
    # their GIN intersection is counted whole, with the facets of the filters not chosen (a
    # chosen one's other values are not in it) and the page when cheap, unless the sample
    # puts it two standard deviations past the limit (项目 in 2012 at 100,000: 3,527).
    least = (sampled.total - 2 * math.sqrt(sampled.total)) * SAMPLE_GROUPS / groups
    if plan.narrow and not plan.verify and least <= limit:
        upto = sql.SQL("LIMIT {}").format(sql.Literal(limit + 1))
        narrowed = _counting(plan, NO_PROBE, upto, narrowed=True, page=page)
        if narrowed.candidates <= limit:
            sampled.exact, sampled.page = narrowed.total, narrowed.page
            unchosen = [name for name in FACETS if name not in plan.filters]
            sampled.exact_facets = {name: narrowed.facets[name] for name in unchosen}
    return sampled


NO_PROBE = sql.SQL("SELECT 0 AS n, NULL AS g, FALSE AS open")  # for a count past the probe


def _past(expected: float) -> int:
    """Three standard deviations above `expected` candidates in some sample groups: more is
    seen there, by chance, about once in 700 (the groups are a hash of the id)."""
    return math.ceil(expected + 3 * math.sqrt(expected))


@dataclass
class _Counted(Counts):
    probe: int = 0  # the candidates in the probe's groups
    gated: int | None = None  # in the gate's (no further than past its limit; None: uncounted)
    open: bool = False  # whether the exact count was tried (the probe's ``open``)


def _counting(
    plan: Plan,
    probe: sql.Composable,
    gate: sql.Composable,
    *,
    groups: int = SAMPLE_GROUPS,
    page: tuple[str, int, int] | None = None,
    narrowed: bool = False,
) -> _Counted:
    """The counting statement over the candidates in `groups` sample groups (`gate`: what the
    scan of them adds, after `probe`), or when `narrowed` over the matches of every filter.
    The candidates are read once, into ``m``, with each filter's test and the verification as
    columns, and without their texts: ``m`` is a copy, and the texts mostly stay in the row
    (migration 0023), 2.9 MB for 846 rows of 生态's sample at 10,000 notices, which made its
    statement three times as slow."""

    facets, sets = _facet_columns(tuple(plan.filters))
    query = sql.SQL(
        "WITH p AS MATERIALIZED ({probe}), m AS MATERIALIZED (SELECT year, issuer, agency_code,"
        " {validity} AS validity, has_projects, has_tasks, notice_id, ctid, date, overflow,"
        " octet_length(search_text) AS length, {verified} AS verified{flags} FROM {table}"
        " WHERE {where} {gate}) SELECT {facets}, (SELECT n FROM p) AS probe, (SELECT g FROM p)"
        " AS gated, (SELECT open FROM p) AS open, {ids}::bigint[] AS ids FROM m"
        " GROUP BY GROUPING SETS ({sets}, ())"
    ).format(
        probe=probe,
        validity=plan.validity,
        verified=_all(plan.verify),
        flags=sql.SQL("").join(
            sql.SQL(", {} AS {}").format(condition, sql.Identifier(f"f_{name}"))
            for name, condition in plan.filters.items()
        ),
        table=TABLE,
        where=plan.where(sample_tsquery(groups), verified=False, filtered=narrowed),
        gate=gate,
        facets=facets,
        ids=_page_column(plan, page, _holds(tuple(plan.filters))) if page else sql.NULL,
        sets=sets,
    )
    counts = _Counted(total=0, candidates=0, facets={name: {} for name in FACETS}, groups=groups)
    for row in statements.rows(query):
        if facet := row["facet"]:
            counts.facets[facet][row[FACETS[facet]]] = row[f"n_{facet}"]
        else:
            counts.total, counts.candidates = row["count"], row["candidates"]
            counts.page, counts.probe = row["ids"], row["probe"]
            counts.gated, counts.open = row["gated"], row["open"]
    return counts


def _holds(filters: tuple[str, ...], without: str = "") -> sql.Composable:
    """A row of ``m`` is counted: verified, and every active filter's test but `without`'s."""
    tests = [sql.Identifier(f"f_{name}") for name in filters if name != without]
    return _all([sql.SQL("verified"), *tests])


@functools.lru_cache(maxsize=64)
def _facet_columns(filters: tuple[str, ...]) -> tuple[sql.SQL, sql.SQL]:
    """The counting statement's select list (which facet a row counts, its value, the counts)
    and its grouping sets, for the active `filters`: the same for every query, so composed
    once (composing them was a fifth of a small search's Python)."""
    columns = [sql.Identifier(column) for column in FACETS.values()]
    facets = sql.SQL(
        "CASE {which} ELSE '' END AS facet, {values}, {counts}, count(*) FILTER (WHERE {holds})"
        " AS count, count(*) AS candidates"
    ).format(
        which=sql.SQL(" ").join(
            sql.SQL("WHEN GROUPING({}) = 0 THEN {}").format(column, sql.Literal(name))
            for name, column in zip(FACETS, columns, strict=True)
        ),
        values=sql.SQL(", ").join(sql.SQL("{0}::text AS {0}").format(c) for c in columns),
        counts=sql.SQL(", ").join(
            sql.SQL("count(*) FILTER (WHERE {}) AS {}").format(
                _holds(filters, name), sql.Identifier(f"n_{name}")
            )
            for name in FACETS
        ),
        holds=_holds(filters),
    )
    sets = sql.SQL(", ").join(sql.SQL("({})").format(column) for column in columns)
    return sql.SQL(facets.as_string()), sql.SQL(sets.as_string())


def _page_column(plan: Plan, page: tuple[str, int, int], holds: sql.Composable) -> sql.Composable:
    """The ids of one page of the counting statement's matches (``m`` where `holds`): by date;
    by score when the text is read anyway (a term to verify), when the score comes from the
    index (each row's tier from its tier lexeme's rows, ``_tier_rows``: no text is read) or
    when the matches are few (SCORE_ALL_LIMIT); else NULL, and the page comes from the impact
    tiers (``page_ids``)."""
    sort, size, offset = page
    date = sort == "date" or not plan.positive
    by_index = not date and plan.by_index
    order = BY_DATE if date else sql.SQL("rank DESC, {}").format(BY_DATE)
    # A score read from the texts reads them from the row (``m`` holds none).
    rank = sql.SQL("0") if date else _of_row(plan.rank)
    tiers: sql.Composable = sql.SQL("")
    rows: sql.Composable = sql.SQL("m")
    if by_index:
        # The tiered rows read first, once (not a lookup per row of m); the rows too large
        # for a vector have no tiers and are scored from their text.
        tiers = sql.SQL("WITH l AS MATERIALIZED (SELECT notice_id, level FROM ({}) t) ").format(
            _tier_rows(plan, range(ranking.LOWEST, ranking.TIERS + 1), of_matches=True)
        )
        rows = sql.SQL("m LEFT JOIN l USING (notice_id)")
        level = sql.SQL("coalesce(l.level, 0)")
        rank = sql.SQL("CASE WHEN overflow THEN {} ELSE {} END").format(
            rank, _index_score(plan, level, sql.SQL("length"))
        )
    ids = sql.SQL(
        "({tiers}SELECT coalesce(array_agg(notice_id ORDER BY {order}), ARRAY[]::bigint[]) FROM"
        " (SELECT notice_id, date, {rank} AS rank FROM {rows} WHERE {holds} ORDER BY {order}"
        " LIMIT {size} OFFSET {offset}) p)"
    ).format(
        tiers=tiers,
        order=order,
        rank=rank,
        rows=rows,
        holds=holds,
        size=Value(size),
        offset=Value(offset),
    )
    if date or plan.verify:
        return ids
    if by_index:  # not when the count is past exact (``count``): that page would go unread
        return sql.SQL("CASE WHEN (SELECT count(*) FROM m) <= {} THEN {} END").format(
            sql.Literal(EXACT_LIMIT), ids
        )
    return sql.SQL("CASE WHEN (SELECT count(*) FROM m WHERE {}) <= {} THEN {} END").format(
        holds, sql.Literal(SCORE_ALL_LIMIT), ids
    )


def _of_row(value: sql.Composable) -> sql.Composable:
    """`value` (SQL on the index table's TEXTS) of the row of ``m`` at hand, found by its
    place in the table (a TID scan)."""
    return sql.SQL("(SELECT {} FROM (SELECT {} FROM {} WHERE ctid = m.ctid) t)").format(
        value, TEXTS, TABLE
    )


def count_rows(plan: Plan, limit: int) -> int:
    """How many rows match the plan, counting no further than `limit`."""
    query = sql.SQL("SELECT count(*) FROM (SELECT 1 FROM {} WHERE {} LIMIT {}) c").format(
        TABLE, plan.where(), Value(limit)
    )
    return statements.rows(query)[0]["count"]


# --- The page ---------------------------------------------------------------------------------

Scored = tuple[int, datetime.date, float]  # (notice id, date, score)


def page_ids(plan: Plan, sort: str, offset: int, limit: int, counts: Counts) -> list[int]:
    """Notice ids of one page, in order: score (unless sorted by date), then newest first.
    By date (or with no term: every score is then 0), the newest matches (``_walk`` when they
    are dense, else ``_first``); a small result whose text is read to verify a term, scored
    whole; any other through its impact tiers, which read the text of a few rows only."""
    if sort == "date" or not plan.positive:
        unfiltered = not plan.filters and not plan.narrow
        if unfiltered and (not plan.lexemes or counts.candidates >= DENSE_CANDIDATES):
            return _walk(plan, offset + limit)[offset:]
        return [pk for pk, _, _ in _first(plan, offset + limit)][offset:]
    if plan.verify and not counts.large:
        return [pk for pk, _, _ in _ranked(plan, "", limit, offset)]
    return [pk for pk, _, _ in _best_by_tiers(plan, offset + limit, counts.candidates)][offset:]


def _walk(plan: Plan, need: int) -> list[int]:
    """The `need` newest matches, walking the date index and testing each row's text: when
    matches are dense (every row, the whole archive by date; or DENSE_CANDIDATES of them) it
    reads a few dozen rows where sorting the candidates reads them all (README, Performance).
    The search connection keeps the planner off B-tree scans (settings.py): this statement
    turns them back on, in a transaction of its own."""
    database = search_connection()
    query = sql.SQL("SELECT notice_id FROM {} WHERE {} AND {} ORDER BY {} LIMIT {}").format(
        TABLE, _published(), plan.texts, BY_DATE, Value(need)
    )
    with transaction.atomic(using=database.alias):
        with database.cursor() as cursor:
            cursor.execute("SET LOCAL enable_indexscan = on; SET LOCAL enable_bitmapscan = off")
        return [row["notice_id"] for row in statements.rows(query, database)]


def _first(plan: Plan, need: int) -> list[Scored]:
    """The `need` newest matching rows."""
    return _in_order(plan, need, BY_DATE)


def _in_order(
    plan: Plan, need: int, order: sql.Composable, extra: str = "", *, scored: bool = False
) -> list[Scored]:
    """The first `need` matching rows (also matching `extra`) in `order`, with their score
    when `scored` (else 0). The candidates are sorted (by date, or by their stored size,
    read without the text), then verified in that order only until `need` are found: a
    phrase's thousands of candidates, or a name held once in thousands of notices, read a
    few texts."""
    query = sql.SQL(
        "SELECT notice_id, date, {rank} AS rank FROM (SELECT notice_id, date, title_text,"
        " heading_text, search_text, octet_length(search_text) AS length FROM {table} WHERE"
        " {candidates} ORDER BY {order} OFFSET 0) e WHERE {verified} ORDER BY {order}"
        " LIMIT {need}"
    ).format(
        rank=plan.rank if scored else sql.SQL("0"),
        table=TABLE,
        candidates=plan.where(extra, verified=False),
        order=order,
        verified=_all(plan.verify),
        need=Value(need),
    )
    return [(row["notice_id"], row["date"], row["rank"]) for row in statements.rows(query)]


def _shortest(plan: Plan, need: int, candidates: int, tiered: list[str]) -> list[Scored]:
    """The `need` best rows where no term has a tier: there every term occurs exactly once,
    in the body, and the score falls with the size alone, so the best are the shortest, then
    the newest. Of the `candidates`, those of the smallest sizes (size lexemes, from
    tokens.length_lexeme) that should hold SHORTEST_MARGIN times `need` of them, by the
    shares of ``text_sizes``, are sorted by size and verified in that order (``_in_order``),
    only until `need` are found: a name held once in 12,000 notices sorts a few hundred, not
    all. When they hold fewer, every size is read."""
    untiered = f"!({ranking.tier_tsquery(tiered, 1)}) & !{OVERFLOW_LEXEME}"
    order = sql.SQL("length, {}").format(BY_DATE)
    shares = text_sizes().shares
    enough = next(
        (n for n, share in enumerate(shares) if share * candidates >= SHORTEST_MARGIN * need), None
    )
    if enough is not None and enough < len(shares) - 1:
        rows = _in_order(plan, need, order, f"{untiered} & ({_sizes_to(enough)})", scored=True)
        if len(rows) >= need:
            return rows
    return _in_order(plan, need, order, untiered, scored=True)


def _sizes_to(size: int) -> str:
    """tsquery: the row's size lexeme (tokens.length_lexeme) is `size` or smaller."""
    return " | ".join(quote_lexeme(f"{LENGTH_MARK}{n}") for n in range(size + 1))


def _ranked(
    plan: Plan, tsquery: str, limit: int, offset: int = 0, *, longest: float | None = None
) -> list[Scored]:
    """The matching rows (also matching `tsquery`, and of texts of at most `longest` bytes),
    best score first, then newest first. Each candidate's texts are read once (TEXTS) for the
    verification and the score."""
    candidates = plan.where(tsquery, verified=False)
    if longest is not None:
        candidates = sql.SQL("{} AND octet_length(search_text) <= {}").format(
            candidates, Value(longest)
        )
    query = sql.SQL(
        "SELECT notice_id, date, rank FROM (SELECT notice_id, date, {rank} AS rank FROM"
        " (SELECT notice_id, date, {texts} FROM {table} WHERE {candidates} OFFSET 0) e"
        " WHERE {verified} OFFSET 0) e ORDER BY rank DESC, {by_date} LIMIT {limit} OFFSET"
        " {offset}"
    ).format(
        rank=plan.rank,
        texts=TEXTS,
        table=TABLE,
        candidates=candidates,
        verified=_all(plan.verify),
        by_date=BY_DATE,
        limit=Value(limit),
        offset=Value(offset),
    )
    return [(row["notice_id"], row["date"], row["rank"]) for row in statements.rows(query)]


def _best_by_tiers(plan: Plan, need: int, candidates: int) -> list[Scored]:
    """The `need` best rows, as scoring every match would order them, from the rows of the
    highest impact tiers (ranking.py): usually three statements, whatever the size, and one
    more for a term of several lexemes (its rarest, ``_tier_lexemes``). The highest tier
    holding `need` candidates (``_start_tier``); that tier and above, scored
    (with the overflow rows, which have no tiers); then, unless the `need`-th score is above
    the bound of the rows left, the rows down to the highest tier whose bound it is above
    (the `need`-th score only rises as rows are added), of them only those short enough to
    score above it (``_band``). While fewer than `need` rows match (verification or a filter
    drops candidates), one tier more at a time."""
    # An exclusion tested in the text (one of several lexemes) needs the rows' texts anyway.
    by_index = plan.by_index
    tiered = _tier_lexemes(plan)
    level = max(1, _start_tier(plan, need, tiered))
    if by_index:
        best = _by_tier(plan, level, ranking.TIERS + 1, need)
    else:
        tiers = ranking.tier_tsquery(tiered, level)
        best = _ranked(plan, f"({tiers}) | {OVERFLOW_LEXEME}", need)
    while level > 0:
        score = best[need - 1][2] if len(best) >= need else None
        if score is not None and score > ranking.bound(plan.idfs, level):
            break
        if level == 1:
            rows, level = _shortest(plan, need, candidates, tiered), 0
        else:
            lower = max(
                1, level - 1 if score is None else ranking.tier_met(plan.idfs, score, level)
            )
            if by_index:
                rows = _by_tier(plan, lower, level, need)
            else:
                rows = _band(plan, tiered, (lower, level), score, need)
            level = lower
        best = sorted(best + rows, key=lambda row: (row[2], row[1], row[0]), reverse=True)[:need]
    return best


def _band(
    plan: Plan, tiered: list[str], levels: tuple[int, int], score: float | None, need: int
) -> list[Scored]:
    """The `need` best rows whose terms' tier lexemes are all below tier `levels[1]` and one
    at least in `levels[0]` or above. When the page so far is full (its last score `score`),
    only the rows short enough to reach that score (ranking.longest): their stored size, and
    their size lexemes when those are the fewer rows (SHORT_SHARE), which spares the GIN scan
    most of the band (一长数 at 100,000 notices: 2,616 rows, 32 ms, read for none)."""
    below, above = (ranking.tier_tsquery(tiered, n) for n in levels)
    band = f"({below}) & !({above}) & !{OVERFLOW_LEXEME}"
    longest = None if score is None else ranking.longest(plan.idfs, score, levels[1], plan.average)
    if longest is None:
        return _ranked(plan, band, need)
    longest += 1  # a byte more: the scores are floats
    size = bisect.bisect_right(LENGTH_BOUNDS, longest)
    if text_sizes().shares[size] <= SHORT_SHARE:
        band = f"{band} & ({_sizes_to(size)})"
    return _ranked(plan, band, need, longest=longest)


def _by_tier(plan: Plan, low: int, high: int, need: int) -> list[Scored]:
    """For a query scored from the index (``Plan.by_index``): the `need` best rows in tiers
    `low` to `high` − 1 (past TIERS: with the rows too large for a vector, which have no tiers
    and are scored from their text). A row's score is its tier's and its size's, so no text
    is read."""
    levels = range(max(low, ranking.LOWEST), min(high, ranking.TIERS + 1))
    rows = sql.SQL("SELECT notice_id, date, {} AS rank FROM ({}) e").format(
        _index_score(plan, sql.SQL("e.level"), sql.SQL("e.length")), _tier_rows(plan, levels)
    )
    if high > ranking.TIERS:
        rows = sql.SQL("{} UNION ALL SELECT notice_id, date, {} FROM {} WHERE {}").format(
            rows, plan.rank, TABLE, plan.where(OVERFLOW_LEXEME)
        )
    query = sql.SQL("{} ORDER BY rank DESC, {} LIMIT {}").format(rows, BY_DATE, Value(need))
    return [(row["notice_id"], row["date"], row["rank"]) for row in statements.rows(query)]


def _tier_rows(plan: Plan, levels: range, *, of_matches: bool = False) -> sql.Composable:
    """The rows (notice_id, date, length, level) of the query's one lexeme in tiers `levels`,
    filtered: a GIN lookup of each tier's lexeme. With `of_matches`, rows only ever joined to
    the matches (``m``, which has applied every rule): filtered by the tsquery alone (the
    query's lexemes and those of the year, agency and issuer filters), without the publication
    rule and the other filters, which the counting statement would otherwise plan a third
    time (a tenth of a one-hit search's statement)."""
    lexeme = plan.positive[0].lexemes[0]
    match = sql.SQL("q.query")
    where: sql.Composable
    if of_matches:
        where = sql.SQL("vector @@ {}").format(match)
    else:
        where = plan.where(match=match, verified=False)
    return sql.SQL(
        "SELECT e.notice_id, e.date, e.length, q.level FROM unnest({queries}::tsquery[],"
        " {levels}::int[]) AS q(query, level) CROSS JOIN LATERAL (SELECT notice_id, date,"
        " octet_length(search_text) AS length FROM {table} WHERE {where}) e"
    ).format(
        queries=Value([plan.tsquery(quote_lexeme(ranking.tier_lexeme(n, lexeme))) for n in levels]),
        levels=Value(list(levels)),
        table=TABLE,
        where=where,
    )


def _index_score(plan: Plan, level: sql.Composable, length: sql.Composable) -> sql.Composable:
    """The score of a row of `length` bytes whose one lexeme is in tier `level` (both SQL)."""
    return ranking.quantised_score(plan.idfs[0], level, length, plan.average)


def _tier_lexemes(plan: Plan) -> list[str]:
    """The lexeme each positive term's tiers are read from (ranking.py): its rarest, whose
    tier lists are the shortest. (Of 规范医疗服务行为's seven, 务行 is in 4,527 of 100,000
    notices and 医疗 in 79,073; the phrase's search took 72 ms with the tiers of all seven,
    109 with 医疗's, 50 with 务行's.) The lexemes of terms of several are counted, drafts too,
    in one statement, each in LEXEME_SAMPLES sample groups, then in more while it is seen
    fewer than LEXEME_SEEN times, then whole: so a count reads a few rows, however frequent
    the lexeme (a frequent one costs about 0.5 ms, 1.5 in 16 groups)."""
    several = sorted({x for term in plan.positive if len(term.lexemes) > 1 for x in term.lexemes})
    if not several:
        return [term.lexemes[0] for term in plan.positive]
    count: sql.Composable = sql.SQL(
        "(SELECT count(*) FROM (SELECT 1 FROM {} WHERE vector @@ l.query LIMIT {}) c)"
    ).format(TABLE, sql.Literal(LEXEME_SEEN * SAMPLE_GROUPS // LEXEME_SAMPLES[-1]))
    for groups in reversed(LEXEME_SAMPLES):
        count = sql.SQL(
            "(SELECT CASE WHEN s.n >= {seen} THEN s.n * {scale} ELSE {fewer} END FROM (SELECT"
            " count(*) AS n FROM {table} WHERE vector @@ (l.query && {sample}::tsquery)) s)"
        ).format(
            seen=sql.Literal(LEXEME_SEEN),
            scale=sql.Literal(SAMPLE_GROUPS // groups),
            fewer=count,
            table=TABLE,
            sample=sql.Literal(sample_tsquery(groups)),
        )
    query = sql.SQL(
        "SELECT l.lexeme, {} AS n FROM unnest({}::text[], {}::tsquery[]) AS l(lexeme, query)"
    ).format(count, Value(several), Value([quote_lexeme(x) for x in several]))
    found = {row["lexeme"]: row["n"] for row in statements.rows(query)}
    # (A term of one lexeme beside them has its own: ``found`` holds none of those.)
    return [min(term.lexemes, key=lambda x: found.get(x, 0)) for term in plan.positive]


def _start_tier(plan: Plan, need: int, tiered: list[str]) -> int:
    """The highest tier whose rows and those above hold `need` candidates (0 if none): no
    tier above it can give a full page. One statement with one subquery (twenty took longer
    to plan than to run): PostgreSQL counts the tiers' candidates from the highest down and
    stops at the first that holds `need`; the highest tiers' lists are short."""
    levels = list(range(ranking.TIERS, 0, -1))
    queries = [plan.tsquery(ranking.tier_tsquery(tiered, level)) for level in levels]
    query = sql.SQL(
        "SELECT t.level FROM unnest({}::tsquery[], {}::int[]) AS t(query, level) WHERE (SELECT"
        " count(*) FROM (SELECT 1 FROM {} WHERE {} LIMIT {}) c) >= {} LIMIT 1"
    ).format(
        Value(queries),
        Value(levels),
        TABLE,
        plan.where(match=sql.SQL("t.query"), verified=False),
        Value(need),
        Value(need),
    )
    rows = statements.rows(query)
    return rows[0]["level"] if rows else 0
