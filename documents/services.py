"""Writes that touch several models or carry a rule of the workflow."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from documents.history import HAND_EDIT, set_change_reason
from documents.importer.records import ImportFormatError
from documents.models import (
    Attachment,
    Correction,
    Issue,
    Notice,
    PublicationStatus,
    RemovedNotice,
    Revision,
    RevisionStatus,
    Table,
)
from documents.permissions import PUBLISH_PERMISSION, PUBLISHER_GROUP, can_publish
from documents.signals import public_content_changed
from gazette_site.cache import content_changed

if TYPE_CHECKING:
    from documents.importer.changes import ChangeSet

__all__ = [
    "PUBLISH_PERMISSION",
    "ImportOutcome",
    "PublicationRefused",
    "issue_acknowledge_warnings",
    "issue_import",
    "issue_publish",
    "issue_schedule",
    "issue_submit",
    "issue_unpublish",
    "propose_correction",
    "revision_discard",
    "revision_preview",
    "revision_publish",
    "revision_schedule",
    "revision_submit",
]


def _staff(user):
    """The user to record as having done something (None for the command line, or anonymous)."""
    return user if getattr(user, "pk", None) else None


def _check_can_publish(user) -> None:
    if not can_publish(user):
        raise PermissionDenied("只有“审核发布”组的工作人员可以发布或撤回刊期。")


class PublicationRefused(ValidationError):
    """Publishing is refused: the messages say what to put right first."""


@transaction.atomic
def issue_publish(*, issue: Issue, user=None) -> Issue:
    """Publish an issue: it and every notice in it become visible on all public pages.

    Refused (PublicationRefused) while documents.importer.checks finds a problem. The first
    publication time is kept when a withdrawn issue is published again. `user` None means a
    trusted caller (the importer's --publish, a data migration)."""
    from documents.importer.checks import publication_problems

    _check_can_publish(user)
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    if issue.status != PublicationStatus.PUBLISHED:
        problems = publication_problems(issue)
        if problems:
            raise PublicationRefused(problems)
        issue.status = PublicationStatus.PUBLISHED
        issue.published_at = issue.published_at or timezone.now()
        issue.withdrawn_at = None
        issue.withdrawn_reason = ""
        issue.publish_at = None
        issue.scheduled_by = None
        set_change_reason(issue, "发布")
        issue.save(
            update_fields=[
                "status",
                "published_at",
                "withdrawn_at",
                "withdrawn_reason",
                "publish_at",
                "scheduled_by",
                "updated_at",
            ]
        )
        content_changed()
        notice_ids = list(issue.notices.values_list("pk", flat=True))
        public_content_changed.send(sender=Issue, issue=issue, notice_ids=notice_ids)
    return issue


@transaction.atomic
def issue_unpublish(*, issue: Issue, user=None, reason: str = "") -> Issue:
    """Withdraw an issue: it and its notices leave every public page, and its page says that
    it was withdrawn, when, and `reason`."""
    _check_can_publish(user)
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    if issue.status == PublicationStatus.PUBLISHED:
        issue.status = PublicationStatus.WITHDRAWN
        issue.withdrawn_at = timezone.now()
        issue.withdrawn_reason = reason.strip()[:300]
        set_change_reason(issue, "撤回")
        issue.save(update_fields=["status", "withdrawn_at", "withdrawn_reason", "updated_at"])
        content_changed()
        public_content_changed.send(sender=Issue, issue=issue, notice_ids=[])
    return issue


@transaction.atomic
def issue_acknowledge_warnings(*, issue: Issue, user=None) -> Issue:
    """A publisher has checked the import's warnings: they no longer block publishing."""
    _check_can_publish(user)
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    if issue.import_warnings and issue.warnings_acknowledged_at is None:
        issue.warnings_acknowledged_at = timezone.now()
        set_change_reason(issue, "确认导入提示")
        issue.save(update_fields=["warnings_acknowledged_at", "updated_at"])
    return issue


@dataclass
class ImportOutcome:
    """The parse report (what the file holds) and, unless a dry run, what loading changed.

    An import of an issue that is already published writes nothing public: it makes a
    `revision` (or, on a dry run, shows its `changes`)."""

    report: dict
    issue: Issue | None = None
    changed: bool = False
    revision: Revision | None = None
    changes: ChangeSet | None = None


def issue_import(
    *,
    data: bytes,
    publish: bool = False,
    dry_run: bool = False,
    user=None,
    source_name: str = "",
    issue: tuple[int, int] | None = None,
    progress: Callable[[str], None] | None = None,
) -> ImportOutcome:
    """Turn an issue's file — or single documents for `issue` (year, number) — into draft
    records (or only report on it, with `dry_run`).

    A new issue, or one not yet published, is written as a draft. An issue already published
    (or scheduled) is never written over: a whole text becomes a Revision beside it, single
    documents go into its draft revision; a 审核发布 user publishes it (`publish` does so at
    once, for those who may). Single documents add or update notices of the issue and remove
    nothing. One transaction: a failure anywhere writes nothing. Raises ImportFormatError (a
    clear Chinese message) when the file is not readable, states another issue than `issue`,
    names none and `issue` is not given, is for an issue that does not exist (except on a dry
    run), or collides with what is stored (another issue's numbers, another issue's document
    number, impossible dates), also on a dry run; and PermissionDenied when `publish` is asked
    by a user who cannot publish.
    """
    from documents.importer import build_report, parse_issue
    from documents.importer.checks import import_conflicts, target_issue
    from documents.importer.sources import read_source

    if publish and not dry_run:
        _check_can_publish(user)
    say = progress or (lambda message: None)
    say("读取文件…")
    source = read_source(data)
    text, pages = source.text(), source.pages()
    say("解析文件结构…")
    parsed = parse_issue(text, pages=pages, issue=issue)
    target = target_issue(parsed)
    if parsed.documents_only and target is None and not dry_run:
        raise ImportFormatError(
            f"{parsed.year}年第{parsed.number}号还没有建立：请先导入这一期的公报"
            "（或在后台新建该期），再添加单篇文件。"
        )
    conflicts = import_conflicts(parsed)
    if conflicts:
        raise ImportFormatError("本文本与已有内容冲突，未写入任何数据：" + "；".join(conflicts))
    report = build_report(parsed)
    if target is not None and (target.is_published or _scheduled_for_others(target, user)):
        return _import_as_revision(
            parsed, report, target, text=text, pages=pages, source_name=source_name,
            user=user, publish=publish, dry_run=dry_run, say=say,
        )  # fmt: skip
    if dry_run:
        return ImportOutcome(report=report, issue=target)
    return _import_as_draft(parsed, report, target, user=user, publish=publish, say=say)


def _scheduled_for_others(issue: Issue, user) -> bool:
    """Single documents for an issue a publisher scheduled go into a revision unless the user
    may publish (a whole text is refused: `_import_as_draft`)."""
    return bool(issue.scheduled_by_id) and not can_publish(user)


def _import_as_revision(
    parsed, report, target: Issue, *, text, pages, source_name, user, publish, dry_run, say
) -> ImportOutcome:
    """A text of a published issue becomes a new revision; single documents join the issue's
    draft revision (one is made when there is none). The changes are previewed against the
    issue as it is."""
    from documents.importer.changes import change_set, preview_load

    if not parsed.documents_only and not target.is_published:
        raise ImportFormatError(
            f"{target} 已由审核发布人员定时发布，不能再导入新文本：请先请其取消定时。"
        )
    say("比较与已发布刊期的差异…")
    if not parsed.documents_only:
        changes = change_set(preview_load(parsed))
        if dry_run:
            return ImportOutcome(report=report, issue=target, changes=changes)
        with transaction.atomic():
            revision = Revision.objects.create(
                issue=target,
                source=text,
                pages=pages or [],
                source_name=source_name[:255],
                created_by=_staff(user),
                changes=changes.as_dict(),
                warnings=report["warnings"],
            )
            if publish:
                revision_publish(revision=revision, user=user)
                revision.refresh_from_db()
        return ImportOutcome(report=report, issue=target, revision=revision, changes=changes)
    with transaction.atomic():
        revision = _draft_revision(target, user)
        document = {"name": source_name[:255], "text": text, "pages": pages or []}
        revision.documents = [
            *(d for d in revision.documents if not _same_document(d, document, parsed)),
            document,
        ]
        revision.warnings = [*revision.warnings, *report["warnings"]]
        revision.save()
        changes = revision_preview(revision)
        if dry_run:
            transaction.set_rollback(True)
            return ImportOutcome(report=report, issue=target, changes=changes)
        revision.changes = changes.as_dict()
        revision.save(update_fields=["changes"])
        if publish:
            revision_publish(revision=revision, user=user)
            revision.refresh_from_db()
    return ImportOutcome(report=report, issue=target, revision=revision, changes=changes)


def _draft_revision(issue: Issue, user) -> Revision:
    """The issue's open draft revision that no publisher has scheduled, or a new one."""
    drafts = Revision.objects.select_for_update().filter(
        issue=issue, status=RevisionStatus.DRAFT, scheduled_by__isnull=True
    )
    return drafts.order_by("-created_at").first() or Revision(
        issue=issue, source="", created_by=_staff(user)
    )


def _same_document(stored: dict, new: dict, parsed) -> bool:
    """A document added again (same file name, or the same numbers) replaces the earlier copy."""
    from documents.importer import parse_issue

    if stored.get("name") and stored.get("name") == new.get("name"):
        return True
    try:
        earlier = parse_issue(stored["text"], issue=(parsed.year, parsed.number))
    except ImportFormatError:
        return False
    numbers = set(parsed.doc_numbers())
    return bool(numbers) and numbers == set(earlier.doc_numbers())


def _import_as_draft(parsed, report, target: Issue | None, *, user, publish, say) -> ImportOutcome:
    from documents.importer.loader import load_issue

    with transaction.atomic():
        if target is not None:  # read again under a lock: it may have changed since
            current = Issue.objects.select_for_update().get(pk=target.pk)
            if current.is_published:
                raise ImportFormatError(
                    f"{current} 在导入过程中已发布，未写入任何数据："
                    "请重新导入，新文本将保存为修订稿。"
                )
            if current.scheduled_by_id and not can_publish(user):
                raise ImportFormatError(
                    f"{current} 已由审核发布人员定时发布，不能再导入新文本：请先请其取消定时。"
                )
        result = load_issue(parsed, progress=say)
        assert result.issue is not None
        warnings = report["warnings"]
        if parsed.documents_only:  # the issue's own warnings stay, the documents' join them
            old = result.issue.import_warnings
            warnings = [*old, *(w for w in warnings if w not in old)]
        if result.changed or result.issue.import_warnings != warnings:
            _store_warnings(result.issue, warnings)
        if publish:
            result.issue = issue_publish(issue=result.issue, user=user)
        if result.changed:
            content_changed()
    _add_load(report, result)
    return ImportOutcome(report=report, issue=result.issue, changed=result.changed)


def _store_warnings(issue: Issue, warnings: list[str]) -> None:
    issue.import_warnings = warnings
    issue.warnings_acknowledged_at = None
    set_change_reason(issue, "导入提示")
    issue.save(update_fields=["import_warnings", "warnings_acknowledged_at", "updated_at"])


def _add_load(report: dict, result) -> None:
    report["load"] = result.as_dict()
    report["load"]["units_created"] = result.units_created
    if result.units_created:
        report["warnings"].append(
            "以下单位未能匹配到已知单位，已新建并标记为待核对：" + "、".join(result.units_created)
        )


# --- Revisions ---------------------------------------------------------------------------------


def _open_revision(revision: Revision) -> Revision:
    revision = Revision.objects.select_for_update().select_related("issue").get(pk=revision.pk)
    if not revision.is_open:
        raise ValidationError(f"{revision}已{revision.get_status_display()}，不能再处理。")
    return revision


@transaction.atomic
def revision_submit(*, revision: Revision, user=None, note: str = "") -> Revision:
    """Submit a draft revision for review (with what changed and why, in `note`); the
    审核发布 group is told by e-mail."""
    revision = _open_revision(revision)
    revision.status = RevisionStatus.SUBMITTED
    revision.note = note.strip() or revision.note
    revision.submitted_by = _staff(user)
    revision.submitted_at = timezone.now()
    revision.save()
    transaction.on_commit(lambda: _notify_revision(revision))
    return revision


def _schedule(obj, *, user, publish_at) -> None:
    _check_can_publish(user)
    if publish_at is not None and publish_at <= timezone.now():
        raise ValidationError("定时发布的时间应晚于现在；要立即发布请直接发布。")
    obj.publish_at = publish_at
    obj.scheduled_by = _staff(user) if publish_at is not None else None


@transaction.atomic
def revision_schedule(*, revision: Revision, user, publish_at) -> Revision:
    """A publisher has reviewed `revision` and has it published at `publish_at` by
    ``manage.py publish_due`` (None cancels the schedule)."""
    revision = _open_revision(revision)
    _schedule(revision, user=user, publish_at=publish_at)
    revision.save(update_fields=["publish_at", "scheduled_by"])
    return revision


@transaction.atomic
def issue_schedule(*, issue: Issue, user, publish_at) -> Issue:
    """A publisher has reviewed the unpublished `issue` and has it published at
    `publish_at` by ``manage.py publish_due`` (None cancels the schedule)."""
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    if issue.is_published:
        raise ValidationError(f"{issue} 已发布。")
    _schedule(issue, user=user, publish_at=publish_at)
    set_change_reason(issue, "定时发布")
    issue.save(update_fields=["publish_at", "scheduled_by", "updated_at"])
    return issue


@transaction.atomic
def revision_discard(*, revision: Revision, user=None) -> Revision:
    """Discard a revision: its author's draft, or (审核发布 only) one submitted or scheduled."""
    revision = _open_revision(revision)
    if revision.status != RevisionStatus.DRAFT or revision.scheduled_by_id:
        _check_can_publish(user)
    revision.status = RevisionStatus.DISCARDED
    revision.save(update_fields=["status"])
    return revision


# What staff may correct in a published issue through a revision, model by model.
PROPOSABLE_FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    Notice: ("title", "issuer", "addressees", "body"),
    Attachment: ("title", "body"),
    Table: ("title", "header", "rows"),
}


