"""Stage 0: every form staff have an issue in (text, web page, Word, PDF) reads to the same report.

The round trips render an issue's text as a saved web page, a Word file and an A4 PDF (running
head, page numbers, tables across pages with their header repeated: `renderings`) and import
each; the report must be the text's. The other tests are written for the test: a web edition's
block, a page's furniture, files that are not what they seem.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from pathlib import Path

import pytest

from documents.importer import ImportFormatError, build_report, parse_issue
from documents.importer.sources import Paragraph, TableRows, read_source
from documents.importer.text import repair_text_layer
from documents.tests.importer import renderings, sample_text, without_lines

MINIMAL = (Path(__file__).parent / "fixtures" / "minimal-issue.txt").read_text(encoding="utf-8")
TEXTS = {"sample": sample_text(), "minimal": MINIMAL}
TEXT_LAYER_WARNING = "借用了别的字的字形编码"


def report_of(data: bytes) -> dict:
    source = read_source(data)
    return without_lines(build_report(parse_issue(source.text(), pages=source.pages())))


def comparable(report: dict) -> dict:
    """The report without what a rendering changes by nature: the PDF's page of a notice (the
    text's come from its 目录 alone) and the warning that a text layer was repaired."""
    report = without_lines(report)
    report["warnings"] = [w for w in report["warnings"] if TEXT_LAYER_WARNING not in w]
    return report


@pytest.fixture(scope="module")
def reports() -> dict[str, dict]:
    return {name: report_of(text.encode()) for name, text in TEXTS.items()}


@pytest.mark.parametrize("name", list(TEXTS))
def test_a_web_page_of_the_issue_reads_as_its_text(name, reports):
    page = renderings.to_html(TEXTS[name], site_furniture=True).encode()
    assert read_source(page).format == "html"
    assert report_of(page) == reports[name]


@pytest.mark.parametrize("name", list(TEXTS))
def test_a_word_file_of_the_issue_reads_as_its_text(name, reports):
    data = renderings.to_docx(TEXTS[name])
    source = read_source(data)
    assert source.format == "docx"
    assert any(getattr(block, "rows", None) for block in source.blocks)  # real tables
    assert report_of(data) == reports[name]


@pytest.fixture(scope="module")
def pdfs(browser) -> dict[str, bytes]:
    return {name: renderings.to_pdf(text, browser) for name, text in TEXTS.items()}


@pytest.fixture(scope="module")
def pdf_sources(pdfs):
    return {name: read_source(data) for name, data in pdfs.items()}


@pytest.fixture(scope="module")
def printed_pages(pdfs) -> dict[str, list[str]]:
    """Each PDF's pages as pdfplumber reads them (what a reader's copy and paste gives), read
    once for the tests below: reading the sample's pages takes pdfplumber 4–5 s."""
    import pdfplumber

    pages = {}
    for name, data in pdfs.items():
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages[name] = [page.extract_text() or "" for page in pdf.pages]
    return pages


@pytest.mark.browser
@pytest.mark.parametrize("name", list(TEXTS))
def test_the_typeset_pdf_of_the_issue_reads_as_its_text(name, printed_pages, pdf_sources, reports):
    pages = [repair_text_layer(page)[0] for page in printed_pages[name]]
    assert len(pages) > 1
    assert all(renderings.RUNNING_HEAD in page for page in pages)  # the running head is printed
    source = pdf_sources[name]
    assert source.format == "pdf"
    assert renderings.RUNNING_HEAD not in source.text().split("\n", 1)[1]  # …and dropped
    report = build_report(parse_issue(source.text(), pages=source.pages()))
    assert comparable(report) == comparable(reports[name])
    assert any(TEXT_LAYER_WARNING in w for w in report["warnings"])  # Noto maps 人 to ⼈


@pytest.mark.browser
def test_a_table_across_pages_is_one_table_and_its_header_is_not_a_row(printed_pages, pdf_sources):
    header = "序号事项/项目名称"
    printed = [
        number
        for number, page in enumerate(printed_pages["sample"], 1)
        if header in repair_text_layer(page.replace(" ", ""))[0]
    ]
    assert len(printed) >= 3  # the list's header is printed again on every page it runs over
    parsed = parse_issue(pdf_sources["sample"].text())
    tables = [
        t for n in parsed.notices for t in n.all_tables if t.header[:2] == ["序号", "事项/项目名称"]
    ]
    assert len(tables) == 1
    assert not any(row[:2] == ["序号", "事项/项目名称"] for row in tables[0].rows)


