"""What an import of an existing issue changes, in words staff and citizens read.

`preview_load` runs the loader inside a savepoint that is always rolled back, recording every
row it would create, update or delete: the revision's review page and the import preview show
exactly what publishing would do, because the same code does it. `describe` turns the rows into
corrections per notice ("标题更正", "附件2表格第12行更正"), `summary` into what a revision keeps.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import models, transaction

from documents.importer.loader import LoadResult, RowChange, load_issue
from documents.importer.records import ParsedIssue
from documents.models import Attachment, Citation, Issue, Notice, Table

T = TypeVar("T")


class _RolledBack(Exception):
    pass


def rolled_back(work: Callable[[], T]) -> T:
    """`work()`'s result, computed in a savepoint that is always rolled back: what a write
    would do, with the database left as it was."""
    holder: list[T] = []
    try:
        with transaction.atomic():
            holder.append(work())
            raise _RolledBack
    except _RolledBack:
        pass
    return holder[0]


def preview_load(parsed: ParsedIssue, *, keep_hand_edits: bool = True) -> LoadResult:
    """What loading `parsed` would change, row by row; the database is left as it was."""
    return rolled_back(
        lambda: load_issue(parsed, record=True, keep_hand_edits=keep_hand_edits, index=False)
    )


# --- Which notice a row belongs to -------------------------------------------------------------


def notice_id_of(row: models.Model) -> int | None:
    """The notice a changed row belongs to (following group, project and task links)."""
    if isinstance(row, Notice):
        return row.pk
    for link in ("notice", "group", "project", "task"):
        column = f"{link}_id"
        if getattr(row, column, None) is None and getattr(row, link, None) is None:
            continue
        if link == "notice":
            return getattr(row, column, None) or getattr(row, link).pk
        try:
            parent = getattr(row, link)
        except models.ObjectDoesNotExist:
            return None
        return notice_id_of(parent) if parent is not None else None
    return None


# --- Describing rows ---------------------------------------------------------------------------


def _line_numbers(old: list[Any], new: list[Any]) -> tuple[list[int], list[int], list[int]]:
    """Changed, added and removed positions (1-based: changed and added in the new list,
    removed in the old) between two sequences of lines or rows."""
    changed: list[int] = []
    added: list[int] = []
    removed: list[int] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "replace":
            common = min(i2 - i1, j2 - j1)
            changed += range(j1 + 1, j1 + common + 1)
            added += range(j1 + common + 1, j2 + 1)
            removed += range(i1 + common + 1, i2 + 1)
        elif tag == "insert":
            added += range(j1 + 1, j2 + 1)
        elif tag == "delete":
            removed += range(i1 + 1, i2 + 1)
    return changed, added, removed


def _numbers(numbers: list[int]) -> str:
    return "、".join(str(n) for n in numbers[:8]) + ("等" if len(numbers) > 8 else "")


def _positions(what: str, unit: str, old: list[Any], new: list[Any]) -> list[str]:
    changed, added, removed = _line_numbers(old, new)
    words = []
    if changed:
        words.append(f"{what}第{_numbers(changed)}{unit}更正")
    if added:
        words.append(f"{what}增加第{_numbers(added)}{unit}")
    if removed:
        words.append(f"{what}删去原第{_numbers(removed)}{unit}")
    return words or [f"{what}更正"]


def _paragraphs(text: Any) -> list[str]:
    return [line.strip() for line in str(text or "").splitlines() if line.strip()]


def _table_name(table: Table) -> str:
    where = table.attachment.label if table.attachment_id and table.attachment else ""
    return f"{where}表格" + (f"“{table.title[:20]}”" if table.title else str(table.order))


def _row_name(row: models.Model) -> str:
    if isinstance(row, Attachment):
        return row.label or f"附件{row.order}"
    if isinstance(row, Table):
        return _table_name(row)
    if isinstance(row, Citation):
        return f"{row.get_kind_display()}“{row.doc_number or row.cited_title[:20]}”"
    return f"{row._meta.verbose_name}“{str(row)[:24]}”"


def _verbose(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    return str(field.verbose_name if isinstance(field, models.Field) else name)


def describe(change: RowChange) -> list[str]:
    """The change in words, as the public notice page lists a correction."""
    row, model = change.row, change.model
    if change.action == "created":
        return [f"增加{_row_name(row)}"]
    if change.action == "deleted":
        return [f"删去{_row_name(row)}"]
    words: list[str] = []
    prefix = "" if model is Notice else _row_name(change.before or row)
    for name, (old, new) in change.fields.items():
        if model is Table and name in ("rows", "header"):
            if name == "header":
                words.append(f"{prefix}表头更正")
            else:
                words += _positions(
                    prefix, "行", [tuple(r) for r in old or []], [tuple(r) for r in new or []]
                )
        elif name == "body":
            words += _positions(
                f"{prefix}正文" if model is Notice else prefix,
                "段",
                _paragraphs(old),
                _paragraphs(new),
            )
        elif model is Notice:
            words.append(f"{_verbose(model, name)}更正")
        else:
            words.append(f"{prefix}{_verbose(model, name)}更正")
    return words


def _unique(words: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(words))


@dataclass
class ChangeSet:
    """An import's changes, grouped the way the review page and the corrections need them."""

    added: list[Notice] = field(default_factory=list)
    removed: list[Notice] = field(default_factory=list)
    # notice id → its corrections in words, for notices that stay
    corrected: dict[int, list[str]] = field(default_factory=dict)
    issue_fields: list[str] = field(default_factory=list)
    hand_edits: list[str] = field(default_factory=list)
    rows: list[RowChange] = field(default_factory=list)
    titles: dict[int, str] = field(default_factory=dict)  # of the corrected notices

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.corrected or self.issue_fields)

    @property
    def corrected_list(self) -> list[tuple[int, str, list[str]]]:
        """(notice id, title, corrections) of every corrected notice, in order."""
        return [(pk, self.titles.get(pk, ""), words) for pk, words in self.corrected.items()]

    def as_dict(self) -> dict:
        titles = self.titles
        return {
            "added": [n.title for n in self.added],
            "removed": [{"id": n.pk, "title": n.title} for n in self.removed],
            "corrected": [
                {"id": pk, "title": titles.get(pk, ""), "corrections": words}
                for pk, words in self.corrected.items()
            ],
            "issue": self.issue_fields,
            "hand_edits": self.hand_edits,
        }


