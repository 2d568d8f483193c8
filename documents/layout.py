"""How a notice's page is laid out: its contents list, its parts and the rows of its tables.

Everything here is read from what is stored (the body's structure, Notice.outline() and
Attachment.outline(), the tables' rows): the page never guesses a heading again. An extension
that knows what some table rows stand for (projects' lists: a row is a project or a task)
hands `RowLinks` for them in its notice context (``table_rows``, see
documents.extensions.NoticeExtension.notice_context), and those rows get its anchor and links.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from documents.text import HEADING_RANKS, OutlineBlock

if TYPE_CHECKING:
    from documents.models import Attachment, Notice, Table

#: A table of this many columns or more is shown as cards on a phone (below that width the
#: columns cannot all be 4 characters wide); one wider than `WIDE_TABLE` may scroll sideways
#: at any width, and says so.
CARD_COLUMNS = 4
WIDE_TABLE = 7
ENCLOSED_ANCHOR = "印发文件"
SERIAL_HEADERS = ("序号", "编号", "序")


@dataclass(frozen=True)
class Link:
    text: str
    url: str


@dataclass(frozen=True)
class RowLinks:
    """What an extension knows of a table row: the id it goes by (``项目-1-3``), ids it went by
    before (``project-12``), the column that names it and where that name links to, and the
    links of the units in its unit columns (column index → links)."""

    anchor: str
    aliases: tuple[str, ...] = ()
    name_column: int | None = None
    url: str = ""
    units: dict[int, list[Link]] = field(default_factory=dict)
    # A row that starts a section of the list (一、推动降碳减污协同增效…): listed in the contents,
    # with the links of the units it names (its units in column 0) under `units_label`.
    section: bool = False
    units_label: str = ""


@dataclass(frozen=True)
class Cell:
    text: str
    label: str = ""  # the column's header, shown beside the value when rows are cards
    url: str = ""  # the whole text links here
    links: tuple[Link, ...] = ()  # shown instead of the text: one link per unit
    serial: bool = False  # the row's number (序号)


@dataclass(frozen=True)
class Row:
    anchor: str
    cells: list[Cell]
    aliases: tuple[str, ...] = ()
    # One filled cell (a section or total line of a list): shown across the table.
    spanning: bool = False
    section: bool = False


@dataclass(frozen=True)
class TableLayout:
    table: Table
    anchor: str  # 表-3
    rows: list[Row]
    width: int
    cards: bool  # shown as cards on a phone
    wide: bool  # may scroll sideways on a desktop too
    links: list[Link] = field(default_factory=list)  # the extension's, beside the CSV

    @property
    def title(self) -> str:
        return self.table.title or "表格"

    @property
    def title_id(self) -> str:
        return f"{self.anchor}-标题"


@dataclass
class Entry:
    """A line of the contents list: a heading, a numbered lead, an article, an attachment or a
    table, with the id it links to and the entries under it."""

    text: str
    anchor: str
    kind: str
    rank: int = 0
    children: list[Entry] = field(default_factory=list)

    @property
    def articles(self) -> list[Entry]:
        return [child for child in self.children if child.kind == "article"]

    @property
    def sections(self) -> list[Entry]:
        return [child for child in self.children if child.kind != "article"]


@dataclass(frozen=True)
class PartLayout:
    attachment: Attachment
    anchor: str
    blocks: list[OutlineBlock]
    tables: list[TableLayout]


@dataclass(frozen=True)
class NoticeLayout:
    letter: list[OutlineBlock]
    enclosed_title: str
    enclosed: list[OutlineBlock]
    body_tables: list[TableLayout]
    parts: list[PartLayout]
    contents: list[Entry]

    @property
    def enclosed_anchor(self) -> str:
        return ENCLOSED_ANCHOR


def table_layout(
    table: Table,
    row_links: dict[tuple[int, int], RowLinks],
    links: list[Link] | None = None,
) -> TableLayout:
    """A stored table as the page shows it: every row with an id (its extension's, else
    ``表-3-5`` for the fifth row of table 3), each cell with its column's header."""
    anchor = f"表-{table.order}"
    header = list(table.header)
    width = table.width
    numbered = bool(header) and "".join(header[0].split()) in SERIAL_HEADERS
    rows = []
    for index, cells in enumerate(table.padded_rows()):
        known = row_links.get((table.pk, index))
        filled = [cell for cell in cells if cell.strip()]
        spanning = width >= 3 and len(filled) == 1 and bool(cells[0].strip())
        shown = []
        if spanning and known is not None:
            leads = tuple(known.units.get(0, ()))
            shown.append(Cell(cells[0], known.units_label if leads else "", links=leads))
        for column, text in enumerate(cells):
            label = header[column] if column < len(header) else ""
            if column == 0 and numbered:
                shown.append(Cell(text, label, serial=True))
            elif known is None:
                shown.append(Cell(text, label))
            elif column in known.units:
                shown.append(Cell(text, label, links=tuple(known.units[column])))
            elif column == known.name_column:
                shown.append(Cell(text, label, url=known.url))
            else:
                shown.append(Cell(text, label))
        rows.append(
            Row(
                anchor=known.anchor if known else f"{anchor}-{index + 1}",
                cells=shown[:1] if spanning else shown,  # a line: its first (and only) cell
                aliases=known.aliases if known else (),
                spanning=spanning,
                section=bool(known and known.section),
            )
        )
    return TableLayout(
        table=table,
        anchor=anchor,
        rows=rows,
        width=width,
        cards=width >= CARD_COLUMNS and bool(header),
        wide=width > WIDE_TABLE,
        links=links or [],
    )


