"""Stages 7 and 8: a notice's lines → blocks, member runs and tables; attachments.

The extraction puts a blank line between paragraphs and breaks some lines where the PDF
wrapped them (mostly at page ends); this module joins those, tells headings from paragraphs,
and cuts a notice into its own body and its attachments (``附件 1``, ``附件3.1``, ``附录``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .groups import MemberRun, collect_member_run, is_member_line, is_role_line, starts_roster
from .records import Block, ParsedTable
from .tables import parse_table
from .text import DATE_LINE_RE, join_wrapped, similarity, squash, strip_spaces

__all__ = [
    "LABEL_RE",
    "LIST_RE",
    "AttachmentPart",
    "classify_block",
    "is_heading_start",
    "is_structural",
    "is_title_like",
    "parse_attachments",
    "parse_body",
]

_CN = "一二三四五六七八九十百零〇"
_CHAPTER_RE = re.compile(rf"^第\s*(?P<num>[{_CN}\d]+)\s*章\s*(?P<text>.*)$")
_SECTION_RE = re.compile(rf"^第\s*(?P<num>[{_CN}\d]+)\s*节\s*(?P<text>.*)$")
# The extraction sometimes garbles 条 into 第 (第一第, 第二十八第).
_ARTICLE_RE = re.compile(rf"^第\s*(?P<num>[{_CN}\d]+)\s*[条第](?![{_CN}\d])\s*(?P<text>.*)$")
_HEADING1_RE = re.compile(r"^(?P<num>[一二三四五六七八九十百]+)\s*、\s*(?P<text>.*)$")
_HEADING2_RE = re.compile(r"^[（(]\s*(?P<num>[一二三四五六七八九十百]+)\s*[）)]\s*(?P<text>.*)$")
_HEADING3_RE = re.compile(r"^(?P<num>\d{1,2})\s*[.．、](?![\d.．])\s*(?P<text>.*)$")
_HEADING_RES = (
    _CHAPTER_RE,
    _SECTION_RE,
    _ARTICLE_RE,
    _HEADING1_RE,
    _HEADING2_RE,
    _HEADING3_RE,
)

LABEL_RE = re.compile(
    r"^\s*(?P<word>附\s*件|附\s*录)\s*(?P<num>\d{1,2}(?:\s*[.．\-－—]\s*\d{1,2})?)?\s*$"
)
LIST_RE = re.compile(r"^\s*附\s*件\s*[：:]\s*(?P<rest>.*)$")
_LIST_ITEM_RE = re.compile(r"^(?P<num>\d{1,2})\s*[.．、]\s*(?P<text>\S.*)$")
_SENTENCE_END_RE = re.compile(r"(?:[。；：！？!?;:…]|[。！？]”)$")
_UNIT_PARENTHETICAL_END_RE = re.compile(r"(?:牵头单位|责任单位|配合单位)\s*[：:]")
_SENTENCE_PUNCTUATION_RE = re.compile(r"[。；;]")
_OPEN_END_RE = re.compile(r"[：:，,]$")
_LABEL_SEPARATOR_RE = re.compile(r"[.．\-－—]")
_MIN_WRAPPED_LINE = 15
_MAX_TITLE = 120
_MAX_SECTION = 30  # a 第N节 heading; a longer line is a sentence that starts so
_MAX_ATTACHMENT_TITLE = 80
_MAX_SHORT_HEADING = 30
_MAX_HEADING_REMAINDER = 12


# --- helpers that classify lines ----------------------------------------------------------------


def is_title_like(line: str) -> bool:
    """A line that can be (part of) a title: no tab, no sentence punctuation, not too long."""
    stripped = line.strip()
    return (
        bool(stripped)
        and "\t" not in line
        and len(stripped) <= _MAX_TITLE
        and not _SENTENCE_PUNCTUATION_RE.search(stripped)
        and not _OPEN_END_RE.search(stripped)
        and not DATE_LINE_RE.match(stripped)
        and not LABEL_RE.match(stripped)
        and not is_role_line(stripped)
    )


def is_heading_start(line: str) -> bool:
    return any(pattern.match(line) for pattern in _HEADING_RES)


def is_structural(line: str) -> bool:
    """A line that never continues the paragraph above it."""
    return (
        "\t" in line
        or is_heading_start(line)
        or bool(LABEL_RE.match(line))
        or bool(LIST_RE.match(line))
        or is_role_line(line)
        or bool(DATE_LINE_RE.match(line))
    )


def classify_block(text: str) -> Block:
    """A paragraph's heading level: 第N章, 第N节, 第N条 (also the garbled 第N第), 一、 （一） 1."""
    text = squash(text)
    if match := _CHAPTER_RE.match(text):
        return Block("chapter", f"第{match['num']}章", squash(match["text"]))
    if (match := _SECTION_RE.match(text)) and len(text) <= _MAX_SECTION and is_title_like(text):
        return Block("section", f"第{match['num']}节", squash(match["text"]))
    if match := _ARTICLE_RE.match(text):
        return Block("article", f"第{match['num']}条", match["text"])
    if match := _HEADING1_RE.match(text):
        return Block("heading1", f"{match['num']}、", match["text"])
    if match := _HEADING2_RE.match(text):
        return Block("heading2", f"（{match['num']}）", match["text"])
    if match := _HEADING3_RE.match(text):
        return Block("heading3", f"{match['num']}.", match["text"])
    return Block("paragraph", "", text)


