"""Search over published notices: the one module that knows how Chinese text is tokenised.

Chinese has no spaces, so PostgreSQL's parsers cannot cut it into words. This module does it in
Python, once, for both sides:

* **Normalisation** (``normalize``): NFKC (full-width letters, digits and punctuation become
  ASCII), lower case, control characters dropped, and layout spaces between two Chinese
  characters removed (``李 丽`` is 李丽, ``措 施`` is 措施). Every other run of spaces is one space.
* **Lexemes** (``lexemes``): each run of Chinese characters gives its characters (so one-character
  queries work) and its overlapping character pairs (bigrams, as Lucene's CJK analyser); each run
  of other letters or digits is one word (``150mw``, ``2022``), so ``8`` never matches ``28``.

The index (``SearchEntry``, one row per notice) stores the notice's lexemes as a position-less
``tsvector`` under a GIN index, its normalised text (``search_text``, fields separated by line
breaks, letter/digit words wrapped in ``WORD_MARK`` so that a substring test respects word
edges), the normalised title and headings for ranking, the original text for passages, and
the facet columns (the year, agency code and issuer also as lexemes, ``FACET_MARKS``, so a
filtered page is one GIN intersection). A query term is answered in two steps:

1. **Candidates from the GIN index**: every lexeme of every term must be present. For terms of
   one or two Chinese characters or one word this is already exact, and PostgreSQL answers it
   from the index without reading the stored vectors.
2. **Verification** of longer terms: ``strpos(search_text, term) > 0``, exact substring
   semantics that, unlike a ``<->`` phrase over bigram positions, is blind to tsvector's limits
   (positions stop at 16,383, 256 per lexeme) and cannot match across fields or punctuation.
   Verification reads each candidate's text, so it runs on at most ``EXACT_LIMIT`` candidates;
   past that, counts are estimated from a verified sample and shown as approximate (“约”),
   and the result page verifies candidates in rank order until it is full. Below it, the page
   comes from the same scan as the counts, so each candidate is verified once. Verification
   tests the short title and heading columns before the long text.

A notice whose lexemes would pass tsvector's 1 MB limit is stored with an empty vector and
``overflow`` set; it is matched by verifying every term against its text (a partial index
keeps those rare rows one index probe away).

Ranking: a term found in the title or document number counts 2, in an attachment title, a
table title, a leading group's name or a unit's name 1; higher first, then newer first.
``sort=date`` orders by date alone. Facets (year, issuer, agency code, validity, has
projects / tasks) are counted in one grouping-sets query, each facet with every *other*
filter applied. Passages are cut from the original text and highlighted in Python.

Writes: ``index_notices(ids)`` (called by the importer's loader and the admin, inside their
transaction) and ``rebuild_index()`` (the ``rebuild_search_index`` command).
"""

from __future__ import annotations

import datetime
import functools
import operator
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace

from django.db import connection, transaction
from django.db.models import Model, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from documents.docnumbers import DocNumberError, parse_doc_number
from documents.models import (
    Citation,
    Issue,
    Notice,
    PublicationStatus,
    SearchEntry,
    Unit,
    Validity,
)

__all__ = [
    "MAX_QUERY_LENGTH",
    "PAGE_SIZE",
    "Facet",
    "Hit",
    "ParsedQuery",
    "SearchFilters",
    "SearchResult",
    "Term",
    "index_notices",
    "lexemes",
    "normalize",
    "parse_query",
    "rebuild_index",
    "search_notices",
]

