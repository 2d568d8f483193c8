"""How well a notice matches a query: a BM25F score over the verified matches.

For each positive term, its occurrences are counted in three fields of the index row —
the title with the document number (``title_text``), the headings (``heading_text``:
attachment and table titles, the projects, leading groups and units listed) and the rest of the text
(``search_text`` holds all three, so the body's count is its count less the other two's) —
and combined as BM25F does (Robertson, Zaragoza & Taylor, 2004):

    tf̃ = WEIGHTS.title · tf_title + WEIGHTS.heading · tf_heading
         + WEIGHTS.body · tf_body / (1 − B + B · length / average length)
    score = Σ over terms of idf(term) · tf̃ · (K1 + 1) / (tf̃ + K1)

so a notice that uses a term throughout outranks one that mentions it once, a term in the
title counts most, and a long document needs more occurrences than a short one for the same
score (only the body is normalised by length: titles and headings are short). ``idf`` is
BM25's ``ln(1 + (N − df + 0.5) / (df + 0.5))`` with ``df`` the notices holding the term's
lexemes (an upper bound of those holding the term, counted up to ``DF_LIMIT``); it only
orders the terms of one query against each other. Equal scores fall back to newest first.

Occurrences are counted in SQL, ``(length(field) − length(replace(field, term, ''))) /
length(term)``, on the rows the search has already matched: the score costs a read of each
matching row's text. A small result (see sql.py) is scored whole. A large one is not read
whole: its best rows are found through **impact tiers** in the index, an impact-ordered
top-k (Anh & Moffat's impact ordering, with the threshold test of Fagin's algorithms):

* At index time each lexeme's weighted count ``w = WEIGHTS.title · in title + WEIGHTS.heading
  · in headings + WEIGHTS.body · in the rest`` gives it a tier in half octaves,
  ``floor(2 · log2 w)`` (the bit length of w² less one) up to ``TIERS``; a lexeme of tier 1 or
  more is stored a second time as ``+<tier><lexeme>`` (``TIER_MARK``, the tier one base-36
  digit; ``+7项目``: w from 12 to 15). A title occurrence alone is tier 4, a heading
  occurrence tier 2, a single body occurrence tier 0 (no tier lexeme). Half octaves, not
  octaves: the last fetch below reads about a quarter as many rows for a frequent term
  (the 228 rows of w ≥ 12 against the 974 of w ≥ 8 for 发展 at 10,000 notices) at no cost
  in size (one tier lexeme a lexeme either way).
* Each occurrence of a term holds an occurrence of each of its lexemes in the same field, so
  ``WEIGHTS.title · tf_title + WEIGHTS.heading · tf_heading + WEIGHTS.body · tf_body`` is at
  most the smallest ``w`` of its lexemes. A row where, for every term, some lexeme is below
  tier N has, for every term, that weighted count below 2^(N/2), so at most ``isqrt(2^N − 1)``
  (the weights are integers), and since the length norm is at least 1 − B, ``tf̃ ≤
  isqrt(2^N − 1) / (1 − B)``: its score is at most ``bound(N)``, the formula's value there
  summed over the terms (the score grows with tf̃). Every row is in tier 0 or more, so
  nothing is left below tier 0 (``bound(0)`` is 0).
* sql.page_ids fetches, through the GIN index, the matching rows with some term in tier ≥ N
  (every lexeme of the term in tier ≥ N: ``tier_tsquery``), scores them exactly, and stops when
  the k-th best score is above ``bound(N)``; else it fetches the rows down to the highest
  tier whose bound that score is above (``tier_met``: the k-th score only rises as rows are
  added, so that is the last fetch). The rows it leaves score less than the k-th, so the page
  is the one scoring every match would give, ties included.
* Below tier 1 every term has a lexeme held once, in the body, so every term occurs exactly
  once there: the score falls with the length alone. Those rows are not all scored; they are
  taken shortest first (then newest), verified in that order until the page is full.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import connection
from psycopg import sql

from documents.search.tokens import TIER_MARK, Term, quote_lexeme, tsquery_of

K1 = 1.2
B = 0.15
DF_LIMIT = 100_000  # document frequencies are counted no further (the idf barely moves)
AVERAGE_SAMPLE = 1000  # the newest rows the average text length is taken from
TIERS = 20  # impact tiers 1 … 20 (one base-36 digit); w ≥ 2^10 is tier 20
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class Weights:
    """Integers: a weighted count below 2^(N/2) is then at most isqrt(2^N − 1) (``bound``)."""

    title: int = 5
    heading: int = 2
    body: int = 1


WEIGHTS = Weights()


def _float(value: float) -> sql.Composable:
    """A float8 literal (a bare 1.2 is numeric in PostgreSQL, slower and not a float)."""
    return sql.SQL("{}::float8").format(sql.Literal(float(value)))


def _occurrences(column: str, needle: str) -> sql.Composable:
    """How many times `needle` occurs in `column`. In bytes: octet_length reads a long
    text's stored size without decompressing it, so only replace() reads the text itself."""
    return sql.SQL(
        "((octet_length({c}) - octet_length(replace({c}, {n}, ''))) / octet_length({n}))"
    ).format(c=sql.Identifier(column), n=sql.Literal(needle))