def _proposable(name: str) -> type[models.Model] | None:
    return next((m for m in PROPOSABLE_FIELDS if m._meta.model_name == name), None)


def _in_issue(model: type[models.Model], issue: Issue) -> models.QuerySet:
    if model is Notice:
        return Notice.objects.filter(issue=issue)
    return model._default_manager.filter(notice__issue=issue)


def _apply_revision(revision: Revision, *, index: bool = True):
    """Apply `revision` to its issue in the caller's transaction and return the recorded
    load: its text (if any) through the loader, then the staff's corrections of notices.
    `index` False leaves the search index alone (a preview, rolled back)."""
    from documents.importer import build_report, parse_issue
    from documents.importer.checks import import_conflicts, target_issue
    from documents.importer.loader import LoadResult, RowChange, load_issue
    from documents.importer.structure import rebuilt_structure
    from documents.search import index_notices

    result = LoadResult(record=True, issue=revision.issue)
    issue = revision.issue
    texts: list[tuple[str, list, tuple[int, int] | None]] = (
        [(revision.source, revision.pages, None)] if revision.source else []
    )
    texts += [
        (document["text"], document.get("pages"), (issue.year, issue.number))
        for document in revision.documents
    ]
    warnings: list[str] = []
    for text, pages, documents_for in texts:
        parsed = parse_issue(text, pages=pages or None, issue=documents_for)
        if target_issue(parsed) != revision.issue:
            raise PublicationRefused(
                [f"修订稿的文本是{parsed.year}年第{parsed.number}号，不是{revision.issue}。"]
            )
        conflicts = import_conflicts(parsed)
        if conflicts:
            raise PublicationRefused(conflicts)
        loaded = load_issue(
            parsed, record=True, keep_hand_edits=revision.keep_hand_edits, index=index
        )
        result.merge(loaded)
        warnings += [w for w in build_report(parsed)["warnings"] if w not in warnings]
    if texts:
        issue = Issue.objects.get(pk=issue.pk)
        if not revision.source:  # documents only: the issue's own warnings stay
            old = issue.import_warnings
            warnings = [*old, *(w for w in warnings if w not in old)]
        if warnings != issue.import_warnings:
            _store_warnings(issue, warnings)
    edited = []
    for edit in revision.edits:
        model = _proposable(edit["model"])
        row = _in_issue(model, revision.issue).filter(pk=edit["pk"]).first() if model else None
        if model is None or row is None:  # taken out since
            continue
        fields = {
            name: (getattr(row, name), value)
            for name, value in edit["fields"].items()
            if name in PROPOSABLE_FIELDS[model] and getattr(row, name) != value
        }
        if fields:
            before = copy.copy(row)
            for name, (_old, value) in fields.items():
                setattr(row, name, value)
            update = list(fields)
            if "body" in fields and isinstance(row, Notice | Attachment):
                row.structure = rebuilt_structure(before.body, before.structure, row.body)
                update.append("structure")
            set_change_reason(row, HAND_EDIT)
            row.save(update_fields=update)
            result.changes.append(RowChange(model, "updated", row, fields, before))
            result.count(model, "updated")
            edited.append(row.pk if model is Notice else row.serializable_value("notice"))
    if index:
        index_notices(edited)
    return result


