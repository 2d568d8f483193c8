"""Model factories for tests (factory_boy), and the helpers other apps' tests call.

One `DjangoModelFactory` per model, with sensible defaults that any keyword overrides; a
parent that is not given is created by a `SubFactory`. Numbers that must be unique (issue
numbers, document serials, orders, names) come from each factory's `factory.Sequence`,
counted from 1 for the whole test process, so creating twice never collides (and an issue
number may pass 99: give one the admin form accepts when a test posts the form):

    IssueFactory(published=True)        Issue of 2022, a draft unless the `published` trait
    NoticeFactory(published=True)       Notice (in a published issue with the trait); doc_number
                                        typed in any form, stored canonical; None for none
    AttachmentFactory, TableFactory, CitationFactory, UnitFactory(aliases=[...]),
    LeadingGroupFactory (领导小组), MembershipFactory, ProjectFactory, TaskFactory,
    ResponsibilityFactory (a unit's role in a project, or in a task with `task=`)

For mypy, call `NoticeFactory.create(...)` / `.create_batch(n, ...)` (typed: a Notice, a list
of them) rather than `NoticeFactory(...)`, which does the same but is typed as the factory.

The `make_*` functions are thin calls of these factories, kept for the tests that use them;
keep their names and keywords stable:

    make_issue(status=...)               Issue (draft unless `published=True` or status given)
    make_notice(issue=..., doc_number=)  Notice; doc_number "" picks a fresh one, None none
    make_attachment(notice=...)          Attachment
    make_table(notice=..., attachment=)  Table (in the attachment's notice when one is given)
    make_citation(notice=...)            Citation
    make_unit(full_name=..., aliases=[]) Unit with optional aliases
    make_group(notice=...)               LeadingGroup (领导小组)
    make_membership(group=...)           Membership
    make_project(notice=...)             Project
    make_task(notice=...)                Task
    make_responsibility(project=|task=)  Responsibility (in a new project unless either given)
    index_for_search(*notices)           index notices for /search/ as the admin does
    staff_group(name)                    the 编辑 / 审核发布 group, recreated if a flush removed it
    make_staff_user(groups=[...])        an is_staff user (password PASSWORD) in those groups
"""

from __future__ import annotations

import datetime
import importlib
import itertools
from collections.abc import Sequence
from decimal import Decimal
from typing import TypeVar

import factory
from django.contrib.auth.models import Group, Permission, User
from django.utils import timezone
from factory.django import DjangoModelFactory

from documents.models import (
    Attachment,
    Citation,
    Issue,
    LeadingGroup,
    Membership,
    MembershipRole,
    Notice,
    PublicationStatus,
    Table,
    Unit,
    UnitAlias,
    UnitKind,
)
from projects.models import Project, Responsibility, Role, Task

EDITOR = "编辑"
PUBLISHER = "审核发布"
PASSWORD = "correct-horse-battery-staple-42"

_sequence = itertools.count(1)  # staff usernames


def _next() -> int:
    return next(_sequence)


# --- Factories ---------------------------------------------------------------------------------


T = TypeVar("T")
FIRST_DEFAULT = 100


class _Factory(DjangoModelFactory[T]):
    """Sequences start at 1: serials, issue numbers and orders of 0 are refused. Numbers and
    orders a test may also type by hand (第5号, order=1, 序号 1) start at FIRST_DEFAULT, so a
    default never collides with a typed one whatever ran before in the process."""

    class Meta:
        abstract = True

    @classmethod
    def _setup_next_sequence(cls) -> int:
        return 1


class IssueFactory(_Factory[Issue]):
    """A draft issue of 2022; `published=True` publishes it (now)."""

    class Meta:
        model = Issue

    class Params:
        published = factory.Trait(status=PublicationStatus.PUBLISHED)

    year = 2022
    number = factory.Sequence(lambda n: FIRST_DEFAULT + n)
    total_number = factory.Sequence(lambda n: 1000 + n)
    published_on = datetime.date(2022, 11, 16)
    status = PublicationStatus.DRAFT
    # A published issue has a publication time (any status given by hand included).
    published_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status == PublicationStatus.PUBLISHED else None
    )


