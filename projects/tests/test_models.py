"""Projects, tasks and responsibilities: database rules and the reads the pages build on."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from documents.tests.factories import (
    NoticeFactory,
    make_notice,
    make_project,
    make_responsibility,
    make_task,
    make_unit,
)
from projects.models import Project, Responsibility, Role, Task

pytestmark = pytest.mark.django_db


def refused_by_database(operation) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        operation()


def test_investment_is_never_negative():
    project = make_project()
    refused_by_database(
        lambda: Project.objects.filter(pk=project.pk).update(investment_yi=Decimal("-0.01"))
    )
    Project.objects.filter(pk=project.pk).update(investment_yi=Decimal("0"))


@pytest.mark.parametrize("model", [Project, Task])
@pytest.mark.parametrize("year", [1900, 2101])
def test_deadline_year_is_sensible(model, year):
    item = make_project() if model is Project else make_task()
    refused_by_database(lambda: model.objects.filter(pk=item.pk).update(deadline_year=year))


def test_a_list_number_is_unique_within_its_section():
    project = make_project(section_order=1, number=1)
    refused_by_database(lambda: make_project(notice=project.notice, section_order=1, number=1))
    make_project(notice=project.notice, section_order=2, number=1)


def test_no_duplicate_responsibility_rows():
    project, task, unit = make_project(), make_task(), make_unit()
    make_responsibility(project=project, unit=unit, role=Role.LEAD)
    make_responsibility(task=task, unit=unit, role=Role.LEAD)
    refused_by_database(
        lambda: Responsibility.objects.bulk_create(
            [Responsibility(project=project, unit=unit, role=Role.LEAD, order=2)]
        )
    )
    refused_by_database(
        lambda: Responsibility.objects.bulk_create(
            [Responsibility(task=task, unit=unit, role=Role.LEAD, order=2)]
        )
    )
    # Another role of the same unit is a different row.
    make_responsibility(project=project, unit=unit, role=Role.COOPERATING)


def test_a_responsibility_belongs_to_exactly_one_project_or_task():
    project, task, unit = make_project(), make_task(), make_unit()
    refused_by_database(
        lambda: Responsibility.objects.bulk_create(
            [Responsibility(project=project, task=task, unit=unit)]
        )
    )
    refused_by_database(lambda: Responsibility.objects.bulk_create([Responsibility(unit=unit)]))


def test_a_unit_with_responsibilities_cannot_be_deleted():
    responsibility = make_responsibility()
    with pytest.raises(ProtectedError), transaction.atomic():
        responsibility.unit.delete()


def test_published_items_are_those_of_published_issues():
    public = make_project(notice=NoticeFactory.create(published=True))
    make_project()
    assert list(Project.objects.published()) == [public]


def test_totals_count_projects_without_a_figure_as_zero():
    notice = make_notice()
    make_project(notice=notice, section_order=1, section="一、", investment_yi=Decimal("1.25"))
    make_project(notice=notice, section_order=1, section="一、", investment_yi=None)
    make_project(notice=notice, section_order=2, section="二、", investment_yi=Decimal("3"))
    projects = Project.objects.filter(notice=notice)
    assert projects.total_investment() == Decimal("4.25")
    assert [(r["section"], r["count"], r["total"]) for r in projects.section_totals()] == [
        ("一、", 2, Decimal("1.25")),
        ("二、", 1, Decimal("3")),
    ]
    assert Project.objects.none().total_investment() == Decimal("0")


def test_for_unit_with_and_without_a_role():
    unit = make_unit()
    led, helped, other = make_project(), make_project(), make_project()
    make_responsibility(project=led, unit=unit, role=Role.LEAD)
    make_responsibility(project=led, unit=unit, role=Role.COOPERATING)
    make_responsibility(project=helped, unit=unit, role=Role.COOPERATING)
    make_responsibility(project=other)
    assert set(Project.objects.for_unit(unit)) == {led, helped}
    assert Project.objects.for_unit(unit).count() == 2
    assert list(Project.objects.for_unit(unit, role=Role.LEAD)) == [led]
    assert led.investment_yi is not None and helped.investment_yi is not None
    assert Project.objects.for_unit(unit).total_investment() == (
        led.investment_yi + helped.investment_yi
    )