# --- 7. parse_body ------------------------------------------------------------------------------


def _ends_paragraph(text: str) -> bool:
    """Whether a paragraph's text is complete (sentence-final punctuation, a closed unit
    parenthetical, or a short heading such as ``一、总体要求``)."""
    text = text.rstrip()
    if _unclosed_bracket(text):
        return False  # ``…（牵头单位：市发改委；责任单位：`` goes on on the next line
    if _SENTENCE_END_RE.search(text):
        return True
    if text[-1:] in "）)〕】":
        opening = _opening_of_last_bracket(text)
        if opening is not None and _UNIT_PARENTHETICAL_END_RE.match(text, opening + 1):
            return True
    block = classify_block(text)
    return block.kind != "paragraph" and len(text) <= _MAX_SHORT_HEADING and "。" not in text


def _heading_wraps(text: str, following: str) -> bool:
    """A heading without final punctuation whose last words went to the next line
    (``（三）健全政府运行“一网协同”的体制机`` / ``制。统筹…``): the next line's first sentence
    is a short remainder, where a paragraph after a heading would be a whole sentence."""
    if _SENTENCE_END_RE.search(text) or len(squash(text)) < _MIN_WRAPPED_LINE:
        return False
    stop = following.find("。")
    return 0 <= stop <= _MAX_HEADING_REMAINDER


def _unclosed_bracket(text: str) -> bool:
    depth = 0
    for char in text:
        if char in "（(〔【":
            depth += 1
        elif char in "）)〕】" and depth:
            depth -= 1
    return depth > 0


def _opening_of_last_bracket(text: str) -> int | None:
    depth = 0
    for index in range(len(text) - 1, -1, -1):
        if text[index] in "）)〕】":
            depth += 1
        elif text[index] in "（(〔【":
            depth -= 1
            if depth == 0:
                return index
    return None


def _collect_paragraph(lines: list[str], start: int) -> tuple[int, str]:
    """One paragraph from `start`, joining the lines the PDF extraction wrapped.

    A line continues on the next non-blank line when it does not end a paragraph, is long
    enough to have been wrapped (a short line is a title or a label, not a wrap), and the next
    line does not start something of its own (a heading, a label, a table row, a date…).
    """
    text = lines[start].strip()
    last = text
    index = start + 1
    while True:
        following = index
        while following < len(lines) and not lines[following].strip():
            following += 1
        if following >= len(lines):
            return following, text
        nxt = lines[following].strip()
        if (
            (_ends_paragraph(text) and not _heading_wraps(text, nxt))
            or len(squash(last)) < _MIN_WRAPPED_LINE
            or is_structural(lines[following])
            or is_member_line(nxt)
        ):
            return index, text
        text = join_wrapped(text, nxt)
        last = nxt
        index = following + 1


