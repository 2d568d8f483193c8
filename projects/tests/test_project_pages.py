"""The project and task lists as a reader uses them: select boxes of known values, sortable
column headers that keep the filters, totals and charts of what is shown, flat query counts."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from documents.models import Notice, Unit
from documents.tests.factories import (
    NoticeFactory,
    make_issue,
    make_notice,
    make_project,
    make_responsibility,
    make_task,
    make_unit,
)
from documents.tests.sample import PLAN_NUMBER, PROJECT_COUNT, PROJECT_TOTAL, load_sample_issue
from projects.models import Role

pytestmark = pytest.mark.django_db


def options(body: str, name: str) -> list[str]:
    """The labels a <select name=…> offers, the empty choice left out."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', body, re.S)
    assert select, f"no select box for {name}"
    labels = re.findall(r'<option value="([^"]*)"[^>]*>(.*?)</option>', select.group(1))
    return [label for value, label in labels if value]


@pytest.fixture
def lists():
    """A published notice with projects and tasks, and a draft whose values must not show."""
    issue = make_issue(published=True, year=2023)
    plan = make_notice(issue=issue, title="公开的项目清单通知")
    other = make_notice(issue=issue, title="不含项目的通知")
    fgw, xianan = make_unit(short_name="测试发改"), make_unit(short_name="测试咸安")
    park = make_project(
        notice=plan,
        section_order=1,
        section="产业项目",
        name="电子信息产业园",
        investment_yi=Decimal("35.5"),
        deadline_year=2024,
        location="咸宁高新区",
    )
    road = make_project(
        notice=plan,
        section_order=2,
        section="基础设施",
        name="城市道路改造",
        investment_yi=Decimal("12.25"),
        deadline_year=2025,
        location="咸安区",
    )
    make_responsibility(project=park, unit=fgw, role=Role.LEAD)
    make_responsibility(project=road, unit=xianan, role=Role.RESPONSIBLE)
    make_responsibility(task=make_task(notice=other, deadline_year=2023), unit=xianan)
    draft = make_notice(issue=make_issue(year=2023), title="草稿通知")
    secret = make_unit(short_name="草稿单位")
    hidden = make_project(
        notice=draft, section="草稿栏目", location="草稿县", deadline_year=2031, name="草稿项目"
    )
    make_responsibility(project=hidden, unit=secret)
    make_responsibility(task=make_task(notice=draft, deadline_year=2032), unit=secret)
    return {"plan": plan, "other": other, "fgw": fgw, "xianan": xianan}


def test_project_filters_offer_the_published_values_as_select_boxes(client, lists):
    body = client.get("/projects/").content.decode()
    assert options(body, "section") == ["产业项目", "基础设施"]
    assert options(body, "location") == ["咸宁高新区", "咸安区"]
    assert options(body, "deadline_year") == ["2024年", "2025年"]
    assert options(body, "notice") == [str(lists["plan"])]  # only notices with projects
    assert set(options(body, "unit")) == {"测试发改", "测试咸安"}
    assert options(body, "role") == ["牵头单位", "责任单位", "配合单位"]
    for field in ("investment_min", "investment_max", "q"):
        assert f'name="{field}"' in body
    assert "草稿" not in body.split("<main")[1]


def test_task_filters_offer_the_published_values_as_select_boxes(client, lists):
    body = client.get("/tasks/").content.decode()
    assert options(body, "notice") == [str(lists["other"])]
    assert options(body, "unit") == ["测试咸安"]
    assert options(body, "deadline_year") == ["2023年"]
    assert "草稿" not in body.split("<main")[1]


def test_every_filter_has_a_visible_label(client, lists):
    for path in ("/projects/", "/tasks/"):
        body = client.get(path).content.decode()
        for field_id in re.findall(r'<(?:select|input)[^>]* id="(id_[a-z_]+)"', body):
            assert f'<label for="{field_id}">' in body, (path, field_id)


def header_links(body: str) -> dict[str, tuple[str, str | None]]:
    """Column label → (href of its sort link, aria-sort of the header or None)."""
    links: dict[str, tuple[str, str | None]] = {}
    for th in re.findall(r"<th [^>]*>.*?</th>", body, re.S):
        link = re.search(r'<a class="sort-link" href="([^"]+)">([^<]+)', th)
        if link:
            state = re.search(r'aria-sort="(\w+)"', th)
            links[link.group(2)] = (link.group(1).replace("&amp;", "&"), state and state.group(1))
    return links


