"""The documents models: rules the database itself enforces, units, validity and citations."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from documents.models import (
    Citation,
    Issue,
    Membership,
    Notice,
    PublicationStatus,
    Unit,
    UnitAlias,
    UnitKind,
    Validity,
)
from documents.tests.factories import (
    make_citation,
    make_group,
    make_issue,
    make_membership,
    make_notice,
    make_table,
    make_unit,
)

pytestmark = pytest.mark.django_db


def refused_by_database(operation) -> None:
    """Run `operation` in a savepoint and assert PostgreSQL refuses it."""
    with pytest.raises(IntegrityError), transaction.atomic():
        operation()


# --- Constraints the database enforces, whatever the code in front of it forgets --------------


def test_issue_year_and_number_are_unique():
    issue = make_issue(year=2022, number=5)
    refused_by_database(
        lambda: Issue.objects.bulk_create(
            [
                Issue(
                    year=2022,
                    number=5,
                    total_number=issue.total_number + 1,
                    published_on=issue.published_on,
                )
            ]
        )
    )
    # The same number in another year is a different issue.
    Issue.objects.bulk_create(
        [
            Issue(
                year=2021,
                number=5,
                total_number=issue.total_number + 2,
                published_on=issue.published_on,
            )
        ]
    )


def test_issue_total_number_is_unique():
    first, second = make_issue(), make_issue()
    refused_by_database(
        lambda: Issue.objects.filter(pk=second.pk).update(total_number=first.total_number)
    )


def test_issue_numbers_and_dates_must_be_sensible():
    issue = make_issue()
    refused_by_database(lambda: Issue.objects.filter(pk=issue.pk).update(number=0))
    refused_by_database(lambda: Issue.objects.filter(pk=issue.pk).update(year=1800))
    refused_by_database(
        lambda: Issue.objects.filter(pk=issue.pk).update(published_on=datetime.date(1900, 1, 1))
    )


def test_a_published_issue_records_when_it_was_published():
    issue = make_issue()
    refused_by_database(
        lambda: Issue.objects.filter(pk=issue.pk).update(status=PublicationStatus.PUBLISHED)
    )


def test_canonical_document_number_is_unique():
    first = make_notice(doc_number="咸政办发〔2022〕29号")
    second = make_notice(doc_number="咸政办发〔2022〕30号")
    refused_by_database(
        lambda: Notice.objects.filter(pk=second.pk).update(doc_number=first.doc_number, serial=29)
    )


def test_a_document_number_needs_its_parts():
    notice = make_notice(doc_number=None)
    refused_by_database(
        lambda: Notice.objects.filter(pk=notice.pk).update(doc_number="咸政办发〔2022〕29号")
    )


def test_notice_page_is_at_least_one():
    notice = make_notice(page=3)
    refused_by_database(lambda: Notice.objects.filter(pk=notice.pk).update(page=0))


def test_notice_signing_date_is_sensible():
    notice = make_notice()
    refused_by_database(
        lambda: Notice.objects.filter(pk=notice.pk).update(signed_on=datetime.date(1900, 1, 1))
    )


@pytest.mark.parametrize("years", [0, 101])
def test_notice_validity_period_is_between_one_and_a_hundred_years(years):
    notice = make_notice(valid_years=5)
    refused_by_database(lambda: Notice.objects.filter(pk=notice.pk).update(valid_years=years))


def test_notice_order_is_unique_within_an_issue():
    notice = make_notice()
    refused_by_database(lambda: make_notice(issue=notice.issue, order=notice.order))


def test_a_membership_must_name_someone():
    group = make_group()
    refused_by_database(
        lambda: Membership.objects.bulk_create(
            [Membership(group=group, order=1, person_name="", position="", unit=None)]
        )
    )


def test_an_alias_belongs_to_one_unit_only():
    make_unit(aliases=["市测试别名"])
    other = make_unit()
    refused_by_database(lambda: UnitAlias.objects.create(unit=other, name="市测试别名"))


# --- Document numbers on the model ---------------------------------------------------------


def test_a_typed_document_number_is_stored_canonical_with_its_parts():
    notice = make_notice(doc_number="咸政办发[2022]29号")
    notice.refresh_from_db()
    assert notice.doc_number == "咸政办发〔2022〕29号"
    assert (notice.agency_code, notice.year, notice.serial) == ("咸政办发", 2022, 29)


def test_a_non_number_is_refused_with_the_reason():
    notice = make_notice(doc_number=None)
    with pytest.raises(ValidationError) as error:
        notice.set_doc_number("关于印发咸政办发〔2022〕29号的通知")
    assert "多余的文字" in error.value.message_dict["doc_number"][0]


def test_with_doc_number_finds_8_but_never_28():
    eight = make_notice(doc_number="咸政办函〔2022〕8号")
    make_notice(doc_number="咸政办函〔2022〕28号")
    assert list(Notice.objects.with_doc_number("咸政办函(2022)8号")) == [eight]
    assert list(Notice.objects.with_doc_number("咸政办函2022年第８号")) == [eight]
    assert not Notice.objects.with_doc_number("不是字号").exists()


# --- Validity ----------------------------------------------------------------------------------


def test_expiry_is_computed_from_the_start_and_the_period():
    notice = make_notice(signed_on=datetime.date(2022, 10, 8), valid_years=5)
    notice.refresh_from_db()
    assert notice.expires_on == datetime.date(2027, 10, 7)
    notice.effective_on = datetime.date(2022, 11, 1)
    notice.save()
    notice.refresh_from_db()
    assert notice.expires_on == datetime.date(2027, 10, 31)


def test_a_notice_past_its_expiry_is_expired():
    notice = make_notice(signed_on=datetime.date(2015, 1, 1), valid_years=2)
    annotated = Notice.objects.with_validity(today=datetime.date(2022, 1, 1)).get(pk=notice.pk)
    assert annotated.current_validity == Validity.EXPIRED
    assert "2016年12月31日届满" in annotated.validity_explanation()


def test_a_notice_repealed_by_a_published_notice_is_repealed():
    old = make_notice(doc_number="咸政办发〔2018〕3号")
    newer = make_notice(issue=make_issue(), doc_number="咸政办发〔2022〕29号")
    make_citation(notice=newer, kind=Citation.Kind.REPEALS, doc_number="咸政办发〔2018〕3号")
    # While the repealing notice is a draft, the public still sees the old one in force.
    assert Notice.objects.with_validity().get(pk=old.pk).current_validity == Validity.IN_FORCE
    Issue.objects.filter(pk=newer.issue_id).update(
        status=PublicationStatus.PUBLISHED, published_at=datetime.datetime.now(datetime.UTC)
    )
    assert Notice.objects.with_validity().get(pk=old.pk).current_validity == Validity.REPEALED


def test_a_notice_marked_expired_by_hand_without_a_period_explains_itself():
    notice = make_notice(valid_years=None, validity=Validity.EXPIRED, validity_note="")
    annotated = Notice.objects.with_validity().get(pk=notice.pk)
    assert annotated.current_validity == Validity.EXPIRED
    assert "失效" in annotated.validity_explanation()


# --- Tables, memberships -------------------------------------------------------------------


def test_ragged_table_rows_are_padded_to_the_widest_row():
    table = make_table(header=["甲", "乙", "丙"], rows=[["1"], ["1", "2", "3", "4"]])
    assert table.padded_rows() == [["1", "", "", ""], ["1", "2", "3", "4"]]


@pytest.mark.parametrize(
    ("header", "rows", "field"),
    [
        ({"a": 1}, [], "header"),
        (["序号", 2], [], "header"),
        (["序号"], [["1", 2]], "rows"),
        (["序号"], ["1"], "rows"),
        (["序号"], {"rows": []}, "rows"),
    ],
)
def test_a_table_of_the_wrong_shape_is_refused_in_chinese(header, rows, field):
    table = make_table()
    table.header, table.rows = header, rows
    with pytest.raises(ValidationError) as error:
        table.full_clean()
    assert field in error.value.message_dict
    assert "应为" in error.value.message_dict[field][0]


def test_person_names_lose_the_padding_space():
    membership = make_membership(person_name="杨　军")
    membership.full_clean()
    assert membership.person_name == "杨军"


# --- Units -------------------------------------------------------------------------------------


def test_the_units_named_in_the_gazette_are_seeded():
    assert Unit.objects.filter(short_name="市发改委").exists()
    assert Unit.objects.get(short_name="咸安区").kind == UnitKind.COUNTY_GOVERNMENT
    assert Unit.objects.get(short_name="市人行").kind == UnitKind.FINANCIAL
    assert Unit.objects.get(short_name="咸宁高新区管委会").kind == UnitKind.DEVELOPMENT_ZONE


def test_a_known_typo_names_the_right_unit():
    assert list(Unit.objects.named("市发改局")) == [Unit.objects.get(short_name="市发改委")]
    assert list(Unit.objects.named("咸宁市发展和改革委员会")) == list(
        Unit.objects.named("市发改委")
    )
    assert not Unit.objects.named("市不存在局").exists()


@pytest.mark.parametrize("name", ["各县市区人民政府", "各县（市、区）人民政府", "市直有关单位"])
def test_collective_units_are_of_kind_collective(name):
    assert Unit.objects.named(name).get().kind == UnitKind.COLLECTIVE
