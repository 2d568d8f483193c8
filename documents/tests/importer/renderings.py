"""An issue's text rendered as staff receive it: a saved web page, a Word file, a typeset PDF.

The round-trip tests import each rendering and compare its report with the text's. The
rendering follows how such files are made, not how the importer reads them: the 目录's entries
and roster lines are paragraphs with tabs (as typed in Word), runs of other tab-separated lines
are real tables (the PDF's with a header row repeated on each page), titles are centred, body
paragraphs indented by two characters (GB/T 9704), the PDF on A4 with the gazette's name as a
running head and the page number at the foot of each page.
"""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass

from documents.importer.groups import is_role_line
from documents.importer.tables import looks_like_header
from documents.importer.text import strip_html

_TOC_RE = re.compile(r"^目\s*录$")
_NUMBER_LINE_RE = re.compile(r"[〔\[(（]\s*\d{4}\s*[〕\])）]\s*\d+\s*号$")
RUNNING_HEAD = "咸宁市人民政府公报"


@dataclass
class Piece:
    kind: str  # "paragraph", "centred", "table"
    text: str = ""
    rows: list[list[str]] | None = None


def pieces(text: str) -> list[Piece]:
    """The text's lines as the paragraphs and tables a typesetter would make of them."""
    lines = text.splitlines()
    toc_end = next((i for i, line in enumerate(lines) if _NUMBER_LINE_RE.search(line.strip())), 0)
    in_toc = False
    out: list[Piece] = []
    table: list[list[str]] = []

    def flush() -> None:
        if table:
            out.append(Piece("table", rows=[list(row) for row in table]))
            table.clear()

    for index, raw in enumerate(lines):
        line = raw.strip(" \u3000")
        if _TOC_RE.match(line):
            in_toc = True
        if index >= toc_end:
            in_toc = False
        if not line.strip():
            continue
        if "\t" in line and not in_toc and not is_role_line(line) and not _continues_roster(out):
            table.append(line.split("\t"))
            continue
        flush()
        following = _next_nonblank(lines, index)
        centred = bool(_NUMBER_LINE_RE.search(following)) or (
            "公报" in line and len(line) <= 12 and index < 10
        )
        out.append(Piece("centred" if centred else "paragraph", text=line))
    flush()
    return out


def _continues_roster(out: list[Piece]) -> bool:
    return bool(out) and out[-1].kind == "paragraph" and "\t" in out[-1].text


def _next_nonblank(lines: list[str], index: int) -> str:
    return next((line.strip() for line in lines[index + 1 :] if line.strip()), "")


# --- HTML -----------------------------------------------------------------------------------

_CSS = """
@page { size: A4; margin: 30mm 26mm 28mm 28mm; }
body { font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", serif; font-size: 15pt;
       line-height: 1.6; }
p { margin: 0 0 0.4em; text-indent: 2em; text-align: justify; }
p.centred { text-indent: 0; text-align: center; font-weight: bold; }
table { border-collapse: collapse; width: 100%; font-size: 10pt; margin: 0.5em 0; }
th, td { border: 0.8pt solid #000; padding: 2pt 3pt; vertical-align: top; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
"""


def to_html(text: str, *, site_furniture: bool = False) -> str:
    """The text as a web page (with a site's menus and footer around it, if asked)."""
    body: list[str] = []
    for piece in pieces(text):
        if piece.kind == "table":
            assert piece.rows is not None
            head, *rows = piece.rows
            if looks_like_header(head):  # printed again at the top of each page
                cells = "".join(f"<th>{_cell_html(cell)}</th>" for cell in head)
                body.append(f"<table><thead><tr>{cells}</tr></thead><tbody>")
            else:
                body.append("<table><tbody>")
                rows = piece.rows
            for row in rows:
                body.append(
                    "<tr>" + "".join(f"<td>{_cell_html(cell)}</td>" for cell in row) + "</tr>"
                )
            body.append("</tbody></table>")
        else:
            css = ' class="centred"' if piece.kind == "centred" else ""
            body.append(f"<p{css}>{html.escape(piece.text).replace(chr(9), '&#9;')}</p>")
    content = "\n".join(body)
    if site_furniture:
        content = (
            '<div class="nav"><a href="/">首页</a> <a href="/zwgk/">政务公开</a></div>'
            '<div class="crumb">当前位置：首页 &gt; 政府公报</div>'
            f'<div class="article">{content}</div>'
            '<div class="footer">版权所有：咸宁市人民政府办公室 主办</div>'
            "<script>var x = '不是正文';</script>"
        )
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{RUNNING_HEAD}</title><style>{_CSS}</style></head>"
        f"<body>{content}</body></html>"
    )


def _cell_html(cell: str) -> str:
    """A cell as printed: the markup some extractions leave in cells (``<p>``, radio buttons)
    is what the reader saw, one line a paragraph."""
    return "<br>".join(html.escape(line) for line in strip_html(cell).split("\n"))


# --- Word -----------------------------------------------------------------------------------


def to_docx(text: str) -> bytes:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = docx.Document()
    for piece in pieces(text):
        if piece.kind == "table":
            assert piece.rows is not None
            width = max(len(row) for row in piece.rows)
            table = document.add_table(rows=len(piece.rows), cols=width)
            for row, cells in zip(table.rows, piece.rows, strict=True):
                for cell, value in zip(row.cells, cells, strict=False):
                    cell.text = strip_html(value)
        else:
            paragraph = document.add_paragraph(piece.text)
            if piece.kind == "centred":
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                for run in paragraph.runs:
                    run.bold = True
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- PDF --------------------------------------------------------------------------------------

_HEADER = (
    '<div style="font-size:9pt;width:100%;text-align:center;'
    f'font-family:Noto Sans CJK SC,sans-serif">{RUNNING_HEAD}</div>'
)
_FOOTER = (
    '<div style="font-size:9pt;width:100%;text-align:center;font-family:sans-serif">'
    '— <span class="pageNumber"></span> —</div>'
)


def to_pdf(text: str, browser) -> bytes:
    """The text typeset on A4 by Chromium (Playwright's `browser`): running head, page numbers,
    tables broken across pages with their header repeated."""
    page = browser.new_page()
    try:
        page.set_content(to_html(text), wait_until="load")
        return page.pdf(
            format="A4",
            display_header_footer=True,
            header_template=_HEADER,
            footer_template=_FOOTER,
            margin={"top": "30mm", "bottom": "28mm", "left": "28mm", "right": "26mm"},
            prefer_css_page_size=True,
        )
    finally:
        page.close()
