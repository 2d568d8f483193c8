"""A published notice as a PDF (/notices/<id>/pdf/), laid out after GB/T 9704 (党政机关公文格式):
A4, the 版心 156 × 225 mm, the title centred, the 发文字号 under it, page numbers — 1 — in the
footer, and the notice's address on the portal at the end.

WeasyPrint typesets the HTML of templates/documents/notice_pdf.html in this process: paged
media (margins, running page numbers, headers of tables repeated on every page) are its own
CSS, Chinese lines are broken by Pango, and the fonts are subset into the file. It fetches
nothing: the template carries its styles and has no images, and every URL is refused.

Each PDF is kept in the page cache under the content version (gazette_site.cache) it was made
from, so it is typeset once per change of the published content, not once per download.
"""

from __future__ import annotations

import hashlib
import math
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.template.loader import render_to_string

from documents.models import Attachment, Notice, Table
from documents.text import OutlineBlock
from gazette_site.cache import content_version, database_identity

# The 版心's width and a table's text (五号, 10.5 pt) with a cell's padding and rules, in points
# (templates/documents/notice_pdf.html).
TEXT_WIDTH_PT = 156 / 25.4 * 72
TABLE_FONT_PT = 10.5
CELL_EXTRA_PT = 7
# A header may wrap onto a second line rather than widen its column past this many characters.
HEADER_CHARS = 4


@dataclass(frozen=True)
class NoticePdf:
    filename: str
    content: bytes


@dataclass(frozen=True)
class PdfTable:
    """A table as the PDF sets it: its columns' shares of the width (percent), and its rows;
    in a table of three columns or more, a row whose only text is in its first cell (a
    section or total line of a list: 一、交通物流（5项）) is one cell across the table."""

    table: Table
    columns: list[float]
    rows: list[list[str]]


@dataclass(frozen=True)
class PdfAttachment:
    attachment: Attachment
    blocks: list[OutlineBlock]
    tables: list[PdfTable]


def published_notice_pdf(pk: int, *, url: str) -> NoticePdf:
    """The PDF of published notice `pk`, printing `url` as its address: from the cache when
    it was made under the current content version, else typeset now (and kept, unless the
    page cache is off). Raises Notice.DoesNotExist when no published notice has that id."""
    # The version is read before the notice: a change committed in between bumps it after
    # this read, so what is typeset below can never be kept under a version newer than it.
    key = _key(pk, url)
    cache = caches[settings.PAGE_CACHE_ALIAS]
    cached = cache.get(key)  # kept as a plain tuple: a deployment may change NoticePdf
    if cached is not None:
        return NoticePdf(*cached)
    notice = Notice.objects.published().for_detail().get(pk=pk)
    pdf = NoticePdf(filename=_filename(notice), content=render_notice_pdf(notice, url=url))
    if settings.PAGE_CACHE_SECONDS:
        cache.set(key, (pdf.filename, pdf.content), settings.PAGE_CACHE_SECONDS)
    return pdf


def render_notice_pdf(notice: Notice, *, url: str) -> bytes:
    """Typeset `notice` (fetched with `NoticeQuerySet.for_detail()`) as PDF bytes."""
    # Imported here: WeasyPrint loads Pango when imported, and only this needs it.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    tables = [pdf_table(table) for table in notice.tables.all()]
    html = render_to_string(
        "documents/notice_pdf.html",
        {
            "notice": notice,
            "outline": notice.outline(),
            "tables": [t for t in tables if t.table.attachment_id is None],
            "attachments": [
                PdfAttachment(
                    attachment,
                    attachment.outline().blocks,
                    [t for t in tables if t.table.attachment_id == attachment.pk],
                )
                for attachment in notice.attachments.all()
            ],
            "url": url,
            "gazette_name": settings.GAZETTE_NAME,
        },
    )
    nothing = URLFetcher(allowed_protocols=())  # no file, network or data: URL is read
    return HTML(string=html, base_url=url, url_fetcher=nothing).write_pdf()


def pdf_table(table: Table) -> PdfTable:
    rows = table.padded_rows()
    return PdfTable(
        table=table,
        columns=column_widths(table.header, [row for row in rows if not _is_section(row)]),
        rows=[row[:1] if _is_section(row) else row for row in rows],
    )


def column_widths(header: list[str], rows: list[list[str]]) -> list[float]:
    """Each column's share of the table's width (percent), for a fixed layout that never runs
    past the 版心. A column whose longest line fits in an equal share of the width left keeps
    that line on one line (序号, 2025年, 持续推进), and the test is repeated on the width the
    others leave; the columns of longer texts then share the rest, each in proportion to the
    square root of its longest line, so the longest is widest without starving the others.
    (WeasyPrint's automatic layout, like CSS's, gives a column of Chinese as little as one
    character: a place to break comes after every character.)"""
    count = max([len(header), *(len(row) for row in rows)], default=0)
    if not count:
        return []
    need = []
    for index in range(count):
        lines = [line for row in rows if index < len(row) for line in row[index].splitlines()]
        title = header[index] if index < len(header) else ""
        chars = max([_chars(line) for line in lines] + [min(_chars(title), HEADER_CHARS), 1])
        need.append(chars * TABLE_FONT_PT + CELL_EXTRA_PT)
    widths: dict[int, float] = {}
    while left := [i for i in range(count) if i not in widths]:
        budget = TEXT_WIDTH_PT - sum(widths.values())
        fits = {i: need[i] for i in left if need[i] <= budget / len(left)}
        if not fits:
            weight = sum(math.sqrt(need[i]) for i in left)
            fits = {i: budget * math.sqrt(need[i]) / weight for i in left}
        widths.update(fits)
    total = sum(widths.values())
    return [round(widths[i] / total * 100, 2) for i in range(count)]


def _chars(text: str) -> float:
    """The width of `text` in characters of Chinese: Latin letters and digits are about half."""
    return sum(1 if unicodedata.east_asian_width(c) in "WF" else 0.55 for c in text.strip())


def _is_section(row: list[str]) -> bool:
    return len(row) >= 3 and bool(row[0].strip()) and not any(cell.strip() for cell in row[1:])


def _key(pk: int, url: str) -> str:
    address = hashlib.sha256(url.encode("utf-8", "surrogateescape")).hexdigest()
    return f"gazette:notice-pdf:{database_identity()}:{content_version()}:{pk}:{address}"


def _filename(notice: Notice) -> str:
    """Named as people file it: by its document number, else by its id."""
    return f"{notice.doc_number or f'notice-{notice.pk}'}.pdf"