class NoticeFactory(_Factory[Notice]):
    """A notice signed 30 days before its issue; `published=True` puts it in a published issue.

    `doc_number` is parsed as the admin does (`Notice.set_doc_number`): typed in any form,
    stored canonical with its parts; None or "" for a notice without one."""

    class Meta:
        model = Notice

    class Params:
        published = factory.Trait(issue=factory.SubFactory(IssueFactory, published=True))

    issue = factory.SubFactory(IssueFactory)
    order = factory.Sequence(lambda n: FIRST_DEFAULT + n)
    title = factory.Sequence(lambda n: f"关于印发测试文件{n}的通知")
    issuer = "咸宁市人民政府办公室"
    signed_on = factory.LazyAttribute(lambda o: o.issue.published_on - datetime.timedelta(days=30))
    doc_number = factory.Sequence(lambda n: f"咸政办测〔2022〕{n}号")

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        doc_number = kwargs.pop("doc_number", None)
        notice = model_class(*args, **kwargs)
        notice.set_doc_number(doc_number)
        return notice

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        notice = cls._build(model_class, *args, **kwargs)
        notice.save()
        return notice


class AttachmentFactory(_Factory[Attachment]):
    class Meta:
        model = Attachment

    notice = factory.SubFactory(NoticeFactory)
    order = factory.Sequence(lambda n: FIRST_DEFAULT + n)
    label = factory.Sequence(lambda n: f"附件{n}")
    title = factory.Sequence(lambda n: f"测试附件{n}")


class TableFactory(_Factory[Table]):
    """A small table of two projects, in its attachment's notice when given `attachment=`."""

    class Meta:
        model = Table

    attachment = None
    notice = factory.Maybe(
        "attachment",
        yes_declaration=factory.SelfAttribute("attachment.notice"),
        no_declaration=factory.SubFactory(NoticeFactory),
    )
    order = factory.Sequence(lambda n: FIRST_DEFAULT + n)
    title = factory.Sequence(lambda n: f"测试表{n}")
    header = factory.LazyFunction(lambda: ["序号", "项目名称", "总投资（亿元）"])
    rows = factory.LazyFunction(lambda: [["1", "测试项目甲", "1.5"], ["2", "测试项目乙", "2.25"]])


class CitationFactory(_Factory[Citation]):
    class Meta:
        model = Citation

    notice = factory.SubFactory(NoticeFactory)
    kind = Citation.Kind.CITES
    doc_number = "鄂政发〔2022〕17号"


def _add_aliases(unit: Unit, create: bool, extracted: Sequence[str] | None, **kwargs) -> None:
    for name in extracted or ():
        alias = UnitAlias(unit=unit, name=name)
        if create:
            alias.save()


class UnitFactory(_Factory[Unit]):
    """A city department; `aliases=[...]` gives it other names it is printed under."""

    class Meta:
        model = Unit
        skip_postgeneration_save = True  # the aliases are rows of their own

    full_name = factory.Sequence(lambda n: f"咸宁市测试局{n}")
    short_name = factory.Sequence(lambda n: f"市测试局{n}")
    kind = UnitKind.CITY_DEPARTMENT
    aliases = factory.PostGeneration(_add_aliases)


class LeadingGroupFactory(_Factory[LeadingGroup]):
    """A leading group (领导小组), not an auth group: see staff_group for those."""

    class Meta:
        model = LeadingGroup

    notice = factory.SubFactory(NoticeFactory)
    order = factory.Sequence(lambda n: FIRST_DEFAULT + n)
    name = factory.Sequence(lambda n: f"咸宁市测试工作领导小组{n}")


class MembershipFactory(_Factory[Membership]):
    class Meta:
        model = Membership

    group = factory.SubFactory(LeadingGroupFactory)
    order = factory.Sequence(lambda n: FIRST_DEFAULT + n)
    role = MembershipRole.MEMBER
    person_name = "杨军"
    position = "市人民政府副市长"


