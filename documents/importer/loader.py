"""The loader: writes a ParsedIssue into the database in one transaction.

Every record is found by its natural key (issue: cumulative number; notice: canonical document
number, or its order in the issue when it has none; children: their key within the notice) and
saved only when a field differs, so importing the same file twice changes nothing — not even
the audit history — and importing a corrected file updates the same records. Rows the corrected
file no longer has are deleted. Any error rolls the whole import back.

A new issue has no rows to find: its rows are built in memory and written at the end, model by
model in the order their links need, each with its history rows, by bulk inserts
(django-simple-history's ``bulk_create_with_history``): the sample issue, about 900 rows, in
a few dozen statements instead of two per row.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from simple_history.utils import bulk_create_with_history

from documents import city
from documents.extensions import notice_extensions
from documents.history import (
    HAND_EDIT,
    IMPORT_CREATED,
    IMPORT_DELETED,
    IMPORT_UPDATED,
    set_change_reason,
)
from documents.importer.lists import format_yi
from documents.importer.records import Block, ParsedGroup, ParsedIssue, ParsedNotice
from documents.importer.structure import blocks_structure, structure_of
from documents.importer.text import simplified
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
from documents.text import document_kind, normalize_person_name

Progress = Callable[[str], None]


@dataclass
class RowChange:
    """One row the import creates, updates or deletes: `fields` maps a field to its
    (old, new) value (old None for a created row, new None for a deleted one)."""

    model: type[models.Model]
    action: str  # "created", "updated", "deleted", "kept" (hand edits kept)
    row: models.Model
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    before: models.Model | None = None  # the row as it was, for an update


@dataclass
class LoadResult:
    """What the loader did: per model, how many rows were created, updated, unchanged, deleted."""

    issue: Issue | None = None
    counts: dict[str, Counter] = field(default_factory=dict)
    units_created: list[str] = field(default_factory=list)
    # A new issue has no rows yet: its rows are built without looking them up first, and
    # remembered by natural key, so that a key printed twice still updates one row; they wait
    # in `pending` (per model, in order) to be written together by `write_pending`.
    new_issue: bool = False
    created: dict[tuple, models.Model] = field(default_factory=dict, repr=False)
    pending: dict[type[models.Model], list[models.Model]] = field(default_factory=dict, repr=False)
    # An issue imported again: every row the file could find or delete, read in a statement a
    # model (`preload`) and found in `existing` by natural key; `kept` holds what the file has.
    existing: dict[tuple, models.Model] = field(default_factory=dict, repr=False)
    preloaded: dict[type[models.Model], list] = field(default_factory=dict, repr=False)
    kept: dict[type[models.Model], set[int]] = field(default_factory=dict, repr=False)
    # `record`: every change is kept row by row in `changes` (documents.importer.changes
    # describes them). `keep_hand_edits`: a field staff changed since the row's last import
    # (its value differs from `baselines`, the row's last import in its history) keeps the
    # staff's value; each such field is listed in `hand_edits` either way.
    record: bool = False
    changes: list[RowChange] = field(default_factory=list, repr=False)
    keep_hand_edits: bool = False
    baselines: dict[tuple, Any] = field(default_factory=dict, repr=False)
    hand_edits: list[RowChange] = field(default_factory=list, repr=False)
    hand_made: set[tuple] = field(default_factory=set, repr=False)

    def count(self, model: type[models.Model], outcome: str, n: int = 1) -> None:
        self.counts.setdefault(str(model._meta.model_name), Counter())[outcome] += n

    @property
    def changed(self) -> bool:
        return any(c["created"] or c["updated"] or c["deleted"] for c in self.counts.values())

    def merge(self, other: LoadResult) -> None:
        """Add the counts and changes of another load of the same issue (a revision's
        documents are loaded one by one)."""
        for name, counter in other.counts.items():
            self.counts.setdefault(name, Counter()).update(counter)
        self.units_created += [
            name for name in other.units_created if name not in self.units_created
        ]
        self.changes += other.changes
        self.hand_edits += other.hand_edits

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
        """What two spellings of one name share: no spaces, half-width, simplified characters
        (市發改委 is 市发改委)."""
        return re.sub(r"\s+", "", simplified(unicodedata.normalize("NFKC", name)))

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
        if name.startswith(("市", city.current().name)):
            return UnitKind.CITY_DEPARTMENT
        return UnitKind.OTHER


def _natural_key(model, lookup: dict) -> tuple:
    """`lookup` as a dictionary key: a linked row by its pk (or, not yet written, by its
    identity), so that a row read from the database and a lookup naming it give one key."""

    def part(value):
        if isinstance(value, models.Model):
            return value.pk if value.pk is not None else ("unwritten", id(value))
        return value

    return (model, *((name, part(value)) for name, value in sorted(lookup.items())))


def _row_key(row: models.Model, names: tuple[str, ...]) -> tuple:
    """The natural key of a row read from the database (links by their column: no query)."""
    opts = row._meta
    lookup = {}
    for name in names:
        field = opts.get_field(name)
        lookup[name] = getattr(row, field.attname if isinstance(field, models.Field) else name)
    return (type(row), *sorted(lookup.items()))


def _differs(obj: models.Model, name: str, value) -> bool:
    """Whether `obj`'s field `name` holds something else than `value`; a link is compared by
    its column, so that no linked row is fetched to compare it."""
    field = obj._meta.get_field(name)
    if isinstance(field, models.ForeignKey):
        current = getattr(obj, field.attname)
        if isinstance(value, models.Model):
            return value.pk is None or current != value.pk
        return current != value
    return getattr(obj, name) != value


def _value(obj: models.Model, name: str):
    """A field's stored value (a link by its column)."""
    field = obj._meta.get_field(name)
    return getattr(obj, field.attname if isinstance(field, models.Field) else name)


