"""Small text helpers shared by the models, the importer and the pages."""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field

_SPACES = re.compile(r"[\s\u3000\u00a0]+")

HEADING_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("chapter", re.compile(r"^第[一二三四五六七八九十百零〇]+章(\s|$)")),
    ("article", re.compile(r"^第[一二三四五六七八九十百零〇]+条(\s|$)")),
    ("heading1", re.compile(r"^[一二三四五六七八九十]+、")),
    ("heading2", re.compile(r"^[（(][一二三四五六七八九十]+[)）]")),
    ("heading3", re.compile(r"^\d{1,2}[.．、](?!\d)")),
]


# The kinds of official document (《党政机关公文处理工作条例》第八条; 令 and 命令 apart), longest
# first so that 通知 is not read as 知 or 命令 as 令.
DOCUMENT_KINDS = (
    "决议", "决定", "命令", "公报", "公告", "通告", "意见", "通知",
    "通报", "报告", "请示", "批复", "议案", "纪要", "函", "令",
)  # fmt: skip
_DECREE_NUMBER = re.compile(r"令\s*[（(〔\[]?\s*第")
_TITLE_END = re.compile(r"[\s（(【\[][^）)】\]]*[）)】\]]\s*$|[\s。：:]+$")


def document_kind(title: str, doc_number: str | None = None) -> str:
    """The kind (文种) of a document, from its number (…令第46号) or the end of its title
    (…的通知, 咸宁市人民政府令); "" when neither says (a rule printed under a decree's
    number has its kind from the number)."""
    if doc_number and _DECREE_NUMBER.search(doc_number):
        return "令"
    text = unicodedata.normalize("NFKC", title or "").strip()
    text = _TITLE_END.sub("", text)  # a trailing (征求意见稿), (2023年修订), punctuation
    return next((kind for kind in DOCUMENT_KINDS if text.endswith(kind)), "")


def chinese_date(value: datetime.date) -> str:
    """2022-11-16 as the gazette prints it: 2022年11月16日 (the one date format of the portal)."""
    return f"{value.year}年{value.month}月{value.day}日"


def normalize_person_name(name: str) -> str:
    """`杨 军` → `杨军`: two-character names are typeset with a padding space."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", name or ""))


def collapse_spaces(text: str) -> str:
    """Runs of spaces, tabs, line breaks and full-width spaces as one space (the one copy, which
    the importer uses too)."""
    return _SPACES.sub(" ", text or "").strip()


@dataclass(frozen=True)
class Block:
    kind: str  # "chapter", "article", "heading1", "heading2", "heading3" or "paragraph"
    text: str


def body_blocks(text: str) -> list[Block]:
    """Split a stored body (one paragraph per line) into blocks with their heading level."""
    blocks = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        kind = next((k for k, pattern in HEADING_PATTERNS if pattern.match(line)), "paragraph")
        blocks.append(Block(kind=kind, text=line))
    return blocks


# --- Outline: how a body is shown on a page -----------------------------------------------------

# Rank of each numbered heading kind: a heading nests under any open heading of a lower rank.
HEADING_RANKS = {"chapter": 0, "heading1": 1, "heading2": 2, "heading3": 3}
HEADING_MAX_CHARS = 30
# A line with these is a sentence or a list item (（一）项目申请表；), not a title.
_SENTENCE_PUNCTUATION = re.compile(r"[，,；;：:？?！!]")
# The numbered lead of a paragraph shown in bold: "（一）加强组织保障。" of a longer paragraph.
_RUN_IN_MAX_CHARS = 40
_ARTICLE = re.compile(r"^(第[一二三四五六七八九十百零〇]+条)\s*(.*)$")
_ENCLOSED_TITLE_MAX_CHARS = 80
_ENCLOSED_SEARCH_LINES = 4


@dataclass(frozen=True)
class OutlineBlock:
    """A block as a page shows it: a heading at `level` (3-6), a paragraph with a bold run-in
    `lead` (a numbered lead sentence or 第N条) followed by `rest`, or a plain paragraph."""

    kind: str
    text: str
    level: int | None = None
    lead: str = ""
    rest: str = ""


@dataclass(frozen=True)
class BodyOutline:
    """A notice body split as printed: the covering letter, then (for 印发 notices) the
    enclosed document's title and the enclosed document itself."""

    letter: list[OutlineBlock]
    enclosed_title: str = ""
    enclosed: list[OutlineBlock] = field(default_factory=list)