def term_score(term: Term, idf: float, average_length: float) -> sql.Composable:
    """One term's part of the score, on an index row; its tf̃ is computed once a row (a
    subquery), as it appears twice in the formula."""
    tf = sql.SQL(
        "{title} * t.title + {heading} * t.heading + {body} * greatest(t.whole - t.title"
        " - t.heading, 0) / (1 - {b} + {b} * octet_length(search_text) / {average})"
    ).format(
        title=sql.Literal(WEIGHTS.title),
        heading=sql.Literal(WEIGHTS.heading),
        body=sql.Literal(WEIGHTS.body),
        b=_float(B),
        average=_float(max(average_length, 1.0)),
    )
    return sql.SQL(
        "(SELECT {idf} * s.tf * {k1_1} / (s.tf + {k1}) FROM (SELECT {tf} AS tf FROM (SELECT"
        " {title} AS title, {heading} AS heading, {whole} AS whole) t) s)"
    ).format(
        idf=_float(idf),
        k1_1=_float(K1 + 1),
        k1=_float(K1),
        tf=tf,
        title=_occurrences("title_text", term.needle),
        heading=_occurrences("heading_text", term.needle),
        whole=_occurrences("search_text", term.needle),
    )


def idfs(terms: list[Term], published: sql.Composable) -> list[float]:
    """Each term's idf over the published index rows (`published`: the condition); one
    statement."""
    if len(terms) < 2:
        return [1.0] * len(terms)  # one term: a constant factor, no need to count
    counts = [
        sql.SQL(
            "(SELECT count(*) FROM (SELECT 1 FROM documents_searchentry WHERE {} AND"
            " vector @@ {}::tsquery LIMIT {}) d)"
        ).format(published, sql.Literal(tsquery_of([term])), sql.Literal(DF_LIMIT))
        for term in terms
    ]
    query = sql.SQL(
        "SELECT (SELECT reltuples FROM pg_class WHERE relname = 'documents_searchentry'), {}"
    ).format(sql.SQL(", ").join(counts))
    with connection.cursor() as cursor:
        cursor.execute(query)
        rows, *frequencies = cursor.fetchone()
    n = max(float(rows or 0), float(max(frequencies, default=0)), 1.0)
    return [math.log(1 + (n - df + 0.5) / (df + 0.5)) for df in frequencies]


def average_length() -> float:
    """The average length (in bytes) of the index rows' text, from the newest AVERAGE_SAMPLE
    rows."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT avg(octet_length(search_text)) FROM (SELECT search_text FROM"
            " documents_searchentry ORDER BY notice_id DESC LIMIT %s) s",
            (AVERAGE_SAMPLE,),
        )
        value = cursor.fetchone()[0]
    return float(value or 1.0)


# --- Impact tiers -----------------------------------------------------------------------------


def tier_lexemes(
    counts: Mapping[str, int], title: Mapping[str, int], heading: Mapping[str, int]
) -> list[str]:
    """The tier lexemes of an index row, from each lexeme's count in the whole text
    (`counts`) and in the title and the headings (which the whole text includes)."""
    weights = {lexeme: WEIGHTS.body * n for lexeme, n in counts.items()}
    for lexeme, n in title.items():
        weights[lexeme] += (WEIGHTS.title - WEIGHTS.body) * n
    for lexeme, n in heading.items():
        weights[lexeme] += (WEIGHTS.heading - WEIGHTS.body) * n
    return [
        tier_lexeme(min(TIERS, (w * w).bit_length() - 1), lexeme)
        for lexeme, w in weights.items()
        if w >= 2
    ]


def tier_lexeme(tier: int, lexeme: str) -> str:
    return f"{TIER_MARK}{_DIGITS[tier]}{lexeme}"


def tier_tsquery(terms: list[Term], level: int) -> str:
    """tsquery: some term has every lexeme in tier `level` or above ("" for tier 0: any row)."""
    if level <= 0:
        return ""
    return " | ".join(
        "("
        + " & ".join(
            "("
            + " | ".join(
                quote_lexeme(tier_lexeme(tier, lexeme)) for tier in range(level, TIERS + 1)
            )
            + ")"
            for lexeme in term.lexemes
        )
        + ")"
        for term in terms
    )


def bound(idfs: list[float], level: int) -> float:
    """At least the score of any row no term of which is in tier `level` or above (see the
    module docstring); 0 for tier 0, below which no row is."""
    if level <= 0:
        return 0.0
    tf = math.isqrt(2**level - 1) / (1 - B)
    return sum(idf * tf * (K1 + 1) / (tf + K1) for idf in idfs)


def tier_met(idfs: list[float], score: float, below: int) -> int:
    """The highest tier under `below` whose bound is below `score` (0 at worst)."""
    return next((n for n in range(below - 1, 0, -1) if bound(idfs, n) < score), 0)
