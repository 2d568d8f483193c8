"""Small text normalisers every importer stage shares (pure Python, no Django).

The PDF extraction of the gazette puts spaces where a line wrapped (``扩大有效投资 实施方案``),
types digits and brackets in both widths, and wraps cells in HTML. These helpers turn such
fragments into the text a reader sees, and give a key for comparing two spellings of a title
(full-width and traditional characters compare as their half-width and simplified forms).
"""

from __future__ import annotations

import datetime
import difflib
import functools
import html
import re
import unicodedata
from html.parser import HTMLParser

import opencc

from documents.text import collapse_spaces

__all__ = [
    "DATE_LINE_RE",
    "cn_to_int",
    "collapse_spaces",
    "join_wrapped",
    "match_key",
    "parse_date",
    "repair_text_layer",
    "similarity",
    "simplified",
    "split_outside_brackets",
    "squash",
    "strip_html",
    "strip_spaces",
    "title_similarity",
]

# Characters between which a space is never meaningful: CJK ideographs, CJK punctuation,
# full-width forms and the typographic quotes and dashes used in Chinese text.
_CJK = (
    "\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\ufe30-\ufe4f\uff00-\uffef\u2014\u2018\u2019\u201c\u201d\u2026\u00b7\u2236"
    "\u00b2\u00b3\u33a1"
)
_SPACE_AROUND_CJK_RE = re.compile(rf"(?<=[{_CJK}])[ \t]+|[ \t]+(?=[{_CJK}])")
_SPACES_RE = re.compile(r"[ \t\u00a0\u3000]+")
_BRACKETED_UNIT_RE = re.compile(r"\[\s*(㎡|m²|m³)\s*\]")
_SUPERSCRIPT_RE = re.compile(r"\s+([²³])")
_ASCII_WORD_RE = re.compile(r"[A-Za-z]")
# Everything that is not a letter, digit or ideograph: ignored when comparing titles.
_NOT_WORD_RE = re.compile(r"[\W_]+")
_WHITESPACE_RE = re.compile(r"\s+")

_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_CN_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}

# Typesetters often put a digit zero, a letter O or a circle ○ among Chinese numerals
# (二0一一年, 二O二二年, in either width): a year of Chinese numerals reads them as 〇.
_ZERO_LIKE = "0OoΟ○◯０Ｏｏ"
_YEAR = rf"(?P<year>\d{{4}}|[〇零一二三四五六七八九{_ZERO_LIKE}]{{4}})"
_MONTH = r"(?P<month>\d{1,2}|[一二三四五六七八九十]{1,3})"
_DAY = r"(?P<day>\d{1,2}|[一二三四五六七八九十]{1,3})"
DATE_RE = re.compile(rf"{_YEAR}\s*年\s*{_MONTH}\s*月\s*{_DAY}\s*日")
DATE_LINE_RE = re.compile(rf"^\s*{DATE_RE.pattern}\s*$")


def squash(text: str) -> str:
    """Collapse whitespace and drop the spaces line-wrapping left next to Chinese characters.

    ``市人民政府印发 咸宁市关于…`` → ``市人民政府印发咸宁市关于…``; spaces between Latin words
    (``GB/T 9704``) stay; ``101万m ²`` → ``101万m²`` and ``3万 [㎡]`` → ``3万㎡``.
    """
    text = _BRACKETED_UNIT_RE.sub(r"\1", text)
    text = _SUPERSCRIPT_RE.sub(r"\1", text)
    text = _SPACES_RE.sub(" ", text)
    return _SPACE_AROUND_CJK_RE.sub("", text).strip()


def strip_spaces(text: str) -> str:
    """Every space out (``组 长`` → ``组长``, ``杨 军`` → ``杨军``)."""
    return _WHITESPACE_RE.sub("", text)


def join_wrapped(first: str, second: str) -> str:
    """Join two pieces of one line that the extraction wrapped (no space, except between words)."""
    first, second = first.rstrip(), second.lstrip()
    if first and second and _ASCII_WORD_RE.match(first[-1]) and _ASCII_WORD_RE.match(second[0]):
        return f"{first} {second}"
    return first + second


@functools.cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")  # 20 ms to load its dictionaries: once, when first needed


def simplified(text: str) -> str:
    """`text` in simplified characters (``市發改委`` → ``市发改委``), for comparing only: what
    is stored stays as printed. OpenCC converts by phrase, so 乾隆 stays and 乾燥 becomes 干燥."""
    return _t2s().convert(text)


def match_key(text: str) -> str:
    """A key for fuzzy comparison: NFKC, simplified characters, no spaces, no punctuation.

    ``《咸宁年鉴（2022）》``, ``《咸宁年鉴(2022)》`` and ``《咸寧年鑑（２０２２）》`` all give
    ``咸宁年鉴2022``.
    """
    return _NOT_WORD_RE.sub("", simplified(unicodedata.normalize("NFKC", text))).lower()


# An issuer's name and the verbs in front of a title's subject (中共…市委办公室关于印发…): the
# city's own name or any place up to …市/…省/…县/…区.
_TITLE_PREFIX_RE = re.compile(
    r"^(?:中共)?(?:[\u4e00-\u9fff]{1,8}?[省市县区]|市)?(?:委)?(?:人民政府|政府)?(?:办公室|办公厅)?"
    r"(?:关于)?(?:印发|转发)?"
)
_TITLE_SUFFIX_RE = re.compile(r"(?:的)?(?:通知|决定|意见|批复|函|公告|通告|命令|报告)$")


