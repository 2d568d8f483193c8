"""Stage 9, tables: tab-separated lines of the extraction → ParsedTable.

A printed table that runs over several pages comes out as several runs of tab-separated lines,
each page starting with the header again, sometimes with its columns in another order or with
empty columns the PDF's merged cells left behind. This stage merges the runs into one table in
the first header's column order.
"""

from __future__ import annotations

import re

from .records import ParsedTable
from .text import join_wrapped, match_key, strip_html, strip_spaces

__all__ = ["cell_text", "parse_table"]

_SERIAL_HEADER_RE = re.compile(r"^(序号|编号|序)$")
_SERIAL_RE = re.compile(r"^\d{1,3}$")
_MAX_HEADER_CELL = 30

_IDEOGRAPH = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SPACE = "[ \u00a0\u3000]+"
# Single ideographs each set apart by a space: letter-spacing (杨 军, 序 号, 责 任 单 位).
_LETTER_SPACED_RE = re.compile(
    rf"(?<![{_IDEOGRAPH}])[{_IDEOGRAPH}](?:{_SPACE}[{_IDEOGRAPH}](?![{_IDEOGRAPH}]))+"
)
_WORD_SPACE_RE = re.compile(rf"(?<=[{_IDEOGRAPH}]){_SPACE}(?=[{_IDEOGRAPH}])")
# Stands for a kept space while squash runs: a noncharacter, never in a text, and not CJK, so
# squash leaves it (and what is next to it) alone.
_KEPT_SPACE = "\ufdd0"


def parse_table(lines: list[str], title: str = "") -> ParsedTable:
    """Read the lines of one table (tab-separated; blank lines already dropped) into a table.

    Reads: tab-separated lines; a line without a tab continues the row before it (a row the
    extraction wrapped). Writes: a ParsedTable whose header is the first row when that row
    looks like one (every cell filled, short, not a serial number), with
    - repeated headers (page breaks) dropped, and rows under a repeated header whose columns
      are in another order mapped to the first header by column name;
    - surplus empty cells (merged cells of the PDF) squeezed out so cells line up;
    - cells holding ``<p>…</p>`` reduced to text, one line per paragraph, their spaces as
      cell_text leaves them;
    - in a table numbered by 序号, a row without a number merged into the row above (a row
      split over a page break);
    - every row padded to the header's width.
    """
    raw_rows: list[list[str]] = []
    for line in lines:
        if "\t" not in line and raw_rows:
            _append_to_last_cell(raw_rows[-1], cell_text(line))
            continue
        raw_rows.append([cell_text(cell) for cell in line.split("\t")])

    header: list[str] = []
    if raw_rows and looks_like_header(raw_rows[0]):
        header = _trim(raw_rows.pop(0))
    width = len(header)
    current = header
    rows: list[list[str]] = []
    source_rows: list[list[str]] = []
    numbered = bool(header) and bool(_SERIAL_HEADER_RE.match(match_key(header[0])))
    for cells in raw_rows:
        if header and _repeats_header(cells, header):
            current = cells
            continue
        row = _map_row(cells, current, header) if header else _trim(cells)
        if not any(row):
            continue
        if numbered and rows and not row[0]:
            _merge_into(rows[-1], row)
            _merge_into(source_rows[-1], _trim(cells))
            continue
        rows.append(row)
        source_rows.append(_trim(cells))

    width = max([width, *(len(row) for row in rows)], default=0)
    padded = [row + [""] * (width - len(row)) for row in rows]
    if header:
        header = header + [""] * (width - len(header))
    return ParsedTable(title=title, header=header, rows=padded, source_rows=source_rows)


def cell_text(cell: str) -> str:
    """The text of a cell as printed: squash's rules, except that a space between two Chinese
    words stays (``实体卡 电子卡``: in a cell it separates two items, where in running text it
    is where a line wrapped). Letter-spacing goes (``杨 军`` → ``杨军``), and so do the spaces
    squash drops next to digits, Latin letters and punctuation (``2022 年`` → ``2022年``)."""
    cell = _LETTER_SPACED_RE.sub(lambda match: strip_spaces(match.group()), cell)
    return strip_html(_WORD_SPACE_RE.sub(_KEPT_SPACE, cell)).replace(_KEPT_SPACE, " ")


def _trim(cells: list[str]) -> list[str]:
    """Drop trailing empty cells."""
    end = len(cells)
    while end and not cells[end - 1]:
        end -= 1
    return cells[:end]


def looks_like_header(cells: list[str]) -> bool:
    cells = _trim(cells)
    return (
        len(cells) >= 2
        and all(cells)
        and not _SERIAL_RE.match(cells[0])
        and all(len(cell) <= _MAX_HEADER_CELL and "\n" not in cell for cell in cells)
    )


def _repeats_header(cells: list[str], header: list[str]) -> bool:
    """The header again (a new page), possibly with its columns in another order."""
    keys = [match_key(cell) for cell in cells if cell]
    return len(keys) >= 2 and sorted(keys) == sorted(match_key(cell) for cell in header if cell)


def _map_row(cells: list[str], current: list[str], header: list[str]) -> list[str]:
    """Put a row's cells in the first header's column order."""
    if current is not header:
        target = {match_key(name): index for index, name in enumerate(header) if name}
        positions = {
            index: target[match_key(name)]
            for index, name in enumerate(current)
            if name and match_key(name) in target
        }
        filled = [index for index, cell in enumerate(cells) if cell]
        if filled and all(index in positions for index in filled):
            row = [""] * len(header)
            for index in filled:
                row[positions[index]] = cells[index]
            return row
    unnamed = {index for index, name in enumerate(current) if not name}
    return _squeeze(list(cells), len(header), unnamed)


def _squeeze(cells: list[str], width: int, unnamed: set[int]) -> list[str]:
    """Remove empty cells until the row fits the header: trailing ones first, then those under
    an unnamed (merged) column, then the rightmost empty one."""
    while len(cells) > width:
        if not cells[-1]:
            cells.pop()
            continue
        empties = [index for index, cell in enumerate(cells) if not cell]
        if not empties:
            break
        under_unnamed = [index for index in empties if index in unnamed]
        del cells[(under_unnamed or empties)[-1]]
    return cells


def _append_to_last_cell(row: list[str], text: str) -> None:
    for index in range(len(row) - 1, -1, -1):
        if row[index]:
            row[index] = join_wrapped(row[index], text)
            return
    if row:
        row[-1] = text


def _merge_into(previous: list[str], row: list[str]) -> None:
    """A row split over a page break: glue each cell onto the cell above it."""
    previous.extend([""] * (len(row) - len(previous)))
    for index, cell in enumerate(row):
        if cell:
            previous[index] = join_wrapped(previous[index], cell) if previous[index] else cell
