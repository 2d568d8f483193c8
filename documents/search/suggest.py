"""Did you mean (您是不是要找): what a search that finds nothing offers instead, as links the
visitor may follow (a guess never redirects; only an exact number does, see
``engine._answer_doc_number``):

* for a document number the portal does not hold (``咸政办〔2022〕29号``, ``咸政办法2022 29号``),
  the published notices with the same year and serial whose agency code is one edit off
  (``NoticeQuerySet.near_doc_number``);
* for part of a number (``29号文件``, ``2022年29号``: ``docnumbers.parse_partial_number``), the
  published notices with that serial, or year and serial;
* for a query of several terms, the shorter queries (one term dropped) that find notices,
  with their counts (the search's own filters applied, as the links keep them).
"""

from __future__ import annotations

import datetime
import unicodedata
from dataclasses import dataclass, field

from documents.docnumbers import DocNumber, DocNumberError, parse_doc_number, parse_partial_number
from documents.models import Notice, NoticeQuerySet
from documents.search.filters import SearchFilters
from documents.search.sql import count_rows, plan_search
from documents.search.tokens import ParsedQuery, Term, parse_query

SUGGESTION_LIMIT = 5  # notices shown at most, newest first
COUNT_LIMIT = 1000  # a shorter query's hits are counted up to this many (then “1000 件以上”)
_TRAILING_WORD = "文件"  # 咸政办发〔2022〕29号文件: the number, and the word people add


@dataclass(frozen=True)
class ReducedQuery:
    """The query without one of its terms, and how many notices it finds."""

    query: str  # as it goes into the search box
    dropped: str  # the term left out (with its “-” when it excluded)
    count: int
    more: bool = False  # there are more than `count` (counting stopped at COUNT_LIMIT)


@dataclass
class Suggestions:
    """What the search page lists under 您是不是要找: notices, or shorter queries."""

    note: str = ""  # what the suggested notices have in common with the query, in Chinese
    notices: list[Notice] = field(default_factory=list)
    queries: list[ReducedQuery] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.notices or self.queries)


def number_suggestions(number: DocNumber) -> Suggestions:
    """Published notices whose number is near `number` (which the portal does not hold), the
    same agency code first."""
    near = _newest(Notice.objects.published().near_doc_number(number))
    near.sort(key=lambda notice: notice.agency_code != number.agency_code)
    return Suggestions(note=f"发文字号与 {number.canonical} 相近的文件：", notices=near)


def query_suggestions(
    parsed: ParsedQuery, filters: SearchFilters, today: datetime.date
) -> Suggestions:
    """Suggestions for a query that found nothing: notices for a query that is part of a
    document number, else the queries with one term dropped that find notices. Never raises
    on user input."""
    text = " ".join(unicodedata.normalize("NFKC", parsed.text).split())
    if text.endswith(_TRAILING_WORD):
        try:
            return number_suggestions(parse_doc_number(text.removesuffix(_TRAILING_WORD)))
        except DocNumberError:
            pass
    published = Notice.objects.published()
    if part := parse_partial_number(text):
        if part.year is None:
            note = f"序号为 {part.serial} 号的文件（各发文机关、各年份，最新的在前）："
            return Suggestions(note=note, notices=_newest(published.filter(serial=part.serial)))
        note = f"字号为〔{part.year}〕{part.serial}号的文件（各发文机关）："
        same = published.filter(year=part.year, serial=part.serial)
        return Suggestions(note=note, notices=_newest(same))
    return Suggestions(
        note="减少一个检索词后可以找到文件：", queries=_reduced_queries(parsed, filters, today)
    )


def _newest(notices: NoticeQuerySet) -> list[Notice]:
    """The newest SUGGESTION_LIMIT of `notices`, with their issue, without their long text."""
    return list(notices.newest_first().defer("body", "structure")[:SUGGESTION_LIMIT])


# --- Shorter queries --------------------------------------------------------------------------


def _reduced_queries(
    parsed: ParsedQuery, filters: SearchFilters, today: datetime.date
) -> list[ReducedQuery]:
    """For each term of a query of several, the query without it, when that finds notices
    (with the same filters): most notices first, else in the order of the terms dropped."""
    if len(parsed.terms) < 2:
        return []
    found = []
    for term in parsed.terms:
        rest = [other for other in parsed.terms if other is not term]
        if not any(not other.negated for other in rest):
            continue  # only exclusions would be left: not a query
        text = " ".join(_typed(other) for other in rest)
        # The count is of the query the link will run, parsed again from its text.
        count = _count(parse_query(text), filters, today)
        if count:
            found.append(
                ReducedQuery(
                    query=text,
                    dropped=f"-{term.text}" if term.negated else term.text,
                    count=min(count, COUNT_LIMIT),
                    more=count > COUNT_LIMIT,
                )
            )
    return sorted(found, key=lambda reduced: -reduced.count)


def _typed(term: Term) -> str:
    """A term as it is typed in the search box: quoted if a phrase, “-” if it excludes."""
    text = term.text
    if term.phrase or " " in text:
        text = f"“{text}”" if "”" not in text else f'"{text}"'
    return f"-{text}" if term.negated else text


def _count(parsed: ParsedQuery, filters: SearchFilters, today: datetime.date) -> int:
    """How many published notices `parsed` finds with `filters`, up to COUNT_LIMIT + 1: the
    same conditions as the search (engine), counted exactly."""
    if not parsed.positive:
        return 0
    plan = plan_search(parsed, filters, today, scored=False)
    return count_rows(plan, COUNT_LIMIT + 1)
