"""The browser rig: real headless Chromium against the live server."""

import re

from playwright.sync_api import expect


def test_home_page_has_the_gazette_name_and_a_search_box(page, live_server):
    page.goto(live_server.url + "/")
    expect(page).to_have_title(re.compile("咸宁市人民政府公报"))
    box = page.get_by_role("searchbox", name=re.compile("搜索文件"))
    box.fill("咸政办发〔2022〕29号")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q="))
    assert "/search/" in page.url


def test_page_fits_a_phone_screen(page, live_server):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + "/")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