def parse_body(lines: list[str]) -> list[Block | MemberRun | ParsedTable]:
    """Split a part of a notice into paragraphs, member runs and tables, in order.

    Reads: lines (blank lines separate paragraphs and pages). Writes: Blocks with their
    heading level (``一、`` heading1, ``（一）``/``(一)`` heading2, ``1.``/``1．`` heading3,
    ``第N章`` chapter, ``第N条`` article — also when garbled as ``第N第`` — else paragraph),
    wrapped lines joined; member runs (``组 长：…`` and the lines after it, or a roster of
    ``name    position`` lines without role labels); tables (runs of
    tab-separated lines, across blank lines and page breaks; a line without a tab directly
    under a row and followed by more rows continues that row).
    """
    items: list[Block | MemberRun | ParsedTable] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if not line.strip():
            index += 1
            continue
        if is_role_line(line) or starts_roster(lines, index):
            index, run = collect_member_run(lines, index)
            items.append(run)
            continue
        if "\t" in line:
            index, table_lines = _collect_table(lines, index)
            items.append(parse_table(table_lines, _table_title(items)))
            continue
        index, text = _collect_paragraph(lines, index)
        items.append(classify_block(text))
    return items


def _collect_table(lines: list[str], start: int) -> tuple[int, list[str]]:
    table = [lines[start]]
    index = start + 1
    while index < len(lines):
        line = lines[index]
        if not line.strip():
            index += 1
            continue
        if "\t" in line and not is_role_line(line):
            table.append(line)
        elif (
            lines[index - 1].strip()
            and not is_structural(line)
            and _next_nonblank_has_tab(lines, index + 1)
        ):
            table.append(line)  # a row's text wrapped onto a line of its own
        else:
            break
        index += 1
    while index > start + 1 and not lines[index - 1].strip():
        index -= 1
    return index, table


def _next_nonblank_has_tab(lines: list[str], index: int) -> bool:
    while index < len(lines) and not lines[index].strip():
        index += 1
    return index < len(lines) and "\t" in lines[index]


def _table_title(items: list[Block | MemberRun | ParsedTable]) -> str:
    """The caption printed above a table: a short heading (kept in the body) or a short line
    of its own (moved from the body to the table)."""
    if items and isinstance(items[-1], Block):
        block = items[-1]
        text = block.text
        is_note = text[:1] in "(（" and text[-1:] in ")）"
        if len(text) <= 50 and "。" not in text.rstrip("。") and not is_note:
            if block.kind == "paragraph" and not _SENTENCE_END_RE.search(text):
                items.pop()
            return text
    return ""


# --- 8. parse_attachments ----------------------------------------------------------------------


@dataclass
class AttachmentPart:
    label: str  # "" for the notice's own body
    key: str  # "1", "3.1", "" (unnumbered)
    lines: list[str]
    title: str = ""


def _label_key(match: re.Match[str]) -> tuple[str, str]:
    word = strip_spaces(match["word"])
    key = _LABEL_SEPARATOR_RE.sub(".", strip_spaces(match["num"] or ""))
    return f"{word}{key}", key


def _read_lists(lines: list[str], key: str, titles: dict[str, str]) -> list[Block]:
    """Read and blank the attachment lists (``附件：1. … 2. …``) in a part's lines.

    Titles go to `titles` under their key ("1", "2"; "3.1" inside attachment 3; "" for a
    single unnumbered item); each list becomes one paragraph block, as printed.
    """
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        match = LIST_RE.match(lines[index])
        if not match:
            index += 1
            continue
        items: list[list] = []  # [number | None, text]
        rest = match["rest"].strip()
        if item := _LIST_ITEM_RE.match(rest):
            items.append([int(item["num"]), item["text"].strip()])
        elif rest:
            items.append([None, rest])
        lines[index] = ""
        cursor = index + 1
        while cursor < len(lines):
            line = lines[cursor].strip()
            if not line:
                cursor += 1
                continue
            if LABEL_RE.match(line):
                break
            item = _LIST_ITEM_RE.match(line)
            expected = (items[-1][0] + 1) if items and items[-1][0] is not None else 1
            if item and int(item["num"]) == expected:
                items.append([int(item["num"]), item["text"].strip()])
            elif items and similarity(line, items[-1][1]) >= 0.95:
                pass  # the attachment's title printed again above its label
            elif items and _continues_item(line, items[-1][1]):
                items[-1][1] = join_wrapped(items[-1][1], line)
            else:
                break
            lines[cursor] = ""
            cursor += 1
        prefix = f"{key}." if key else ""
        for number, text in items:
            titles[f"{prefix}{number}" if number is not None else key] = squash(text)
        printed = " ".join(
            f"{number}. {squash(text)}" if number is not None else squash(text)
            for number, text in items
        )
        if printed:
            blocks.append(Block("paragraph", "", f"附件：{printed}"))
        index = cursor
    return blocks