def notice_layout(
    notice: Notice,
    row_links: dict[tuple[int, int], RowLinks] | None = None,
    table_links: dict[int, list[Link]] | None = None,
) -> NoticeLayout:
    """The notice's body, attachments and tables as its page shows them, and its contents.
    `row_links` and `table_links` are what extensions know of the tables' rows (by table pk
    and row index) and the links they add to a table."""
    row_links, table_links = row_links or {}, table_links or {}
    outline = notice.outline()
    tables = [
        table_layout(table, row_links, table_links.get(table.pk)) for table in notice.tables.all()
    ]
    parts = []
    for attachment in notice.attachments.all():
        part = attachment.outline()
        parts.append(
            PartLayout(
                attachment=attachment,
                anchor=part.anchor,
                blocks=part.blocks,
                tables=[t for t in tables if t.table.attachment_id == attachment.pk],
            )
        )
    body_tables = [t for t in tables if t.table.attachment_id is None]

    body = Entry("正文", "body-title", "part")
    body.children = block_entries(outline.letter)
    if outline.enclosed_title:
        enclosed = Entry(outline.enclosed_title, ENCLOSED_ANCHOR, "title")
        enclosed.children = block_entries(outline.enclosed)
        body.children.append(enclosed)
    body.children += [table_entry(t) for t in body_tables]
    contents = [body]
    for shown in parts:
        title = shown.attachment.label
        if shown.attachment.title:
            title += f"：{shown.attachment.title}"
        entry = Entry(title, shown.anchor, "attachment")
        entry.children = block_entries(shown.blocks) + [table_entry(t) for t in shown.tables]
        contents.append(entry)
    return NoticeLayout(
        letter=outline.letter,
        enclosed_title=outline.enclosed_title,
        enclosed=outline.enclosed,
        body_tables=body_tables,
        parts=parts,
        contents=contents,
    )


_ARTICLE_RANK = max(HEADING_RANKS.values()) + 1


def block_entries(blocks: list[OutlineBlock]) -> list[Entry]:
    """The contents entries of a body's blocks, nested as the headings nest: every heading,
    every numbered lead outside an article (（一）加强组织保障。), every article (第十四条). The
    numbered items of an article are its text, not entries."""
    top: list[Entry] = []
    stack: list[Entry] = []
    in_article = False
    for block in blocks:
        if not block.anchor:
            continue
        if block.kind in ("article", "chapter", "section"):
            in_article = block.kind == "article"
        if block.kind == "article":
            entry = Entry(block.lead or block.text[:8], block.anchor, "article", _ARTICLE_RANK)
        elif block.kind in HEADING_RANKS and (block.level or not in_article):
            text = block.text if block.level else block.lead
            if not text:  # a long numbered paragraph: not a heading of anything
                continue
            entry = Entry(text.rstrip("。"), block.anchor, "heading", HEADING_RANKS[block.kind])
        else:
            continue
        while stack and stack[-1].rank >= entry.rank:
            stack.pop()
        (stack[-1].children if stack else top).append(entry)
        if entry.kind != "article":
            stack.append(entry)
    return top


def table_entry(table: TableLayout) -> Entry:
    entry = Entry(table.title, table.anchor, "table")
    entry.children = [
        Entry(row.cells[0].text, row.anchor, "row") for row in table.rows if row.section
    ]
    return entry
