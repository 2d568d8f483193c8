"""Who may change what: the one rule of the publishing workflow.

Citizens see an object when it belongs to a published issue, or (a unit) when a published page
names it. Such an object is *public*; it and everything in an issue a publisher has scheduled
for publication (what the schedule publishes is what was reviewed) are *locked*: only staff who
may publish (the 审核发布 group, ``PUBLISH_PERMISSION``) change them; an 编辑 works on drafts.
Every admin path that writes asks ``may_change``; the importer writes into drafts only (an
import of a published issue makes a revision), and the publishing services ask ``can_publish``.
"""

from __future__ import annotations

from django.db.models import Model, Q

from documents.models import Issue, Notice, PublicationStatus, Unit

PUBLISH_PERMISSION = "documents.publish_issue"
# The staff groups (documents/migrations/0004_staff_groups.py creates them).
EDITOR_GROUP = "编辑"
PUBLISHER_GROUP = "审核发布"
PUBLISHED = PublicationStatus.PUBLISHED

# Links that lead from an object to the issue it belongs to, tried in this order.
PARENT_LINKS = ("issue", "notice", "group", "project", "task")


def can_publish(user) -> bool:
    """`user` None is a trusted caller (a management command, a data migration)."""
    return user is None or user.has_perm(PUBLISH_PERMISSION)


def issue_of(obj) -> Issue | None:
    """The issue an object belongs to, following notice/group/project links upwards."""
    for _depth in range(4):
        if obj is None or isinstance(obj, Issue):
            return obj
        parents = (getattr(obj, link, None) for link in PARENT_LINKS)
        obj = next((parent for parent in parents if parent is not None), None)
    return None


def is_public(obj: Model | None) -> bool:
    """Whether citizens see `obj` (as stored in the database) on some page."""
    if obj is None or obj.pk is None:
        return False
    if isinstance(obj, Unit):
        return Unit.objects.public().filter(pk=obj.pk).exists()
    issue = issue_of(obj)
    if issue is None:
        unit = getattr(obj, "unit", None)  # a unit's alias goes with its unit
        return isinstance(unit, Unit) and is_public(unit)
    if issue.pk is None:
        return False
    # Read the status from the database: `obj` may be a historical copy or a form's instance.
    return Issue.objects.filter(pk=issue.pk, status=PUBLISHED).exists()


def is_locked(obj: Model | None) -> bool:
    """Whether only staff who may publish change `obj`: it is public, or it belongs to an issue
    scheduled for publication."""
    if is_public(obj):
        return True
    issue = issue_of(obj) if obj is not None else None
    return (
        issue is not None
        and issue.pk is not None
        and Issue.objects.filter(pk=issue.pk, scheduled_by__isnull=False).exists()
    )


def may_change(user, obj: Model | None) -> bool:
    """Whether `user` may change, delete or add to `obj` (None: a new object, always allowed
    as far as publication goes; the model permissions decide the rest)."""
    return can_publish(user) or not is_locked(obj)


def draft_only(model: type[Model]) -> Q | None:
    """For a form field that links to `model`, the choices staff who cannot publish may make:
    choosing a published issue (or a notice, attachment or group in one) would put the new or
    changed object on public pages at once (or into what a schedule publishes). None: any
    object of `model` may be chosen."""
    if model is Issue:
        return ~Q(status=PUBLISHED) & Q(scheduled_by__isnull=True)
    if model is Notice:
        return ~Q(issue__status=PUBLISHED) & Q(issue__scheduled_by__isnull=True)
    names = {field.name for field in model._meta.get_fields()}
    if "notice" in names:
        return ~Q(notice__issue__status=PUBLISHED) & Q(notice__issue__scheduled_by__isnull=True)
    return None
