"""Passages and highlighting, on the original text (never on tokenised text)."""

from __future__ import annotations

import functools
import re
import unicodedata

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from documents.search.tokens import FIELD_SEPARATOR, HAN, HAN_RUN_RE, WORD_RE, Term

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


def term_pattern(term: Term) -> re.Pattern[str]:
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
        if previous and HAN_RUN_RE.fullmatch(previous) and HAN_RUN_RE.fullmatch(char):
            pieces.append(r"\s*")
        pieces.append(f"[{re.escape(spellings.get(char, char))}]")
        previous = char
    pattern = "".join(pieces)
    if WORD_RE.fullmatch(term.normalized[0]):
        pattern = rf"(?<![^\W_{HAN}])" + pattern
    if WORD_RE.fullmatch(term.normalized[-1]):
        pattern += rf"(?![^\W_{HAN}])"
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
