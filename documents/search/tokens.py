"""The tokeniser and the query builder: how Chinese text becomes lexemes, and a query terms.

The same functions cut the indexed text and the query, so the two can never disagree.
"""

from __future__ import annotations

import bisect
import functools
import operator
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

MAX_QUERY_LENGTH = 200
MAX_TERMS = 10
MAX_WORD_LENGTH = 64  # longer letter/digit words are indexed by their first 64 characters

OVERFLOW_LEXEME = "'#overflow'"  # the whole vector of an overflow row; no text yields '#'
# Each lexeme a notice holds often or in its title is stored a second time with its impact
# tier, +<tier in base 36><lexeme> (+7项目: weighted count 12 to 15), documents.search.ranking.
TIER_MARK = "+"
SAMPLE_MARK = "#s"  # each row's sample group (a hash of its id) is a lexeme too: #s0 … #s1023
SAMPLE_BITS = 10
SAMPLE_GROUPS = 1 << SAMPLE_BITS  # a group holds about 1 row in 1,024
# …and so are the blocks of 16 and of 256 groups it is in (#c0 … #c63, #q0 … #q3): a sample
# of many groups is then a few lexemes (GIN evaluates a tsquery of hundreds of alternatives
# for every candidate: 64 ms for 267 groups against 1.4 ms for 17).
SAMPLE_LEVELS = (("#q", 8), ("#c", 4), (SAMPLE_MARK, 0))  # (mark, bits of the group dropped)


def sample_lexemes(notice_id: int) -> list[str]:
    """A row's sample lexemes, one per level of SAMPLE_LEVELS."""
    group = sample_group(notice_id)
    return [f"{mark}{group >> shift}" for mark, shift in SAMPLE_LEVELS]


def sample_group(notice_id: int) -> int:
    """The sample group of a row: Fibonacci hashing of its id, the top SAMPLE_BITS bits (the
    same arithmetic as migration 0009's SQL)."""
    return (notice_id * 0x9E3779B1 & 0xFFFFFFFF) >> (32 - SAMPLE_BITS)


def sample_tsquery(groups: int) -> str:
    """tsquery for the first `groups` sample groups, in as few lexemes as SAMPLE_LEVELS allow:
    whole blocks of 256, then of 16, then single groups ("" for all of them)."""
    lexemes, start = [], 0
    for mark, shift in SAMPLE_LEVELS:
        while start + (1 << shift) <= groups < SAMPLE_GROUPS:
            lexemes.append(quote_lexeme(f"{mark}{start >> shift}"))
            start += 1 << shift
    return " | ".join(lexemes)


# …and so is its size in bytes, in quarter octaves from 64 bytes (#l0 below 76 bytes, #l1 …
# #l63): where every term occurs once a row's score falls with its size alone, and the
# shortest such rows are found from these lexemes instead of by sorting every candidate.
LENGTH_MARK = "#l"
LENGTH_BOUNDS = [int(64 * 2 ** (k / 4)) for k in range(1, 64)]  # migration 0021 holds a copy


def length_lexeme(size: int) -> str:
    return f"{LENGTH_MARK}{bisect.bisect_right(LENGTH_BOUNDS, size)}"


# The year, agency code and issuer are lexemes too (#y2020, #a咸政办发, #i咸宁市人民政府), so
# a filtered page is one GIN intersection instead of every match of the query read and dropped.
FACET_MARKS = {"year": "#y", "agency": "#a", "issuer": "#i"}

# --- Normalisation and lexemes ----------------------------------------------------------------

# CJK ideographs (with extensions and compatibility forms), kana and hangul: scripts written
# without spaces, cut into characters and bigrams.
HAN = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
HAN_RUN_RE = re.compile(f"[{HAN}]+")
WORD_RE = re.compile(rf"[^\W_{HAN}]+")  # letters and digits of other scripts
_HAN_GAP_RE = re.compile(rf"(?<=[{HAN}])\s+(?=[{HAN}])")
_SPACES_RE = re.compile(r"\s+")
# Control and format characters, surrogates and non-characters: never searchable text.
CONTROL_RE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff"
    "\ud800-\udfff\ufff0-\uffff]"
)
WORD_MARK = "\x1f"  # wraps letter/digit words in search_text; input never contains it
FIELD_SEPARATOR = "\n"  # between fields and table cells: no match crosses it


def normalize(text: str) -> str:
    """The searchable form of one piece of text (one field, or one query term)."""
    text = unicodedata.normalize("NFKC", CONTROL_RE.sub(" ", text or "")).lower()
    return _SPACES_RE.sub(" ", _HAN_GAP_RE.sub("", CONTROL_RE.sub(" ", text))).strip()


def marked(normalized: str) -> str:
    """Wrap each letter/digit word in WORD_MARK, so ``8号`` is not a substring of ``28号``."""
    return WORD_RE.sub(lambda m: f"{WORD_MARK}{m.group()}{WORD_MARK}", normalized)


def lexemes(normalized: str) -> set[str]:
    """Index lexemes of normalised text: Chinese characters and bigrams, other words whole."""
    return set(lexeme_counts(normalized))


def lexeme_counts(normalized: str) -> Counter[str]:
    """How many times each of ``lexemes(normalized)`` occurs in the text."""
    # The Chinese runs joined by NUL (never in normalised text) and counted in two passes,
    # characters and pairs, then the pairs across two runs dropped: two Counter calls for the
    # whole text instead of two a run, as fast as ``lexemes`` is.
    han = "\0".join(HAN_RUN_RE.findall(normalized))
    found = Counter(han)
    found.update(map(operator.add, han, han[1:]))
    for crossing in [lexeme for lexeme in found if "\0" in lexeme]:
        found.pop(crossing)  # dict's, in C: Counter's del is Python
    found.update(word[:MAX_WORD_LENGTH] for word in WORD_RE.findall(normalized))
    return found


def query_lexemes(normalized: str) -> list[str]:
    """The fewest lexemes a text must contain to contain `normalized`: bigrams cover runs."""
    found: list[str] = []
    for piece in re.finditer(rf"[{HAN}]+|[^\W_{HAN}]+", normalized):
        run = piece.group()
        if HAN_RUN_RE.fullmatch(run):
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
        return query_lexemes(self.normalized)

    @property
    def needle(self) -> str:
        """What `search_text` must contain: the normalised term with its words marked."""
        return marked(self.normalized)

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
    text = CONTROL_RE.sub(" ", raw or "")
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


def tsquery_of(terms: list[Term]) -> str:
    """tsquery text for the lexemes the terms need. Lexemes are letters, digits and CJK only,
    and each is quoted anyway; excluded terms add ``!lexeme`` only when that is exact."""
    parts = [quote_lexeme(lexeme) for term in terms if not term.negated for lexeme in term.lexemes]
    parts += [
        "!" + quote_lexeme(term.lexemes[0])
        for term in terms
        if term.negated and term.exact_by_lexemes
    ]
    return " & ".join(parts)


def quote_lexeme(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"
