"""Stage 0: the file staff have, read into one intermediate form before the parser runs.

Staff hold an issue or a document as plain text, as a saved web page (the gazette's web edition,
a 政府信息公开 page), as a Word file or as the typeset PDF. ``read_source(data)`` tells which by
the content (never by the file name) and reads it into a Source: paragraphs with their style
hints (centred, the page they are printed on) and tables as rows of cells. ``Source.text``
is what the parser reads: one line a paragraph, a blank line between paragraphs, a table's rows
as tab-separated lines (a cell's own lines joined by ``<br>``, which the table stage splits
again), so every input runs through the same stages as a text file. ``Source.pages`` gives the
page of each of those lines.
"""

from __future__ import annotations

import html
import io
import logging
import re
import statistics
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

from .parser import PAGE_NUMBER_RE, decode
from .records import ImportFormatError
from .text import collapse_spaces, join_wrapped, repair_text_layer

__all__ = ["Paragraph", "Source", "TableRows", "read_source"]

MAX_PAGES = 400  # a PDF longer than any issue of the gazette is refused before it is read


@dataclass
class Paragraph:
    text: str
    centred: bool = False
    page: int | None = None


@dataclass
class TableRows:
    rows: list[list[str]]
    page: int | None = None


@dataclass
class Source:
    """One input file as the parser reads it."""

    format: str  # "text", "html", "docx", "pdf"
    blocks: list[Paragraph | TableRows] = field(default_factory=list)
    plain: str | None = None  # a text file: its decoded text, read as it is

    def text(self) -> str:
        return self.plain if self.plain is not None else "\n".join(self._lines[0])

    def pages(self) -> list[int | None] | None:
        """The page each line of `text()` is printed on (None for a text file)."""
        return None if self.plain is not None else self._lines[1]

    @cached_property
    def _lines(self) -> tuple[list[str], list[int | None]]:
        lines: list[str] = []
        pages: list[int | None] = []
        for block in self.blocks:
            if isinstance(block, Paragraph):
                # Tabs stay: a 目录 line (title, tab, page) or a roster line (组长：, tab, name,
                # tab, position) typed in Word reads as the same line typed in a text file.
                rows = [line for line in block.text.split("\n") if line.strip()]
            else:
                # A row with fewer cells (one spanning several columns) is filled with empty
                # cells, as the text of such a row is printed.
                width = max((len(row) for row in block.rows), default=0)
                rows = [
                    "\t".join(_cell(cell) for cell in [*row, *[""] * (width - len(row))])
                    for row in block.rows
                ]
                rows = [row if "\t" in row else row + "\t" for row in rows if row.strip()]
            for row in rows:
                lines += [row, ""]
                pages += [block.page, block.page]
        return lines, pages


def _cell(text: str) -> str:
    parts = [html.escape(part.strip(), quote=False) for part in text.split("\n") if part.strip()]
    return "<br>".join(parts).replace("\t", " ")


# --- telling the formats apart ------------------------------------------------------------------

_HTML_RE = re.compile(rb"<\s*(?:!doctype\s+html|html|head|body|meta|div|p|table)\b", re.I)


def read_source(data: bytes) -> Source:
    """Read an uploaded file, whatever it is, into a Source.

    PDF (``%PDF-``), Word ``.docx`` (a ZIP holding ``word/document.xml``), HTML (a document that
    opens with markup), else text (UTF-8 or GB18030, as `decode` reads it). Raises
    ImportFormatError, in Chinese, for an empty or unreadable file, an old binary ``.doc``, a ZIP
    that is not a Word file, and a PDF without a text layer (a scan: no OCR here).
    """
    if not data or not data.strip():
        raise ImportFormatError("文件为空：没有可以导入的内容。")
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF-"):
        return read_pdf(data)
    if head.startswith(b"PK\x03\x04"):
        return read_docx(data)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFormatError(
            "这是旧版 Word（.doc）或其他 Office 二进制文件，无法直接读取："
            "请在 Word 中“另存为” .docx 后再上传。"
        )
    text = decode(data)
    if _HTML_RE.match(text[:1024].lstrip().encode("utf-8", "ignore")):
        return read_html(text)
    return Source(format="text", plain=text)