def _hand_edited(result: LoadResult, obj: models.Model, name: str) -> bool:
    baseline = result.baselines.get((type(obj), obj.pk))
    return baseline is not None and _value(baseline, name) != _value(obj, name)


def sync(result: LoadResult, model, lookup: dict, values: dict):
    """get-or-create by `lookup`; save only the fields of `values` that differ.

    In a new issue the row is only built, and written later by `write_pending`."""
    key = _natural_key(model, lookup)
    if result.new_issue:
        obj = result.created.get(key)
    elif model in result.preloaded:
        obj = result.existing.get(key)
    else:
        obj = model.objects.filter(**lookup).first()
    if obj is None:
        result.count(model, "created")
        obj = model(**lookup, **values)
        if result.record:
            fields = {name: (None, value) for name, value in {**lookup, **values}.items()}
            result.changes.append(RowChange(model, "created", obj, fields))
        if result.new_issue:
            result.created[key] = obj
            result.pending.setdefault(model, []).append(obj)
            return obj
        set_change_reason(obj, IMPORT_CREATED)
        obj.save(force_insert=True)
        result.existing[key] = obj
        result.kept.setdefault(model, set()).add(obj.pk)
        return obj
    if obj.pk is not None:
        result.kept.setdefault(model, set()).add(obj.pk)
    changed = [name for name, value in values.items() if _differs(obj, name, value)]
    if changed and obj.pk is not None and result.baselines:
        edited = [name for name in changed if _hand_edited(result, obj, name)]
        if edited:
            fields = {name: (getattr(obj, name), values[name]) for name in edited}
            result.hand_edits.append(RowChange(model, "kept", obj, fields))
            if result.keep_hand_edits:
                changed = [name for name in changed if name not in edited]
    if changed:
        if result.record:
            before = copy.copy(obj)
            fields = {name: (getattr(obj, name), values[name]) for name in changed}
            result.changes.append(RowChange(model, "updated", obj, fields, before))
        for name in changed:
            setattr(obj, name, values[name])
        if obj.pk is not None:  # not a row still waiting to be written
            set_change_reason(obj, IMPORT_UPDATED)
            obj.save(update_fields=changed)
        result.count(model, "updated")
    else:
        result.count(model, "unchanged")
    return obj


# The order in which a new issue's rows are written: each model after those it links to (the
# extensions' models after documents' own).
WRITE_ORDER = [Notice, Attachment, Table, Citation, LeadingGroup, Membership]


def write_order() -> list[type[models.Model]]:
    return WRITE_ORDER + [model for ext in notice_extensions() for model in ext.models]


def _parent_written(group: LeadingGroup) -> bool:
    return group.parent is None or group.parent.pk is not None


def write_pending(result: LoadResult) -> None:
    """Write the rows a new issue's import built, model by model, with their history rows.

    A leading group's parent is another group of the same import: groups are written a
    generation at a time, parents first."""
    for model in write_order():
        rows = result.pending.pop(model, [])
        while rows:
            if model is LeadingGroup:
                ready = [g for g in rows if not isinstance(g, LeadingGroup) or _parent_written(g)]
                rows = [g for g in rows if g not in ready]
            else:
                ready, rows = rows, []
            bulk_create_with_history(
                ready, model, batch_size=500, default_change_reason=IMPORT_CREATED
            )
    assert not result.pending, f"rows of {list(result.pending)} were not written"