def similarity(a: str, b: str) -> float:
    """difflib ratio of the match keys of two texts (1.0 = same words)."""
    key_a, key_b = match_key(a), match_key(b)
    if not key_a or not key_b:
        return 0.0
    return difflib.SequenceMatcher(None, key_a, key_b, autojunk=False).ratio()


def title_similarity(a: str, b: str) -> float:
    """Like similarity, but on what tells two titles apart: the boilerplate every title of the
    gazette shares (``市人民政府办公室关于印发…的通知``) is left out, so that ``…关于甲事项的通知``
    and ``…关于丙事项的通知`` are far apart while a typo in a long title still matches."""
    core_a, core_b = (
        _TITLE_SUFFIX_RE.sub("", _TITLE_PREFIX_RE.sub("", match_key(t))) for t in (a, b)
    )
    if not core_a or not core_b:
        return similarity(a, b)
    return difflib.SequenceMatcher(None, core_a, core_b, autojunk=False).ratio()


def cn_to_int(text: str) -> int | None:
    """``二十八`` → 28, ``一百零五`` → 105, ``〇``/``3`` → 0/3, ``二0一一`` → 2011 (a zero
    look-alike among Chinese numerals is 〇); None if it is not a numeral."""
    text = unicodedata.normalize("NFKC", text.strip())
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if any(char in _CN_DIGITS for char in text):
        text = "".join("〇" if char in _ZERO_LIKE else char for char in text)
    if any(char not in _CN_DIGITS and char not in _CN_UNITS for char in text):
        return None
    if all(char in _CN_DIGITS for char in text) and len(text) > 1:  # 二〇二二
        return int("".join(str(_CN_DIGITS[char]) for char in text))
    total, digit = 0, None
    for char in text:
        if char in _CN_DIGITS:
            digit = _CN_DIGITS[char]
        else:
            total += (1 if digit is None else digit) * _CN_UNITS[char]
            digit = None
    return total + (digit or 0)


def parse_date(text: str) -> datetime.date | None:
    """The first ``2022年7月15日`` / ``2022 年 3 月 28 日`` / ``二〇二二年七月十五日`` in text."""
    match = DATE_RE.search(unicodedata.normalize("NFKC", text))
    if match is None:
        return None
    year, month, day = (cn_to_int(match[name]) for name in ("year", "month", "day"))
    if year is None or month is None or day is None:
        return None
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


_OPENERS = "（(〔【［[《〈“"
_CLOSERS = "）)〕】］]》〉”"


def split_outside_brackets(text: str, separators: str) -> list[str]:
    """Split on any of `separators`, but not inside brackets (各县（市、区）人民政府 is one)."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for char in text:
        if char in _OPENERS:
            depth += 1
        elif char in _CLOSERS and depth:
            depth -= 1
        if char in separators and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


class _TextExtractor(HTMLParser):
    """Collects the text of an HTML fragment, one line per <p>/<br>, radio buttons as ○."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("p", "br", "div", "li", "tr"):
            self.lines.append("")
        elif tag == "input":
            kind = dict(attrs).get("type") or ""
            self.lines[-1] += "□" if kind == "checkbox" else "○"

    def handle_endtag(self, tag: str) -> None:
        if tag in ("p", "div", "li", "tr"):
            self.lines.append("")

    def handle_data(self, data: str) -> None:
        self.lines[-1] += data


_TAG_RE = re.compile(r"<\s*/?\s*[a-zA-Z][^<>]*>")


def strip_html(cell: str) -> str:
    """Text of a cell that may hold ``<p>…</p>`` fragments: paragraphs become lines."""
    if not _TAG_RE.search(cell):
        return squash(html.unescape(cell))
    extractor = _TextExtractor()
    extractor.feed(cell)
    extractor.close()
    lines = (squash(line) for line in extractor.lines)
    return "\n".join(line for line in lines if line)


# A PDF's text layer sometimes names a character by another that shares its glyph in the font
# (Noto CJK and others map 人 to ⼈ KANGXI RADICAL MAN, 民 to ⺠ CJK RADICAL CIVILIAN, 户 to the
# traditional 戶, the dash — to the bar ―): what the reader sees is the ideograph. Kangxi
# radicals decompose to it under NFKC; the supplement's simplified forms and the shared glyphs
# do not, and are listed here.
_GLYPH_SHARED = dict(
    zip(
        "⺟⺠⺩⺶⻄⻅⻆⻈⻉⻋⻐⻓⻔⻗⻘⻙⻚⻛⻜⻝⻠⻢⻣⻤⻥⻦⻧⻨⻩⻪⻬⻮⻰⻳戶―",
        "母民王羊西见角讠贝车钅长门雨青韦页风飞食饣马骨鬼鱼鸟卤麦黄黾齐齿龙龟户—",
        strict=True,
    )
)
_GLYPH_SHARED_RE = re.compile("[\u2f00-\u2fd5" + "".join(_GLYPH_SHARED) + "]")


def repair_text_layer(text: str) -> tuple[str, int]:
    """Characters a text layer names by a shared glyph, as the reader sees them
    (``咸宁市⼈⺠政府`` → ``咸宁市人民政府``), and how many were replaced."""
    count = 0

    def seen(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        char = unicodedata.normalize("NFKC", match.group())  # ⼾ → 戶, then 戶 → 户
        return _GLYPH_SHARED.get(char, char)

    return _GLYPH_SHARED_RE.sub(seen, text), count