# --- HTML: the web edition and 政府信息公开 pages -----------------------------------------------

_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "svg", "select", "button")
_CHROME_TAGS = ("nav", "header", "footer", "aside")
_ARTICLE_TAGS = ("article", "main")
# A part of the page holding this share of its Chinese text is content, whatever it is called
# (a page wrapped in one <form>, a "search-result" holding the document).
_CONTENT_SHARE = 0.3
_CHROME_RE = re.compile(
    r"(?:^|[-_\s])(?:nav|menu|header|footer|breadcrumb|crumb|share|sidebar|toolbar|foot|"
    r"copyright|search|login|banner|related)(?:$|[-_\s\d])",
    re.I,
)
_BLOCK_TAGS = {
    *("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th", "dt", "dd"),
    *("blockquote", "pre", "section", "article", "center", "caption", "table"),
}
_CENTRED_RE = re.compile(r"text-align\s*:\s*center", re.I)
_HAN_RE = re.compile(r"[\u4e00-\u9fff]")


def read_html(text: str) -> Source:
    """A saved web page: the page's furniture (scripts, menus, headers and footers) dropped,
    its paragraphs and tables in order, headings and centred paragraphs marked centred.

    The gazette's web edition prints the issue's metadata (主办单位、公报年份、总号、期号、发布时间)
    and 政府信息公开 pages a document's (索引号、文号、发文单位…) in a table or a list above the
    text: those are kept as ``label：value`` paragraphs, where the parser reads them."""
    import lxml.html

    try:
        root = lxml.html.document_fromstring(text)
    except (ValueError, lxml.etree.ParserError) as error:
        raise ImportFormatError(f"网页无法解析：{error}") from error
    elements = [e for e in root.iter() if isinstance(e, lxml.html.HtmlElement)]
    for element in elements:
        if element.tag in _DROP_TAGS and element.getparent() is not None:
            element.drop_tree()
    total = _han_count(root)
    for element in [e for e in root.iter() if isinstance(e, lxml.html.HtmlElement)]:
        if _is_chrome(element, total):
            element.drop_tree()
    body = root.find("body")
    blocks: list[Paragraph | TableRows] = []
    _html_blocks(body if body is not None else root, blocks)
    if not any(isinstance(b, Paragraph) and _HAN_RE.search(b.text) for b in blocks):
        raise ImportFormatError(
            "网页中没有找到正文文字：请保存文件正文所在的页面，或复制正文文本。"
        )
    return Source(format="html", blocks=blocks)


_METADATA_LABEL_RE = re.compile(
    r"(?:索引号|文\s*号|发文字号|发文单位|发文机关|主题分类|有效性|发布日期|发文日期|成文日期|"
    r"公报年份|期\s*号|总\s*号|主办单位|发布时间)\s*[：:]"
)


def _holds_metadata(element) -> bool:
    return len(_METADATA_LABEL_RE.findall(element.text_content())) >= 2


def _han_count(element) -> int:
    return len(_HAN_RE.findall(element.text_content()))


def _is_chrome(element, total: int) -> bool:
    """A menu, breadcrumb, share bar, header or footer of the site: by its tag (a header or
    footer of the site, not of the article) or by the words of its class or id; never a part
    holding much of the page's text, nor the metadata block."""
    if not isinstance(element.tag, str) or element.getparent() is None:
        return False
    marks = f"{element.get('class', '')} {element.get('id', '')}"
    in_article = any(a.tag in _ARTICLE_TAGS for a in element.iterancestors())
    by_tag = element.tag in _CHROME_TAGS and not (
        element.tag in ("header", "footer") and in_article
    )
    if not (by_tag or _CHROME_RE.search(marks)):
        return False
    return _han_count(element) < _CONTENT_SHARE * total and not _holds_metadata(element)


