"""The list pages' query string in pinyin order: the unit filter as the units directory lists
them (under its kinds), and the project list sorted by name."""

import re

import pytest

from documents.models import Unit, UnitKind
from documents.tests.factories import (
    make_issue,
    make_notice,
    make_project,
    make_responsibility,
    make_task,
)

pytestmark = pytest.mark.django_db


def unit_select(body: str) -> list[tuple[str, list[str]]]:
    """The unit filter's option groups: (label, option labels)."""
    select = re.search(r'<select name="unit"[^>]*>(.*?)</select>', body, re.S)
    assert select, "no unit filter"
    return [
        (label, re.findall(r"<option [^>]*>([^<]*)</option>", options))
        for label, options in re.findall(
            r'<optgroup label="([^"]*)">(.*?)</optgroup>', select.group(1), re.S
        )
    ]


@pytest.fixture
def units():
    """Units in the project and task lists of a published notice, seeded and imported alike."""
    notice = make_notice(issue=make_issue(published=True))
    task = make_task(notice=notice, deadline_text="2024年底前", deadline_year=2024)
    names = [
        ("咸宁市住房和城乡建设局", "市住建局", UnitKind.CITY_DEPARTMENT),
        ("咸宁市医疗保障局", "市医保局", UnitKind.CITY_DEPARTMENT),
        ("咸宁市财政局", "市财政局", UnitKind.CITY_DEPARTMENT),
        ("市数据局", "市数据局", UnitKind.CITY_DEPARTMENT),
        ("通山县人民政府", "通山县政府", UnitKind.COUNTY_GOVERNMENT),
        ("崇阳县人民政府", "崇阳县政府", UnitKind.COUNTY_GOVERNMENT),
    ]
    for full_name, short_name, kind in names:
        unit, _ = Unit.objects.update_or_create(
            full_name=full_name, defaults={"short_name": short_name, "kind": kind}
        )
        make_responsibility(project=make_project(notice=notice), unit=unit)
        make_responsibility(task=task, unit=unit)


@pytest.mark.parametrize("path", ["/projects/", "/tasks/"])
def test_the_unit_filter_lists_units_as_the_directory_does(client, units, path):
    assert unit_select(client.get(path).content.decode()) == [
        ("市直部门", ["市财政局", "市数据局", "市医保局", "市住建局"]),
        ("县市区政府", ["崇阳县政府", "通山县政府"]),
    ]


def test_the_unit_filter_still_selects_by_unit(client, units):
    unit = Unit.objects.get(short_name="市医保局")
    response = client.get("/projects/", {"unit": unit.pk})
    assert [p.lead_units + p.responsible_units for p in response.context["projects"]] == [[unit]]
    assert f'<option value="{unit.pk}" selected>市医保局</option>' in response.content.decode()


def test_projects_sorted_by_name_are_in_pinyin_order(client):
    notice = make_notice(issue=make_issue(published=True))
    for name in ["重庆路改造工程", "中心城区停车场", "长江大桥", "城区绿道", "5G基站建设"]:
        make_project(notice=notice, name=name)
    response = client.get("/projects/", {"sort": "name"})
    names = [p.name for p in response.context["projects"]]
    assert names == [
        "5G基站建设",  # digits first
        "长江大桥",  # chang
        "城区绿道",  # cheng
        "重庆路改造工程",  # chong
        "中心城区停车场",  # zhong
    ]
    response = client.get("/projects/", {"sort": "-name"})
    assert [p.name for p in response.context["projects"]] == names[::-1]
