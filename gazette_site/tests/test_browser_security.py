"""The Content-Security-Policy in a real browser: the public pages and the admin (log-in, change
forms with inlines and the autocomplete widget, history) work under it and Chromium reports no
violation."""

import re

import pytest
from playwright.sync_api import Page, expect

from documents.tests.factories import (
    EDITOR,
    PASSWORD,
    index_for_search,
    make_issue,
    make_notice,
    make_project,
    make_staff_user,
    make_table,
    make_unit,
)

TIMEOUT = 10_000

# Recorded from inside the page (not subject to the page's CSP: Playwright injects it).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${where}`);
});
"""


class Violations:
    """CSP violations Chromium reported, from the console and from the page's own events."""

    def __init__(self, page: Page):
        self.page = page
        self.console: list[str] = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._console)

    def _console(self, message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.console.append(f"{message.type}: {message.text}")

    def check(self, where: str) -> None:
        events = self.page.evaluate("window.__cspViolations || []")
        assert (self.console, events) == ([], []), where


@pytest.fixture
def violations(page: Page) -> Violations:
    page.set_default_timeout(TIMEOUT)
    return Violations(page)


def test_public_pages_work_under_the_policy(page: Page, live_server, violations):
    issue = make_issue(year=2022, number=5, published=True)
    notice = make_notice(
        issue=issue, title="关于印发项目清单的通知", body="一、总体要求\n项目建设。"
    )
    make_table(notice=notice)
    make_project(notice=notice)
    index_for_search(notice)
    base = live_server.url
    for path in [
        "/",
        "/issues/",
        issue.get_absolute_url(),
        notice.get_absolute_url(),
        "/search/?q=项目",
        "/projects/",
        "/tasks/",
        "/units/",
        "/groups/",
    ]:
        response = page.goto(base + path)
        assert response is not None, path
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
        violations.check(path)

    # site.js (our only script) runs under the policy: the 大字版 toggle works.
    page.goto(base + "/search/?q=项目")
    page.get_by_role("button", name="大字版").click()
    expect(page.locator("html")).to_have_class(re.compile("large-text"))
    # The search page's styles (from site.css, no inline <style>) are applied.
    layout = page.locator(".search-layout")
    if layout.count():
        assert layout.evaluate("el => getComputedStyle(el).display") == "grid"
    violations.check("large-text toggle")


@pytest.mark.login_lockout  # the real log-in, with django-axes counting
def test_the_admin_works_under_the_policy(page: Page, live_server, violations):
    base = live_server.url
    make_staff_user(groups=[EDITOR], username="bianji")
    unit = make_unit(full_name="咸宁市浏览器安全测试局", short_name="市安全测试局")
    issue = make_issue(year=2022, number=7)
    notice = make_notice(issue=issue, title="草稿通知")
    project = make_project(notice=notice)

    page.goto(f"{base}/admin/login/?next=/admin/")
    violations.check("login page")
    page.get_by_label("用户名").fill("bianji")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("link", name=re.compile("刊期")).first).to_be_visible()
    violations.check("admin index")

    # An issue with its inline table of contents; add a row with the inline's 添加 link.
    page.goto(f"{base}/admin/documents/issue/{issue.pk}/change/")
    page.get_by_role("button", name="添加另一个 文件").click()
    expect(page.locator("#notices-1")).to_be_visible()
    violations.check("issue change form")

    # A notice's change form: many inlines, the autocomplete for its issue (select2).
    page.goto(f"{base}/admin/documents/notice/{notice.pk}/change/")
    issue_box = page.locator(".field-issue").get_by_role("combobox")
    issue_box.click()
    expect(page.locator(".select2-results__option").first).to_be_visible()
    page.keyboard.press("Escape")
    violations.check("notice change form")

    # A project's responsible unit picked through the autocomplete, and saved.
    page.goto(f"{base}/admin/projects/project/{project.pk}/change/")
    unit_box = page.locator("#responsibilities-0 .field-unit").get_by_role("combobox")
    unit_box.click()
    page.locator(".select2-container--open").get_by_role("searchbox").fill("安全测试")
    page.get_by_role("option", name="市安全测试局").click()
    expect(unit_box).to_contain_text("市安全测试局")
    # A field of the project too: a save that changes nothing records no history.
    page.get_by_label("项目名称").fill(f"{project.name}（更名）")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("成功")
    assert project.responsibilities.filter(unit=unit).exists()
    violations.check("project saved")

    # The audit history page (django-simple-history) and the change list with its filters.
    page.goto(f"{base}/admin/projects/project/{project.pk}/history/")
    expect(page.locator("#content")).to_contain_text("bianji")
    page.goto(f"{base}/admin/documents/notice/")
    violations.check("history and change list")