def revision_preview(revision: Revision) -> ChangeSet:
    """What publishing `revision` would change now; the database is left as it was."""
    from documents.importer.changes import change_set, rolled_back

    return rolled_back(lambda: change_set(_apply_revision(revision, index=False)))


@transaction.atomic
def propose_correction(*, obj: models.Model, user, values: dict) -> Revision:
    """A correction of a published notice, attachment or table by staff: kept in the issue's
    draft revision (made when there is none) until a 审核发布 user publishes it. Nothing
    public changes now."""
    model = type(obj)
    if model not in PROPOSABLE_FIELDS:
        raise ValidationError("这类内容不能这样更正：请导入更正后的公报文本。")
    row = model._default_manager.get(pk=obj.pk)
    if isinstance(row, Notice):
        notice = row
    else:
        notice = Notice.objects.get(pk=row.serializable_value("notice"))
    issue = notice.issue
    if not issue.is_published:
        raise ValidationError("草稿中的内容请直接修改。")
    drafts = Revision.objects.select_for_update().filter(
        issue=issue, status=RevisionStatus.DRAFT, scheduled_by__isnull=True
    )
    revision = drafts.order_by("-created_at").first() or Revision(
        issue=issue, source="", created_by=_staff(user)
    )
    name = model._meta.model_name

    def same(edit) -> bool:
        return edit["model"] == name and edit["pk"] == row.pk

    earlier: dict = next((edit["fields"] for edit in revision.edits if same(edit)), {})
    proposed = {f: values[f] for f in PROPOSABLE_FIELDS[model] if f in values}
    merged = {f: v for f, v in {**earlier, **proposed}.items() if getattr(row, f) != v}
    revision.edits = [edit for edit in revision.edits if not same(edit)]
    if merged:
        revision.edits.append({"model": name, "pk": row.pk, "fields": merged})
    revision.save()
    try:
        revision.changes = revision_preview(revision).as_dict()
    except (ImportFormatError, ValidationError):
        pass  # the revision's text no longer applies: its page says why
    else:
        revision.save(update_fields=["changes"])
    return revision


