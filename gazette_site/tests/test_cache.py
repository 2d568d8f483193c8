import datetime

import pytest

from documents.models import Issue, Notice
from documents.services import issue_publish

pytestmark = [pytest.mark.page_cache, pytest.mark.django_db(transaction=True)]


def make_published_issue(title: str) -> Notice:
    issue = Issue.objects.create(
        year=2022, number=5, total_number=70, published_on=datetime.date(2022, 11, 16)
    )
    notice = Notice.objects.create(
        issue=issue,
        order=1,
        title=title,
        issuer="咸宁市人民政府",
        signed_on=datetime.date(2022, 11, 1),
    )
    issue_publish(issue=issue)
    return notice


def test_second_anonymous_visit_is_served_from_the_cache(client):
    make_published_issue("关于印发示范方案的通知")
    first = client.get("/issues/")
    second = client.get("/issues/")
    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content


def test_publishing_makes_cached_pages_stale(client):
    notice = make_published_issue("第一件文件")
    assert "第一件文件" in client.get("/").content.decode()
    issue = Issue.objects.create(
        year=2022, number=6, total_number=71, published_on=datetime.date(2022, 12, 16)
    )
    Notice.objects.create(
        issue=issue,
        order=1,
        title="第二件文件",
        issuer="咸宁市人民政府",
        signed_on=datetime.date(2022, 12, 1),
    )
    assert "第二件文件" not in client.get("/").content.decode()  # a draft: not shown
    issue_publish(issue=issue)
    response = client.get("/")
    assert response["X-Page-Cache"] == "miss"
    assert "第二件文件" in response.content.decode()
    assert notice.title in response.content.decode()


def test_staff_with_a_session_always_see_fresh_pages(client, django_user_model):
    make_published_issue("任意文件")
    user = django_user_model.objects.create_user("staff", password="x" * 12, is_staff=True)
    client.force_login(user)
    client.get("/admin/")  # signing in ends on an admin page, which marks the staff session
    client.get("/issues/")
    assert "X-Page-Cache" not in client.get("/issues/")
