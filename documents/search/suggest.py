"""Did you mean (您是不是要找): what a search that finds nothing offers instead.

A query that looks like a document number but matches none gets the nearest numbers the
portal holds; a query of several words that finds nothing gets the shorter queries, one term
dropped, that do find something. Both are links the visitor may follow: a guess never
redirects (only an exact number does, see ``engine._answer_doc_number``).

What counts as a document number, and how it is typed, is ``documents.docnumbers``'s
business; this module adds the shapes that are not a whole number but clearly mean one:

* a whole number whose agency code is one edit off (``咸政办〔2022〕29号``, ``咸政办法2022 29号``):
  the published notices with the same year and serial whose code is within one edit
  (``within_one_edit``); the codes are read from the index on (agency_code, year, serial),
  never from the notices' text;
* a serial with 号, 号文件 or 文件 (``29号文件``, ``第29号``): published notices with that serial;
* a year and a serial (``2022年29号``, ``2022-29``, ``〔2022〕29号``): published notices with both.

Only published notices are ever suggested (``Notice.objects.published()``); the year and
issuer filters of the search are not applied to numbers, which name a document on their own.
The counts of shorter queries do apply the filters, as the links keep them.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field

from documents.docnumbers import MAX_SERIAL_DIGITS, DocNumber, DocNumberError, parse_doc_number
from documents.limits import FIRST_YEAR, LAST_YEAR
from documents.models import Notice, NoticeQuerySet
from documents.search.filters import SearchFilters
from documents.search.sql import count_rows, plan_search
from documents.search.tokens import ParsedQuery, Term, parse_query

__all__ = [
    "COUNT_LIMIT",
    "SUGGESTION_LIMIT",
    "ReducedQuery",
    "Suggestions",
    "number_suggestions",
    "query_suggestions",
    "within_one_edit",
]

SUGGESTION_LIMIT = 5  # notices shown at most, newest first
COUNT_LIMIT = 1000  # a shorter query's hits are counted up to this many (then “1000 件以上”)


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


# --- Document numbers -------------------------------------------------------------------------

_SERIAL = rf"0*(?P<serial>[1-9][0-9]{{0,{MAX_SERIAL_DIGITS - 1}}})"
_ENDING = r"(?:号(?: ?文件)?|文件)"  # 29号, 29号文件, 29文件
# A serial alone: 29号, 第29号, 29号文件, 29文件. Without 号 or 文件 it is any number.
_SERIAL_RE = re.compile(rf"(?:第 ?)?{_SERIAL} ?{_ENDING}")
# A year and a serial: 2022年29号, 2022-29, 〔2022〕29号, [2022]第29号, 2022 29号. Something must
# stand between them (a bracket, 年, 第, a dash or a space): 202229 is no year and serial.
_YEAR_SERIAL_RE = re.compile(
    r"(?P<open>[〔\[(【〖{] ?)?(?P<year>[0-9]{4})"
    r"(?P<between>[ 年〕\])】〗}\-–—/.,、·]*)(?P<di>第 ?)?"
    rf"{_SERIAL}(?: ?{_ENDING})?"
)
_SPACES_RE = re.compile(r"\s+")
_TRAILING_WORD = "文件"  # 咸政办发〔2022〕29号文件: the number, and the word people add


def number_suggestions(number: DocNumber) -> Suggestions:
    """Published notices whose number has the same year and serial as `number` and an agency
    code within one edit of its code: for a number the portal does not hold."""
    return Suggestions(
        note=f"发文字号与 {number.canonical} 相近的文件：",
        notices=_near_numbers(number),
    )


def query_suggestions(
    parsed: ParsedQuery, filters: SearchFilters, today: datetime.date
) -> Suggestions:
    """Suggestions for a query that found nothing: notices for a query that is part of a
    document number (a serial, a year and serial, a number with 文件 after it), else the
    queries with one term dropped that find notices. Never raises on user input."""
    found = _number_like(parsed.text)
    if found:
        return found
    return Suggestions(
        note="减少一个检索词后可以找到文件：", queries=_reduced_queries(parsed, filters, today)
    )


def _number_like(text: str) -> Suggestions:
    """Notices for text that is part of a document number, or no suggestion."""
    text = _SPACES_RE.sub(" ", unicodedata.normalize("NFKC", text)).strip()
    published = Notice.objects.published()
    if text.endswith(_TRAILING_WORD):
        try:
            number = parse_doc_number(text.removesuffix(_TRAILING_WORD))
        except DocNumberError:
            pass
        else:
            return number_suggestions(number)
    if match := _SERIAL_RE.fullmatch(text):
        serial = int(match["serial"])
        return Suggestions(
            note=f"序号为 {serial} 号的文件（各发文机关、各年份，最新的在前）：",
            notices=_newest(published.filter(serial=serial)),
        )
    match = _YEAR_SERIAL_RE.fullmatch(text)
    if match and (match["open"] or match["between"] or match["di"]):
        year, serial = int(match["year"]), int(match["serial"])
        if FIRST_YEAR <= year <= LAST_YEAR:
            return Suggestions(
                note=f"字号为〔{year}〕{serial}号的文件（各发文机关）：",
                notices=_newest(published.filter(year=year, serial=serial)),
            )
    return Suggestions()


def _near_numbers(number: DocNumber) -> list[Notice]:
    """Published notices of the same year and serial whose code is within one edit, the
    nearest first. Two small queries: the codes that have this year and serial (an index
    lookup on notice_doc_parts, PostgreSQL skipping through its leading agency_code), then
    the notices of the near ones."""
    same = Notice.objects.published().filter(year=number.year, serial=number.serial)
    codes = same.order_by().values_list("agency_code", flat=True).distinct()
    near = [code for code in codes if within_one_edit(code, number.agency_code)]
    if not near:
        return []
    notices = _newest(same.filter(agency_code__in=near))
    return sorted(notices, key=lambda notice: notice.agency_code != number.agency_code)


def _newest(notices: NoticeQuerySet) -> list[Notice]:
    """The newest SUGGESTION_LIMIT of `notices`, with their issue, without their long text."""
    return list(notices.newest_first().defer("body", "structure")[:SUGGESTION_LIMIT])


def within_one_edit(a: str, b: str) -> bool:
    """Whether `a` becomes `b` by at most one edit: a character inserted, deleted or replaced
    (Levenshtein distance ≤ 1), or two neighbouring characters swapped (咸办政发 for 咸政办发,
    a common slip of the keyboard). Linear time."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    if len(a) == len(b):
        if a[start + 1 :] == b[start + 1 :]:
            return True  # one replaced
        swapped = a[start : start + 2] == b[start : start + 2][::-1]
        return swapped and a[start + 2 :] == b[start + 2 :]
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    return longer[start + 1 :] == shorter[start:]  # one inserted


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
