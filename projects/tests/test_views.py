"""The public project and task lists: filters, the count and total of what is shown, CSV."""

import csv
import io
from decimal import Decimal

import pytest

from documents.tests.factories import (
    make_issue,
    make_notice,
    make_project,
    make_responsibility,
    make_task,
    make_unit,
)
from projects.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def lists():
    """Two published notices with projects and tasks, units in several roles."""
    issue = make_issue(published=True)
    plan = make_notice(issue=issue, doc_number="咸政办发〔2022〕29号")
    other = make_notice(issue=issue, doc_number="咸政发〔2022〕11号")
    fgw, xianan = make_unit(short_name="测试发改"), make_unit(short_name="测试咸安")
    park = make_project(
        notice=plan,
        section_order=1,
        section="一、产业项目",
        name="电子信息产业园",
        content="建设标准厂房",
        investment_yi=Decimal("35.5"),
        deadline_year=2024,
        deadline_text="2024年",
        location="咸宁高新区",
    )
    road = make_project(
        notice=plan,
        section_order=2,
        section="二、基础设施",
        name="城市道路改造",
        content="改造道路12公里",
        investment_yi=Decimal("12.25"),
        deadline_year=2025,
        deadline_text="2025年",
        location="咸安区",
    )
    school = make_project(
        notice=other,
        section_order=1,
        section="一、社会事业",
        name="第二实验学校",
        content="新建校舍",
        investment_yi=Decimal("2"),
        deadline_year=None,
        deadline_text="持续推进",
        location="咸安区",
    )
    make_responsibility(project=park, unit=fgw, role=Role.LEAD)
    make_responsibility(project=park, unit=fgw, role=Role.COOPERATING)
    make_responsibility(project=road, unit=xianan, role=Role.RESPONSIBLE)
    make_responsibility(project=road, unit=fgw, role=Role.COOPERATING)
    make_responsibility(project=school, unit=xianan, role=Role.RESPONSIBLE)
    inspect = make_task(notice=plan, content="开展项目督查", deadline_year=2023)
    report = make_task(notice=other, content="按月报送进度", deadline_year=2024)
    make_responsibility(task=inspect, unit=fgw, role=Role.LEAD)
    make_responsibility(task=report, unit=xianan, role=Role.RESPONSIBLE)
    make_responsibility(task=report, unit=fgw, role=Role.COOPERATING)
    return {
        "plan": plan,
        "other": other,
        "fgw": fgw,
        "xianan": xianan,
        "park": park,
        "road": road,
        "school": school,
        "inspect": inspect,
        "report": report,
    }


def shown(client, path: str, **params):
    response = client.get(path, params)
    assert response.status_code == 200
    return response


def project_names(response) -> set[str]:
    return {project.name for project in response.context["projects"]}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"park", "road", "school"}),
        ({"notice": "plan"}, {"park", "road"}),
        ({"section": "二、基础设施"}, {"road"}),
        ({"location": "咸安区"}, {"road", "school"}),
        ({"unit": "fgw"}, {"park", "road"}),
        ({"unit": "fgw", "role": Role.LEAD}, {"park"}),
        ({"unit": "fgw", "role": Role.COOPERATING}, {"park", "road"}),
        ({"unit": "xianan", "role": Role.LEAD}, set()),
        ({"deadline_year": 2025}, {"road"}),
        ({"investment_min": "10"}, {"park", "road"}),
        ({"investment_max": "12.25"}, {"road", "school"}),
        ({"investment_min": "3", "investment_max": "20"}, {"road"}),
        ({"q": "道路"}, {"road"}),
        ({"q": "厂房"}, {"park"}),
        ({"q": "  校舍 "}, {"school"}),
        ({"location": "咸安区", "q": "学校"}, {"school"}),
    ],
)
def test_project_filters(client, lists, params, expected):
    params = {key: getattr(lists.get(value), "pk", value) for key, value in params.items()}
    response = shown(client, "/projects/", **params)
    assert project_names(response) == {lists[key].name for key in expected}
    # The count and total above the list are those of the filtered list.
    total = sum((lists[key].investment_yi for key in expected), Decimal("0"))
    assert response.context["total_count"] == len(expected)
    assert response.context["total_investment"] == total
    assert f"data-total-count>{len(expected)}<" in response.content.decode()


def test_section_subtotals_count_each_project_once(client, lists):
    # fgw has two roles in the park project: it is still one project of 35.5 亿元.
    response = shown(client, "/projects/", unit=lists["fgw"].pk)
    rows = [
        (row["section"], row["count"], row["total"]) for row in response.context["section_totals"]
    ]
    assert rows == [("一、产业项目", 1, Decimal("35.5")), ("二、基础设施", 1, Decimal("12.25"))]


