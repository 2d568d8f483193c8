"""The staff workflow in the real admin, in Chromium: an 编辑 enters an issue, a notice (its
number typed the way people type it) and a project with a responsible unit picked through the
autocomplete; a 审核发布 user publishes the issue; the public sees the notice."""

import re

from playwright.sync_api import Page, expect

from documents.models import Notice
from documents.tests.factories import EDITOR, PASSWORD, PUBLISHER, make_staff_user, make_unit
from projects.models import Project

TIMEOUT = 10_000  # ms; the admin's own JavaScript (inlines, select2) runs first


def log_in(page: Page, base_url: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base_url}/admin/login/?next=/admin/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("link", name=re.compile("刊期")).first).to_be_visible(timeout=TIMEOUT)


def test_editor_enters_and_publisher_publishes_in_the_real_admin(page: Page, live_server):
    page.set_default_timeout(TIMEOUT)
    base = live_server.url
    make_staff_user(groups=[EDITOR], username="bianji")
    make_staff_user(groups=[PUBLISHER], username="shenhe")
    make_unit(full_name="咸宁市浏览器测试局", short_name="市浏览器测试局")

    # The editor enters the issue with its first notice in the inline table of contents.
    log_in(page, base, "bianji")
    page.goto(f"{base}/admin/documents/issue/add/")
    page.get_by_label("年份").fill("2022")
    page.get_by_label("期号（年内第几号）").fill("5")
    page.get_by_label("总期号（总第几号）").fill("70")
    page.get_by_label("出版日期").fill("2022-11-16")
    page.get_by_role("button", name="添加另一个 文件").click()
    row = page.locator("#notices-0")
    row.locator('[name="notices-0-page"]').fill("1")
    row.locator('[name="notices-0-title"]').fill(
        "咸宁市人民政府办公室关于印发扩大有效投资实施方案的通知"
    )
    row.locator('[name="notices-0-doc_number"]').fill("咸政办发[2022]29号")
    row.locator('[name="notices-0-issuer"]').fill("咸宁市人民政府办公室")
    row.locator('[name="notices-0-signed_on"]').fill("2022-11-01")
    page.get_by_role("button", name="保存并继续编辑").click()

    # Saved canonical, split into its parts.
    expect(page.locator(".messagelist")).to_contain_text("成功")
    expect(page.locator('[name="notices-0-doc_number"]')).to_have_value("咸政办发〔2022〕29号")
    page.locator("#notices-0").get_by_role("link", name="修改").click()
    expect(page.locator("#id_doc_number")).to_have_value("咸政办发〔2022〕29号")
    expect(page.locator(".fieldBox.field-agency_code .readonly")).to_have_text("咸政办发")
    expect(page.locator(".fieldBox.field-serial .readonly")).to_have_text("29")
    notice = Notice.objects.get(doc_number="咸政办发〔2022〕29号")

    # A project of the notice, its responsible unit picked through the autocomplete.
    page.goto(f"{base}/admin/projects/project/add/?notice={notice.pk}")
    page.get_by_label("项目名称").fill("咸宁高新区电子信息产业园")
    page.get_by_label("总投资（亿元）").fill("35.5")
    unit_box = page.locator("#responsibilities-0 .field-unit").get_by_role("combobox")
    unit_box.click()
    page.locator(".select2-container--open").get_by_role("searchbox").fill("浏览器测试")
    page.get_by_role("option", name="市浏览器测试局").click()
    expect(unit_box).to_contain_text("市浏览器测试局")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("成功")
    project = Project.objects.get(name="咸宁高新区电子信息产业园")
    assert [str(r.unit) for r in project.responsibilities.all()] == ["市浏览器测试局"]

    # The editor is not offered publishing.
    page.goto(f"{base}/admin/documents/issue/")
    actions = page.get_by_label("动作")
    expect(actions).to_contain_text("删除所选")
    expect(actions).not_to_contain_text("发布所选刊期")
    response = page.goto(f"{base}{notice.get_absolute_url()}")
    assert response is not None
    assert response.status == 404

    # The publisher publishes the issue with the admin action.
    log_in(page, base, "shenhe")
    page.goto(f"{base}/admin/documents/issue/")
    page.locator(f'input[name="_selected_action"][value="{notice.issue_id}"]').check()
    page.get_by_label("动作").select_option(label="发布所选刊期（连同其中全部文件）")
    page.get_by_role("button", name="执行").click()
    expect(page.locator(".messagelist")).to_contain_text("已发布 1 期。")

    # The public notice page shows it.
    page.context.clear_cookies()
    response = page.goto(f"{base}{notice.get_absolute_url()}")
    assert response is not None
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "咸宁市人民政府办公室关于印发扩大有效投资实施方案的通知"
    )
    expect(page.locator("article .doc-number").first).to_have_text("咸政办发〔2022〕29号")
    expect(page.get_by_role("cell", name="咸宁高新区电子信息产业园")).to_be_visible()