@transaction.atomic
def revision_publish(*, revision: Revision, user=None) -> ChangeSet:
    """Apply a revision to its issue and make it public: notices keep their ids, each
    published notice it changes gets a Correction, each it takes out a RemovedNotice (its URL
    answers 410 with the note). Only 审核发布 staff; refused while the issue, as revised, has a
    problem that blocks publishing."""
    from documents.importer.changes import change_set
    from documents.importer.checks import publication_problems

    _check_can_publish(user)
    revision = _open_revision(revision)
    was_public = revision.issue.is_published
    changes = change_set(_apply_revision(revision))
    issue = Issue.objects.get(pk=revision.issue.pk)
    if issue.import_warnings and not issue.warnings_acknowledged_at and user is not None:
        issue = issue_acknowledge_warnings(issue=issue, user=user)  # reviewed with the revision
    problems = publication_problems(issue)
    if problems:
        raise PublicationRefused(problems)
    now = timezone.now()
    if was_public:
        Correction.objects.bulk_create(
            Correction(
                notice_id=notice_id,
                revision=revision,
                published_at=now,
                description="；".join(words)[:1000],
            )
            for notice_id, words in changes.corrected.items()
        )
        RemovedNotice.objects.bulk_create(
            RemovedNotice(
                notice_id=notice.pk,
                issue=issue,
                title=notice.title,
                doc_number=notice.doc_number or "",
                removed_at=now,
                note=(revision.note or "该文件已在本期修订时撤下。")[:500],
            )
            for notice in changes.removed
        )
    revision.status = RevisionStatus.PUBLISHED
    revision.published_by = _staff(user)
    revision.published_at = now
    revision.changes = changes.as_dict()
    revision.save()
    content_changed()
    if was_public:
        notice_ids = [n.pk for n in changes.added] + list(changes.corrected)
        public_content_changed.send(sender=Revision, issue=issue, notice_ids=notice_ids)
    return changes