# The natural keys rows are found by (the lookups `_sync` is called with), and the row each
# belongs to: a row the file no longer has is deleted when that owner is still in the file
# (an owner that is not goes with all it holds).
NATURAL_KEYS: dict[type[models.Model], tuple[tuple[str, ...], ...]] = {
    Attachment: (("notice", "label"),),
    Table: (("notice", "order"),),
    Citation: (("notice", "kind", "doc_number", "cited_title"),),
    LeadingGroup: (("notice", "name"),),
    Membership: (("group", "order"),),
}
OWNERS: dict[type[models.Model], tuple[tuple[str, type[models.Model]], ...]] = {
    Attachment: (("notice_id", Notice),),
    Table: (("notice_id", Notice),),
    Citation: (("notice_id", Notice),),
    LeadingGroup: (("notice_id", Notice),),
    Membership: (("group_id", LeadingGroup),),
}


def natural_keys_of(model: type[models.Model]) -> tuple[tuple[str, ...], ...]:
    for ext in notice_extensions():
        if model in ext.natural_keys:
            return ext.natural_keys[model]
    return NATURAL_KEYS[model]


def owners_of(model: type[models.Model]) -> tuple[tuple[str, type[models.Model]], ...]:
    for ext in notice_extensions():
        if model in ext.owners:
            return ext.owners[model]
    return OWNERS[model]


def prune_order() -> list[type[models.Model]]:
    """Deepest first, so that no row is deleted after a row it links to (notices go last)."""
    return [model for model in reversed(write_order()) if model is not Notice]


def preload(result: LoadResult, issue: Issue, parsed: ParsedIssue) -> None:
    """Read every row an import of `issue` again could find or delete: the issue's notices,
    those of other issues the file names by number, and all they hold (a statement a model)."""
    numbers = parsed.doc_numbers()
    notices = list(Notice.objects.filter(models.Q(issue=issue) | models.Q(doc_number__in=numbers)))
    result.preloaded[Notice] = notices
    for notice in notices:
        if notice.doc_number:
            lookup = {"doc_number": notice.doc_number}
        else:
            lookup = {"issue": issue.pk, "order": notice.order, "doc_number": None}
        if notice.doc_number or notice.issue_id == issue.pk:
            result.existing[_natural_key(Notice, lookup)] = notice
    ids = [notice.pk for notice in notices]
    rows: dict[type[models.Model], models.QuerySet] = {
        model: model.objects.filter(notice_id__in=ids)
        for model in (Attachment, Table, Citation, LeadingGroup)
    }
    rows[Membership] = Membership.objects.filter(group__notice_id__in=ids)
    for ext in notice_extensions():
        rows.update(ext.preload(ids))
    for model, queryset in rows.items():
        result.preloaded[model] = list(queryset)
        for row in result.preloaded[model]:
            for names in natural_keys_of(model):
                if all(getattr(row, row._meta.get_field(n).attname) is not None for n in names):
                    result.existing[_row_key(row, names)] = row
    if result.keep_hand_edits or result.record:
        for model, found in result.preloaded.items():
            _read_baselines(result, model, [row.pk for row in found])


def _read_baselines(result: LoadResult, model: type[models.Model], pks: list[int]) -> None:
    """Each row's state after its last import: its newest history record made by the importer
    (rows imported before the importer named its changes have none: nothing counts as a hand
    edit there)."""
    if not pks:
        return
    history = model.history.model  # type: ignore[attr-defined]  # simple-history adds it
    records = (
        history.objects.filter(
            id__in=pks, history_change_reason__in=[IMPORT_CREATED, IMPORT_UPDATED]
        )
        .order_by("id", "-history_date", "-history_id")
        .distinct("id")
    )
    for record in records:
        result.baselines[(model, record.id)] = record
    made = history.objects.filter(id__in=pks, history_type="+", history_change_reason=HAND_EDIT)
    result.hand_made.update((model, pk) for pk in made.values_list("id", flat=True))


