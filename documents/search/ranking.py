"""How well a notice matches a query: a BM25F score over the verified matches.

For each positive term, its occurrences are counted in three fields of the index row —
the title with the document number (``title_text``), the headings (``heading_text``:
attachment and table titles, leading groups, units) and the rest of the text
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
matching row's text, which is why a large result (past the exact limit, see sql.py) ranks
only its title and heading tier this way and takes the rest newest first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db import connection

from documents.search.tokens import Term, tsquery_of

K1 = 1.2
B = 0.15
DF_LIMIT = 100_000  # document frequencies are counted no further (the idf barely moves)
AVERAGE_SAMPLE = 1000  # the newest rows the average text length is taken from


@dataclass(frozen=True)
class Weights:
    title: float = 5.0
    heading: float = 2.0
    body: float = 1.0


WEIGHTS = Weights()


def occurrences(column: str) -> str:
    """SQL: how many times the parameter occurs in `column` (the parameter is given twice).
    In bytes: octet_length reads a long text's stored size without decompressing it, so only
    replace() reads the text itself."""
    removed = f"octet_length(replace({column}, %s, ''))"
    return f"((octet_length({column}) - {removed}) / octet_length(%s))"


def term_score(term: Term, idf: float, average_length: float) -> tuple[str, tuple]:
    """SQL and parameters of one term's part of the score, on the index row ``e``; its tf̃ is
    computed once a row (a subquery), as it appears twice in the formula."""
    title, heading, whole = (
        occurrences(f"e.{column}") for column in ("title_text", "heading_text", "search_text")
    )
    norm = f"(1 - {B} + {B} * octet_length(e.search_text) / %s::float8)"
    tf = (
        f"{WEIGHTS.title} * t.title + {WEIGHTS.heading} * t.heading"
        f" + {WEIGHTS.body} * greatest(t.whole - t.title - t.heading, 0) / {norm}"
    )
    sql = (
        f"(SELECT %s * s.tf * {K1 + 1} / (s.tf + {K1}) FROM (SELECT {tf} AS tf FROM"
        f" (SELECT {title} AS title, {heading} AS heading, {whole} AS whole) t) s)"
    )
    needle = term.needle
    return sql, (idf, max(average_length, 1.0), *([needle] * 6))


def idfs(terms: list[Term], published: tuple[str, tuple]) -> list[float]:
    """Each term's idf over the published index rows (`published`: SQL and parameters of the
    condition on ``e``); one statement."""
    if len(terms) < 2:
        return [1.0] * len(terms)  # one term: a constant factor, no need to count
    condition, params = published
    counts = ", ".join(
        "(SELECT count(*) FROM (SELECT 1 FROM documents_searchentry e"
        f" WHERE {condition} AND e.vector @@ %s::tsquery LIMIT {DF_LIMIT}) d)"
        for _ in terms
    )
    total = "SELECT reltuples FROM pg_class WHERE relname = 'documents_searchentry'"
    sql = f"SELECT ({total}), {counts}"
    values: list = []
    for term in terms:
        values += [*params, tsquery_of([term])]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
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