MAX_QUERY_LENGTH = 200
MAX_TERMS = 10
MAX_WORD_LENGTH = 64  # longer letter/digit words are indexed by their first 64 characters
PAGE_SIZE = 20
MAX_PAGE = 50  # deep pages of huge result sets are never read; narrowing the query is
EXACT_LIMIT = 2000  # up to this many candidates, counts and facets are exact
SAMPLE_GROUPS = 64  # every row is in one of 64 sample groups (a lexeme, see SAMPLE_MARK)
SAMPLE_TARGET = 1500  # rows a sampled count reads, about (±3 % at one standard error)
LEXEME_BYTES_LIMIT = 1_000_000  # tsvector holds at most 1 MiB of lexeme text
OVERFLOW_LEXEME = "'#overflow'"  # the whole vector of an overflow row; no text yields '#'
TITLE_MARK = "^"  # title and document-number lexemes are also stored as ^lexeme
HEADING_MARK = "~"  # and heading lexemes as ~lexeme, so the index finds the ranked tiers
SAMPLE_MARK = "#s"  # each row's sample group (0..63, a hash of its id) is a lexeme too
# The year, agency code and issuer are lexemes too (#y2020, #a咸政办发, #i咸宁市人民政府), so
# a filtered page is one GIN intersection instead of every match of the query read and dropped.
FACET_MARKS = {"year": "#y", "agency": "#a", "issuer": "#i"}
INDEX_BATCH = 200

# --- Normalisation and lexemes ----------------------------------------------------------------

# CJK ideographs (with extensions and compatibility forms), kana and hangul: scripts written
# without spaces, cut into characters and bigrams.
_HAN = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
_HAN_RUN_RE = re.compile(f"[{_HAN}]+")
_WORD_RE = re.compile(rf"[^\W_{_HAN}]+")  # letters and digits of other scripts
_HAN_GAP_RE = re.compile(rf"(?<=[{_HAN}])\s+(?=[{_HAN}])")
_SPACES_RE = re.compile(r"\s+")
# Control and format characters, surrogates and non-characters: never searchable text.
_CONTROL_RE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff"
    "\ud800-\udfff\ufff0-\uffff]"
)
WORD_MARK = "\x1f"  # wraps letter/digit words in search_text; input never contains it
FIELD_SEPARATOR = "\n"  # between fields and table cells: no match crosses it


def normalize(text: str) -> str:
    """The searchable form of one piece of text (one field, or one query term)."""
    text = unicodedata.normalize("NFKC", _CONTROL_RE.sub(" ", text or "")).lower()
    return _SPACES_RE.sub(" ", _HAN_GAP_RE.sub("", _CONTROL_RE.sub(" ", text))).strip()


def _marked(normalized: str) -> str:
    """Wrap each letter/digit word in WORD_MARK, so ``8号`` is not a substring of ``28号``."""
    return _WORD_RE.sub(lambda m: f"{WORD_MARK}{m.group()}{WORD_MARK}", normalized)


def lexemes(normalized: str) -> set[str]:
    """Index lexemes of normalised text: Chinese characters and bigrams, other words whole."""
    found: set[str] = set()
    for run in _HAN_RUN_RE.findall(normalized):
        found.update(run)
        found.update(map(operator.add, run, run[1:]))
    found.update(word[:MAX_WORD_LENGTH] for word in _WORD_RE.findall(normalized))
    return found


def _query_lexemes(normalized: str) -> list[str]:
    """The fewest lexemes a text must contain to contain `normalized`: bigrams cover runs."""
    found: list[str] = []
    for piece in re.finditer(rf"[{_HAN}]+|[^\W_{_HAN}]+", normalized):
        run = piece.group()
        if _HAN_RUN_RE.fullmatch(run):
            found.extend([run] if len(run) == 1 else map(operator.add, run, run[1:]))
        else:
            found.append(run[:MAX_WORD_LENGTH])
    return list(dict.fromkeys(found))


# --- Queries ----------------------------------------------------------------------------------

_QUOTES = {'"': '"', "“": "”", "”": "“", "「": "」", "『": "』", "＂": "＂"}
_MINUS = ("-", "－", "—")


@dataclass(frozen=True)
class Term:
    """One thing a notice must (or, negated, must not) contain."""

    text: str  # as typed, for messages and highlighting
    normalized: str
    negated: bool = False
    phrase: bool = False

    @functools.cached_property
    def lexemes(self) -> list[str]:
        return _query_lexemes(self.normalized)

    @property
    def needle(self) -> str:
        """What `search_text` must contain: the normalised term with its words marked."""
        return _marked(self.normalized)

    @property
    def exact_by_lexemes(self) -> bool:
        """Whether containing the lexemes is containing the term (no text to verify)."""
        lexemes = self.lexemes
        return len(lexemes) == 1 and lexemes[0] == self.normalized


