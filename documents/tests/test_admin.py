"""Staff data entry in the admin: document numbers, validation messages, locks, totals, preview.

Every test posts the real admin forms (inline management forms included) through the test
client, as a browser would.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from documents.docnumbers import parse_doc_number
from documents.models import Issue, Notice, Table
from documents.tests.factories import (
    EDITOR,
    PUBLISHER,
    NoticeFactory,
    add_inline_rows,
    admin_form_data,
    form_errors,
    make_attachment,
    make_issue,
    make_notice,
    make_project,
    make_staff_user,
    make_unit,
)
from projects.models import Project, Responsibility, Role

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")
# A constraint or field name leaking into a message (e.g. “notice_page_positive” 被违反).
IDENTIFIER = re.compile(r"[a-z]+_[a-z_]+")


def assert_clear_chinese(messages: list[str]) -> None:
    assert messages, "expected an error message on the form"
    for message in messages:
        assert CJK.search(message), message
        assert not IDENTIFIER.search(message), message


@pytest.fixture
def editor(client):
    user = make_staff_user(groups=[EDITOR])
    client.force_login(user)
    return user


@pytest.fixture
def publisher(client):
    user = make_staff_user(groups=[PUBLISHER])
    client.force_login(user)
    return user


def notice_add_data(client, issue: Issue, **fields) -> dict:
    response = client.get(reverse("admin:documents_notice_add"))
    assert response.status_code == 200
    return admin_form_data(
        response,
        **{
            "issue": issue.pk,
            "order": 1,
            "title": "咸宁市人民政府办公室关于印发测试方案的通知",
            "issuer": "咸宁市人民政府办公室",
            "signed_on": "2022-10-08",
            **fields,
        },
    )


def change_page(client, obj):
    opts = obj._meta
    response = client.get(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    )
    assert response.status_code == 200
    return response


def post_change(client, obj, data):
    opts = obj._meta
    return client.post(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]), data
    )


# --- Document numbers --------------------------------------------------------------------------


def test_a_number_typed_with_square_brackets_is_saved_canonical(client, editor):
    issue = make_issue()
    data = notice_add_data(client, issue, doc_number="咸政办发[2022]29号")
    response = client.post(reverse("admin:documents_notice_add"), data)
    assert response.status_code == 302, form_errors(response)
    notice = Notice.objects.get(issue=issue)
    assert notice.doc_number == "咸政办发〔2022〕29号"
    assert (notice.agency_code, notice.year, notice.serial) == ("咸政办发", 2022, 29)
    # The change page shows the parts it was split into.
    assert "咸政办发〔2022〕29号" in change_page(client, notice).content.decode()


@pytest.mark.parametrize(
    "typed", ["咸政办发（2022）29号", "咸政办发 〔２０２２〕 第029号", "咸政办发2022年29"]
)
def test_a_duplicate_number_typed_another_way_is_refused_on_the_form(client, editor, typed):
    existing = make_notice(doc_number="咸政办发〔2022〕29号")
    data = notice_add_data(client, make_issue(), doc_number=typed)
    response = client.post(reverse("admin:documents_notice_add"), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["doc_number"] == [
        f"发文字号 咸政办发〔2022〕29号 已由 {existing.issue} 的《{existing.title}》使用。"
    ]
    assert list(Notice.objects.filter(doc_number=existing.doc_number)) == [existing]


@pytest.mark.parametrize(
    "typed", ["咸政办发29号", "关于印发咸政办发〔2022〕29号的通知", "咸政办发〔22〕29号", "hello"]
)
def test_a_non_number_gets_the_reason_on_the_form(client, editor, typed):
    data = notice_add_data(client, make_issue(), doc_number=typed)
    response = client.post(reverse("admin:documents_notice_add"), data)
    assert response.status_code == 200
    with pytest.raises(ValueError) as reason:
        parse_doc_number(typed)
    assert response.context["adminform"].form.errors["doc_number"] == [str(reason.value)]
    assert_clear_chinese(form_errors(response))
    assert not Notice.objects.exists()


def test_two_rows_of_an_issue_with_one_number_typed_two_ways_are_refused(client, editor):
    issue = make_issue()
    data = admin_form_data(change_page(client, issue))
    add_inline_rows(
        data,
        "notices",
        {
            "order": 1,
            "title": "文件一",
            "doc_number": "咸政办发[2022]29号",
            "issuer": "咸宁市人民政府",
        },
        {
            "order": 2,
            "title": "文件二",
            "doc_number": "咸政办发〔2022〕29号",
            "issuer": "咸宁市人民政府",
        },
    )
    response = post_change(client, issue, data)
    assert response.status_code == 200
    assert "已有文件使用这个发文字号。" in form_errors(response)
    assert_clear_chinese(form_errors(response))
    assert not issue.notices.exists()


@pytest.mark.parametrize(
    "typed",
    ["咸政办函[2022]8号", "咸政办函（2022）第８号", "咸政办函〔2022〕8", " 咸政办函2022年8号 "],
)
def test_changelist_search_by_number_finds_exactly_that_notice(client, editor, typed):
    eight = make_notice(doc_number="咸政办函〔2022〕8号")
    make_notice(doc_number="咸政办函〔2022〕28号")
    make_notice(doc_number="咸政办函〔2021〕8号")
    response = client.get(reverse("admin:documents_notice_changelist"), {"q": typed})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [eight]


def test_changelist_search_by_title_words_still_works(client, editor):
    notice = make_notice(title="关于加快推进新型城镇化建设的实施意见")
    make_notice()
    response = client.get(reverse("admin:documents_notice_changelist"), {"q": "新型城镇化"})
    assert list(response.context["cl"].result_list) == [notice]


@pytest.mark.parametrize("q", ["abc", "2022年", "'; DROP TABLE", "\x00"])
def test_issue_changelist_search_with_any_text_answers(client, editor, q):
    make_issue(year=2022)
    response = client.get(reverse("admin:documents_issue_changelist"), {"q": q})
    assert response.status_code == 200


# --- Clear Chinese messages for bad input -----------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"page": 0}, "page"),
        ({"valid_years": 0}, "valid_years"),
        ({"valid_years": 500}, "valid_years"),
        ({"signed_on": "1900-01-01"}, "signed_on"),
        ({"signed_on": "2023-01-01"}, "signed_on"),  # after the issue came out
        ({"signed_on": "2022-13-45"}, "signed_on"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_notice_fields_get_a_clear_chinese_message(client, editor, fields, field):
    data = notice_add_data(client, make_issue(published_on="2022-11-16"), **fields)
    response = client.post(reverse("admin:documents_notice_add"), data)
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert_clear_chinese(form_errors(response))
    assert not Notice.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"number": 0}, "number"),
        ({"year": 1800}, "year"),
        ({"published_on": "1948-06-01", "year": 1949}, "published_on"),
        ({"published_on": "2010-01-01"}, "published_on"),
        ({"email": "not-an-address"}, "email"),
    ],
)
def test_bad_issue_fields_get_a_clear_chinese_message(client, editor, fields, field):
    data = admin_form_data(
        client.get(reverse("admin:documents_issue_add")),
        **{"year": 2022, "number": 5, "total_number": 70, "published_on": "2022-11-16", **fields},
    )
    response = client.post(reverse("admin:documents_issue_add"), data)
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert_clear_chinese(form_errors(response))


def test_an_issue_number_taken_that_year_is_refused(client, editor):
    make_issue(year=2022, number=5, total_number=70)
    data = admin_form_data(
        client.get(reverse("admin:documents_issue_add")),
        year=2022,
        number=5,
        total_number=71,
        published_on="2022-11-16",
    )
    response = client.post(reverse("admin:documents_issue_add"), data)
    assert response.status_code == 200
    assert "该年份的这一期号已经存在。" in form_errors(response)


# --- Tables, edited as cells ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "rows", "message"),
    [
        ("序号\t名称", "1\t甲\n2", "第2行有1个单元格，而表头有2列"),
        ("序号\t名称", "1\t甲\t多余\n2\t乙", "第1行有3个单元格"),
        ("", "1\t甲\n2\t乙\t丙", "第2行有3个单元格，而第1行有2个单元格"),
        ("序号\n名称", "1", "表头只能有一行"),
    ],
    ids=["short-row", "long-row", "no-header", "two-header-lines"],
)
def test_a_table_of_the_wrong_shape_is_refused_with_the_row_number(
    client, editor, header, rows, message
):
    notice = make_notice()
    data = admin_form_data(change_page(client, notice))
    add_inline_rows(data, "tables", {"order": 1, "title": "表", "header": header, "rows": rows})
    response = post_change(client, notice, data)
    assert response.status_code == 200
    errors = form_errors(response)
    assert any(message in error for error in errors), errors
    assert all(CJK.search(error) for error in errors), errors
    assert not Table.objects.exists()


def test_rows_pasted_from_a_spreadsheet_are_stored_as_cells_with_inner_spaces(client, editor):
    notice = make_notice()
    data = admin_form_data(change_page(client, notice))
    # As WPS and Excel copy: tabs between cells, \r\n between rows, quotes around a cell
    # holding a line break, an empty cell kept.
    pasted = '1\t实体卡 电子卡\t\r\n2\t"社保卡\n（第三代）"\t备注\r\n'
    add_inline_rows(data, "tables", {"order": 1, "header": "序号\t卡种\t备注", "rows": pasted})
    response = post_change(client, notice, data)
    assert response.status_code == 302, form_errors(response)
    table = Table.objects.get(notice=notice)
    assert table.header == ["序号", "卡种", "备注"]
    assert table.rows == [["1", "实体卡 电子卡", ""], ["2", "社保卡\n（第三代）", "备注"]]


def test_an_imported_ragged_table_opens_padded_and_an_unchanged_save_records_nothing(
    client, editor
):
    notice = make_notice()
    table = Table.objects.create(
        notice=notice, order=1, header=["序号", "名称", "备注"], rows=[["1"], ["2", "乙"]]
    )
    versions = table.history.count()
    page = change_page(client, table)
    assert "1\t\t\n2\t乙\t" in page.content.decode()
    response = post_change(client, table, admin_form_data(page))
    assert response.status_code == 302, form_errors(response)
    table.refresh_from_db()
    assert table.rows == [["1"], ["2", "乙"]]  # unchanged: not rewritten
    assert table.history.count() == versions


@pytest.mark.parametrize("investment", ["-1", "-0.01", "abc", "123456789012"])
def test_a_bad_investment_is_refused_with_a_chinese_message(client, editor, investment):
    notice = make_notice()
    data = admin_form_data(change_page(client, notice))
    add_inline_rows(
        data,
        "projects",
        {"section_order": 1, "number": 1, "name": "测试项目", "investment_yi": investment},
    )
    response = post_change(client, notice, data)
    assert response.status_code == 200
    assert_clear_chinese(form_errors(response))
    assert not Project.objects.exists()


def test_a_project_deadline_year_out_of_range_is_refused_with_a_message(client, editor):
    project = make_project()
    data = admin_form_data(change_page(client, project), deadline_year=3000)
    response = post_change(client, project, data)
    assert response.status_code == 200
    assert "deadline_year" in response.context["adminform"].form.errors
    assert_clear_chinese(form_errors(response))


def test_a_membership_naming_nobody_is_refused_with_one_clear_message(client, editor):
    group = make_notice().leading_groups.create(name="测试领导小组")
    data = admin_form_data(change_page(client, group))
    add_inline_rows(data, "memberships", {"order": 1, "role": "leader"})
    response = post_change(client, group, data)
    assert response.status_code == 200
    assert form_errors(response) == ["请至少填写姓名、职务或所在单位之一。"]


def test_an_alias_of_another_unit_is_refused_on_the_form(client, editor):
    make_unit(aliases=["市测试别称"])
    other = make_unit()
    data = admin_form_data(change_page(client, other))
    data.update({"aliases-0-name": "市测试别称"})
    response = post_change(client, other, data)
    assert response.status_code == 200
    assert "这个别名已属于另一个单位。" in form_errors(response)


# --- Projects and responsibilities -------------------------------------------------------------


def test_a_new_project_is_entered_with_its_responsible_units_at_once(client, editor):
    notice = make_notice()
    lead, partner = make_unit(), make_unit()
    data = admin_form_data(
        client.get(reverse("admin:projects_project_add")),
        notice=notice.pk,
        section_order=1,
        section="一、交通项目",
        number=1,
        name="咸宁大道改造工程",
        investment_yi="12.5",
        deadline_text="2025年",
        deadline_year=2025,
    )
    data.update({"responsibilities-0-unit": lead.pk, "responsibilities-0-role": Role.LEAD})
    add_inline_rows(
        data, "responsibilities", {"unit": partner.pk, "role": Role.COOPERATING, "order": 2}
    )
    response = client.post(reverse("admin:projects_project_add"), data)
    assert response.status_code == 302, form_errors(response)
    project = Project.objects.get(name="咸宁大道改造工程")
    assert project.investment_yi == Decimal("12.5")
    assert {(r.unit, r.role) for r in project.responsibilities.all()} == {
        (lead, Role.LEAD),
        (partner, Role.COOPERATING),
    }


def test_the_same_unit_twice_in_the_same_role_is_refused_on_the_form(client, editor):
    project = make_project()
    unit = make_unit()
    data = admin_form_data(change_page(client, project))
    data.update({"responsibilities-0-unit": unit.pk, "responsibilities-0-role": Role.RESPONSIBLE})
    add_inline_rows(
        data, "responsibilities", {"unit": unit.pk, "role": Role.RESPONSIBLE, "order": 2}
    )
    response = post_change(client, project, data)
    assert response.status_code == 200
    assert_clear_chinese(form_errors(response))
    assert not Responsibility.objects.exists()


def test_the_running_total_shows_section_subtotals_and_the_total(client, editor):
    notice = make_notice()
    make_project(
        notice=notice, section_order=1, section="一、产业项目", investment_yi=Decimal("10.5")
    )
    make_project(
        notice=notice, section_order=1, section="一、产业项目", investment_yi=Decimal("2.25")
    )
    make_project(notice=notice, section_order=2, section="二、民生项目", investment_yi=Decimal("7"))
    make_project(notice=notice, section_order=2, section="二、民生项目", investment_yi=None)
    make_project(section_order=1, section="一、产业项目", investment_yi=Decimal("99"))  # elsewhere
    html = change_page(client, notice).content.decode()
    found = re.search(r"<table><thead><tr><th>栏目.*?</table>", html, re.DOTALL)
    assert found is not None
    summary = found.group()
    rows = re.findall(
        r"<tr><td>(.*?)</td><td class='num'>(\d+)</td><td class='num'>([\d.]+)</td>", summary
    )
    assert [(s, int(n), Decimal(t)) for s, n, t in rows] == [
        ("一、产业项目", 2, Decimal("12.75")),
        ("二、民生项目", 2, Decimal("7")),
    ]
    total = re.search(
        r"<tfoot><tr><th>合计</th><th class='num'>(\d+)</th><th class='num'>([\d.]+)", summary
    )
    assert total is not None
    assert (int(total[1]), Decimal(total[2])) == (4, Decimal("19.75"))


def test_a_notice_without_projects_says_so(client, editor):
    assert "本文件没有项目清单。" in change_page(client, make_notice()).content.decode()


# --- Published content is read-only for editors ------------------------------------------------


def test_an_editor_sees_a_published_notice_read_only(client, editor):
    notice = NoticeFactory.create(published=True, title="原标题")
    response = change_page(client, notice)
    assert 'name="title"' not in response.content.decode()
    assert "原标题" in response.content.decode()
    response = post_change(client, notice, {"title": "改过的标题"})
    assert response.status_code == 403
    notice.refresh_from_db()
    assert notice.title == "原标题"


def test_an_editor_cannot_change_or_delete_a_published_issue(client, editor):
    issue = make_issue(published=True)
    response = change_page(client, issue)
    assert 'name="total_number"' not in response.content.decode()
    delete = reverse("admin:documents_issue_delete", args=[issue.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    bulk = client.post(
        reverse("admin:documents_issue_changelist"),
        {"action": "delete_selected", "_selected_action": [issue.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302, 403)
    assert Issue.objects.filter(pk=issue.pk).exists()


def test_an_editor_cannot_add_content_to_a_published_issue(client, editor):
    published = make_issue(published=True)
    data = notice_add_data(client, published, doc_number="咸政办发〔2022〕40号")
    response = client.post(reverse("admin:documents_notice_add"), data)
    assert response.status_code == 200
    assert "issue" in response.context["adminform"].form.errors
    assert_clear_chinese(form_errors(response))
    assert not published.notices.exists()


def test_an_editor_cannot_move_a_draft_notice_into_a_published_issue(client, editor):
    notice = make_notice()
    published = make_issue(published=True)
    data = admin_form_data(change_page(client, notice), issue=published.pk)
    response = post_change(client, notice, data)
    assert response.status_code == 200
    notice.refresh_from_db()
    assert notice.issue_id != published.pk


def test_an_editor_cannot_add_a_project_to_a_published_notice(client, editor):
    notice = NoticeFactory.create(published=True)
    data = admin_form_data(
        client.get(reverse("admin:projects_project_add")),
        notice=notice.pk,
        number=1,
        name="混入的项目",
    )
    response = client.post(reverse("admin:projects_project_add"), data)
    assert response.status_code == 200
    assert not Project.objects.exists()


def test_a_publisher_may_correct_a_published_notice(client, publisher):
    notice = NoticeFactory.create(published=True, title="原标题")
    data = admin_form_data(change_page(client, notice), title="更正后的标题")
    response = post_change(client, notice, data)
    assert response.status_code == 302, form_errors(response)
    notice.refresh_from_db()
    assert notice.title == "更正后的标题"
    assert notice.history.first().history_user == publisher


def test_an_attachment_inline_offers_only_this_notices_attachments_for_a_table(client, editor):
    notice = make_notice()
    own = make_attachment(notice=notice, label="附件1")
    other = make_attachment(label="附件9")
    response = change_page(client, notice)
    (tables,) = [
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == "tables"
    ]
    field = tables.empty_form.fields["attachment"]
    assert list(field.queryset) == [own]
    assert other not in field.queryset


# --- Preview -----------------------------------------------------------------------------------


def test_staff_preview_a_draft_notice_and_issue(client, editor):
    notice = make_notice(title="尚未发布的测试通知")
    preview = reverse("admin:documents_notice_preview", args=[notice.pk])
    response = client.get(preview)
    assert response.status_code == 200
    assert "尚未发布的测试通知" in response.content.decode()
    assert "预览" in response.content.decode()
    issue = notice.issue
    response = client.get(reverse("admin:documents_issue_preview", args=[issue.year, issue.number]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "尚未发布的测试通知" in body
    # The table of contents links to the preview, not the public page (which would 404).
    assert preview in body
    assert client.get(notice.get_absolute_url()).status_code == 404


def test_the_change_page_links_to_the_preview(client, editor):
    notice = make_notice()
    assert reverse("admin:documents_notice_preview", args=[notice.pk]) in (
        change_page(client, notice).content.decode()
    )


def test_anonymous_visitors_are_sent_to_log_in_from_the_preview(client):
    notice = make_notice()
    for url in (
        reverse("admin:documents_notice_preview", args=[notice.pk]),
        reverse("admin:documents_issue_preview", args=[notice.issue.year, notice.issue.number]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_two_project_rows_with_one_list_number_are_refused_in_words(client, editor):
    notice = make_notice()
    data = admin_form_data(change_page(client, notice))
    add_inline_rows(
        data,
        "projects",
        {"section_order": 1, "number": 3, "name": "项目甲"},
        {"section_order": 1, "number": 3, "name": "项目乙"},
    )
    response = post_change(client, notice, data)
    assert response.status_code == 200
    assert "该清单栏目中已有这个序号。" in form_errors(response)
    assert_clear_chinese(form_errors(response))


# --- Line endings -------------------------------------------------------------------------------


def test_a_save_without_changes_records_no_history_despite_the_browsers_line_endings(
    client, editor
):
    notice = make_notice(body="第一段。\n第二段。\n第三段。")
    versions = notice.history.count()
    data = admin_form_data(change_page(client, notice))
    data["body"] = data["body"].replace("\n", "\r\n")  # what a browser's text area sends
    response = post_change(client, notice, data)
    assert response.status_code == 302, form_errors(response)
    notice.refresh_from_db()
    assert notice.body == "第一段。\n第二段。\n第三段。"
    assert notice.history.count() == versions


def test_a_changed_body_is_stored_with_plain_line_endings(client, editor):
    notice = make_notice(body="第一段。\n第二段。")
    data = admin_form_data(change_page(client, notice))
    data["body"] = "第一段。\r\n第二段（改）。\r\n"
    response = post_change(client, notice, data)
    assert response.status_code == 302, form_errors(response)
    notice.refresh_from_db()
    assert "\r" not in notice.body and notice.body.startswith("第一段。\n第二段（改）。")
    latest = notice.history.first()
    assert latest.history_change_reason == "人工修改"
    assert [c.field for c in latest.diff_against(latest.prev_record).changes] == ["body"]


# --- Finding things ----------------------------------------------------------------------------


def changelist_titles(client, model: str, query: str) -> set[str]:
    response = client.get(reverse(f"admin:documents_{model}_changelist"), {"q": query})
    assert response.status_code == 200
    return {str(obj) for obj in response.context["cl"].result_list}


@pytest.mark.parametrize("query", ["2022年第6号", "2022年6号", "2022-6", "总第1234号"])
def test_issues_are_found_by_their_printed_number(client, editor, query):
    make_issue(year=2022, number=5)
    wanted = make_issue(year=2022, number=6, total_number=1234)
    assert changelist_titles(client, "issue", query) == {str(wanted)}


def test_notices_are_found_by_body_text_and_by_a_number_they_cite(client, editor):
    cited = make_notice(doc_number="咸政发〔2021〕7号", title="被引用的文件")
    citing = make_notice(title="引用它的文件", body="依据有关规定，结合本市城市绿化实际。")
    citing.citations.create(doc_number="咸政发〔2021〕7号")
    make_notice(title="无关的文件")
    assert changelist_titles(client, "notice", "城市绿化实际") == {str(citing)}
    assert changelist_titles(client, "notice", "咸政发[2021]7号") == {str(cited), str(citing)}


def test_view_on_site_of_a_draft_opens_its_preview_and_its_links_stay_in_preview(client, editor):
    notice = make_notice()
    page = change_page(client, notice).content.decode()
    preview = reverse("admin:documents_notice_preview", args=[notice.pk])
    assert view_on_site_link(page) == preview
    issue = notice.issue
    shown = client.get(preview).content.decode()
    issue_preview = reverse("admin:documents_issue_preview", args=[issue.year, issue.number])
    assert f'href="{issue_preview}"' in shown and f'href="{issue.get_absolute_url()}"' not in shown
    assert view_on_site_link(change_page(client, issue).content.decode()) == issue_preview


def view_on_site_link(page: str) -> str:
    found = re.search(r'<a href="([^"]+)" class="viewsitelink">', page)
    assert found, "no 在站点上查看 link"
    return found[1]


# --- Collisions in the forms --------------------------------------------------------------------


def test_a_number_used_by_another_notice_is_refused_naming_that_notice(client, editor):
    holder = make_notice(doc_number="咸政发〔2022〕9号", title="已有的文件")
    notice = make_notice()
    data = admin_form_data(change_page(client, notice))
    data["doc_number"] = "咸政发[2022]9号"
    response = post_change(client, notice, data)
    assert response.status_code == 200
    errors = form_errors(response)
    assert any(f"{holder.issue} 的《已有的文件》使用" in error for error in errors), errors


def test_a_signing_date_after_the_issue_date_is_refused_in_the_form(client, editor):
    notice = make_notice()
    data = admin_form_data(change_page(client, notice))
    data["signed_on"] = (notice.issue.published_on + datetime.timedelta(days=3)).isoformat()
    response = post_change(client, notice, data)
    assert response.status_code == 200
    assert any("成文日期晚于所在刊期的出版日期" in error for error in form_errors(response))


def test_a_new_issue_starts_with_the_standing_masthead(client, editor, settings):
    page = client.get(reverse("admin:documents_issue_add")).content.decode()
    for name, value in settings.GAZETTE_MASTHEAD.items():
        assert re.search(rf'name="{name}"[^>]*value="{re.escape(value)}"', page) or re.search(
            rf'value="{re.escape(value)}"[^>]*name="{name}"', page
        ), name
