"""A correction of a published issue in the real admin, in Chromium: an 编辑 imports the
corrected text, the public pages do not change; the 审核发布 user finds it in the queue on the
admin home, reads the difference and publishes it; the notice page lists the correction and
every notice URL still answers."""

from pathlib import Path

from playwright.sync_api import Page, expect

from documents.models import Notice
from documents.services import issue_import
from documents.tests.factories import EDITOR, PUBLISHER, make_staff_user
from documents.tests.test_browser_admin import TIMEOUT, log_in

MINIMAL = (Path(__file__).resolve().parent / "importer/fixtures/minimal-issue.txt").read_bytes()
GREENING = "咸政发〔2023〕3号"


def test_an_editors_correction_is_reviewed_and_published_as_a_correction(
    page: Page, live_server, tmp_path
):
    page.set_default_timeout(TIMEOUT)
    base = live_server.url
    issue_import(data=MINIMAL, publish=True)
    make_staff_user(groups=[EDITOR], username="bianji")
    make_staff_user(groups=[PUBLISHER], username="shenhe", email="shenhe@example.gov.cn")
    notices = {n.pk: n.get_absolute_url() for n in Notice.objects.all()}
    greening = Notice.objects.get(doc_number=GREENING)

    def public_bodies() -> dict[str, str]:
        page.context.clear_cookies()
        bodies = {}
        for url in notices.values():
            response = page.goto(f"{base}{url}")
            assert response is not None and response.status == 200
            bodies[url] = page.locator("main").inner_text()
        return bodies

    before = public_bodies()

    # The editor imports the corrected text through the admin home's import button.
    corrected = MINIMAL.decode().replace("请认真贯彻执行。", "请结合实际认真贯彻执行。", 1)
    upload = tmp_path / "2023-01-corrected.txt"
    upload.write_text(corrected, encoding="utf-8")
    log_in(page, base, "bianji")
    page.get_by_role("link", name="导入公报").first.click()
    page.get_by_label("公报文件").set_input_files(str(upload))
    page.get_by_role("button", name="解析并预览").click()
    expect(page.locator("#revision-preview")).to_contain_text("确认后将保存为修订稿")
    expect(page.locator("#revision-preview")).to_contain_text("正文第")
    page.get_by_role("button", name="保存为修订稿").click()
    expect(page.locator(".messagelist")).to_contain_text("公开页面没有改动")
    page.get_by_label("修订说明").fill("更正第一段的表述")
    page.get_by_role("button", name="保存并提交审核").click()
    expect(page.locator(".messagelist")).to_contain_text("已提交审核")
    assert public_bodies() == before  # nothing public changed

    # The publisher sees it in the queue, reads the difference, publishes.
    log_in(page, base, "shenhe")
    queue = page.locator("#work-waiting")
    expect(queue).to_contain_text("更正第一段的表述")
    queue.get_by_role("link", name="修订稿").first.click()
    expect(page.locator("#revision-diff")).to_contain_text("请结合实际认真贯彻执行。")
    page.get_by_role("button", name="保存并发布修订稿").click()
    expect(page.locator(".messagelist")).to_contain_text("已发布修订稿")

    # The notice page lists the correction; every notice URL still answers 200.
    after = public_bodies()
    assert set(after) == set(before)
    assert "请结合实际认真贯彻执行" in after[greening.get_absolute_url()]
    page.goto(f"{base}{greening.get_absolute_url()}")
    expect(page.locator(".corrections")).to_contain_text("正文第")
    expect(page.locator(".corrections")).to_contain_text("更正（1 次）")


def test_the_issue_page_and_the_import_preview_fit_a_phone(page: Page, live_server, tmp_path):
    """At 390 px the page itself never scrolls sideways: wide tables scroll in their box."""
    page.set_default_timeout(TIMEOUT)
    base = live_server.url
    issue = issue_import(data=MINIMAL).issue
    assert issue is not None
    make_staff_user(groups=[EDITOR], username="bianji")
    log_in(page, base, "bianji")
    page.set_viewport_size({"width": 390, "height": 844})
    width = "document.scrollingElement.scrollWidth"
    for url in ("/admin/", f"/admin/documents/issue/{issue.pk}/change/"):
        page.goto(f"{base}{url}")
        assert page.evaluate(width) <= 390, url
    upload = tmp_path / "issue.txt"
    upload.write_bytes(MINIMAL)
    page.goto(f"{base}/admin/documents/issue/import/")
    page.get_by_label("公报文件").set_input_files(str(upload))
    page.get_by_role("button", name="解析并预览").click()
    expect(page.locator("#import-report")).to_be_visible()
    assert page.evaluate(width) <= 390
    box = page.locator("#import-report").bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390