def prune_stale(result: LoadResult, issue: Issue, *, notices: bool = True) -> None:
    """Delete the rows the file no longer has: notices of `issue` (unless `notices` is False:
    single documents leave the issue's other notices alone), and the rows of notices and
    groups (and of the extensions' items) that are still in it. One by one, so each deletion
    is kept in the history."""
    for model in prune_order():
        kept = result.kept.get(model, set())
        for row in result.preloaded.get(model, []):
            owners = [
                (getattr(row, column), owner)
                for column, owner in owners_of(model)
                if getattr(row, column) is not None
            ]
            owner_kept = all(pk in result.kept.get(owner, set()) for pk, owner in owners)
            if row.pk in kept or not owner_kept:
                continue
            if result.keep_hand_edits and (model, row.pk) in result.hand_made:
                result.hand_edits.append(RowChange(model, "kept", row))  # added by hand
                continue
            _delete(result, row)
    if not notices:
        return
    kept = result.kept.get(Notice, set())
    for notice in result.preloaded.get(Notice, []):
        if notice.issue_id == issue.pk and notice.pk not in kept:
            _delete(result, notice)


def place_documents(result: LoadResult, issue: Issue, parsed: ParsedIssue) -> None:
    """Where single documents go in `issue`: a document the issue already has (same number,
    or a numberless one with the same title) keeps its position, section and page unless the
    file states them; a new one goes after the issue's last notice."""
    stored = [n for n in result.preloaded.get(Notice, []) if n.issue_id == issue.pk]
    last = max((n.order for n in stored), default=0)
    for notice in parsed.notices:
        number = _canonical(notice.doc_number)
        same = [
            n
            for n in stored
            if (n.doc_number == number if number else not n.doc_number and n.title == notice.title)
        ]
        if len(same) == 1:
            notice.order = same[0].order
            notice.section = notice.section or same[0].section
            notice.page = notice.page or same[0].page
        else:
            last += 1
            notice.order = last


def _canonical(number: str | None) -> str | None:
    holder = Notice()
    holder.set_doc_number(number)
    return holder.doc_number


def _delete(result: LoadResult, row: models.Model) -> None:
    if result.record:
        result.changes.append(RowChange(type(row), "deleted", copy.copy(row)))
    set_change_reason(row, IMPORT_DELETED)
    row.delete()
    result.count(type(row), "deleted")


@transaction.atomic
def load_issue(
    parsed: ParsedIssue,
    *,
    progress: Progress | None = None,
    record: bool = False,
    keep_hand_edits: bool = False,
    index: bool = True,
) -> LoadResult:
    """Write `parsed` (as drafts, for a new issue) and return what changed (row by row too,
    with `record`). `keep_hand_edits` keeps what staff changed since a row's last import;
    `index` False leaves the search index alone (a preview that is rolled back)."""
    result = LoadResult(record=record, keep_hand_edits=keep_hand_edits)
    units = UnitResolver(result)
    if parsed.documents_only:
        issue = Issue.objects.get(year=parsed.year, number=parsed.number)
        result.issue = issue
        preload(result, issue, parsed)
        place_documents(result, issue, parsed)
    else:
        issue = _load_issue_row(result, parsed)
        result.issue = issue
        result.new_issue = result.counts["issue"]["created"] == 1
        if not result.new_issue:
            preload(result, issue, parsed)
    notices = []
    for position, parsed_notice in enumerate(parsed.notices, start=1):
        if progress:
            progress(f"装载文件 {position}/{len(parsed.notices)}：{parsed_notice.title[:40]}")
        notices.append(_load_notice(result, issue, parsed_notice, units))
    write_pending(result)
    if not result.new_issue:
        prune_stale(result, issue, notices=not parsed.documents_only)
    if progress:
        progress("更新检索索引…")
    if index and result.changed:  # an unchanged issue's index rows are current already
        index_notices([notice.pk for notice in notices])
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
        return sync(result, Issue, {"total_number": parsed.total_number}, values)
    lookup = {"year": values.pop("year"), "number": values.pop("number")}
    return sync(result, Issue, lookup, values)