def test_column_headers_sort_and_keep_the_other_filters(client, lists):
    body = client.get("/projects/", {"location": "咸安区", "page": "1"}).content.decode()
    links = header_links(body)
    assert set(links) == {"项目名称", "总投资（亿元）", "完成时限", "所在地"}
    href, state = links["总投资（亿元）"]
    assert "sort=-investment" in href and "location=" in href and "page=" not in href
    assert state is None


def test_a_sorted_column_says_so_and_its_header_reverses_the_order(client, lists):
    response = client.get("/projects/", {"sort": "-investment"})
    assert [p.name for p in response.context["projects"]] == ["电子信息产业园", "城市道路改造"]
    href, state = header_links(response.content.decode())["总投资（亿元）"]
    assert state == "descending" and "sort=investment" in href
    response = client.get("/projects/" + href)
    assert [p.name for p in response.context["projects"]] == ["城市道路改造", "电子信息产业园"]
    assert header_links(response.content.decode())["总投资（亿元）"][1] == "ascending"


def test_the_csv_link_carries_the_current_filters(client, lists):
    body = client.get("/projects/", {"location": "咸安区", "sort": "name"}).content.decode()
    found = re.search(r'href="(/projects/export\.csv[^"]*)"', body)
    assert found is not None
    link = found.group(1).replace("&amp;", "&")
    rows = client.get(link).content.decode("utf-8-sig").splitlines()
    assert len(rows) == 2 and "城市道路改造" in rows[1]


def test_charts_show_investment_by_section_and_location_of_what_is_listed(client, lists):
    response = client.get("/projects/", {"unit": lists["fgw"].pk})
    body = response.content.decode()
    assert [bar.label for bar in response.context["section_chart"].bars] == ["产业项目"]
    assert [bar.label for bar in response.context["location_chart"].bars] == ["咸宁高新区"]
    svg = re.findall(r"<svg [^>]*>", body)
    assert len(svg) == 2 and all('role="img"' in tag for tag in svg)
    assert "<desc" in body and "产业项目 35.50 亿元" in body  # the text alternative
    assert ">35.50</text>" in body  # the figure on the bar


def test_with_the_sample_the_list_totals_the_printed_figures(client):
    load_sample_issue()
    response = client.get("/projects/")
    body = response.content.decode()
    assert f"data-total-count>{PROJECT_COUNT}<" in body
    assert f"data-total-investment>{PROJECT_TOTAL}<" in body
    section_total = sum(bar.value for bar in response.context["section_chart"].bars)
    location_total = sum(bar.value for bar in response.context["location_chart"].bars)
    assert f"{section_total:.2f}" == f"{location_total:.2f}" == PROJECT_TOTAL
    plan = Notice.objects.get(doc_number=PLAN_NUMBER)
    filtered = client.get("/projects/", {"notice": plan.pk, "location": "通山县"})
    assert filtered.context["total_count"] == 5
    assert f"{filtered.context['total_investment']:.2f}" == "192.45"


def test_a_unit_with_a_role_only_in_drafts_is_not_offered(client, lists):
    body = client.get("/projects/").content.decode()
    assert "草稿单位" not in body
    secret = Unit.objects.get(short_name="草稿单位")
    response = client.get("/projects/", {"unit": secret.pk})
    assert not response.context["projects"]


# --- Query counts ------------------------------------------------------------------------------


def add_projects(count: int) -> None:
    for index in range(count):
        notice = NoticeFactory.create(published=True, issue__year=2023)
        project = make_project(
            notice=notice,
            section=f"栏目{index % 4}",
            section_order=index % 4,
            location=f"县{index % 5}",
            deadline_year=2023 + index % 3,
        )
        make_responsibility(project=project, role=Role.LEAD)
        make_responsibility(project=project, role=Role.COOPERATING)


def add_tasks(count: int) -> None:
    for _ in range(count):
        task = make_task(notice=NoticeFactory.create(published=True, issue__year=2023))
        make_responsibility(task=task, role=Role.LEAD)
        make_responsibility(task=task, role=Role.RESPONSIBLE)
        make_responsibility(task=task, role=Role.COOPERATING)


@pytest.mark.parametrize(
    ("url", "add", "marker"),
    [
        ("/projects/", add_projects, 'id="project-'),
        ("/projects/?sort=-investment&role=lead", add_projects, 'id="project-'),
        ("/projects/export.csv", add_projects, "测试项目"),
        ("/tasks/", add_tasks, 'id="task-'),
    ],
)
def test_query_count_does_not_grow_with_rows(
    client, django_assert_max_num_queries, url, add, marker
):
    add(2)
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    assert response.content.decode("utf-8-sig").count(marker) == 2
    add(18)
    with django_assert_max_num_queries(len(few)):
        response = client.get(url)
    assert response.content.decode("utf-8-sig").count(marker) == 20