def _html_blocks(element, blocks: list[Paragraph | TableRows]) -> None:
    """Walk `element` in document order: a table becomes rows (or, when it is a layout table
    of label：value cells, paragraphs), a block element its own paragraph(s)."""
    pending: list[str] = []
    centred = [False]

    def flush() -> None:
        text = "".join(pending)
        pending.clear()
        for line in text.split("\n"):
            line = collapse_spaces(line)
            if line:
                blocks.append(Paragraph(line, centred=centred[0]))
        centred[0] = False

    def walk(node, in_centre: bool) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag == "table" and not _lays_out(node):
            flush()
            _html_table(node, blocks)
        elif tag == "table":  # it lays the page out: its cells are the page's blocks
            for child in node:
                walk(child, in_centre)
        elif tag == "br":
            pending.append("\n")
        elif tag:
            is_block = tag in _BLOCK_TAGS
            here = (
                in_centre
                or tag in ("center", "h1", "h2", "h3")
                or bool(
                    _CENTRED_RE.search(node.get("style", "")) or node.get("align", "") == "center"
                )
            )
            if is_block:
                flush()
            if node.text:
                pending.append(_inline(node.text))
                centred[0] = centred[0] or here
            for child in node:
                walk(child, here)
                if child.tail:
                    pending.append(_inline(child.tail))
            if is_block:
                centred[0] = centred[0] or here
                flush()

    walk(element, False)
    flush()


def _lays_out(table) -> bool:
    """A table that holds tables, or whose rows have one cell each, lays a page out (older
    sites do so): it holds no data of its own."""
    rows = table.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")
    widest = max((len(row.xpath("./td | ./th")) for row in rows), default=0)
    return table.find(".//table") is not None or widest < 2


def _html_table(table, blocks: list[Paragraph | TableRows]) -> None:
    """A data table's rows: a cell spanning columns fills the columns after it with empty
    cells, one spanning rows the same column of the rows under it (as such a table's text is
    printed)."""
    rows: list[list[str]] = []
    below: dict[int, int] = {}  # column → rows a cell above still spans
    for row in table.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr"):
        cells: list[str] = []
        for cell in row:
            if not isinstance(cell.tag, str) or cell.tag not in ("td", "th"):
                continue
            _fill_covered(cells, below)
            parts: list[str] = []
            _cell_text(cell, parts)
            text = "\n".join(collapse_spaces(line) for line in "".join(parts).split("\n"))
            column = len(cells)
            span, down = _span(cell, "colspan"), _span(cell, "rowspan")
            cells.append(text.strip("\n"))
            cells.extend("" for _ in range(span - 1))
            for offset in range(span):
                if down > 1:
                    below[column + offset] = down - 1
        _fill_covered(cells, below)
        if any(cell.strip() for cell in cells):
            rows.append(cells)
    if not rows:
        return
    text = " ".join(cell for row in rows for cell in row)
    if _METADATA_LABEL_RE.search(text) and len(_METADATA_LABEL_RE.findall(text)) >= 2:
        # A metadata table (索引号：… | 文号：…, or label | value cells): one line per field.
        for row in rows:
            cells = [cell for cell in row if cell.strip()]
            labelled = [c for c in cells if _METADATA_LABEL_RE.match(c)]
            if labelled and len(labelled) == len(cells):
                blocks.extend(Paragraph(collapse_spaces(c)) for c in cells)
            else:
                pairs = [
                    f"{cells[i].rstrip('：:')}：{cells[i + 1]}" for i in range(0, len(cells) - 1, 2)
                ]
                blocks.extend(Paragraph(collapse_spaces(p)) for p in pairs)
        return
    blocks.append(TableRows(rows))


def _fill_covered(cells: list[str], below: dict[int, int]) -> None:
    """Empty cells for the columns a cell of a row above still spans."""
    while below.get(len(cells), 0) > 0:
        below[len(cells)] -= 1
        cells.append("")


def _span(cell, name: str) -> int:
    try:
        return max(1, min(int(cell.get(name, "1")), 50))
    except ValueError:
        return 1


def _inline(text: str) -> str:
    """Text of the page's source: its line breaks are where the markup wrapped, spaces."""
    return text.replace("\r", " ").replace("\n", " ")