@dataclass
class ParsedQuery:
    text: str  # the cleaned query, as shown back in the search box
    terms: list[Term] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def positive(self) -> list[Term]:
        return [term for term in self.terms if not term.negated]

    @property
    def negative(self) -> list[Term]:
        return [term for term in self.terms if term.negated]


def clean_query(raw: str) -> str:
    """Drop control characters and surrogates, squeeze spaces, cap the length."""
    text = _CONTROL_RE.sub(" ", raw or "")
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


def parse_query(raw: str) -> ParsedQuery:
    """Split a query into terms: spaces separate terms (all must match), ``"…"`` (or “…”)
    keeps a phrase together, a leading ``-`` excludes. Never fails: quotes left open run to
    the end, and terms without a letter, digit or Chinese character are dropped with a note."""
    parsed = ParsedQuery(text=clean_query(raw))
    if len(" ".join((raw or "").split())) > MAX_QUERY_LENGTH:
        parsed.notes.append(f"检索词过长，只使用了前 {MAX_QUERY_LENGTH} 个字符。")
    ignored: list[str] = []
    for text, negated, phrase in _split_terms(parsed.text):
        term = Term(text=text, normalized=normalize(text), negated=negated, phrase=phrase)
        if not term.lexemes:
            ignored.append(text)
        elif term not in parsed.terms:
            parsed.terms.append(term)
    if ignored:
        parsed.notes.append(f"已忽略不含文字或数字的检索词：{'、'.join(ignored)}。")
    if len(parsed.terms) > MAX_TERMS:
        parsed.terms = parsed.terms[:MAX_TERMS]
        parsed.notes.append(f"检索词过多，只使用了前 {MAX_TERMS} 个。")
    return parsed


def _split_terms(text: str) -> Iterator[tuple[str, bool, bool]]:
    """(term, negated, phrase) for each term of a cleaned query."""
    position = 0
    while position < len(text):
        char = text[position]
        if char == " ":
            position += 1
            continue
        negated = char in _MINUS and position + 1 < len(text) and text[position + 1] != " "
        start = position + 1 if negated else position
        if text[start] in _QUOTES:
            close = text.find(_QUOTES[text[start]], start + 1)
            end = close if close >= 0 else len(text)
            yield text[start + 1 : end].strip(), negated, True
            position = end + 1
        else:
            end = text.find(" ", start)
            end = end if end >= 0 else len(text)
            yield text[start:end], negated, False
            position = end


# --- Filters and facets -----------------------------------------------------------------------

VALIDITY_ORDER = [Validity.IN_FORCE, Validity.EXPIRED, Validity.REPEALED]


@dataclass(frozen=True)
class SearchFilters:
    """Filters from the query string. Anything unparsable is dropped and noted, never raised."""

    year: int | None = None
    issuer: str = ""
    agency: str = ""
    validity: str = ""
    projects: bool = False
    tasks: bool = False
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    notes: tuple[str, ...] = ()
    params: QueryDict = field(default_factory=QueryDict, compare=False)

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> SearchFilters:
        notes: list[str] = []

        def text(name: str, limit: int) -> str:
            return clean_query(params.get(name) or "")[:limit]

        def date(name: str, label: str) -> datetime.date | None:
            value = text(name, 10)
            try:
                return datetime.date.fromisoformat(value) if value else None
            except ValueError:
                notes.append(
                    f"{label}“{value}”不是有效日期（应为 2022-08-30 这样的格式），已忽略。"
                )
                return None

        year = text("year", 4)
        validity = text("validity", 16)
        filters = cls(
            year=int(year) if year.isascii() and year.isdigit() else None,
            issuer=text("issuer", 100),
            agency=text("agency", 20),
            validity=validity if validity in Validity.values else "",
            projects=text("projects", 1) == "1",
            tasks=text("tasks", 1) == "1",
            date_from=date("from", "起始日期"),
            date_to=date("to", "截止日期"),
        )
        if not isinstance(params, QueryDict):
            query = QueryDict(mutable=True)
            query.update(params)
            params = query
        return replace(filters, notes=tuple(notes), params=params)

    def toggled(self, param: str, value: str, selected: bool) -> QueryDict:
        """The query string with `param` set to `value` (or removed, when `selected`), on
        page 1: what a facet link leads to."""
        query = self.params.copy()
        query.pop("page", None)
        if selected:
            query.pop(param, None)
        else:
            query[param] = value
        return query

    @property
    def active(self) -> bool:
        return bool(
            self.year
            or self.issuer
            or self.agency
            or self.validity
            or self.projects
            or self.tasks
            or self.date_from
            or self.date_to
        )