class ProjectFactory(_Factory[Project]):
    class Meta:
        model = Project

    notice = factory.SubFactory(NoticeFactory)
    section_order = 1
    section = "一、基础设施"
    number = factory.Sequence(lambda n: FIRST_DEFAULT + n)
    name = factory.Sequence(lambda n: f"测试项目{n}")
    investment_yi = Decimal("1.5")
    deadline_text = "2025年"
    deadline_year = 2025
    location = "咸安区"


class TaskFactory(_Factory[Task]):
    class Meta:
        model = Task

    notice = factory.SubFactory(NoticeFactory)
    section_order = 1
    section = "一、重点任务"
    number = factory.Sequence(lambda n: FIRST_DEFAULT + n)
    content = factory.Sequence(lambda n: f"测试任务事项{n}")
    deadline_text = "2023年"
    deadline_year = 2023


class ResponsibilityFactory(_Factory[Responsibility]):
    """A new unit responsible for a new project; with `task=`, for that task instead."""

    class Meta:
        model = Responsibility

    task = None
    project = factory.Maybe(
        "task", yes_declaration=None, no_declaration=factory.SubFactory(ProjectFactory)
    )
    unit = factory.SubFactory(UnitFactory)
    role = Role.RESPONSIBLE


# --- The make_* helpers: thin calls of the factories --------------------------------------------


def _given(**parents) -> dict:
    """The parents that were passed; a parent left out (None) is made by its SubFactory."""
    return {name: value for name, value in parents.items() if value is not None}


def make_issue(*, published: bool = False, **fields) -> Issue:
    """A draft issue of 2022 (published with `published=True`), numbered from a sequence."""
    return IssueFactory.create(published=published, **fields)


def make_notice(*, issue: Issue | None = None, doc_number: str | None = "", **fields) -> Notice:
    """A notice; `doc_number` is parsed like the admin does ("" picks a fresh one, None none)."""
    if doc_number != "":
        fields["doc_number"] = doc_number
    return NoticeFactory.create(**_given(issue=issue), **fields)


def make_attachment(*, notice: Notice | None = None, **fields) -> Attachment:
    return AttachmentFactory.create(**_given(notice=notice), **fields)


def make_table(
    *, notice: Notice | None = None, attachment: Attachment | None = None, **fields
) -> Table:
    return TableFactory.create(**_given(notice=notice, attachment=attachment), **fields)


def make_citation(*, notice: Notice | None = None, **fields) -> Citation:
    return CitationFactory.create(**_given(notice=notice), **fields)


def make_unit(*, aliases: Sequence[str] = (), **fields) -> Unit:
    return UnitFactory.create(aliases=aliases, **fields)


def make_group(*, notice: Notice | None = None, **fields) -> LeadingGroup:
    """A leading group (领导小组), not an auth group: see staff_group for those."""
    return LeadingGroupFactory.create(**_given(notice=notice), **fields)


def make_membership(*, group: LeadingGroup | None = None, **fields) -> Membership:
    return MembershipFactory.create(**_given(group=group), **fields)


def make_project(*, notice: Notice | None = None, **fields) -> Project:
    return ProjectFactory.create(**_given(notice=notice), **fields)


def make_task(*, notice: Notice | None = None, **fields) -> Task:
    return TaskFactory.create(**_given(notice=notice), **fields)


def make_responsibility(
    *, project: Project | None = None, task: Task | None = None, **fields
) -> Responsibility:
    """A unit's role in `project` or `task` (a new project when neither is given)."""
    return ResponsibilityFactory.create(
        **_given(project=project, task=task, unit=fields.pop("unit", None)), **fields
    )


def index_for_search(*notices: Notice) -> None:
    """Put notices made by these factories into the search index, as the admin and importer do
    (drafts too: the search must leave them out by itself)."""
    from documents import search

    index = getattr(search, "index_notices", None)
    if index is not None:
        index([notice.pk for notice in notices])


def _staff_groups_migration():
    return importlib.import_module("documents.migrations.0004_staff_groups")


def _revision_permissions_migration():
    return importlib.import_module("documents.migrations.0012_revision_permissions")


