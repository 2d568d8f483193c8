"""Public pages that need no sample issue: validity badges, a person's groups, error pages, a
table in the body (test_portal_pages imports the sample once for its whole module)."""

import pytest
from django.test import RequestFactory
from django.views.defaults import server_error

from documents.models import Validity
from documents.tests.factories import (
    make_group,
    make_issue,
    make_membership,
    make_notice,
    make_table,
)

pytestmark = pytest.mark.django_db


def published_issue():
    return make_issue(published=True, year=2023)


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.parametrize(
    ("fields", "badge", "why"),
    [
        ({"valid_years": 1}, "已失效", "有效期1年，已于"),
        (
            {"validity": Validity.REPEALED, "validity_note": "被新办法替代。"},
            "已废止",
            "被新办法替代",
        ),
        ({}, "有效", "起施行"),
    ],
)
def test_the_validity_badge_and_its_reason(client, fields, badge, why):
    notice = make_notice(issue=published_issue(), **fields)
    body = page(client, notice.get_absolute_url())
    assert f">{badge}</span>" in body and why in body


def test_a_person_page_lists_every_group_of_that_person(client):
    first = make_group(notice=make_notice(issue=published_issue()), name="第一指挥部")
    second = make_group(notice=make_notice(issue=published_issue()), name="第二小组")
    sub = make_group(notice=first.notice, name="第一专项指挥部", parent=first)
    for group in (first, second, sub):
        make_membership(group=group, person_name="杨军")
    make_membership(group=make_group(notice=first.notice, name="无关小组"), person_name="王刚")
    response = client.get("/groups/", {"person": "杨 军"})
    assert {group.name for group in response.context["groups"]} == {
        "第一指挥部",
        "第二小组",
        "第一专项指挥部",
    }
    assert "上级机构" in response.content.decode()  # the subgroup names its parent


def test_a_missing_page_is_a_friendly_404_in_chinese(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "页面不存在" in body and 'href="/issues/"' in body and 'role="search"' in body


def test_the_server_error_page_is_friendly_and_self_contained(client):
    response = server_error(RequestFactory().get("/"))
    body = response.content.decode()
    assert response.status_code == 500
    assert "系统出现错误" in body and 'href="/"' in body and 'lang="zh-CN"' in body
    assert "<script" not in body and "<style" not in body


def test_a_table_of_the_body_is_shown_in_the_body(client):
    notice = make_notice(issue=published_issue(), body="正文。")
    make_table(notice=notice, title="正文中的表")
    body = page(client, notice.get_absolute_url())
    assert body.index("正文中的表") < body.index('id="relations-title"')
