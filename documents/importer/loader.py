"""The loader: writes a ParsedIssue into the database in one transaction.

Every record is found by its natural key (issue: cumulative number; notice: canonical document
number, or its order in the issue when it has none; children: their key within the notice) and
saved only when a field differs, so importing the same file twice changes nothing — not even
the audit history — and importing a corrected file updates the same records. Rows the corrected
file no longer has are deleted. Any error rolls the whole import back.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models, transaction

from documents.importer.records import ParsedGroup, ParsedIssue, ParsedNotice, UnitRef
from documents.models import (
    Attachment,
    Citation,
    Issue,
    LeadingGroup,
    Membership,
    MembershipRole,
    Notice,
    Table,
    Unit,
    UnitAlias,
    UnitKind,
)
from documents.search import index_notices
from documents.text import normalize_person_name
from projects.models import Project, Responsibility, Task

Progress = Callable[[str], None]


@dataclass
class LoadResult:
    """What the loader did: per model, how many rows were created, updated, unchanged, deleted."""

    issue: Issue | None = None
    counts: dict[str, Counter] = field(default_factory=dict)
    units_created: list[str] = field(default_factory=list)
    # A new issue has no rows yet: its rows are created without looking them up first, and
    # remembered by natural key, so that a key printed twice still updates one row.
    new_issue: bool = False
    created: dict[tuple, models.Model] = field(default_factory=dict, repr=False)

    def count(self, model: type[models.Model], outcome: str, n: int = 1) -> None:
        self.counts.setdefault(model._meta.model_name, Counter())[outcome] += n

    @property
    def changed(self) -> bool:
        return any(c["created"] or c["updated"] or c["deleted"] for c in self.counts.values())

    def as_dict(self) -> dict:
        return {
            "issue_id": self.issue.pk if self.issue else None,
            "changed": self.changed,
            "counts": {name: dict(counter) for name, counter in sorted(self.counts.items())},
            "units_created": self.units_created,
        }


class UnitResolver:
    """Finds units by any of their names; an unknown name creates a unit flagged for review."""

    COUNTY = re.compile(r"^[\u4e00-\u9fff]{1,4}[县市区]人民政府$")

    def __init__(self, result: LoadResult):
        self.result = result
        self.by_name: dict[str, Unit] = {}
        for unit in Unit.objects.all():
            for name in (unit.full_name, unit.short_name):
                if name:
                    self.by_name.setdefault(self.key(name), unit)
        for alias in UnitAlias.objects.select_related("unit"):
            self.by_name.setdefault(self.key(alias.name), alias.unit)

    @staticmethod
    def key(name: str) -> str:
        return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))

    def resolve(self, name: str) -> Unit:
        key = self.key(name)
        unit = self.by_name.get(key)
        if unit is None:
            unit = Unit.objects.create(
                full_name=key, short_name=key, kind=self.guess_kind(key), needs_review=True
            )
            self.by_name[key] = unit
            self.result.units_created.append(key)
            self.result.count(Unit, "created")
        return unit

    @classmethod
    def guess_kind(cls, name: str) -> str:
        if name.startswith(("各", "市直")):
            return UnitKind.COLLECTIVE
        if cls.COUNTY.match(name):
            return UnitKind.COUNTY_GOVERNMENT
        if "管委会" in name or "开发区" in name:
            return UnitKind.DEVELOPMENT_ZONE
        if any(word in name for word in ("银行", "支行", "分行", "保险", "银保监", "证券")):
            return UnitKind.FINANCIAL
        if any(word in name for word in ("学校", "学院", "大学", "中学", "医院")):
            return UnitKind.SCHOOL_HOSPITAL
        if any(word in name for word in ("公司", "集团")):
            return UnitKind.STATE_ENTERPRISE
        if name.startswith(("市", "咸宁市")):
            return UnitKind.CITY_DEPARTMENT
        return UnitKind.OTHER


def _sync(result: LoadResult, model, lookup: dict, values: dict):
    """get-or-create by `lookup`; save only the fields of `values` that differ."""
    key = (model, tuple(sorted(lookup.items())))
    obj = result.created.get(key) if result.new_issue else model.objects.filter(**lookup).first()
    if obj is None:
        obj = model.objects.create(**lookup, **values)
        result.count(model, "created")
        if result.new_issue:
            result.created[key] = obj
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj._change_reason = "导入更新"
        obj.save(update_fields=changed)
        result.count(model, "updated")
    else:
        result.count(model, "unchanged")
    return obj


def _prune(result: LoadResult, queryset: models.QuerySet, keep_ids: list[int]) -> None:
    """Delete the rows of `queryset` the imported file no longer has."""
    if result.new_issue:
        return
    stale = queryset.exclude(pk__in=keep_ids)
    for obj in stale:  # one by one, so each deletion is kept in the history
        obj._change_reason = "导入时删除"
        obj.delete()
        result.count(queryset.model, "deleted")


@transaction.atomic
def load_issue(parsed: ParsedIssue, *, progress: Progress | None = None) -> LoadResult:
    """Write `parsed` (as drafts, for a new issue) and return what changed."""
    result = LoadResult()
    units = UnitResolver(result)
    issue = _load_issue_row(result, parsed)
    result.issue = issue
    result.new_issue = result.counts["issue"]["created"] == 1
    keep = []
    for position, parsed_notice in enumerate(parsed.notices, start=1):
        if progress:
            progress(f"装载文件 {position}/{len(parsed.notices)}：{parsed_notice.title[:40]}")
        notice = _load_notice(result, issue, parsed_notice, units)
        keep.append(notice.pk)
    _prune(result, issue.notices.all(), keep)
    if progress:
        progress("更新检索索引…")
    index_notices(keep)
    return result


def _load_issue_row(result: LoadResult, parsed: ParsedIssue) -> Issue:
    masthead = parsed.masthead
    values = {
        "year": parsed.year,
        "number": parsed.number,
        "published_on": parsed.published_on,
        **{
            name: masthead[name]
            for name in (
                "sponsor",
                "publisher",
                "phone",
                "email",
                "address",
                "postcode",
                "permit_number",
            )
            if masthead.get(name)
        },
    }
    if parsed.total_number is not None:
        return _sync(result, Issue, {"total_number": parsed.total_number}, values)
    lookup = {"year": values.pop("year"), "number": values.pop("number")}
    return _sync(result, Issue, lookup, values)


def _load_notice(result: LoadResult, issue: Issue, parsed: ParsedNotice, units) -> Notice:
    holder = Notice()
    holder.set_doc_number(parsed.doc_number)
    values = {
        "issue": issue,
        "order": parsed.order,
        "section": parsed.section,
        "page": parsed.page,
        "title": parsed.title,
        "agency_code": holder.agency_code,
        "year": holder.year,
        "serial": holder.serial,
        "issuer": parsed.issuer,
        "addressees": parsed.addressees,
        "signed_on": parsed.signed_on,
        "effective_on": parsed.effective_on if parsed.effective_rule == "date" else None,
        "valid_years": parsed.valid_years,
        "body": parsed.body_text,
    }
    if holder.doc_number:
        lookup = {"doc_number": holder.doc_number}
    else:
        lookup = {"issue": issue, "order": values.pop("order"), "doc_number": None}
        values.pop("issue")
    # A notice moving to another position must not collide with the one still holding it:
    # that one moves to a free position and gets its own order when its turn comes.
    for other in Notice.objects.filter(issue=issue, order=parsed.order).exclude(**lookup):
        other.order = (issue.notices.aggregate(last=models.Max("order"))["last"] or 0) + 1
        other.save(update_fields=["order"])
    notice = _sync(result, Notice, lookup, values)

    attachments = {}
    keep = []
    for order, parsed_attachment in enumerate(parsed.attachments, start=1):
        attachment = _sync(
            result,
            Attachment,
            {"notice": notice, "label": parsed_attachment.label},
            {"order": order, "title": parsed_attachment.title, "body": parsed_attachment.body_text},
        )
        attachments[parsed_attachment.label] = attachment
        keep.append(attachment.pk)

    tables = [(None, table) for table in parsed.tables] + [
        (attachments[a.label], table) for a in parsed.attachments for table in a.tables
    ]
    keep_tables = []
    for order, (attachment, table) in enumerate(tables, start=1):
        row = _sync(
            result,
            Table,
            {"notice": notice, "order": order},
            {
                "attachment": attachment,
                "title": table.title,
                "header": table.header,
                "rows": table.rows,
            },
        )
        keep_tables.append(row.pk)
    _prune(result, notice.tables.all(), keep_tables)
    _prune(result, notice.attachments.all(), keep)

    keep = []
    for citation in parsed.citations:
        row = _sync(
            result,
            Citation,
            {
                "notice": notice,
                "kind": citation.kind,
                "doc_number": citation.doc_number,
                "cited_title": citation.title[:500],
            },
            {},
        )
        keep.append(row.pk)
    _prune(result, notice.citations.all(), keep)

    _load_list_items(result, notice, parsed, attachments, units)
    _load_groups(result, notice, parsed.groups, units)
    return notice


def _load_list_items(result, notice, parsed: ParsedNotice, attachments, units) -> None:
    # A list section's 牵头单位 (一、…（牵头单位：市发改委）) leads every item printed under it.
    section_leads = {
        section.order: [UnitRef("lead", name) for name in section.lead_units]
        for section in parsed.list_sections
    }
    keep = []
    for item in parsed.projects:
        project = _sync(
            result,
            Project,
            {"notice": notice, "section_order": item.section_order, "number": item.number},
            {
                "attachment": attachments.get(item.attachment),
                "section": item.section,
                "name": item.name,
                "investment_yi": item.investment_yi,
                "content": item.content,
                "deadline_text": item.deadline_text,
                "deadline_year": item.deadline_year,
                "location": item.location or "",
            },
        )
        refs = section_leads.get(item.section_order, []) + item.units
        _load_responsibilities(result, {"project": project}, refs, units)
        keep.append(project.pk)
    _prune(result, notice.projects.all(), keep)

    keep = []
    for item in parsed.tasks:
        task = _sync(
            result,
            Task,
            {"notice": notice, "section_order": item.section_order, "number": item.number},
            {
                "attachment": attachments.get(item.attachment),
                "section": item.section,
                "content": item.content,
                "measures": item.measures,
                "deadline_text": item.deadline_text,
                "deadline_year": item.deadline_year,
            },
        )
        refs = section_leads.get(item.section_order, []) + item.units
        _load_responsibilities(result, {"task": task}, refs, units)
        keep.append(task.pk)
    _prune(result, notice.tasks.all(), keep)


def _load_responsibilities(result, owner: dict, refs: list[UnitRef], units) -> None:
    keep = []
    seen = set()
    for order, ref in enumerate(refs, start=1):
        unit = units.resolve(ref.name)
        if (unit.pk, ref.role) in seen:  # the same unit printed twice in one cell
            continue
        seen.add((unit.pk, ref.role))
        row = _sync(
            result, Responsibility, {**owner, "unit": unit, "role": ref.role}, {"order": order}
        )
        keep.append(row.pk)
    _prune(result, Responsibility.objects.filter(**owner), keep)


def _load_groups(result, notice: Notice, groups: list[ParsedGroup], units) -> None:
    keep = []
    by_name: dict[str, LeadingGroup] = {}
    for order, parsed_group in enumerate(groups, start=1):
        group = _sync(
            result,
            LeadingGroup,
            {"notice": notice, "name": parsed_group.name[:200]},
            {
                "order": order,
                "parent": by_name.get(parsed_group.parent or ""),
                "office": parsed_group.office[:200],
                "duties": parsed_group.duties,
            },
        )
        by_name[group.name] = group
        keep.append(group.pk)
        _load_members(result, group, parsed_group, units)
    _prune(result, notice.leading_groups.all(), keep)


def _load_members(result, group: LeadingGroup, parsed_group: ParsedGroup, units) -> None:
    keep = []
    order = 0
    roles = set(MembershipRole.values)
    for member in parsed_group.members:
        role = member.role if member.role in roles else MembershipRole.MEMBER
        # A seat held by several units (成员：市生态环境局、市经信局…分管负责同志) is one row each.
        seat_units = [units.resolve(name) for name in member.unit_names] or [None]
        for unit in seat_units:
            order += 1
            row = _sync(
                result,
                Membership,
                {"group": group, "order": order},
                {
                    "role": role,
                    "person_name": normalize_person_name(member.name)[:30],
                    "position": member.position[:200],
                    "unit": unit,
                },
            )
            keep.append(row.pk)
    _prune(result, group.memberships.all(), keep)
