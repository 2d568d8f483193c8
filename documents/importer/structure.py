"""What each line of a stored body is, as the parser reads it (Notice.structure,
Attachment.structure): pure functions, no database.

The parser knows what it read: the enclosed document's title under a covering letter,
chapters (第N章), sections (第N节), articles (第N条) and the numbered headings 一、 （一） 1. The
loader keeps that beside the text, one small entry per line of the body (the text itself
stays in the body)::

    {"kind": "paragraph"}
    {"kind": "title"}                       the enclosed document's title
    {"kind": "chapter", "number": "第二章", "anchor": "第二章"}
    {"kind": "section", "number": "第一节", "anchor": "第二章-第一节"}
    {"kind": "article", "number": "第十四条", "anchor": "第十四条"}
    {"kind": "heading1", "number": "一、", "anchor": "一"}
    {"kind": "heading2", "number": "（二）", "anchor": "一-（二）"}
    {"kind": "heading3", "number": "3.", "anchor": "一-（二）-3"}

An anchor is the path of numbers from the nearest article (articles are numbered through the
whole document) or else from the top: ``第十四条-（一）``, ``第一章-一``; one printed twice gets
``_2``. Pages show a body from its structure and never guess it again; when staff edit a body,
`body_structure` reads the new text with the parser's own rules (`classify_block`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Sequence

from documents.text import body_lines

from .body import classify_block, is_structural, is_title_like
from .records import BLOCK_KINDS, Block
from .text import cn_to_int, squash, strip_spaces

__all__ = [
    "STRUCTURE_KINDS",
    "anchor_key",
    "blocks_structure",
    "body_structure",
    "find_anchor",
    "fits",
    "rebuilt_structure",
    "structure_of",
]

#: The kinds of line, in the order they nest: the parser's block kinds.
STRUCTURE_KINDS = BLOCK_KINDS
# A numbered line closes every open one of its rank or deeper.
_RANKS = {"chapter": 0, "section": 1, "article": 2, "heading1": 3, "heading2": 4, "heading3": 5}

_CN = "一二三四五六七八九十百零〇"
_SECTION_RE = re.compile(rf"^第\s*(?P<num>[{_CN}\d]+)\s*节")
_MAX_SECTION = 30
# The parser's test for the enclosed title under a signature (importer/notices.py,
# _looks_like_enclosed_title), for a text whose signature lines are no longer there.
_MAX_ENCLOSED_TITLE = 60
_COMMA_RE = re.compile(r"[，,]")
_NUMERAL_RE = re.compile(rf"第([{_CN}\d]+)([章节条])")


def blocks_structure(blocks: Iterable[Block]) -> list[dict]:
    """The structure of the body the parser's `blocks` render to (ParsedNotice.body_text):
    one entry per line, with an anchor for every numbered line."""
    entries: list[dict] = []
    path: list[tuple[int, str]] = []
    used: set[str] = set()
    for block in blocks:
        kind, number = block.kind, block.number
        if kind in _RANKS:
            rank = _RANKS[kind]
            while path and path[-1][0] >= rank:
                path.pop()
            path.append((rank, number.rstrip("、.．")))
            entries.append({"kind": kind, "number": number, "anchor": _anchor(path, used)})
        else:
            if kind == "title":  # the enclosed document starts afresh
                path.clear()
            entries.append({"kind": "title" if kind == "title" else "paragraph"})
        # A block is one line; were a line break ever inside one, the lines after it are its text.
        entries += [{"kind": "paragraph"} for _ in range(block.render().count("\n"))]
    return entries


def _anchor(path: list[tuple[int, str]], used: set[str]) -> str:
    """The anchor of the last line of `path`; one printed before gets ``_2`` (``一_2``), which
    the lines under it keep (``一_2-（一）``)."""
    start = max((i for i, (rank, _) in enumerate(path) if rank == _RANKS["article"]), default=0)
    rank, part = path[-1]
    prefix = "".join(f"{name}-" for _, name in path[start:-1])
    unique, n = part, 1
    while prefix + unique in used:
        n += 1
        unique = f"{part}_{n}"
    path[-1] = (rank, unique)
    used.add(prefix + unique)
    return prefix + unique


def body_structure(lines: Sequence[str], *, titles: Collection[str] = ()) -> list[dict]:
    """The structure of a body's `lines` (one paragraph a line, as stored) by the parser's
    rules: each line as classify_block reads it; the enclosed document's title is the line
    that is one of `titles` (the title the parser found, kept while staff edit the text
    around it), else the first line of the covering letter that looks like a title and is
    named in 《》 by a line above it."""
    blocks = [classify_block(line) for line in lines]
    title = _title_line(lines, blocks, titles)
    if title is not None:
        blocks[title] = Block("title", "", squash(lines[title]))
    return blocks_structure(blocks)


def _title_line(lines: Sequence[str], blocks: list[Block], titles: Collection[str]) -> int | None:
    wanted = {squash(title) for title in titles if title.strip()}
    found = next((i for i, line in enumerate(lines) if wanted and squash(line) in wanted), None)
    if found is not None:
        return found
    last = max((i for i, line in enumerate(lines) if line.strip()), default=-1)
    for index in range(1, last):  # the letter: the paragraphs above its first heading or label
        line = squash(lines[index])
        if blocks[index].kind != "paragraph" or is_structural(lines[index]):
            return None
        if (
            line
            and is_title_like(line)
            and len(line) <= _MAX_ENCLOSED_TITLE
            and not _COMMA_RE.search(line)
            and any(line in _quoted_titles(earlier) for earlier in lines[:index])
        ):
            return index
    return None


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
                titles.add(squash(line[start:index]))
    return titles


def fits(structure: object, body: str) -> bool:
    """Whether `structure` describes `body`: one known entry per line."""
    return (
        isinstance(structure, list)
        and len(structure) == len(body_lines(body))
        and all(
            isinstance(entry, dict) and entry.get("kind") in STRUCTURE_KINDS for entry in structure
        )
    )


def structure_of(body: str, structure: object) -> list[dict]:
    """The stored structure when it fits the body, else the body read again by the parser's
    rules (rows stored before structures were kept, or a body changed without its own)."""
    if isinstance(structure, list) and fits(structure, body):
        return structure
    return body_structure(body_lines(body))


def rebuilt_structure(old_body: str, old_structure: object, new_body: str) -> list[dict]:
    """The structure of `new_body`, which staff made of `old_body`: read by the parser's rules,
    keeping the enclosed title the old structure had where that line is still there."""
    titles: list[str] = []
    if isinstance(old_structure, list) and fits(old_structure, old_body):
        lines = body_lines(old_body)
        titles = [
            line
            for line, entry in zip(lines, old_structure, strict=True)
            if entry["kind"] == "title"
        ]
    return body_structure(body_lines(new_body), titles=titles)


def anchor_key(anchor: str) -> str:
    """An anchor as people may type it, for finding the one on the page: spaces and widths
    ignored, numerals in either script (``第14条`` is ``第十四条``, ``附件 2`` is ``附件2``)."""
    text = strip_spaces(unicodedata.normalize("NFKC", anchor))
    return _NUMERAL_RE.sub(lambda m: f"第{cn_to_int(m[1])}{m[2]}", text)


def find_anchor(anchors: Iterable[str], typed: str) -> str | None:
    """The one of a page's `anchors` that `typed` names (as `anchor_key` compares them)."""
    anchors = list(anchors)
    if typed in anchors:
        return typed
    key = anchor_key(typed)
    return next((anchor for anchor in anchors if anchor_key(anchor) == key), None)