def notify_publishers(*, subject: str, lines: list[str], url: str) -> int:
    """E-mail the active members of the 审核发布 group; returns how many were told. The
    link is made absolute with settings.GAZETTE_ADMIN_BASE_URL when it is set."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.mail import send_mail

    users = get_user_model().objects.filter(is_active=True, groups__name=PUBLISHER_GROUP)
    recipients = sorted({user.email for user in users.exclude(email="")})
    if not recipients:
        return 0
    link = settings.GAZETTE_ADMIN_BASE_URL.rstrip("/") + url
    send_mail(
        subject=subject,
        message="\n".join([*lines, f"审核地址：{link}"]),
        from_email=None,
        recipient_list=recipients,
    )
    return len(recipients)


def _notify_revision(revision: Revision) -> None:
    changes = revision.changes or {}
    lines = [
        f"{revision.issue} 有一份修订稿待审核。",
        f"提交人：{revision.submitted_by or '—'}",
        f"说明：{revision.note or '—'}",
        f"更正文件 {len(changes.get('corrected', []))} 件，"
        f"新增 {len(changes.get('added', []))} 件，撤下 {len(changes.get('removed', []))} 件。",
    ]
    notify_publishers(
        subject=f"【待审核】{revision.issue} 修订稿", lines=lines, url=revision.get_absolute_url()
    )


@transaction.atomic
def issue_submit(*, issue: Issue, user=None, note: str = "") -> Issue:
    """Submit a draft issue for review (待审核) with `note`; the 审核发布 group is told by
    e-mail. Refused while a check that blocks publishing fails: a publisher should only be
    asked to review what could be published."""
    from documents.importer.checks import publication_problems

    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    if issue.status not in (PublicationStatus.DRAFT, PublicationStatus.WITHDRAWN):
        raise ValidationError(f"{issue} 当前为“{issue.get_status_display()}”，不能提交审核。")
    problems = [p for p in publication_problems(issue) if "导入时有" not in p]
    if problems:
        raise PublicationRefused(problems)
    issue.status = PublicationStatus.SUBMITTED
    issue.review_note = note.strip() or issue.review_note
    issue.submitted_at = timezone.now()
    issue.submitted_by = _staff(user)
    set_change_reason(issue, "提交审核")
    issue.save(
        update_fields=["status", "review_note", "submitted_at", "submitted_by", "updated_at"]
    )
    transaction.on_commit(
        lambda: notify_publishers(
            subject=f"【待审核】{issue}",
            lines=[
                f"{issue} 已提交审核，共 {issue.notices.count()} 件文件。",
                f"提交人：{issue.submitted_by or '—'}",
                f"说明：{issue.review_note or '—'}",
            ],
            url=reverse("admin:documents_issue_change", args=[issue.pk]),
        )
    )
    return issue