@pytest.mark.browser
def test_without_a_table_of_contents_a_notice_gets_the_page_it_starts_on(browser):
    lines = MINIMAL.split("\n")
    start, end = lines.index("目录"), lines.index("人事任免") + 3
    text = "\n".join(lines[:start] + lines[end:])
    pdf_bytes = renderings.to_pdf(text, browser)
    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        page_texts = [
            repair_text_layer(re.sub(r"\s+", "", page.extract_text() or ""))[0]
            for page in pdf.pages
        ]
    source = read_source(pdf_bytes)
    parsed = parse_issue(source.text(), pages=source.pages())
    assert parsed.toc == []
    # The third notice has no number: only the 目录 names it, and here there is none.
    assert [n.doc_number for n in parsed.notices] == ["咸政发〔2023〕3号", "咸政办发〔2023〕2号"]
    for notice in parsed.notices:  # the page its title begins on (the footer prints the number)
        where = [n for n, page in enumerate(page_texts, start=1) if notice.title[:20] in page]
        assert notice.page == where[0], notice.title


# --- the web edition ------------------------------------------------------------------------

WEB_EDITION = """咸宁市人民政府公报(2024年第3号)
主办单位：咸宁市人民政府
公报年份：2024
总号：83
期号：第3号
发布时间：2024-06-28

咸宁市人民政府办公室关于做好夏季防汛抗旱工作的通知
咸政办电〔2024〕12号
各县、市、区人民政府，市政府各部门：
为切实做好今年防汛抗旱工作，确保人民群众生命财产安全，经市人民政府同意，现就有关事项通知如下。
一、压实防汛责任
各地要落实以行政首长负责制为核心的防汛抗旱责任制，明确各级各部门责任人。
二、加强监测预警
气象、水利部门要加强会商研判，及时发布预警信息。
咸宁市人民政府办公室
2024年6月20日
"""


def check_web_edition(report: dict) -> None:
    issue = report["issue"]
    assert (issue["year"], issue["number"], issue["total_number"]) == (2024, 3, 83)
    assert issue["published_on"] == "2024-06-28"
    assert issue["masthead"]["sponsor"] == "咸宁市人民政府"
    (notice,) = report["notices"]
    assert notice["doc_number"] == "咸政办电〔2024〕12号"
    assert notice["title"] == "咸宁市人民政府办公室关于做好夏季防汛抗旱工作的通知"
    assert notice["signed_on"] == "2024-06-20"
    assert notice["headings"] == ["一、压实防汛责任", "二、加强监测预警"]


def test_the_web_edition_copied_as_text_states_its_issue_in_its_block():
    report = report_of(WEB_EDITION.encode())
    check_web_edition(report)
    assert not any("公报年份" in w or "发布时间" in w for w in report["warnings"])


