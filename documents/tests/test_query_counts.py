"""No page's query count grows with the rows it shows.

Each case builds a page with 2 rows, counts the queries it takes, adds 18 rows more and asserts
that the page with 20 rows takes no more queries (and does show 20 rows, so the check cannot
pass on an empty page).
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from documents.models import Citation
from documents.tests.factories import (
    NoticeFactory,
    make_attachment,
    make_citation,
    make_group,
    make_issue,
    make_membership,
    make_notice,
    make_project,
    make_responsibility,
    make_table,
    make_task,
    make_unit,
)
from projects.models import Role

pytestmark = pytest.mark.django_db

FEW, MANY = 2, 20


def published_notice(**fields):
    return NoticeFactory.create(published=True, **fields)


def assert_flat(client, django_assert_max_num_queries, url, add, marker):
    """`add(k)` adds k rows to the page at `url`; each row shows `marker` once."""
    add(FEW)
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count(marker) == FEW
    add(MANY - FEW)
    with django_assert_max_num_queries(len(few)):
        response = client.get(url)
    assert response.content.decode().count(marker) == MANY


@dataclass
class Rows:
    """A page and how to add rows to it."""

    url: str
    marker: str

    def add(self, count: int) -> None:
        for _ in range(count):
            self.add_one()

    def add_one(self) -> None:
        raise NotImplementedError


class HomeRows(Rows):
    def __init__(self):
        super().__init__(url="/", marker="<tr data-doc-number=")
        self.issue = make_issue(published=True)

    def add_one(self):
        make_notice(issue=self.issue, section="市政府及市政府办公室文件", page=3)


class ArchiveRows(Rows):
    def __init__(self):
        super().__init__(url="/issues/", marker="件文件</span>")

    def add_one(self):
        NoticeFactory.create(published=True)


class YearRows(Rows):
    def __init__(self):
        super().__init__(url="/issues/2022/", marker='class="notice-row"')
        self.added = 0

    def add_one(self):
        # Notices in several issues, by three issuers.
        self.added += 1
        NoticeFactory.create(published=True, issuer=f"发文机关{self.added % 3}")


class IssueRows(Rows):
    def __init__(self):
        self.issue = make_issue(published=True)
        super().__init__(url=self.issue.get_absolute_url(), marker="<tr data-doc-number=")

    def add_one(self):
        make_notice(issue=self.issue, section="市政府及市政府办公室文件", page=5)


class NoticeRows(Rows):
    """Every kind of row on a notice page grows together: attachments with tables, projects and
    tasks with their units, groups with members and a subgroup, citations both ways."""

    def __init__(self):
        self.notice = published_notice(body="一、总体要求\n正文。")
        super().__init__(url=self.notice.get_absolute_url(), marker='id="project-')

    def add_one(self):
        notice = self.notice
        attachment = make_attachment(notice=notice, body="一、标题\n内容。")
        make_table(notice=notice, attachment=attachment)
        project = make_project(notice=notice)
        make_responsibility(project=project, role=Role.LEAD)
        make_responsibility(project=project, role=Role.RESPONSIBLE)
        task = make_task(notice=notice)
        make_responsibility(task=task, role=Role.LEAD)
        make_responsibility(task=task, role=Role.COOPERATING)
        group = make_group(notice=notice)
        make_membership(group=group, unit=make_unit())
        make_membership(group=make_group(notice=notice, parent=group), unit=make_unit())
        cited = published_notice()
        make_citation(notice=notice, doc_number=cited.doc_number)
        make_citation(notice=published_notice(), doc_number=notice.doc_number)
        make_citation(
            notice=published_notice(), kind=Citation.Kind.REPEALS, doc_number=notice.doc_number
        )


class UnitListRows(Rows):
    def __init__(self):
        self.notice = published_notice()
        super().__init__(url="/units/", marker='<th scope="row">')

    def add_one(self):
        unit = make_unit()
        make_responsibility(project=make_project(notice=self.notice), unit=unit)
        make_responsibility(task=make_task(notice=self.notice), unit=unit)
        make_membership(group=make_group(notice=self.notice), unit=unit)


class UnitDetailRows(Rows):
    def __init__(self):
        self.unit = make_unit(aliases=["测试别名"])
        super().__init__(url=self.unit.get_absolute_url(), marker='id="project-')

    def add_one(self):
        notice = published_notice()
        project = make_project(notice=notice, investment_yi=Decimal("2.5"))
        make_responsibility(project=project, unit=self.unit, role=Role.LEAD)
        make_responsibility(project=project)  # another unit beside it
        task = make_task(notice=notice)
        make_responsibility(task=task, unit=self.unit, role=Role.COOPERATING)
        make_membership(group=make_group(notice=notice), unit=self.unit)


class GroupRows(Rows):
    def __init__(self, person: str = ""):
        url = "/groups/" + (f"?person={person}" if person else "")
        super().__init__(url=url, marker='class="group card"')
        self.person = person or "杨军"

    def add_one(self):
        notice = published_notice()
        group = make_group(notice=notice)
        make_membership(group=group, person_name=self.person, unit=make_unit())
        make_membership(group=group, person_name="王刚", unit=make_unit())


class SubgroupRows(GroupRows):
    """One headquarters with more and more subgroups, each with members."""

    def __init__(self):
        super().__init__()
        self.parent = make_group(notice=published_notice())
        make_membership(group=self.parent)
        self.marker = '<h3 class="group-name">'

    def add_one(self):
        group = make_group(notice=self.parent.notice, parent=self.parent)
        make_membership(group=group, unit=make_unit())


class FeedRows(Rows):
    def __init__(self):
        super().__init__(url="/feeds/notices/", marker="<item>")
        self.issue = make_issue(published=True)

    def add_one(self):
        make_notice(issue=self.issue)


PAGES: dict[str, Callable[[], Rows]] = {
    "home": HomeRows,
    "archive": ArchiveRows,
    "year": YearRows,
    "issue": IssueRows,
    "notice": NoticeRows,
    "units": UnitListRows,
    "unit": UnitDetailRows,
    "groups": GroupRows,
    "subgroups": SubgroupRows,
    "person": lambda: GroupRows(person="杨军"),
    "feed": FeedRows,
}


@pytest.mark.parametrize("name", PAGES)
def test_query_count_does_not_grow_with_rows(client, django_assert_max_num_queries, name):
    rows = PAGES[name]()
    assert_flat(client, django_assert_max_num_queries, rows.url, rows.add, rows.marker)