@dataclass
class Bucket:
    value: str
    label: str
    count: int
    selected: bool = False
    query: QueryDict | None = None  # the query string its link leads to


@dataclass
class Facet:
    param: str  # the query-string parameter this facet sets
    label: str
    buckets: list[Bucket]


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
    approximate: bool = False
    page: ResultPage | None = None
    facets: list[Facet] = field(default_factory=list)
    sort: str = "relevance"


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


def _tsquery(terms: list[Term]) -> str:
    """tsquery text for the lexemes the terms need. Lexemes are letters, digits and CJK only,
    and each is quoted anyway; excluded terms add ``!lexeme`` only when that is exact."""
    parts = [_quote_lexeme(lexeme) for term in terms if not term.negated for lexeme in term.lexemes]
    parts += [
        "!" + _quote_lexeme(term.lexemes[0])
        for term in terms
        if term.negated and term.exact_by_lexemes
    ]
    return " & ".join(parts)


def _quote_lexeme(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


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


def _plan(parsed: ParsedQuery, filters: SearchFilters, today: datetime.date) -> _Plan:
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
        f"({' & '.join(_quote_lexeme(mark + lexeme) for lexeme in term.lexemes)})"
        for term in parsed.positive
        for mark in (TITLE_MARK, HEADING_MARK)
    )
    return _Plan(
        published=published,
        tsquery=_tsquery(parsed.terms) if parsed.positive else "",
        narrow=" & ".join(
            _quote_lexeme(f"{FACET_MARKS[name]}{value}")
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


def _facet_counts(
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


def _count(where: _Sql, limit: int) -> int:
    """How many rows match `where`, counting no further than `limit`."""
    sql = (
        _Sql("SELECT count(*) FROM (SELECT 1 FROM documents_searchentry e WHERE ")
        + where
        + _Sql(" LIMIT %s) c", (limit,))
    )
    return _fetch(sql)[0][0]


def _sample(groups: int) -> str:
    """tsquery for the first `groups` sample groups."""
    return " | ".join(_quote_lexeme(f"{SAMPLE_MARK}{group}") for group in range(groups))


def _sample_groups(plan: _Plan) -> int:
    """How many of the 64 sample groups to read for about SAMPLE_TARGET rows (64: all)."""
    probe = _count(plan.match(_sample(2), verified=False), SAMPLE_TARGET)
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


def _page_ids(plan: _Plan, sort: str, offset: int, limit: int, *, large: bool) -> list[int]:
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


# --- Highlighting -----------------------------------------------------------------------------

PASSAGE_BEFORE = 40
PASSAGE_LENGTH = 140


@functools.cache
def _spellings() -> dict[str, str]:
    """normalised character → every character that normalises to it (ａ Ａ A → a, ， → ,)."""
    found: dict[str, set[str]] = {}
    for code in range(0x20, 0x10000):
        char = chr(code)
        if 0xD800 <= code <= 0xDFFF:
            continue
        normal = unicodedata.normalize("NFKC", char).lower()
        if len(normal) == 1 and normal != char:
            found.setdefault(normal, {normal}).add(char)
    return {normal: "".join(sorted(chars)) for normal, chars in found.items()}


def _term_pattern(term: Term) -> re.Pattern[str]:
    """A regex finding the term in ORIGINAL text: every spelling of each character, layout
    spaces between Chinese characters, and word edges for letter/digit ends."""
    spellings = _spellings()
    pieces = []
    previous = ""
    for char in term.normalized:
        if char == " ":
            pieces.append(r"\s+")
            previous = ""
            continue
        if previous and _HAN_RUN_RE.fullmatch(previous) and _HAN_RUN_RE.fullmatch(char):
            pieces.append(r"\s*")
        pieces.append(f"[{re.escape(spellings.get(char, char))}]")
        previous = char
    pattern = "".join(pieces)
    if _WORD_RE.fullmatch(term.normalized[0]):
        pattern = rf"(?<![^\W_{_HAN}])" + pattern
    if _WORD_RE.fullmatch(term.normalized[-1]):
        pattern += rf"(?![^\W_{_HAN}])"
    return re.compile(pattern)


def _spans(text: str, patterns: list[re.Pattern[str]]) -> list[tuple[int, int]]:
    spans = sorted(m.span() for p in patterns for m in p.finditer(text) if m.end() > m.start())
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, patterns: list[re.Pattern[str]]) -> SafeString:
    """`text` escaped, with <mark> around every match and nothing else unescaped."""
    out, position = [], 0
    for start, end in _spans(text, patterns):
        out += [escape(text[position:start]), "<mark>", escape(text[start:end]), "</mark>"]
        position = end
    out.append(escape(text[position:]))
    return mark_safe("".join(out))  # every piece of text is escaped above


def passage(text: str, patterns: list[re.Pattern[str]]) -> SafeString:
    """The line of `text` with the first match, cut to about PASSAGE_LENGTH characters around
    it and highlighted; the opening of the text when nothing matches."""
    first = min((m.start() for p in patterns for m in [p.search(text)] if m), default=None)
    if first is None:
        line_start = 0
        first = 0
    else:
        line_start = text.rfind(FIELD_SEPARATOR, 0, first) + 1
    line_end = text.find(FIELD_SEPARATOR, first)
    line_end = len(text) if line_end < 0 else line_end
    start = max(line_start, first - PASSAGE_BEFORE)
    end = min(line_end, start + PASSAGE_LENGTH)
    html = highlight(text[start:end], patterns)
    prefix = "…" if start > line_start else ""
    suffix = "…" if end < line_end else ""
    return mark_safe(f"{prefix}{html}{suffix}")  # `html` is escaped


def _hits(ids: list[int], parsed: ParsedQuery) -> list[Hit]:
    notices = Notice.objects.select_related("issue").in_bulk(ids)
    texts = dict(SearchEntry.objects.filter(notice_id__in=ids).values_list("notice_id", "text"))
    patterns = [_term_pattern(term) for term in parsed.positive]
    return [
        Hit(
            notice=notices[pk],
            title=highlight(notices[pk].title, patterns),
            passage=passage(texts.get(pk, ""), patterns),
        )
        for pk in ids
        if pk in notices
    ]


# --- The search -------------------------------------------------------------------------------


def search_notices(
    raw: str,
    *,
    filters: SearchFilters | None = None,
    sort: str = "relevance",
    page: str | int | None = None,
    today: datetime.date | None = None,
) -> SearchResult:
    """Everything the search page shows for query `raw`: a redirect for a document number we
    have, the notices citing one we do not, or ranked hits with counts and facets.

    Only published notices are ever found. Never raises on user input."""
    filters = filters or SearchFilters()
    parsed = parse_query(raw)
    result = SearchResult(
        query=parsed.text, notes=[*filters.notes, *parsed.notes], sort=_sort(sort)
    )
    if parsed.text and _answer_doc_number(parsed.text, result):
        return result
    if not parsed.positive and not filters.active:
        if parsed.negative:
            result.message = "请至少输入一个要查找的关键词（以“-”开头的词表示排除）。"
        elif parsed.text:
            result.message = "检索词中没有可查找的文字或数字，请换一个关键词。"
        else:
            result.message = "请输入发文字号或关键词。"
        return result

    with transaction.atomic():
        _prefer_the_index()
        _search(result, parsed, filters, page, today or timezone.localdate())
    return result


def _prefer_the_index() -> None:
    """Keep PostgreSQL on bitmap scans of the GIN index. Its cost model does not charge for
    detoasting the stored vectors that ``@@`` reads outside the index; for a frequent term,
    or under a LIMIT, it then prefers a sequential or B-tree scan that reads a vector per
    row: 85 ms instead of 9 ms for 发展 at 10,000 notices (see README, Performance)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")


def _search(
    result: SearchResult,
    parsed: ParsedQuery,
    filters: SearchFilters,
    page: str | int | None,
    today: datetime.date,
) -> None:
    plan = _plan(parsed, filters, today)
    large = _count(plan.match(verified=False), EXACT_LIMIT + 1) > EXACT_LIMIT
    groups = _sample_groups(plan) if large else SAMPLE_GROUPS
    where = plan.match(_sample(groups) if groups < SAMPLE_GROUPS else "")
    requested = _page_number(page)
    # A small result's page comes from the counting scan itself (its rows verified once).
    fold = (result.sort, PAGE_SIZE + 1, (requested - 1) * PAGE_SIZE) if not large else None
    total, counts, folded = _facet_counts(plan, where, fold)
    scale = SAMPLE_GROUPS / groups
    result.approximate = groups < SAMPLE_GROUPS
    result.count = round(total * scale)
    result.facets = _facets(counts, filters, scale)

    num_pages = max(1, min(MAX_PAGE, -(-result.count // PAGE_SIZE)))
    number = min(requested, num_pages)
    offset = (number - 1) * PAGE_SIZE
    if fold and number == requested:
        ids = folded
    else:
        ids = _page_ids(plan, result.sort, offset, PAGE_SIZE + 1, large=large)
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


def _facets(counts: dict[str, dict], filters: SearchFilters, scale: float) -> list[Facet]:
    def scaled(n: int) -> int:
        return round(n * scale)

    def buckets(name: str, label: Callable[[object], str], selected: object) -> list[Bucket]:
        found = [(v, n) for v, n in counts[name].items() if n and v not in (None, "")]
        return [
            Bucket(value=str(v), label=label(v), count=scaled(n), selected=str(v) == selected)
            for v, n in found
        ]

    years = sorted(buckets("year", str, str(filters.year or "")), key=lambda b: -int(b.value))
    by_count = functools.partial(sorted, key=lambda b: (-b.count, b.value))
    validity = {v: i for i, v in enumerate(VALIDITY_ORDER)}
    labels = dict(Validity.choices)
    facets = [
        Facet("year", "年份", years),
        Facet("issuer", "发文机关", by_count(buckets("issuer", str, filters.issuer))),
        Facet("agency", "机关代字", by_count(buckets("agency", str, filters.agency))),
        Facet(
            "validity",
            "效力",
            sorted(
                buckets("validity", lambda v: str(labels.get(v, v)), filters.validity),
                key=lambda b: validity.get(b.value, 9),
            ),
        ),
        Facet("projects", "含项目清单", _flag(counts["projects"], filters.projects, scaled)),
        Facet("tasks", "含任务清单", _flag(counts["tasks"], filters.tasks, scaled)),
    ]
    for facet in facets:
        for bucket in facet.buckets:
            bucket.query = filters.toggled(facet.param, bucket.value, bucket.selected)
    return [facet for facet in facets if facet.buckets]


def _flag(counts: dict, selected: bool, scaled: Callable[[int], int]) -> list[Bucket]:
    n = counts.get(True, 0)
    return [Bucket(value="1", label="是", count=scaled(n), selected=selected)] if n else []


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


# --- Indexing ---------------------------------------------------------------------------------


@dataclass
class IndexDocument:
    """One SearchEntry row, computed from a notice and what hangs off it."""

    notice_id: int
    issue_id: int
    year: int
    issuer: str
    agency_code: str
    doc_number: str
    validity: str
    expires_on: datetime.date | None
    signed_on: datetime.date | None
    date: datetime.date | None
    has_projects: bool
    has_tasks: bool
    title_text: str
    heading_text: str
    search_text: str
    text: str
    lexemes: list[str]
    overflow: bool


def facet_lexemes(year: int, agency_code: str, issuer: str) -> list[str]:
    """The filter lexemes of a row (see FACET_MARKS); also used by migration 0007."""
    # No control characters: index_notices sends the lexemes joined by WORD_MARK.
    values = {"year": year, "agency": agency_code, "issuer": _CONTROL_RE.sub(" ", issuer)}
    return [f"{mark}{values[name]}" for name, mark in FACET_MARKS.items() if values[name]]


def _unit_names(items) -> list[str]:
    return [
        name
        for item in items
        for r in item.responsibilities.all()
        for name in (r.unit.full_name, r.unit.short_name)
        if name
    ]


def notice_document(notice) -> IndexDocument:
    """The index row of a notice fetched with ``_INDEX_PREFETCH`` (works on historical models).

    Ranking weights: the title and document number highest, then attachment and table titles,
    leading group names and unit names; bodies, table cells, projects, tasks and people match
    without weight. Every field (and every table cell) is separate: no match spans two."""
    attachments = list(notice.attachments.all())
    tables = list(notice.tables.all())
    groups = list(notice.leading_groups.all())
    projects = list(notice.projects.all())
    tasks = list(notice.tasks.all())
    members = [m for g in groups for m in g.memberships.all()]

    titles = [notice.title, notice.doc_number or ""]
    headings = [f"{a.label} {a.title}" for a in attachments]
    headings += [t.title for t in tables] + [g.name for g in groups]
    headings += [n for m in members if m.unit for n in (m.unit.full_name, m.unit.short_name)]
    headings += _unit_names(projects) + _unit_names(tasks)
    rows = [[str(c) for c in row] for t in tables for row in [t.header or [], *(t.rows or [])]]
    fields = [notice.body, *(a.body for a in attachments), *(c for row in rows for c in row)]
    fields += [x for p in projects for x in (p.section, p.name, p.content)]
    fields += [x for t in tasks for x in (t.section, t.content, t.measures)]
    fields += [x for g in groups for x in (g.office, g.duties)]
    fields += [x for m in members for x in (m.person_name, m.position)]

    # What passages are cut from: the original text, one paragraph or row per line.
    lines = (notice.body or "").splitlines()
    for a in attachments:
        lines += [f"{a.label} {a.title}", *(a.body or "").splitlines()]
    for t in tables:
        lines += [t.title, *("  ".join(row) for row in rows)]
    lines += [f"{p.name}：{p.content}" for p in projects]
    lines += [f"{t.content} {t.measures}" for t in tasks]
    for g in groups:
        lines += [g.name, g.office, g.duties]
        lines += [f"{m.get_role_display()} {m.person_name} {m.position}" for m in members]

    title_text = FIELD_SEPARATOR.join(normalize(x) for x in titles)
    heading_text = FIELD_SEPARATOR.join(normalize(x) for x in headings if x)
    plain = FIELD_SEPARATOR.join([title_text, heading_text, *(normalize(x) for x in fields if x)])
    found = lexemes(plain)
    found.update(TITLE_MARK + x for x in lexemes(title_text))
    found.update(HEADING_MARK + x for x in lexemes(heading_text))
    overflow = len("".join(found).encode()) > LEXEME_BYTES_LIMIT
    sample = f"{SAMPLE_MARK}{(notice.pk * 0x9E3779B1 & 0xFFFFFFFF) >> 26}"  # hash → 0..63
    issue = notice.issue
    return IndexDocument(
        notice_id=notice.pk,
        issue_id=issue.pk,
        year=issue.year,
        issuer=notice.issuer,
        agency_code=notice.agency_code,
        doc_number=notice.doc_number or "",
        validity=notice.validity,
        expires_on=notice.expires_on,
        signed_on=notice.signed_on,
        date=notice.signed_on or issue.published_on,
        has_projects=bool(projects),
        has_tasks=bool(tasks),
        title_text=_marked(title_text),
        heading_text=_marked(heading_text),
        search_text=_marked(plain),
        text=FIELD_SEPARATOR.join(line.strip() for line in lines if line and line.strip()),
        lexemes=sorted(
            [
                *([OVERFLOW_LEXEME.strip("'")] if overflow else found),
                sample,
                *facet_lexemes(issue.year, notice.agency_code, notice.issuer),
            ]
        ),
        overflow=overflow,
    )


_INDEX_PREFETCH = (
    "attachments",
    "tables",
    "leading_groups__memberships__unit",
    "projects__responsibilities__unit",
    "tasks__responsibilities__unit",
)
_COLUMNS = [f.name for f in IndexDocument.__dataclass_fields__.values() if f.name != "lexemes"]
_UPSERT = (
    f"INSERT INTO documents_searchentry ({', '.join(_COLUMNS)}, vector, indexed_at)"
    f" VALUES ({', '.join(['%s'] * len(_COLUMNS))},"
    " array_to_tsvector(string_to_array(%s, %s)), now())"
    " ON CONFLICT (notice_id) DO UPDATE SET "
    + ", ".join(f"{c} = EXCLUDED.{c}" for c in [*_COLUMNS[1:], "vector", "indexed_at"])
)


def index_notices(notice_ids: Iterable[int], *, notices: QuerySet | None = None) -> int:
    """(Re)index the given notices in the caller's transaction; returns how many rows were
    written. Ids of deleted notices are skipped (their rows went with them). Call it from
    every write path: the importer's loader, the admin, the rebuild command.

    `notices` is the Notice queryset to read from (a migration passes its historical model)."""
    ids = sorted({int(pk) for pk in notice_ids})
    source = notices if notices is not None else Notice.objects.all()
    written = 0
    with transaction.atomic():
        for start in range(0, len(ids), INDEX_BATCH):
            batch = source.filter(pk__in=ids[start : start + INDEX_BATCH])
            documents = [
                notice_document(n)
                for n in batch.select_related("issue").prefetch_related(*_INDEX_PREFETCH)
            ]
            # The lexemes travel as one string (no lexeme holds WORD_MARK): psycopg adapts a
            # list of thousands of strings one by one, a quarter of the indexing time.
            rows = [
                [getattr(d, c) for c in _COLUMNS] + [WORD_MARK.join(d.lexemes), WORD_MARK]
                for d in documents
            ]
            if rows:
                with connection.cursor() as cursor:
                    cursor.executemany(_UPSERT, rows)
            written += len(rows)
    return written


def rebuild_index(*, progress: Callable[[int, int], None] | None = None, batch: int = 1000) -> int:
    """Reindex every notice, in batches (each its own transaction); returns the number."""
    ids = list(Notice.objects.order_by("pk").values_list("pk", flat=True))
    done = 0
    for start in range(0, len(ids), batch):
        done += index_notices(ids[start : start + batch])
        if progress:
            progress(done, len(ids))
    return done


def notice_ids_of(objects: Iterable[Model]) -> set[int]:
    """Ids of the notices whose index rows depend on `objects`: notices themselves, issues
    (their notices), units (the notices giving them a role), and anything with a notice
    (attachments, tables, groups, projects, tasks)."""
    ids: set[int] = set()
    for obj in objects:
        if isinstance(obj, Notice):
            ids.add(obj.pk)
        elif isinstance(obj, Issue):
            ids.update(Notice.objects.filter(issue=obj).values_list("pk", flat=True))
        elif isinstance(obj, Unit):
            ids.update(Notice.objects.for_unit(obj).values_list("pk", flat=True))
        elif getattr(obj, "notice_id", None):
            ids.add(obj.notice_id)
    return ids
