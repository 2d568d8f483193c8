"""How well a notice matches a query: BM25F (Robertson, Zaragoza & Taylor, 2004) over the
verified matches. A positive term's occurrences are counted in the title with the document
number (``title_text``), the headings (``heading_text``: attachment and table titles, the
projects, groups and units listed) and the rest (``search_text`` holds all three):

    tf̃ = 5 · tf_title + 2 · tf_heading + tf_body / (1 − B + B · length / average length)
    score = Σ over terms of idf(term) · tf̃ · (K1 + 1) / (tf̃ + K1)

with ``idf = ln(1 + (N − df + 0.5) / (df + 0.5))``. Higher first, equal scores newest first.
``term_score`` counts the occurrences in SQL, reading the row's text: a small result is scored
whole. A large one goes through **impact tiers** (Anh & Moffat's impact ordering, Fagin's
threshold test). At index time a lexeme of weighted count ``w`` (5 a title occurrence, 2 a
heading's, 1 any other) is stored again as ``+<tier><lexeme>``, tier ``floor(2 · log2 w)``
(``+7项目``: w from 12 to 15). A term's count is at most its rarest lexeme's (sql._tier_lexemes),
so a row none of whose terms is in tier N or above scores at most ``bound(N)``. sql._best_by_tiers
scores the highest tiers' rows and goes down (``tier_met``) only while the page's last score is
not above the bound of the rows left, reading only rows short enough to beat it (``longest``).

A term that is one lexeme is scored from the index instead (``quantised_score``): its tier stands
for the smallest count of that tier (``weight``), so a row's score is its tier list's and its
size's, with no text read; small results scored from their texts use the same tiers
(``text_level``), so both paths rank alike.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from psycopg import sql

from documents.search.statements import Value
from documents.search.tokens import (
    MAX_WORD_LENGTH,
    TIER_MARK,
    Term,
    quote_lexeme,
)

K1 = 1.2
B = 0.15
TIERS = 20  # impact tiers 1 … 20 (one base-36 digit); w ≥ 2^10 is tier 20
LOWEST = 2  # the lowest tier that holds a count: none is in tier 1 (1 is in tier 0, 2 in 2)
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
    ).format(c=sql.Identifier(column), n=Value(needle))


def _weighted(term: Term, body: sql.Composable) -> sql.Composable:
    """A term's occurrences in an index row, weighted: the title's and headings' by WEIGHTS,
    the rest's (``search_text`` holds all three) by `body` (SQL). One expression reading each
    text once: 5·title + 2·heading + (whole − title − heading)·body, as title·(5 − body) +
    heading·(2 − body) + whole·body (``search_text`` begins with the title and headings, so
    whole ≥ title + heading: indexing.notice_document). A subquery naming a count twice is
    flattened by PostgreSQL into evaluating it twice (a replace() over each row's whole text:
    half of a small search's statement, for notices of 50 KB)."""
    return sql.SQL("({t} * ({title} - {n}) + {h} * ({heading} - {n}) + {whole} * {n})").format(
        t=_occurrences("title_text", term.needle),
        title=sql.Literal(WEIGHTS.title),
        h=_occurrences("heading_text", term.needle),
        heading=sql.Literal(WEIGHTS.heading),
        whole=_occurrences("search_text", term.needle),
        n=body,
    )


def term_score(term: Term, idf: float, average_length: float) -> sql.Composable:
    """One term's part of the score, on an index row: idf·tf̃·(k1 + 1) / (tf̃ + k1) written
    with tf̃ once, as idf·(k1 + 1) / (1 + k1 / tf̃) (a matching row holds the term: tf̃ > 0)."""
    norm = sql.SQL("({body} / (1 - {b} + {b} * octet_length(search_text) / {average}))").format(
        body=sql.Literal(WEIGHTS.body), b=_float(B), average=Value(max(average_length, 1.0))
    )
    return sql.SQL("({idf} / (1 + {k1} / greatest({tf}, {least})))").format(
        idf=Value(idf * (K1 + 1)), k1=_float(K1), tf=_weighted(term, norm), least=_float(1e-9)
    )


def levelled_by_index(terms: Sequence[Term]) -> bool:
    """Whether the query is scored from the index: one term that is one lexeme, which cannot
    overlap itself (人人: 人人人 holds it twice as a lexeme, once as text) and is no word of
    MAX_WORD_LENGTH characters (whose lexeme longer words share). A longer term's
    lowest tier overstates its count when its lexemes also occur apart: on the judged set,
    scoring terms of two lexemes so took the MRR from 0.906 to 0.895."""
    if len(terms) != 1 or not terms[0].exact_by_lexemes:
        return False
    text = terms[0].normalized
    return not (len(text) == 2 and text[0] == text[1]) and len(text) < MAX_WORD_LENGTH


def weight(level: int) -> int:
    """The smallest weighted count of a tier (1 below tier 2: one occurrence in the body)."""
    return math.isqrt(2**level - 1) + 1 if level >= LOWEST else 1


def quantised_score(
    idf: float, level: sql.Composable, length: sql.Composable, average: float
) -> sql.Composable:
    """The score of a term at tier `level` (SQL) in a row of `length` bytes (SQL): BM25's
    idf·w·(k1 + 1) / (w + k1·norm) written with w once, as idf·(k1 + 1) / (1 + k1·norm / w),
    so that it is an expression and not a subquery (each costs the planner a little)."""
    return sql.SQL(
        "({idf} / (1 + {k1} * (1 - {b} + {b} * {length} / {average})"
        " / (ARRAY[{weights}]::float8[])[{level} + 1]))"
    ).format(
        idf=Value(idf * (K1 + 1)),
        k1=_float(K1),
        b=_float(B),
        length=length,
        average=Value(max(average, 1.0)),
        weights=_WEIGHTS,
        level=level,
    )


# The tiers' weights and thresholds, in every ranked statement: composed once.
_WEIGHTS = sql.SQL(sql.SQL(", ").join(sql.Literal(weight(n)) for n in range(TIERS + 1)).as_string())
_THRESHOLDS = sql.SQL(
    sql.SQL(", ").join(sql.Literal(weight(max(n, LOWEST))) for n in range(1, TIERS + 1)).as_string()
)


def text_level(term: Term) -> sql.Composable:
    """The tier of a term's weighted count w in an index row's text (what its tier lexeme
    says, for a term levelled by the index): the tier of w² ≥ 2^N, as w ≥ ``weight(N)``."""
    return sql.SQL("width_bucket({}, ARRAY[{}])").format(
        _weighted(term, sql.Literal(WEIGHTS.body)), _THRESHOLDS
    )


# --- Impact tiers -----------------------------------------------------------------------------


def tier_lexemes(
    counts: Mapping[str, int], title: Mapping[str, int], heading: Mapping[str, int]
) -> list[str]:
    """The tier lexemes of an index row, from each lexeme's count in the whole text
    (`counts`) and in the title and the headings (which the whole text includes). The
    lexemes of the title and headings (a few) apart: the others' weight is the body's alone,
    read in one pass over the thousand of a notice."""
    extra: dict[str, int] = {}
    for lexeme, n in title.items():
        extra[lexeme] = extra.get(lexeme, 0) + (WEIGHTS.title - WEIGHTS.body) * n
    for lexeme, n in heading.items():
        extra[lexeme] = extra.get(lexeme, 0) + (WEIGHTS.heading - WEIGHTS.body) * n
    body, top = WEIGHTS.body, len(_TIER_PREFIXES)
    least = -(-2 // body)  # the smallest count in the body alone that has a tier (w ≥ 2)
    found = [
        (_TIER_PREFIXES[body * n] if body * n < top else _TIER_PREFIXES[-1]) + lexeme
        for lexeme, n in counts.items()
        if n >= least and lexeme not in extra
    ]
    for lexeme, more in extra.items():
        w = body * counts[lexeme] + more
        if w >= 2:
            found.append((_TIER_PREFIXES[w] if w < top else _TIER_PREFIXES[-1]) + lexeme)
    return found


def tier_lexeme(tier: int, lexeme: str) -> str:
    return f"{TIER_MARK}{_DIGITS[tier]}{lexeme}"


# The tier lexeme's prefix of each weighted count up to the first in the top tier (w² ≥ 2^TIERS):
# a rebuild looks up 400 of them a notice, which computing each took a fifth of its time.
# Counts 0 and 1 have no tier (tier_lexemes never looks them up): tier 0 stands in for them.
_TIER_PREFIXES = [
    tier_lexeme(min(TIERS, max(0, (w * w).bit_length() - 1)), "")
    for w in range(math.isqrt(2**TIERS) + 1)
]


def tier_tsquery(lexemes: list[str], level: int) -> str:
    """tsquery: some term's tier lexeme (`lexemes`, one a term) is in tier `level` or above
    ("" for tier 0: any row)."""
    if level <= 0:
        return ""
    return " | ".join(_in_tiers(lexeme, level) for lexeme in lexemes)


@functools.lru_cache(maxsize=4096)
def _in_tiers(lexeme: str, level: int) -> str:
    """tsquery: `lexeme` in tier `level` or above. Kept: a search of several terms asks for
    every tier of each of its lexemes (about 800 quoted lexemes), common lexemes recur."""
    tiers = range(level, TIERS + 1)
    return "(" + " | ".join(quote_lexeme(tier_lexeme(tier, lexeme)) for tier in tiers) + ")"


def bound(idfs: list[float], level: int) -> float:
    """At least the score of any row no term of which is in tier `level` or above (see the
    module docstring); 0 for tier 0, below which no row is."""
    if level <= 0:
        return 0.0
    tf = math.isqrt(2**level - 1) / (1 - B)
    return sum(idf * tf * (K1 + 1) / (tf + K1) for idf in idfs)


def longest(idfs: list[float], score: float, below: int, average: float) -> float | None:
    """The most bytes a row's text can have for the row to score `score` or more when none of
    its terms is in tier `below` or above; None when any length can (0: no row can). There each
    term's weighted count w is at most isqrt(2^below − 1), and tf̃ at most w / min(1, norm):
    all of it in the body of a short row (norm < 1), all in the title of a long one. Most rows
    of a frequent term's lower tiers are longer than that: their texts are never read."""
    w = math.isqrt(2**below - 1)
    norm = w * (sum(idfs) * (K1 + 1) / score - 1) / K1  # where the bound meets the score
    if norm >= 1:
        return None
    return max(0.0, average * (norm - (1 - B)) / B)


def tier_met(idfs: list[float], score: float, below: int) -> int:
    """The highest tier under `below` whose bound is below `score` (0 at worst)."""
    return next((n for n in range(below - 1, 0, -1) if bound(idfs, n) < score), 0)
