"""Small text helpers shared by the models, the importer and the pages."""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field, replace

_SPACES = re.compile(r"[\s\u3000\u00a0]+")

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


def body_lines(text: str) -> list[str]:
    """A stored body's lines, one paragraph each: what Notice.structure has one entry for."""
    return text.split("\n") if text else []


@dataclass(frozen=True)
class Block:
    """A line of a body with what the parser found it to be (its entry in the structure:
    documents.importer.structure)."""

    kind: str  # title, chapter, section, article, heading1, heading2, heading3 or paragraph
    text: str
    number: str = ""  # the printed marker, normalised: 第一章, 第十四条, 一、, （二）, 3.
    anchor: str = ""  # its id on the page: 第十四条, 一-（二）


def body_blocks(text: str, structure: list[dict]) -> list[Block]:
    """A stored body's non-blank lines with their entries of `structure` (one per line)."""
    lines = body_lines(text)
    if len(lines) != len(structure):
        raise ValueError(f"the structure has {len(structure)} entries for {len(lines)} lines")
    return [
        Block(entry["kind"], line.strip(), entry.get("number", ""), entry.get("anchor", ""))
        for line, entry in zip(lines, structure, strict=True)
        if line.strip()
    ]


# --- Outline: how a body is shown on a page -----------------------------------------------------

# Rank of each heading kind: a heading nests under any open heading of a lower rank. Articles
# are not headings: they are paragraphs with their number in bold.
HEADING_RANKS = {"chapter": 0, "section": 1, "heading1": 2, "heading2": 3, "heading3": 4}
# Chapters and sections are headings however long; numbered lines only when they are titles.
_ALWAYS_HEADINGS = ("chapter", "section")
HEADING_MAX_CHARS = 30
# A line with these is a sentence or a list item (（一）项目申请表；), not a title.
_SENTENCE_PUNCTUATION = re.compile(r"[，,；;：:？?！!]")
# The numbered lead of a paragraph shown in bold: "（一）加强组织保障。" of a longer paragraph.
_RUN_IN_MAX_CHARS = 40


@dataclass(frozen=True)
class OutlineBlock:
    """A block as a page shows it: a heading at `level` (3-6), a paragraph with a bold run-in
    `lead` (a numbered lead sentence or 第N条) followed by `rest`, or a plain paragraph; with
    its id (`anchor`) when it is numbered."""

    kind: str
    text: str
    level: int | None = None
    lead: str = ""
    rest: str = ""
    anchor: str = ""


@dataclass(frozen=True)
class BodyOutline:
    """A notice body split as printed: the covering letter, then (for 印发 notices and
    decrees) the enclosed document's title and the enclosed document itself."""

    letter: list[OutlineBlock]
    enclosed_title: str = ""
    enclosed: list[OutlineBlock] = field(default_factory=list)

    @property
    def anchors(self) -> list[str]:
        return [block.anchor for block in [*self.letter, *self.enclosed] if block.anchor]


@dataclass(frozen=True)
class PartOutline:
    """An attachment as a page shows it: its id (附件2) and its blocks, whose ids start with
    it (附件2-一-（二）), so that they are unique on the notice's page."""

    anchor: str
    blocks: list[OutlineBlock]

    @property
    def anchors(self) -> list[str]:
        return [self.anchor, *(block.anchor for block in self.blocks if block.anchor)]


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
    if block.kind == "article":
        if block.number and block.text.startswith(block.number):
            rest = " " + block.text[len(block.number) :].strip()
            return OutlineBlock(
                block.kind, block.text, lead=block.number, rest=rest, anchor=block.anchor
            )
        return OutlineBlock(block.kind, block.text, anchor=block.anchor)
    end = block.text.find("。")
    if block.kind in HEADING_RANKS and 0 < end < _RUN_IN_MAX_CHARS and end < len(block.text) - 1:
        return OutlineBlock(
            block.kind,
            block.text,
            lead=block.text[: end + 1],
            rest=block.text[end + 1 :],
            anchor=block.anchor,
        )
    return OutlineBlock(block.kind, block.text, anchor=block.anchor)


def _spaced(block: Block) -> str:
    """A chapter or section heading with a space after its number, as printed (第一节 认定):
    the extraction's squashed spaces dropped it from some."""
    rest = block.text.removeprefix(block.number)
    if not block.number or rest == block.text or not rest or rest[0].isspace():
        return block.text
    return f"{block.number} {rest}"


def outline_blocks(blocks: list[Block], *, top: int = 3) -> list[OutlineBlock]:
    """Give each block its place on the page. Chapters, sections and short numbered titles
    (not the numbered items of an article) become headings starting at level `top`, one level
    deeper under each open heading of a lower rank, so heading levels never skip (an
    accessibility rule) whatever the numbering does; a heading that would be deeper than h6 is
    shown as a bold run-in instead."""
    shown: list[OutlineBlock] = []
    open_ranks: list[int] = []
    in_article = False  # the items of an article ((一)…；(二)…。) are its text, not headings
    for block in blocks:
        if block.kind in ("article", "chapter", "section"):
            in_article = block.kind == "article"
        rank = None if in_article else HEADING_RANKS.get(block.kind)
        if rank is not None and (block.kind in _ALWAYS_HEADINGS or is_title(block.text)):
            while open_ranks and open_ranks[-1] >= rank:
                open_ranks.pop()
            level = top + len(open_ranks)
            if level <= 6:
                open_ranks.append(rank)
                text = _spaced(block) if block.kind in _ALWAYS_HEADINGS else block.text
                shown.append(OutlineBlock(block.kind, text, level=level, anchor=block.anchor))
                continue
            shown.append(OutlineBlock(block.kind, block.text, lead=block.text, anchor=block.anchor))
            continue
        shown.append(_run_in(block))
    return shown


def body_outline(blocks: list[Block], *, top: int = 3) -> BodyOutline:
    """Outline of a notice body. The parser's title line (kind ``title``: the enclosed
    document's title under a covering letter) becomes a heading at `top`, and the enclosed
    document nests under it."""
    index = next((i for i, block in enumerate(blocks) if block.kind == "title"), None)
    if index is None:
        return BodyOutline(letter=outline_blocks(blocks, top=top))
    return BodyOutline(
        letter=outline_blocks(blocks[:index], top=top),
        enclosed_title=blocks[index].text,
        enclosed=outline_blocks(blocks[index + 1 :], top=top + 1),
    )


def part_outline(label: str, blocks: list[Block], *, top: int = 3) -> PartOutline:
    """Outline of an attachment labelled `label` (附件2), its headings from `top`."""
    anchor = _SPACES.sub("", label)
    shown = [
        replace(block, anchor=f"{anchor}-{block.anchor}") if block.anchor else block
        for block in outline_blocks(blocks, top=top)
    ]
    return PartOutline(anchor=anchor, blocks=shown)