def test_the_web_edition_saved_as_a_page_reads_without_the_sites_furniture():
    title, *block_lines = WEB_EDITION.split("\n\n")[0].split("\n")
    cells = "".join(f"<td>{line}</td>" for line in block_lines)
    body = "".join(f"<p>{line}</p>" for line in WEB_EDITION.split("\n\n")[1].split("\n"))
    page = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>
      <style>.x{{}}</style><script>document.write("菜单脚本")</script></head><body>
      <div class="top-nav"><a href="/">首页</a><a href="/zwgk/">政务公开</a><a>政府公报</a></div>
      <div class="breadcrumb">当前位置：首页 &gt; 政府公报 &gt; 2024年</div>
      <h1 style="text-align:center">{title}</h1>
      <table class="info"><tr>{cells}</tr></table>
      <div id="zoom" class="article-content">{body}</div>
      <div class="share">分享到：微信 微博</div>
      <div class="footer">主办：咸宁市人民政府办公室　网站标识码4212000001</div>
      </body></html>"""
    source = read_source(page.encode())
    assert source.format == "html"
    for furniture in ("菜单脚本", "当前位置", "分享到", "网站标识码", "政务公开"):
        assert furniture not in source.text()
    check_web_edition(report_of(page.encode()))


# --- files that are not what they seem ----------------------------------------------------------


def zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "文件为空"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "另存为"),
        (zip_of({"data.csv": b"a,b\n1,2\n"}), "不是 Word"),
        (b"PK\x03\x04" + b"\x00garbage" * 40, "ZIP 结构不完整"),
        (
            zip_of({"word/document.xml": b"<not-xml", "[Content_Types].xml": b"<x"}),
            "Word 文件无法读取",
        ),
        (b"%PDF-1.7\n%\xe2\xe3\n1 0 obj <</Type /Catalog>> endobj\n%%EOF", "PDF"),
        (b"%PDF-1.4\x00\x00binary", "PDF"),
        (b"<html><body><script>var a=1;</script></body></html>", "没有找到正文"),
    ],
    ids=[
        "empty",
        "old-doc",
        "zip",
        "broken-zip",
        "broken-docx",
        "empty-pdf",
        "broken-pdf",
        "no-text-page",
    ],
)
def test_a_file_that_is_not_what_it_seems_gets_a_clear_message(data, message):
    with pytest.raises(ImportFormatError) as error:
        read_source(data)
    assert message in str(error.value)


@pytest.mark.browser
def test_a_scan_without_a_text_layer_is_refused_with_a_reason(browser):
    page = browser.new_page()
    try:
        page.set_content(
            '<svg width="400" height="300"><rect x="10" y="10" width="300" height="200"'
            ' fill="#333"/><circle cx="200" cy="150" r="60" fill="#ccc"/></svg>'
        )
        scan = page.pdf(format="A4")
    finally:
        page.close()
    with pytest.raises(ImportFormatError, match="没有文字层"):
        read_source(scan)


def test_the_name_of_a_file_does_not_decide_how_it_is_read():
    # read_source takes bytes only: a Word file is read as Word whatever it was called.
    data = renderings.to_docx(WEB_EDITION)
    assert read_source(data).format == "docx"
    check_web_edition(report_of(data))


# --- repairs ------------------------------------------------------------------------------------


def test_radicals_and_shared_glyphs_of_a_text_layer_read_as_the_printed_characters():
    assert repair_text_layer("咸宁市⼈⺠政府关于⻓江⼤保护的通知") == (
        "咸宁市人民政府关于长江大保护的通知",
        4,
    )
    assert repair_text_layer("住⼾2—3") == ("住户2—3", 1)
    assert repair_text_layer("2―3家") == ("2—3家", 1)
    assert repair_text_layer("（一）全面落实“十四五”规划。") == ("（一）全面落实“十四五”规划。", 0)


def test_a_repaired_text_layer_is_said_in_the_report():
    damaged = WEB_EDITION.replace("人民", "⼈⺠").replace("长", "⻓")
    report = report_of(damaged.encode())
    check_web_edition(report)
    assert any(TEXT_LAYER_WARNING in w for w in report["warnings"])
    assert report["notices"][0]["signed_on"] == datetime.date(2024, 6, 20).isoformat()


# --- web pages as sites write them ------------------------------------------------------------


def html_blocks(page: str) -> list:
    return read_source(page.encode()).blocks


def test_a_line_break_in_a_pages_source_does_not_split_its_paragraph():
    page = """<html><body><div class="content">
      <p>为进一步做好全市防汛工作，
         现就有关事项通知如下。</p><p>一是压实责任。<br>二是加强预警。</p></div></body></html>"""
    texts = [block.text for block in html_blocks(page)]
    assert texts == [
        "为进一步做好全市防汛工作， 现就有关事项通知如下。",
        "一是压实责任。",
        "二是加强预警。",
    ]
    assert report_of(WEB_EDITION.encode())["notices"][0]["headings"]  # and the parser still reads


def test_content_is_kept_whatever_the_markup_around_it_is_called():
    body = "".join(f"<p>{line}</p>" for line in WEB_EDITION.split("\n\n")[1].split("\n"))
    block = "".join(f"<p>{line}</p>" for line in WEB_EDITION.split("\n\n")[0].split("\n"))
    bodies = {
        # ASP.NET sites wrap the whole page in one form
        "form": f'<form id="form1"><div class="nav">首页</div>{block}{body}</form>',
        # the article's own header holds its title
        "header": f"<header>政府门户网站</header><article>{block}<header>{body}</header></article>",
        # a result page of the site's search holds the document
        "search": (
            f'<div class="search-box">站内搜索</div><div class="search-result">{block}{body}</div>'
        ),
    }
    pages = {name: f"<html><body>{html}</body></html>" for name, html in bodies.items()}
    for name, page in pages.items():
        text = read_source(page.encode()).text()
        assert "咸宁市人民政府办公室关于做好夏季防汛抗旱工作的通知" in text, name
        check_web_edition(report_of(page.encode()))
    assert "政府门户网站" not in read_source(pages["header"].encode()).text()
    assert "站内搜索" not in read_source(pages["search"].encode()).text()


def test_a_page_laid_out_in_tables_reads_as_paragraphs_and_merged_cells_keep_their_columns():
    body = "".join(f"<p>{line}</p>" for line in WEB_EDITION.split("\n"))
    inner = f"<table><tr><td>{body}</td></tr></table>"
    layout = f"<html><body><table><tr><td>导航</td><td>{inner}</td></tr></table></body></html>"
    check_web_edition(report_of(layout.encode()))
    data = """<html><body><p>附表</p><table>
      <tr><th>序号</th><th>单位</th><th>任务</th></tr>
      <tr><td rowspan="2">1</td><td>市财政局</td><td>甲</td></tr>
      <tr><td>市发改委</td><td>乙</td></tr>
      <tr><td colspan="2">合计</td><td>2项</td></tr></table></body></html>"""
    (table,) = [b for b in html_blocks(data) if getattr(b, "rows", None)]
    assert table.rows == [
        ["序号", "单位", "任务"],
        ["1", "市财政局", "甲"],
        ["", "市发改委", "乙"],
        ["合计", "", "2项"],
    ]


# --- Word tables as Word makes them ---------------------------------------------------------


def test_merged_word_cells_keep_their_columns_and_an_empty_table_is_no_error():
    import docx

    document = docx.Document()
    document.add_paragraph("附表")
    table = document.add_table(rows=4, cols=3)
    values = [
        ["序号", "单位", "任务"],
        ["1", "市财政局", "甲"],
        ["", "市发改委", "乙"],
        ["合计", "", "2项"],
    ]
    for row, cells in zip(table.rows, values, strict=True):
        for cell, value in zip(row.cells, cells, strict=True):
            cell.text = value
    table.cell(1, 0).merge(table.cell(2, 0))  # 1 spans two rows
    table.cell(3, 0).merge(table.cell(3, 1))  # 合计 spans two columns
    empty = document.add_table(rows=1, cols=1)
    empty._tbl.remove(empty.rows[0]._tr)  # a table left with no row at all
    buffer = io.BytesIO()
    document.save(buffer)
    source = read_source(buffer.getvalue())
    (rows,) = [b.rows for b in source.blocks if isinstance(b, TableRows)]
    assert [[cell.strip() for cell in row] for row in rows] == [
        ["序号", "单位", "任务"],
        ["1", "市财政局", "甲"],
        ["", "市发改委", "乙"],
        ["合计", "", "2项"],
    ]
    assert "附表" in source.text()


# --- PDF geometry that is not Chromium's ------------------------------------------------------


def pdf_line(text, page, top, x0=90.0, x1=510.0, size=16.0, font="ABCDEF+FangSong"):
    from documents.importer.sources import _Line

    return _Line(
        text=text, x0=x0, x1=x1, top=top, bottom=top + size, size=size, page=page, font=font
    )


def test_a_gb9704_folio_is_dropped_and_counted_and_a_cover_title_is_not_a_running_head():
    from documents.importer.sources import _drop_running_heads

    height = 842.0  # A4; GB/T 9704 puts the folio 7 mm under a text block ending at 262 mm
    pages = []
    for page in range(1, 5):
        lines = [pdf_line("咸宁市人民政府公报", page, 40, size=9)]
        if page == 1:
            lines.append(pdf_line("咸宁市人民政府公报", page, 120, size=30))  # the cover's title
        words = "加强城市绿化管理改善生态环境根据有关法律法规结合本市实际制定办法"
        body = [words[(page * 7 + n) % 30 :] + words[: (page * 7 + n) % 30] for n in range(18)]
        lines += [pdf_line(text, page, 150 + 30 * n) for n, text in enumerate(body)]
        if page != 3:  # the folio of page 3 did not come through
            lines.append(pdf_line(f"— {page + 4} —", page, 763, x0=280, x1=320, size=14))
        pages.append(lines)
    folios = _drop_running_heads(pages, [height] * 4)
    assert folios == {1: 5, 2: 6, 3: 7, 4: 8}
    assert [(line.text, line.size) for line in pages[0][:1]] == [("咸宁市人民政府公报", 30)]
    # the cover's title stays, the running head goes
    assert all("—" not in line.text for lines in pages for line in lines)
    assert all(len(lines) == 18 for lines in pages[1:])


def test_paragraphs_rejoin_across_mirrored_margins_and_font_subsets():
    from documents.importer.sources import _pdf_blocks, font_name

    def page_of(page: int, shift: float, font: str, texts: list[str], indent_first: bool):
        lines = []
        for n, text in enumerate(texts):
            x0 = 90 + shift + (32 if indent_first and n == 0 else 0)
            x1 = 505 + shift if n < len(texts) - 1 or page == 1 else 300 + shift
            lines.append(pdf_line(text, page, 100 + 30 * n, x0=x0, x1=x1, font=font_name(font)))
        return lines

    odd = page_of(1, 0, "AAAAAA+FangSong", ["为了加强管理，"] + ["根据有关规定，"] * 6, True)
    even = page_of(2, 24, "BBBBBB+FangSong", ["结合本市实际，"] * 6 + ["制定本办法。"], False)
    (paragraph,) = _pdf_blocks([odd, even])
    assert isinstance(paragraph, Paragraph)
    assert paragraph.text.startswith("为了加强管理，根据有关规定，") and paragraph.text.endswith(
        "制定本办法。"
    )
