"""Tables and long notices in a real browser, one test per viewport (a phone at 390×844, the
same phone in 大字版, a desktop at 1366×900): no table cell narrower than 4 characters of its
own text, no page wider than the screen, cards on the phone and sticky headers on the desktop,
and every contents link of the largest notice leading to its target. The page heights the
report of issue 14 gives are printed (pytest -s shows them)."""

import re

import pytest
from playwright.sync_api import expect

from documents.models import Notice, Unit
from documents.tests.a11y import horizontal_overflow
from documents.tests.sample import HOUSING_NUMBER, PLAN_NUMBER
from documents.tests.test_browser_portal import sample  # noqa: F401 (the sample, published)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {
    "phone": ({"width": 390, "height": 844}, False),
    "phone-large-text": ({"width": 390, "height": 844}, True),
    "desktop": ({"width": 1366, "height": 900}, False),
}

# Every visible cell of <main> whose text box (its width less its padding) is narrower than
# four characters of its own font size. A card (a row shown as a block) has no columns: its
# lines are as wide as the card, and its number (序号) leads the first of them.
NARROW_CELLS = """() => {
  const narrow = [];
  for (const cell of document.querySelectorAll('main th, main td')) {
    const style = getComputedStyle(cell);
    const box = cell.getBoundingClientRect();
    const hidden = cell.closest('[hidden], .visually-hidden, details:not([open])');
    const card = getComputedStyle(cell.parentElement).display === 'block';
    if (style.display === 'none' || box.width === 0 || hidden || card) continue;
    const text = box.width - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight)
      - parseFloat(style.borderLeftWidth) - parseFloat(style.borderRightWidth);
    const four = 4 * parseFloat(style.fontSize);
    const what = `${cell.tagName} “${cell.textContent.trim().slice(0, 12)}”`;
    if (text < four - 0.5) narrow.push(`${what}: ${text.toFixed(1)} < ${four}`);
  }
  return narrow;
}"""

# The contents list's links whose target is missing, and the headings of the notice that no
# contents link reaches (a heading without an id by the element with one that it opens).
CONTENTS = """() => {
  const nav = document.querySelector('.notice-contents');
  const targets = [...nav.querySelectorAll('a[href^="#"]')]
    .map(a => decodeURIComponent(a.getAttribute('href').slice(1)));
  const missing = targets.filter(id => !document.getElementById(id));
  const listed = new Set(targets);
  const unreached = [];
  for (const h of document.querySelectorAll('article :is(h2, h3, h4, h5, h6)')) {
    if (h.closest('.visually-hidden') || h.classList.contains('visually-hidden')) continue;
    const anchor = h.id || (h.parentElement.closest('[id]') || {}).id;
    if (!listed.has(anchor)) unreached.push(h.tagName + ' ' + h.textContent.trim().slice(0, 20));
  }
  return {count: targets.length, missing, unreached};
}"""


@pytest.fixture(params=list(VIEWPORTS))
def screen(request, browser):
    """A page at the viewport, in 大字版 where asked (as the toggle leaves it: remembered)."""
    viewport, large_text = VIEWPORTS[request.param]
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    if large_text:
        context.add_init_script("window.localStorage.setItem('gazette-large-text', '1')")
    yield request.param, context.new_page()
    context.close()


def test_tables_and_the_longest_notice_fit_the_screen(screen, live_server, sample):  # noqa: F811
    name, page = screen
    phone = name.startswith("phone")
    notice = Notice.objects.get(doc_number=PLAN_NUMBER).get_absolute_url()
    unit = Unit.objects.get(short_name="市发改委").get_absolute_url()
    problems, heights = [], {}
    for path in [notice, "/projects/", "/tasks/", unit]:
        page.goto(live_server.url + path)
        if name == "phone-large-text":
            expect(page.locator("html")).to_have_class(re.compile("large-text"))
        if horizontal_overflow(page) > 0:
            problems.append(f"{path}: wider than the screen")
        problems += [f"{path}: {cell}" for cell in page.evaluate(NARROW_CELLS)]
        heights[path] = page.evaluate("document.documentElement.scrollHeight")
        # Phones get cards (a row is a block), desktops a table whose header stays in view.
        table = page.locator("table.cards").first
        row = table.locator("tbody tr").first
        expect(row).to_have_css("display", "block" if phone else "table-row")
        if not phone:
            expect(table.locator("thead th").first).to_have_css("position", "sticky")
    print(f"\n{name}: page heights {heights}")

    # The largest notice: its contents list reaches every heading; each link has its target.
    page.goto(live_server.url + notice)
    contents = page.evaluate(CONTENTS)
    assert contents["count"] > 40
    problems += [f"contents link to a missing #{id}" for id in contents["missing"]]
    problems += [f"not in the contents: {h}" for h in contents["unreached"]]
    details = page.locator(".notice-contents details")
    expect(details).to_have_js_property("open", not phone)  # folded on a phone
    if phone:
        details.locator("summary").click()
    link = page.locator('.notice-contents a[href="#清单-6"]')
    link.click()
    expect(page).to_have_url(re.compile("#%E6%B8%85%E5%8D%95-6$"))
    expect(page.locator('[id="清单-6"]')).to_be_in_viewport()
    # The CSV link beside the table's title is on the screen, not cut off.
    csv = page.get_by_role("link", name="下载 CSV").first
    csv.scroll_into_view_if_needed()
    box = csv.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]
    # A project's row: its units are links of their own, and the back-to-top link follows.
    row = page.locator('[id="项目-1-5"]')
    row.scroll_into_view_if_needed()
    expect(row.get_by_role("link", name="通山县")).to_be_visible()
    expect(page.get_by_role("link", name="回到顶部")).to_be_in_viewport()
    if not phone:  # the header row stays at the top of the window over a long table
        page.locator('[id="事项-8-3"]').scroll_into_view_if_needed()
        header = page.locator('[id="表-1"] thead th').first
        assert abs(header.bounding_box()["y"]) < 2
        deadline = page.locator('[id="表-1"] thead th', has_text="完成时限")
        lines = deadline.evaluate(
            "th => (th.clientHeight - parseFloat(getComputedStyle(th).paddingTop)"
            " - parseFloat(getComputedStyle(th).paddingBottom))"
            " / parseFloat(getComputedStyle(th).lineHeight)"
        )
        assert lines < 1.5, "完成时限 wraps"
    assert problems == [], "\n".join(problems)


def test_a_table_that_must_scroll_says_so(page, live_server, sample):  # noqa: F811
    """An application form (附件3.1, five columns and no header: no cards) is wider than a
    phone: it scrolls, with a hint above it, and the keyboard can scroll it."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + Notice.objects.get(doc_number=HOUSING_NUMBER).get_absolute_url())
    box = page.locator(".table-scroll.is-overflowing").first
    expect(box).to_have_attribute("tabindex", "0")
    expect(box).to_have_attribute("role", "region")
    expect(page.locator(".scroll-hint:not([hidden])").first).to_be_visible()
    assert horizontal_overflow(page) <= 0
    page.set_viewport_size({"width": 1366, "height": 900})  # wide enough: no hint
    expect(page.locator(".table-scroll.is-overflowing")).to_have_count(0)
    expect(page.locator(".scroll-hint:not([hidden])")).to_have_count(0)