def _cell_text(node, parts: list[str]) -> None:
    if node.text:
        parts.append(_inline(node.text))
    for child in node:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in ("br", "p", "div", "li"):
            parts.append("\n")
        _cell_text(child, parts)
        if tag in ("p", "div", "li"):
            parts.append("\n")
        if child.tail:
            parts.append(_inline(child.tail))


# --- Word .docx --------------------------------------------------------------------------------


def read_docx(data: bytes) -> Source:
    """A Word file: its body's paragraphs and tables in order (python-docx), a paragraph's
    alignment (centred) kept as a hint, a merged cell's text in its first column (the
    columns and rows it spans empty), line breaks inside a paragraph kept as lines."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph as DocxParagraph

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile as error:
        raise ImportFormatError("文件已损坏：ZIP 结构不完整，无法作为 Word 文件读取。") from error
    if "word/document.xml" not in names:
        raise ImportFormatError(
            "这是一个 ZIP 压缩文件，但不是 Word（.docx）文件：请上传 .docx、PDF、网页或文本文件。"
        )
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise ImportFormatError(f"Word 文件无法读取（文件可能已损坏）：{error}") from error
    except Exception as error:  # lxml's XMLSyntaxError and others python-docx lets through
        raise ImportFormatError("Word 文件无法读取：其中的 XML 已损坏。") from error

    blocks: list[Paragraph | TableRows] = []
    for item in document.iter_inner_content():
        if isinstance(item, DocxParagraph):
            text = item.text
            if not text.strip():
                continue
            blocks.append(Paragraph(text, centred=_docx_centred(item)))
        elif isinstance(item, Table):
            rows: list[list[str]] = []
            above: list = []  # the cell objects of the row above, column by column
            for row in item.rows:
                row_cells = row.cells
                cells, tcs = [], [cell._tc for cell in row_cells]
                for column, (cell, tc) in enumerate(zip(row_cells, tcs, strict=True)):
                    # A merged cell comes once a column it spans (to the right, or down): its
                    # text goes in its first column, the others stay empty.
                    spanned = any(other is tc for other in tcs[:column]) or (
                        column < len(above) and above[column] is tc
                    )
                    text = "\n".join(p.text for p in cell.paragraphs if p.text.strip())
                    cells.append("" if spanned else text)
                above = tcs
                rows.append(cells)
            if rows:
                blocks.append(TableRows(rows))
    return Source(format="docx", blocks=blocks)


def _docx_centred(paragraph) -> bool:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    alignment = paragraph.alignment
    if alignment is None and paragraph.style is not None:
        alignment = paragraph.style.paragraph_format.alignment
    return alignment == WD_ALIGN_PARAGRAPH.CENTER


# --- PDF -------------------------------------------------------------------------------------

# A running head or a folio is among the first or last lines printed on a page, in its top or
# bottom fifth (wherever the margins put them).
_EDGE_LINES = 2
_EDGE_ZONE = 0.2
_DIGITS_RE = re.compile(r"\d+")


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    page: int
    font: str = ""


def read_pdf(data: bytes) -> Source:
    """A PDF with a text layer (pdfplumber): each page's lines in reading order, the running
    head and the page number removed, lines joined into paragraphs where the layout says one
    goes on (not indented, the line before reaching the right margin, the same type), centred
    lines marked;
    ruled tables read as rows of cells, a table continued on the next page (its header printed
    again or not) read as one. A scan without a text layer is refused: there is no OCR."""
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfplumber.utils.exceptions import PdfminerException

    # pdfminer logs a warning for each font without a bounding box (Chromium's, for one): noise.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except (PDFSyntaxError, PdfminerException, ValueError, KeyError, TypeError) as error:
        raise ImportFormatError("PDF 文件无法读取（文件可能已损坏或被加密）。") from error
    with pdf:
        try:
            pages = list(pdf.pages)
        except Exception as error:  # pdfminer raises many kinds on a broken file
            raise ImportFormatError("PDF 文件无法读取（文件可能已损坏或被加密）。") from error
        if len(pages) > MAX_PAGES:
            raise ImportFormatError(f"PDF 有 {len(pages)} 页，超过 {MAX_PAGES} 页的上限。")
        page_items: list[list[_Line | TableRows]] = []
        for number, page in enumerate(pages, start=1):
            try:
                page_items.append(_pdf_page(page, number))
            except Exception as error:  # one unreadable page: say which
                raise ImportFormatError(f"PDF 第 {number} 页无法读取：{error}") from error
    if not any(isinstance(item, _Line) for items in page_items for item in items):
        raise ImportFormatError(
            "这份 PDF 没有文字层（可能是扫描件或图片）：无法读取其中的文字。"
            "请上传排版软件导出的 PDF、Word 文件或文本。"
        )
    folios = _drop_running_heads(page_items, [page.height for page in pages])
    blocks = _pdf_blocks(page_items)
    for block in blocks:  # the page number printed on the page
        if block.page is not None:
            block.page = folios[block.page]
    return Source(format="pdf", blocks=blocks)


def _pdf_page(page, number: int) -> list[_Line | TableRows]:
    tables = page.find_tables({"vertical_strategy": "lines", "horizontal_strategy": "lines"})
    tables = [t for t in tables if t.rows and len(t.rows[0].cells) >= 2]
    boxes = [table.bbox for table in tables]

    def outside(obj) -> bool:
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    text_page = page.filter(lambda obj: obj.get("object_type") != "char" or outside(obj))
    items: list[tuple[float, _Line | TableRows]] = []
    for line in text_page.extract_text_lines(return_chars=True, keep_blank_chars=True):
        chars = [c for c in line["chars"] if c["text"].strip()]
        text = unicodedata.normalize("NFC", line["text"]).strip()
        if not chars or not text:
            continue
        items.append(
            (
                line["top"],
                _Line(
                    text=text,
                    x0=min(c["x0"] for c in chars),
                    x1=max(c["x1"] for c in chars),
                    top=line["top"],
                    bottom=line["bottom"],
                    size=statistics.median(c["size"] for c in chars),
                    page=number,
                    font=font_name(statistics.mode(c.get("fontname") or "" for c in chars)),
                ),
            )
        )
    for table in tables:
        rows = [[_pdf_cell(cell) for cell in row] for row in table.extract()]
        rows = [row for row in rows if any(cell for cell in row)]
        if rows:
            items.append((table.bbox[1], TableRows(rows, page=number)))
    items.sort(key=lambda pair: pair[0])
    return [item for _, item in items]


_CELL_ITEM_RE = re.compile(
    r"^(?:[(（][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[.．、](?!\d)|[一二三四五六七八九十]{1,3}、)"
)


def font_name(name: str) -> str:
    """A font's name without its subset tag (``ABCDEF+FangSong`` → ``FangSong``): a PDF may embed
    one subset a page, under tags of their own."""
    return name.split("+", 1)[-1]


def _pdf_cell(text: str | None) -> str:
    """A cell's text: its lines are where the column wrapped it, joined again — except before
    a numbered item (（一）, 1., 一、) after a finished sentence, which starts a line of its own."""
    if not text:
        return ""
    lines = [line.strip() for line in unicodedata.normalize("NFC", text).split("\n")]
    joined = ""
    for line in lines:
        starts_item = _CELL_ITEM_RE.match(repair_text_layer(line)[0])  # ⼆ is 二 here too
        if joined and starts_item and joined[-1] in "。；;！？":
            joined += "\n" + line
        else:
            joined = join_wrapped(joined, line) if joined else line
    return joined


def _drop_running_heads(
    page_items: list[list[_Line | TableRows]], heights: list[float]
) -> dict[int, int]:
    """Remove the lines printed at the top or bottom of many pages (the gazette's name and the
    issue number, digits aside) and the page numbers there; return the number printed on each
    page (PDF page → folio: found, or counted from the pages where it is)."""
    edges = [_edges(items, height) for items, height in zip(page_items, heights, strict=True)]
    seen: dict[str, int] = {}
    for lines in edges:
        for key in {_edge_key(line) for line in lines}:
            seen[key] = seen.get(key, 0) + 1
    repeated = {key for key, count in seen.items() if count >= 2 and count >= len(heights) // 3}
    folios: dict[int, int] = {}
    for index, (items, lines) in enumerate(zip(page_items, edges, strict=True)):
        dropped: list[_Line] = []
        for line in lines:
            compact = line.text.replace(" ", "")
            if PAGE_NUMBER_RE.match(compact):
                folios[index + 1] = int(_DIGITS_RE.findall(compact)[0])
                dropped.append(line)
            elif _edge_key(line) in repeated:
                dropped.append(line)
        page_items[index] = [item for item in items if not any(item is d for d in dropped)]
    offsets = Counter(folio - page for page, folio in folios.items())
    offset = offsets.most_common(1)[0][0] if offsets else 0
    return {page: folios.get(page, page + offset) for page in range(1, len(heights) + 1)}


def _edges(items: list[_Line | TableRows], height: float) -> list[_Line]:
    lines = [item for item in items if isinstance(item, _Line)]
    ends = [*lines[:_EDGE_LINES], *lines[-_EDGE_LINES:]]
    unique = [line for n, line in enumerate(ends) if not any(line is e for e in ends[:n])]
    return [
        line
        for line in unique
        if line.bottom <= height * _EDGE_ZONE or line.top >= height * (1 - _EDGE_ZONE)
    ]


def _edge_key(line: _Line) -> str:
    """The same text in the same type, digits aside (a cover's title in large type is not the
    running head that repeats it in small type)."""
    return f"{round(line.size)}|" + _DIGITS_RE.sub("#", line.text.replace(" ", ""))


_MIN_LINES_FOR_MARGINS = 6  # a page with fewer lines takes the document's text block


def _pdf_blocks(page_items: list[list[_Line | TableRows]]) -> list[Paragraph | TableRows]:
    lines = [item for items in page_items for item in items if isinstance(item, _Line)]
    size = statistics.median(line.size for line in lines)
    whole = _text_block(lines)
    blocks: list[Paragraph | TableRows] = []
    previous: _Line | None = None
    previous_right = whole[1]
    for items in page_items:
        # Each page's own text block: bound issues have mirrored margins.
        page_lines = [item for item in items if isinstance(item, _Line)]
        left, right = (
            _text_block(page_lines) if len(page_lines) >= _MIN_LINES_FOR_MARGINS else whole
        )
        middle = (left + right) / 2
        for item in items:
            if isinstance(item, TableRows):
                # A table continued on the next page is the next run of rows: the table stage
                # (tables.parse_table) joins the runs and drops a header printed again.
                blocks.append(item)
                previous = None
                continue
            centred = (
                abs((item.x0 + item.x1) / 2 - middle) <= size
                and item.x0 - left >= 2 * size
                and right - item.x1 >= 2 * size
            )
            last = blocks[-1] if blocks else None
            goes_on = (
                isinstance(last, Paragraph)
                and previous is not None
                and not centred
                and not last.centred
                and abs(item.x0 - left) <= size * 0.5  # not indented
                and previous_right - previous.x1 <= size * 1.5  # the line before was full
                and (item.page != previous.page or item.top - previous.bottom <= size * 1.2)
                and abs(item.size - previous.size) <= 0.5
                and item.font == previous.font  # a title's type is not the body's
            )
            if goes_on and isinstance(last, Paragraph):
                last.text = join_wrapped(last.text, item.text)
            else:
                blocks.append(Paragraph(item.text, centred=centred, page=item.page))
            previous, previous_right = item, right
    return blocks


def _text_block(lines: list[_Line]) -> tuple[int, int]:
    """The left and right edges of the text: the outermost that more than one line reaches (one
    odd line, a folio or a stray mark, does not move them)."""
    return (
        min(_repeated(round(line.x0) for line in lines)),
        max(_repeated(round(line.x1) for line in lines)),
    )


def _repeated(values) -> list[int]:
    counts: dict[int, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return [value for value, count in counts.items() if count >= 2] or list(counts)