def _continues_item(line: str, item: str) -> bool:
    """A list item wrapped onto the next line (not a note such as ``（此件公开发布）``)."""
    return (
        len(line) <= 40
        and len(item) <= _MAX_TITLE
        and not _SENTENCE_END_RE.search(line)
        and not is_structural(line)
        and not (line[:1] in "（(" and line[-1:] in "）)")
    )


def _split_parts(lines: list[str]) -> list[AttachmentPart]:
    parts = [AttachmentPart(label="", key="", lines=[])]
    for line in lines:
        match = LABEL_RE.match(line)
        if match:
            label, key = _label_key(match)
            parts.append(AttachmentPart(label=label, key=key, lines=[]))
        else:
            parts[-1].lines.append(line)
    return parts


def parse_attachments(
    lines: list[str], warnings: list[str]
) -> tuple[AttachmentPart, list[AttachmentPart], list]:
    """Split a notice's lines into its own body and its attachments.

    Reads: the notice's lines after the head. Writes: the main part, one part per attachment
    label (``附件``, ``附件 1``, ``附件1``, ``附件 3. 1`` → ``附件3.1``, ``附录``) with its title —
    the line under the label with wrap spaces removed, else the line printed above the label,
    else the title given in the attachment list (``附件：1. … 2. …``, single or wrapped, also
    inside an attachment for its sub-attachments) — and the list blocks of the main part.
    A listed attachment that is not printed gets an empty part; a label printed twice is
    made unique with a warning.
    """
    parts = _split_parts(list(lines))
    titles: dict[str, str] = {}
    list_blocks: dict[int, list[Block]] = {}
    for position, part in enumerate(parts):
        list_blocks[position] = _read_lists(part.lines, part.key, titles)

    seen: set[str] = set()
    for position, part in enumerate(parts[1:], start=1):
        part.title = _take_title(part, parts[position - 1], titles.get(part.key, ""))
        if part.label in seen:
            original, suffix = part.label, 2
            while f"{original}（{suffix}）" in seen:
                suffix += 1
            part.label = f"{original}（{suffix}）"
            warnings.append(f"附件编号“{original}”重复出现，第二个记为“{part.label}”")
        seen.add(part.label)

    printed_keys = {part.key for part in parts[1:]}
    for key, title in titles.items():
        if key not in printed_keys and not (key == "1" and "" in printed_keys):
            label = f"附件{key}"
            if label not in seen:
                parts.append(AttachmentPart(label=label, key=key, lines=[], title=title))
                seen.add(label)
                warnings.append(f"附件列表中的“{label} {title}”没有印在正文中")
    return parts[0], parts[1:], list_blocks.get(0, [])


def _take_title(part: AttachmentPart, previous: AttachmentPart, listed: str) -> str:
    """The attachment's title: under the label, above it, or from the list (in that order)."""
    lines = part.lines
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and _is_attachment_title(lines[first]):
        title_lines = [first]
        second = next((i for i in range(first + 1, len(lines)) if lines[i].strip()), None)
        if (
            listed
            and second is not None
            and _is_attachment_title(lines[second])
            and similarity(lines[first] + lines[second], listed)
            > similarity(lines[first], listed) + 0.05
        ):
            title_lines.append(second)
        title = squash("".join(lines[i] for i in title_lines))
        for i in title_lines:
            lines[i] = ""
        return title
    above = next(
        (i for i in range(len(previous.lines) - 1, -1, -1) if previous.lines[i].strip()), None
    )
    if (
        above is not None
        and _is_attachment_title(previous.lines[above])
        and (not listed or similarity(previous.lines[above], listed) >= 0.8)
    ):
        title = squash(previous.lines[above])
        previous.lines[above] = ""
        return title
    return listed


def _is_attachment_title(line: str) -> bool:
    stripped = line.strip(" \u3000")
    return (
        is_title_like(stripped)
        and len(stripped) <= _MAX_ATTACHMENT_TITLE
        and not is_structural(stripped)
        and not _SENTENCE_END_RE.search(stripped)
    )
