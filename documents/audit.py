"""Reading the audit history: one issue's changes across everything in it, and the trash of
deleted draft notices (restorable for TRASH_DAYS, from the history django-simple-history keeps).

The rows an issue holds are found the way the importer writes them: its notices, then each
model of the loader's write order through the link to its owner (documents.importer.loader's
`owners_of`), so the extensions' rows (projects, tasks, responsibilities) are included too.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from documents.history import set_change_reason
from documents.importer.changes import field_texts
from documents.importer.loader import owners_of, write_order
from documents.models import Issue, Notice, PublicationStatus
from documents.permissions import may_change
from documents.search import index_notices

TRASH_DAYS = 30
RESTORED = "从回收站恢复"
# Rows deleted with a notice are deleted in its transaction, within moments of it.
_DELETED_TOGETHER = datetime.timedelta(seconds=60)
KINDS = {"+": "新增", "~": "修改", "-": "删除"}


def _history(model: type[models.Model]):
    return model.history.model  # type: ignore[attr-defined]  # added by simple-history


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: datetime.datetime
    user: Any
    reason: str
    kind: str
    what: str
    changes: list[FieldChange] = field(default_factory=list)


def _field_change(model: type[models.Model], name: str, old: Any, new: Any) -> FieldChange:
    field_ = model._meta.get_field(name)
    before, after = field_texts(model, name, old, new)
    return FieldChange(str(getattr(field_, "verbose_name", name)), before[:3000], after[:3000])


def _records_of_issue(issue: Issue) -> dict[type[models.Model], list]:
    """Every history row of the issue and of every row it holds or held."""
    found: dict[type[models.Model], list] = {
        Issue: list(_history(Issue).objects.filter(id=issue.pk).select_related("history_user"))
    }
    ids: dict[type[models.Model], set[int]] = {}
    for model in write_order():
        history = _history(model).objects.select_related("history_user")
        if model is Notice:
            rows = list(history.filter(issue_id=issue.pk))
        else:
            query = models.Q(pk__in=[])
            for column, owner in owners_of(model):
                query |= models.Q(**{f"{column}__in": ids.get(owner, set())})
            rows = list(history.filter(query))
        found[model] = rows
        ids[model] = {row.id for row in rows}
    return found


def issue_history(issue: Issue, *, limit: int = 300) -> list[HistoryEntry]:
    """The issue's changes, newest first: who, when, why, what, and field by field (changed
    paragraphs and table rows only) what it was and became."""
    # Each record with the one before it of the same row, newest first; only the newest `limit`
    # are described (their diffs and names may each cost a query).
    records = []
    for model, rows in _records_of_issue(issue).items():
        rows.sort(key=lambda r: (r.id, r.history_date, r.history_id))
        previous: dict[int, Any] = {}
        for row in rows:
            records.append((row, model, previous.get(row.id)))
            previous[row.id] = row
    records.sort(key=lambda record: record[0].history_date, reverse=True)
    entries: list[HistoryEntry] = []
    for row, model, before in records:
        changes = []
        if row.history_type == "~" and before is not None:
            delta = row.diff_against(before)
            changes = [_field_change(model, c.field, c.old, c.new) for c in delta.changes]
            if not changes:
                continue  # a save that changed nothing
        entries.append(
            HistoryEntry(
                when=row.history_date,
                user=row.history_user,
                reason=row.history_change_reason or "",
                kind=KINDS.get(row.history_type, row.history_type),
                what=f"{model._meta.verbose_name}“{str(row.instance)[:40]}”",
                changes=changes,
            )
        )
        if len(entries) == limit:
            break
    return entries


# --- The trash -----------------------------------------------------------------------------------


def trash(now: datetime.datetime | None = None):
    """Deleted notices of unpublished issues, deleted in the last TRASH_DAYS days and not
    restored: their last history row, newest first."""
    now = now or timezone.now()
    return (
        _history(Notice)
        .objects.filter(
            history_type="-",
            history_date__gte=now - datetime.timedelta(days=TRASH_DAYS),
            issue_id__in=Issue.objects.exclude(status=PublicationStatus.PUBLISHED).values("pk"),
        )
        .exclude(id__in=Notice.objects.values("pk"))
        .order_by("-history_date")
    )


@transaction.atomic
def notice_restore(*, history_id: int, user=None) -> Notice:
    """Put a deleted draft notice back as it was, with the rows deleted with it (attachments,
    tables, citations, groups and their members, projects, tasks, responsibilities)."""
    record = trash().filter(history_id=history_id).first()
    if record is None:
        raise ValidationError("回收站中没有这件文件（可能已恢复、超过 30 天，或所在刊期已发布）。")
    if not may_change(user, Issue.objects.get(pk=record.issue_id)):
        raise ValidationError("所在刊期已定时发布：恢复文件须由审核发布人员进行，或先取消定时。")
    if record.doc_number and Notice.objects.filter(doc_number=record.doc_number).exists():
        raise ValidationError(f"发文字号 {record.doc_number} 已由另一件文件使用，不能恢复。")
    window = (record.history_date - _DELETED_TOGETHER, record.history_date + _DELETED_TOGETHER)
    restored: dict[type[models.Model], set[int]] = {Notice: {record.id}}
    _recreate(record.instance)
    for model in write_order()[1:]:
        query = models.Q(pk__in=[])
        for column, owner in owners_of(model):
            query |= models.Q(**{f"{column}__in": restored.get(owner, set())})
        gone = (
            _history(model)
            .objects.filter(query, history_type="-", history_date__range=window)
            .exclude(id__in=model._default_manager.values("pk"))
        )
        restored[model] = set()
        for row in gone:
            _recreate(row.instance)
            restored[model].add(row.id)
    index_notices([record.id])
    return Notice.objects.get(pk=record.id)


def _recreate(obj: models.Model) -> None:
    set_change_reason(obj, RESTORED)
    obj.save(force_insert=True)  # links are checked at commit: PostgreSQL defers them