def is_title(text: str) -> bool:
    """A short line without sentence punctuation: 一、总体要求, （三）按时报送稿件。"""
    body = text.removesuffix("。")
    return (
        len(text) <= HEADING_MAX_CHARS
        and "。" not in body
        and not _SENTENCE_PUNCTUATION.search(text)
        and not text.endswith("、")
    )


def _run_in(block: Block) -> OutlineBlock:
    if block.kind == "article" and (match := _ARTICLE.match(block.text)):
        return OutlineBlock(block.kind, block.text, lead=match[1], rest=" " + match[2])
    end = block.text.find("。")
    if block.kind in HEADING_RANKS and 0 < end < _RUN_IN_MAX_CHARS and end < len(block.text) - 1:
        return OutlineBlock(
            block.kind, block.text, lead=block.text[: end + 1], rest=block.text[end + 1 :]
        )
    return OutlineBlock(block.kind, block.text)


def outline_blocks(blocks: list[Block], *, top: int = 3) -> list[OutlineBlock]:
    """Give each block its place on the page. Chapters and short numbered titles become
    headings starting at level `top`, one level deeper under each open heading of a lower rank,
    so heading levels never skip (an accessibility rule) whatever the numbering does; a
    heading that would be deeper than h6 is shown as a bold run-in instead."""
    shown: list[OutlineBlock] = []
    open_ranks: list[int] = []
    for block in blocks:
        rank = HEADING_RANKS.get(block.kind)
        if rank is not None and (block.kind == "chapter" or is_title(block.text)):
            while open_ranks and open_ranks[-1] >= rank:
                open_ranks.pop()
            level = top + len(open_ranks)
            if level <= 6:
                open_ranks.append(rank)
                shown.append(OutlineBlock(block.kind, block.text, level=level))
                continue
            shown.append(OutlineBlock(block.kind, block.text, lead=block.text))
            continue
        shown.append(_run_in(block))
    return shown


def _quoted_titles(line: str) -> set[str]:
    """Titles quoted in 《》 in `line`, with nested 〈〉 read as 《》 (《〈咸宁年鉴〉编纂方案》)."""
    line = line.replace("〈", "《").replace("〉", "》")
    titles, depth, start = set(), 0, 0
    for index, char in enumerate(line):
        if char == "《":
            if depth == 0:
                start = index + 1
            depth += 1
        elif char == "》" and depth:
            depth -= 1
            if depth == 0:
                titles.add(collapse_spaces(line[start:index]))
    return titles


def body_outline(text: str, *, top: int = 3) -> BodyOutline:
    """Outline of a notice body. A covering letter that names the enclosed document in 《》
    (《某某方案》已经市人民政府同意，现印发给你们) is followed by that title on a line of its
    own; the title becomes a heading at `top` and the enclosed document nests under it."""
    blocks = body_blocks(text)
    for index, block in enumerate(blocks[1 : _ENCLOSED_SEARCH_LINES + 1], start=1):
        title = collapse_spaces(block.text)
        if block.kind != "paragraph" or len(title) > _ENCLOSED_TITLE_MAX_CHARS:
            continue
        if any(title in _quoted_titles(earlier.text) for earlier in blocks[:index]):
            return BodyOutline(
                letter=outline_blocks(blocks[:index], top=top),
                enclosed_title=block.text,
                enclosed=outline_blocks(blocks[index + 1 :], top=top + 1),
            )
    return BodyOutline(letter=outline_blocks(blocks, top=top))