def change_set(result: LoadResult) -> ChangeSet:
    """Group a recorded load's rows by notice: notices added or removed, and the
    corrections of each notice that stays."""
    changes = ChangeSet(rows=result.changes)
    removed_ids = set()
    for change in result.changes:
        if change.model is Notice and change.action == "created":
            changes.added.append(change.row)  # type: ignore[arg-type]
        elif change.model is Notice and change.action == "deleted":
            changes.removed.append(change.row)  # type: ignore[arg-type]
            removed_ids.add(change.row.pk)
    added_ids = {notice.pk for notice in changes.added}
    for change in result.changes:
        if change.model is Issue:
            changes.issue_fields += [f"{_verbose(Issue, n)}更正" for n in change.fields]
            continue
        if change.model is Notice and change.action != "updated":
            continue
        notice_id = notice_id_of(change.row)
        if notice_id is None or notice_id in removed_ids or notice_id in added_ids:
            continue  # a new notice's rows (members, list items too) are part of the new notice
        changes.corrected.setdefault(notice_id, [])
        changes.corrected[notice_id] = _unique([*changes.corrected[notice_id], *describe(change)])
    changes.titles = _titles_of(set(changes.corrected))
    edited = [(change, notice_id_of(change.row)) for change in result.hand_edits]
    titles = _titles_of({notice_id for _change, notice_id in edited})
    for change, notice_id in edited:
        title = titles.get(notice_id or 0, "")[:40]
        name = "" if change.model is Notice else _row_name(change.row)
        if change.fields:
            fields = "、".join(_verbose(change.model, n) for n in change.fields)
            changes.hand_edits.append(f"《{title}》{name}{fields}（人工修改）")
        else:
            changes.hand_edits.append(f"《{title}》{name}（人工增加）")
    return changes


@dataclass
class FieldDiff:
    """One changed field of one row, as the review page shows it: the old and new text of
    what changed (for a body, only the changed paragraphs; for a table, only its changed
    rows)."""

    notice: str
    what: str
    old: str
    new: str


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, list):
        return "\n".join("\t".join(map(str, r)) if isinstance(r, list) else str(r) for r in value)
    return str(value)


def field_texts(model: type[models.Model], name: str, old: Any, new: Any) -> tuple[str, str]:
    """A changed field's old and new value as text, for a reader: of a list of rows (a
    table) only the changed rows, of a text (a body) only the changed paragraphs, each after
    its number; any other value whole. The review page and the history page both use it."""
    if isinstance(old, list) or isinstance(new, list):
        rows = [[_text(r) for r in v] if isinstance(v, list) else [_text(v)] for v in (old, new)]
        return changed_parts(rows[0], rows[1], "行")
    field_ = model._meta.get_field(name)
    if isinstance(field_, models.TextField):
        return changed_parts(_paragraphs(old), _paragraphs(new), "段")
    labels = dict(field_.flatchoices) if isinstance(field_, models.Field) and field_.choices else {}
    return _text(labels.get(old, old)), _text(labels.get(new, new))


def changed_parts(old: list[str], new: list[str], unit: str) -> tuple[str, str]:
    """The paragraphs (or rows) that differ, each after its number: （第3段）…"""
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    before, after = [], []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            before += [f"（第{i + 1}{unit}）{old[i]}" for i in range(i1, i2)]
            after += [f"（第{j + 1}{unit}）{new[j]}" for j in range(j1, j2)]
    return "\n".join(before), "\n".join(after)


def field_diffs(changes: ChangeSet, limit: int = 400) -> list[FieldDiff]:
    """The changed fields of the notices that stay, old against new, for the review page."""
    titles = _titles_of({notice_id_of(c.row) for c in changes.rows})
    diffs: list[FieldDiff] = []
    for change in changes.rows:
        notice_id = notice_id_of(change.row)
        if notice_id not in changes.corrected and change.model is not Issue:
            continue
        title = titles.get(notice_id or 0, "本期刊头") if change.model is not Issue else "本期刊头"
        name = "" if change.model in (Notice, Issue) else _row_name(change.before or change.row)
        if change.action != "updated":
            words = "增加" if change.action == "created" else "删去"
            diffs.append(FieldDiff(title, f"{words}{_row_name(change.row)}", "", ""))
            continue
        for field_name, (old, new) in change.fields.items():
            what = f"{name}{_verbose(change.model, field_name)}"
            before, after = field_texts(change.model, field_name, old, new)
            diffs.append(FieldDiff(title, what, before[:2000], after[:2000]))
        if len(diffs) >= limit:
            break
    return diffs


def _titles_of(ids: set[int | None]) -> dict[int, str]:
    wanted = [i for i in ids if i]
    return dict(Notice.objects.filter(pk__in=wanted).values_list("pk", "title"))
