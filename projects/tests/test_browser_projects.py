"""The project and task lists in a real browser with the sample issue: select boxes, sortable
headers that keep the filters, the charts and their tables, the filtered CSV."""

import csv
import io
import re
import unicodedata

import pdfplumber
import pytest
from playwright.sync_api import expect

from documents.tests.a11y import VIEWPORTS, axe_violations, horizontal_overflow
from documents.tests.sample import PROJECT_COUNT, PROJECT_TOTAL, load_sample_issue
from projects.models import Project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sample(live_server):
    return load_sample_issue()


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request):
    return VIEWPORTS[request.param]


@pytest.fixture
def lists(browser, viewport, live_server, sample):
    context = browser.new_context(viewport=viewport, bypass_csp=True, accept_downloads=True)
    page = context.new_page()
    page.goto(live_server.url + "/projects/")
    yield page
    context.close()


def investments(page) -> list[float]:
    cells = page.locator("table.projects tbody tr td:nth-child(2)").all_inner_texts()
    return [float(cell) for cell in cells if cell != "—"]


def test_filters_combine_and_the_totals_follow(lists):
    page = lists
    expect(page.locator("[data-total-count]")).to_have_text(str(PROJECT_COUNT))
    page.get_by_label("单位", exact=True).select_option(label="市交通运输局")
    page.get_by_label("单位的角色").select_option(label="牵头单位")
    page.get_by_label("完成年份").select_option(label="2025年")
    page.get_by_role("button", name="筛选").click()
    count = int(page.locator("[data-total-count]").inner_text())
    assert 0 < count < 8
    expect(page.locator("table.projects tbody tr")).to_have_count(count)
    for deadline in page.locator("table.projects tbody tr td:nth-child(3)").all_inner_texts():
        assert deadline == "2025年"
    assert horizontal_overflow(page) <= 0
    page.get_by_role("link", name="清除条件").click()
    expect(page.locator("[data-total-investment]")).to_have_text(PROJECT_TOTAL)


def test_clicking_a_header_sorts_keeps_the_filters_and_a_second_click_reverses(lists):
    page = lists
    page.get_by_label("所在县市区").select_option("赤壁市")
    page.get_by_role("button", name="筛选").click()
    page.get_by_role("link", name=re.compile("^总投资")).click()
    expect(page).to_have_url(re.compile(r"location=.*sort=-investment|sort=-investment.*location="))
    expect(page.locator("th[aria-sort]")).to_have_attribute("aria-sort", "descending")
    assert investments(page) == sorted(investments(page), reverse=True)
    expect(page.locator("table.projects tbody tr")).to_have_count(6)
    page.get_by_role("link", name=re.compile("^总投资")).click()
    expect(page.locator("th[aria-sort]")).to_have_attribute("aria-sort", "ascending")
    assert investments(page) == sorted(investments(page))
    assert axe_violations(page) == []


def test_the_charts_show_each_section_and_location_with_a_table_to_read(lists):
    page = lists
    charts = page.locator("svg.bar-chart-svg")
    expect(charts).to_have_count(2)
    expect(charts.first.locator("rect.bar")).to_have_count(7)  # the sample's list sections
    expect(charts.last.locator("rect.bar")).to_have_count(8)  # its locations, 未注明 included
    expect(charts.last.locator("text.bar-value").first).to_have_text("192.45")  # 通山县
    page.get_by_text("以表格查看：各县市区总投资").click()
    expect(page.get_by_role("rowheader", name="通山县")).to_be_visible()
    for chart in charts.all():
        box = chart.bounding_box()
        assert box["width"] > 200 and box["height"] > 100


def test_the_csv_holds_what_the_filtered_list_shows(lists):
    page = lists
    page.get_by_label("项目名称或建设内容含").fill("公路")
    page.get_by_role("button", name="筛选").click()
    shown = int(page.locator("[data-total-count]").inner_text())
    assert shown > 0
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("下载 CSV")).click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == shown
    assert header[:5] == ["发文字号", "清单栏目", "序号", "项目名称", "总投资（亿元）"]


def test_tasks_filter_by_notice_unit_and_role(browser, live_server, sample):
    page = browser.new_page(viewport=VIEWPORTS["phone"])
    page.goto(live_server.url + "/tasks/")
    total = int(page.locator("[data-total-count]").inner_text())
    page.get_by_label("单位", exact=True).select_option(label="市发改委")
    page.get_by_label("单位的角色").select_option(label="牵头单位")
    page.get_by_role("button", name="筛选").click()
    shown = int(page.locator("[data-total-count]").inner_text())
    assert 0 < shown < total
    expect(page.locator("table.tasks tbody tr")).to_have_count(shown)
    for cell in page.locator("table.tasks tbody tr td:nth-child(3)").all_inner_texts():
        assert "市发改委（牵头）" in cell
    assert horizontal_overflow(page) <= 0
    page.close()


def test_the_printed_list_has_every_projects_content_and_none_of_the_controls(
    browser, live_server, sample
):
    """Printing (page.pdf fires beforeprint and afterprint as the browser's print does): each
    project's folded 建设内容 is on paper, and nothing one clicks is."""
    page = browser.new_page(viewport=VIEWPORTS["desktop"])
    page.goto(live_server.url + "/projects/")
    controls = page.locator("button, .button").all_text_contents()
    assert "打印本页" in controls  # shown by site.js …
    page.evaluate("window.print = () => { document.body.dataset.printed = 'yes'; }")
    page.get_by_role("button", name="打印本页").click()
    expect(page.locator("body")).to_have_attribute("data-printed", "yes")  # … and wired to print

    with pdfplumber.open(io.BytesIO(page.pdf(format="A4"))) as pdf:
        text = squashed("".join(p.extract_text() for p in pdf.pages))
        # The first column alone (name, section, 建设内容): its lines are not interleaved with
        # the lines of the cells beside it.
        first_column = squashed("".join(names_column(p) for p in pdf.pages))
    contents = [p.content for p in Project.objects.published() if p.content]
    assert len(contents) >= PROJECT_COUNT - 2
    for content in contents:
        assert printed(content, first_column)
    for control in [*controls, "点击表头排序", "点击按此列排序"]:
        assert not printed(control, text)
    expect(page.locator("details.item-content[open]")).to_have_count(0)  # folded again
    page.close()


def squashed(text: str) -> str:
    """Without spaces and in compatibility form (⽂, a Kangxi radical, is 文): Chromium's PDF
    names a character by any other of the same shape in the font (―, a horizontal bar, for
    —). The radicals without a compatibility form (⻓ for 长, ⺠ for 民) are left as RADICAL,
    for any character."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).replace("―", "—")
    return re.sub("[\u2e80-\u2eff]", RADICAL, text)


RADICAL = "\x00"


def printed(words: str, text: str) -> bool:
    """Whether `words` are in the PDF's squashed `text`, a radical standing for any character."""
    pattern = "".join(f"(?:{re.escape(c)}|{RADICAL})" for c in squashed(words))
    return re.search(pattern, text) is not None


def names_column(pdf_page) -> str:
    """The text of a printed page left of the column headed 总投资（亿元）."""
    headers = pdf_page.search("总投资（")
    right = headers[0]["x0"] if headers else pdf_page.width
    return pdf_page.crop((0, 0, right, pdf_page.height)).extract_text() or ""