def _printed_totals(parsed: ParsedNotice) -> dict:
    totals = parsed.list_totals
    if totals is None:
        return {}
    found = {
        "tasks": totals.tasks,
        "projects": totals.projects,
        "investment_yi": format_yi(totals.investment_yi) or None,
    }
    return {name: value for name, value in found.items() if value is not None}


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
        "disclosure": parsed.disclosure,
        "kind": parsed.kind or document_kind(parsed.title, holder.doc_number),
        "normative": parsed.normative,
        "signer": parsed.signer[:40],
        "index_number": parsed.index_number[:60],
        "topic": parsed.topic[:100],
        "signed_on": parsed.signed_on,
        "effective_on": parsed.effective_on if parsed.effective_rule == "date" else None,
        "valid_years": parsed.valid_years,
        "body": parsed.body_text,
        "printed_totals": _printed_totals(parsed),
    }
    if parsed.validity:  # as a 政府信息公开 page states it (有效性：失效)
        values["validity"] = parsed.validity
    lookup: dict[str, object]
    if holder.doc_number:
        lookup = {"doc_number": holder.doc_number}
    else:
        # A notice without a number is found by its title among the issue's numberless
        # notices, then by its position: one moved in the table of contents keeps its id.
        same_title = [
            n
            for n in result.preloaded.get(Notice, [])
            if n.issue_id == issue.pk and not n.doc_number and n.title == parsed.title
        ]
        order = same_title[0].order if len(same_title) == 1 else parsed.order
        lookup = {"issue": issue, "order": order, "doc_number": None}
        values.pop("issue")
        if order == parsed.order:
            values.pop("order")
    # A notice moving to another position must not collide with the one still holding it:
    # that one moves to a free position and gets its own order when its turn comes. (A new
    # issue has no notices yet.)
    others = (
        Notice.objects.none()
        if result.new_issue
        else Notice.objects.filter(issue=issue, order=parsed.order).exclude(**lookup)
    )
    for other in others:
        other.order = (issue.notices.aggregate(last=models.Max("order"))["last"] or 0) + 1
        other.save(update_fields=["order"])
    notice = sync(result, Notice, lookup, values)
    _store_structure(notice, parsed.blocks, parsed.body_text)

    attachments = {}
    for order, parsed_attachment in enumerate(parsed.attachments, start=1):
        attachment = sync(
            result,
            Attachment,
            {"notice": notice, "label": parsed_attachment.label},
            {"order": order, "title": parsed_attachment.title, "body": parsed_attachment.body_text},
        )
        _store_structure(attachment, parsed_attachment.blocks, parsed_attachment.body_text)
        attachments[parsed_attachment.label] = attachment

    tables = [(None, table) for table in parsed.tables] + [
        (attachments[a.label], table) for a in parsed.attachments for table in a.tables
    ]
    for order, (attachment, table) in enumerate(tables, start=1):
        sync(
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

    for citation in parsed.citations:
        sync(
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

    for ext in notice_extensions():
        ext.load_notice(result, notice, parsed, attachments, units)
    _load_groups(result, notice, parsed.groups, units)
    return notice


def _store_structure(row: Notice | Attachment, blocks: list[Block], body: str) -> None:
    """Keep what the parser found each line of `body` to be (documents.importer.structure)
    beside it, when the row holds that body (a body staff edited and the import kept has the
    structure the admin gave it). Not a change of the notice: nothing a reader reads differs,
    so it is neither counted nor listed as a correction."""
    if row.body != body:
        return
    structure = structure_of(body, blocks_structure(blocks))
    if row.structure == structure:
        return
    row.structure = structure
    if row.pk is not None:  # a new issue's rows are written later, structure and all
        set_change_reason(row, IMPORT_UPDATED)
        row.save(update_fields=["structure"])


def _load_groups(result, notice: Notice, groups: list[ParsedGroup], units) -> None:
    by_name: dict[str, LeadingGroup] = {}
    for order, parsed_group in enumerate(groups, start=1):
        group = sync(
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
        _load_members(result, group, parsed_group, units)


def _load_members(result, group: LeadingGroup, parsed_group: ParsedGroup, units) -> None:
    roles = set(MembershipRole.values)
    for order, member in enumerate(parsed_group.members, start=1):
        role = member.role if member.role in roles else MembershipRole.MEMBER
        # One row a seat. The parser gives each unit of a unit list (成员：市生态环境局、市经信局…
        # 分管负责同志) a seat of its own; a person's seat names the units of their posts
        # (市政府副秘书长、市发改委主任) and a membership has one unit: the first.
        unit = units.resolve(member.unit_names[0]) if member.unit_names else None
        sync(
            result,
            Membership,
            {"group": group, "order": order},
            {
                "role": role,
                # 主任委员, 常务副主任, 秘书长 … as printed, where the role's name differs
                "role_label": ""
                if member.role_label in ("", MembershipRole(role).label)
                else member.role_label[:20],
                "person_name": normalize_person_name(member.name)[:30],
                "position": member.position[:200],
                "unit": unit,
            },
        )
