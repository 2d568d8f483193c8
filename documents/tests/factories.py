"""Small factories for tests: one function per model, sensible defaults, keyword overrides.

Every function saves and returns one object. Numbers that must be unique (issue numbers,
document serials, orders) come from a counter, so calling a factory twice never collides.
Other apps' tests import these; keep the names and keywords stable:

    make_issue(status=...)               Issue (draft unless `published=True` or status given)
    make_notice(issue=..., doc_number=)  Notice; doc_number typed in any form, stored canonical
    make_attachment(notice=...)          Attachment
    make_table(notice=..., attachment=)  Table
    make_citation(notice=...)            Citation
    make_unit(full_name=..., aliases=[]) Unit with optional aliases
    make_group(notice=...)               LeadingGroup (领导小组)
    make_membership(group=...)           Membership
    make_project(notice=...)             Project
    make_task(notice=...)                Task
    make_responsibility(project=|task=)  Responsibility (a unit's role)
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

from django.contrib.auth.models import Group, Permission, User
from django.utils import timezone

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

_sequence = itertools.count(1)


def _next() -> int:
    return next(_sequence)


def make_issue(*, published: bool = False, **fields) -> Issue:
    """A draft issue of 2022 (published with `published=True`), numbered from a counter."""
    n = _next()
    values = {
        "year": 2022,
        "number": n,
        "total_number": 1000 + n,
        "published_on": datetime.date(2022, 11, 16),
        "status": PublicationStatus.PUBLISHED if published else PublicationStatus.DRAFT,
        **fields,
    }
    if values["status"] == PublicationStatus.PUBLISHED and "published_at" not in values:
        values["published_at"] = timezone.now()
    return Issue.objects.create(**values)


def make_notice(*, issue: Issue | None = None, doc_number: str | None = "", **fields) -> Notice:
    """A notice; `doc_number` is parsed like the admin does ("" picks a fresh one, None none)."""
    n = _next()
    issue = issue or make_issue()
    notice = Notice(
        issue=issue,
        **{
            "order": n,
            "title": f"关于印发测试文件{n}的通知",
            "issuer": "咸宁市人民政府办公室",
            "signed_on": issue.published_on - datetime.timedelta(days=30),
            **fields,
        },
    )
    notice.set_doc_number(f"咸政办测〔2022〕{n}号" if doc_number == "" else doc_number)
    notice.save()
    return notice


def make_attachment(*, notice: Notice | None = None, **fields) -> Attachment:
    n = _next()
    return Attachment.objects.create(
        notice=notice or make_notice(),
        **{"order": n, "label": f"附件{n}", "title": f"测试附件{n}", **fields},
    )


def make_table(*, notice: Notice | None = None, attachment: Attachment | None = None, **fields):
    n = _next()
    notice = notice or (attachment.notice if attachment else make_notice())
    return Table.objects.create(
        notice=notice,
        attachment=attachment,
        **{
            "order": n,
            "title": f"测试表{n}",
            "header": ["序号", "项目名称", "总投资（亿元）"],
            "rows": [["1", "测试项目甲", "1.5"], ["2", "测试项目乙", "2.25"]],
            **fields,
        },
    )


def make_citation(*, notice: Notice | None = None, **fields) -> Citation:
    return Citation.objects.create(
        notice=notice or make_notice(),
        **{"kind": Citation.Kind.CITES, "doc_number": "鄂政发〔2022〕17号", **fields},
    )


def make_unit(*, aliases: Sequence[str] = (), **fields) -> Unit:
    n = _next()
    unit = Unit.objects.create(
        **{
            "full_name": f"咸宁市测试局{n}",
            "short_name": f"市测试局{n}",
            "kind": UnitKind.CITY_DEPARTMENT,
            **fields,
        }
    )
    for alias in aliases:
        UnitAlias.objects.create(unit=unit, name=alias)
    return unit


def make_group(*, notice: Notice | None = None, **fields) -> LeadingGroup:
    """A leading group (领导小组), not an auth group: see staff_group for those."""
    n = _next()
    return LeadingGroup.objects.create(
        notice=notice or make_notice(),
        **{"order": n, "name": f"咸宁市测试工作领导小组{n}", **fields},
    )


def make_membership(*, group: LeadingGroup | None = None, **fields) -> Membership:
    n = _next()
    return Membership.objects.create(
        group=group or make_group(),
        **{
            "order": n,
            "role": MembershipRole.MEMBER,
            "person_name": "杨军",
            "position": "市人民政府副市长",
            **fields,
        },
    )


def make_project(*, notice: Notice | None = None, **fields) -> Project:
    n = _next()
    return Project.objects.create(
        notice=notice or make_notice(),
        **{
            "section_order": 1,
            "section": "一、基础设施",
            "number": n,
            "name": f"测试项目{n}",
            "investment_yi": Decimal("1.5"),
            "deadline_text": "2025年",
            "deadline_year": 2025,
            "location": "咸安区",
            **fields,
        },
    )


def make_task(*, notice: Notice | None = None, **fields) -> Task:
    n = _next()
    return Task.objects.create(
        notice=notice or make_notice(),
        **{
            "section_order": 1,
            "section": "一、重点任务",
            "number": n,
            "content": f"测试任务事项{n}",
            "deadline_text": "2023年",
            "deadline_year": 2023,
            **fields,
        },
    )


def make_responsibility(
    *, project: Project | None = None, task: Task | None = None, **fields
) -> Responsibility:
    if project is None and task is None:
        project = make_project()
    return Responsibility.objects.create(
        project=project,
        task=task,
        **{"unit": fields.pop("unit", None) or make_unit(), "role": Role.RESPONSIBLE, **fields},
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


def staff_group(name: str) -> Group:
    """The staff group `name` (编辑 or 审核发布) as the data migration makes it.

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
        group.permissions.set(
            Permission.objects.filter(
                content_type__app_label__in=migration.CONTENT_MODELS, codename__in=codenames
            )
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