def staff_group(name: str) -> Group:
    """The staff group `name` (编辑 or 审核发布) as the data migrations make it.

    Transactional tests (the browser ones) flush the database afterwards, data migrations
    included; this recreates the group with the same permissions when it is gone."""
    group, created = Group.objects.get_or_create(name=name)
    if created or not group.permissions.exists():
        migration = _staff_groups_migration()
        codenames = [
            f"{action}_{model}"
            for models in migration.CONTENT_MODELS.values()
            for model in models
            for action in ("add", "change", "delete", "view")
        ]
        if name == PUBLISHER:
            codenames.append("publish_issue")
        revisions = _revision_permissions_migration()
        review = revisions.PUBLISHER_CODENAMES if name == PUBLISHER else revisions.EDITOR_CODENAMES
        group.permissions.set(
            Permission.objects.filter(
                content_type__app_label__in=migration.CONTENT_MODELS, codename__in=codenames
            )
            | Permission.objects.filter(content_type__app_label="documents", codename__in=review)
        )
    return group


def make_staff_user(*, groups: Sequence[str] = (), username: str | None = None, **fields) -> User:
    """A staff user (not a superuser) in the named groups; log in with PASSWORD."""
    user = User.objects.create_user(
        username=username or f"staff{_next()}", password=PASSWORD, is_staff=True, **fields
    )
    user.groups.set([staff_group(name) for name in groups])
    return user


# --- Admin forms -------------------------------------------------------------------------------


class AdminFormData(dict):
    """POST data of an admin form, remembering what a new inline row starts with."""

    empty_rows: dict[str, dict]


def _form_values(form) -> dict:
    values = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False or value == "":
            continue
        if hasattr(value, "name") and not value:  # an empty FieldFile
            continue
        values[form.add_prefix(name)] = value
    return values


def admin_form_data(response, **overrides) -> AdminFormData:
    """What a browser would submit from the admin change form in `response`, unchanged.

    The main form's fields and, for every inline, its management form and all its forms
    (initial values included, so untouched extra rows stay untouched). `overrides` are set on
    top, e.g. ``title="…"`` or ``**{"attachments-0-label": "附件1"}``."""
    data = AdminFormData(_form_values(response.context["adminform"].form))
    data.empty_rows = {}
    for inline in response.context.get("inline_admin_formsets") or []:  # none on history pages
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for form in formset.forms:
            data.update(_form_values(form))
        prefix = f"{formset.prefix}-__prefix__-"
        data.empty_rows[formset.prefix] = {
            key.removeprefix(prefix): value
            for key, value in _form_values(formset.empty_form).items()
        }
    data.update(overrides)
    return data


def add_inline_rows(data: AdminFormData, prefix: str, *rows: dict) -> AdminFormData:
    """Append rows to the inline `prefix` (e.g. "notices") as the admin's 添加 link does:
    a new row starts with the inline's defaults, then takes the values in `row`."""
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    for row in rows:
        for name, value in {**getattr(data, "empty_rows", {}).get(prefix, {}), **row}.items():
            data[f"{prefix}-{total}-{name}"] = value
        total += 1
    data[f"{prefix}-TOTAL_FORMS"] = total
    return data


class FormErrors(list):
    """Error messages (a list of str) that print with the fields they belong to."""

    def __init__(self, messages, where):
        super().__init__(messages)
        self.where = where

    def __repr__(self) -> str:
        return repr(self.where)


def form_errors(response) -> FormErrors:
    """Every error message shown on an admin form page: fields, non-field and inlines."""
    where: list[tuple[str, str]] = []
    adminform = response.context["adminform"]
    for field, errors in adminform.form.errors.items():
        where.extend((field, str(error)) for error in errors)
    for inline in response.context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        where.extend((prefix, str(error)) for error in inline.formset.non_form_errors())
        for index, errors_of_form in enumerate(inline.formset.errors):
            for field, errors in errors_of_form.items():
                where.extend((f"{prefix}-{index}-{field}", str(e)) for e in errors)
    return FormErrors([message for _field, message in where], where)