def test_projects_sort_by_investment(client, lists):
    response = shown(client, "/projects/", sort="-investment")
    assert [p.name for p in response.context["projects"]] == [
        "电子信息产业园",
        "城市道路改造",
        "第二实验学校",
    ]


@pytest.mark.parametrize(
    "params",
    [
        {"notice": "abc"},
        {"notice": "99999999999999999999999"},
        {"unit": "-1"},
        {"role": "boss"},
        {"deadline_year": "二〇二五"},
        {"investment_min": "lots"},
        {"investment_min": "1e400"},
        {"investment_max": "NaN"},
        {"investment_max": "-Infinity"},
        {"sort": "password"},
        {"q": "x" * 5000},
        {"q": "\x00"},
        {"section": "\x00"},
        {"location": "咸安区\x00"},
    ],
)
@pytest.mark.parametrize("path", ["/projects/", "/projects/export.csv", "/tasks/"])
def test_garbage_filter_values_give_a_page_not_an_error(client, lists, params, path):
    # A filter the list does not have (investment on /tasks/) is redirected away first.
    response = client.get(path, params, follow=True)
    assert response.status_code == 200
    if path != "/projects/export.csv":
        form = response.context["filter"].form
        field = next(iter(params))
        if field in form.fields and field != "q":
            assert form.errors.get(field), form.errors
            assert 'class="error"' in response.content.decode()


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/projects/", {"deadline_year": "99999999999999"}),
        ("/projects/", {"investment_min": "1e30"}),
        ("/projects/", {"unit": 2**62}),
        ("/tasks/", {"deadline_year": "99999999999999"}),
        ("/tasks/", {"unit": 2**62}),
    ],
)
def test_absurd_but_well_formed_values_give_an_empty_list(client, lists, path, params):
    response = client.get(path, params)
    assert response.status_code == 200
    assert not response.context["object_list"]


def test_a_wrong_page_number_is_not_a_server_error(client, lists):
    assert client.get("/projects/", {"page": "abc"}).status_code in (200, 404)
    assert client.get("/tasks/", {"page": "999"}).status_code in (200, 404)


def read_csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # so that Excel reads UTF-8
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def test_csv_export_has_a_header_and_an_investment_column_in_yi_yuan(client, lists):
    response = shown(client, "/projects/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    header, *rows = read_csv(response)
    assert header[0] == "发文字号"
    column = header.index("总投资（亿元）")
    by_name = {row[header.index("项目名称")]: row for row in rows}
    assert {name: row[column] for name, row in by_name.items()} == {
        "电子信息产业园": "35.5",
        "城市道路改造": "12.25",
        "第二实验学校": "2",
    }
    assert by_name["电子信息产业园"][0] == "咸政办发〔2022〕29号"
    assert by_name["城市道路改造"][header.index("配合单位")] == "测试发改"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"location": "咸安区"}, {"城市道路改造", "第二实验学校"}),
        ({"unit": "fgw", "role": Role.LEAD}, {"电子信息产业园"}),
        ({"q": "道路", "investment_min": "1"}, {"城市道路改造"}),
        ({"notice": "abc"}, set()),
    ],
)
def test_csv_export_applies_the_same_filters_as_the_page(client, lists, params, expected):
    params = {key: getattr(lists.get(value), "pk", value) for key, value in params.items()}
    header, *rows = read_csv(shown(client, "/projects/export.csv", **params))
    assert {row[header.index("项目名称")] for row in rows} == expected
    assert project_names(shown(client, "/projects/", **params)) == expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"inspect", "report"}),
        ({"notice": "other"}, {"report"}),
        ({"unit": "fgw"}, {"inspect", "report"}),
        ({"unit": "fgw", "role": Role.LEAD}, {"inspect"}),
        ({"unit": "xianan", "role": Role.RESPONSIBLE}, {"report"}),
        ({"deadline_year": 2023}, {"inspect"}),
    ],
)
def test_task_filters_and_count(client, lists, params, expected):
    params = {key: getattr(lists.get(value), "pk", value) for key, value in params.items()}
    response = shown(client, "/tasks/", **params)
    assert {task.content for task in response.context["tasks"]} == {
        lists[key].content for key in expected
    }
    assert f"data-total-count>{len(expected)}</strong> 项任务" in response.content.decode()


def test_the_notice_filter_offers_only_published_notices(client, lists):
    draft = make_notice(title="草稿中的文件标题")
    for path in ("/projects/", "/tasks/"):
        body = shown(client, path).content.decode()
        assert lists["plan"].title in body
        assert draft.title not in body
