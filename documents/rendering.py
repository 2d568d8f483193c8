"""The notice page's heavy part, rendered once per version of what it shows.

The text of a notice — its body, attachments, tables (as cards on a phone, with their rows'
anchors and unit links), the project and task lists and the leading groups it sets up — is
most of its page: 100 KB of HTML and tens of thousands of template nodes for the largest one
(咸政办发〔2022〕29号), about 70 ms of a core. It depends only on the notice's own rows and
those it links to, so it is rendered once for each version of them and kept in the shared
cache, with its contents list, its corrections and its related notices (those it cites and
those citing it, shown once published). The rest of the page — the metadata with the validity,
which moves with the date, the head, the share code — is drawn on every request around it.

The version is a **fingerprint of the rows** the text is drawn from, read in one query: each
row's identity and PostgreSQL's row-version columns ``xmin`` (the transaction that wrote that
version) and ``ctid`` (where the version lies; an update inside one transaction keeps its
``xmin`` but writes a new version elsewhere). Any insert, update or delete among those rows —
an admin edit, a correction published, a re-import, a unit renamed — gives another
fingerprint, without any code having to remember to invalidate anything; a version that does
not change the text (a vacuum moving rows) costs one more rendering. The fingerprint also
carries the code's version (the templates and Python files the text is rendered with, by
their size and time), so a deployment never serves text rendered by the previous code.

Which rows count: the notice, its attachments, tables, leading groups (and subgroups, and the
groups of other notices they are set up under, with those notices' issues), their members and
the members' units, its corrections and citations, the notices it cites and those citing it
with their issues, and whatever each extension names
(documents.extensions.NoticeExtension.rendered_rows: projects, tasks, their
responsibilities and units).
"""

from __future__ import annotations

import functools
import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import django
from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.db.models import CharField, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from documents.extensions import notice_extensions
from gazette_site.cache import database_identity

if TYPE_CHECKING:
    from django.http import HttpRequest

    from documents.models import Notice

logger = logging.getLogger(__name__)

#: How long a rendered text is kept (it is also dropped sooner when the cache is full).
KEEP_SECONDS = 30 * 24 * 3600
TEMPLATES = {
    "corrections": "documents/_notice_corrections.html",
    "columns": "documents/_notice_text.html",
}


@dataclass(frozen=True)
class RenderedText:
    """The notice's corrections, and its contents list, text and related notices (`columns`)."""

    corrections: SafeString
    columns: SafeString


def rendered_rows(notice: Notice) -> list[QuerySet]:
    """The querysets of the rows the notice's text is drawn from (see the module docstring)."""
    from documents.models import (
        Attachment,
        Citation,
        Correction,
        Issue,
        LeadingGroup,
        Membership,
        Notice,
        Table,
        Unit,
    )

    this = Notice.objects.filter(pk=notice.pk)
    groups = Q(notice=notice) | Q(parent__notice=notice)
    # A group set up under one of another notice names it (上级机构), once that one is published.
    parents = LeadingGroup.objects.filter(
        pk__in=LeadingGroup.objects.filter(groups).values("parent")
    )
    members = Membership.objects.filter(Q(group__notice=notice) | Q(group__parent__notice=notice))
    # Related notices: those it cites (found by number) and those citing it, with their issues
    # (whose publication decides whether they are shown).
    cited = Notice.objects.filter(
        doc_number__in=Citation.objects.filter(notice=notice).values("doc_number")
    )
    citations = Citation.objects.filter(doc_number__in=this.values("doc_number"))
    citing = Notice.objects.filter(pk__in=citations.values("notice"))
    return [
        this,
        Attachment.objects.filter(notice=notice),
        Table.objects.filter(notice=notice),
        LeadingGroup.objects.filter(groups),
        parents,
        members,
        Unit.objects.filter(pk__in=members.values("unit")),
        Correction.objects.filter(notice=notice),
        Citation.objects.filter(notice=notice),
        cited,
        citations,
        citing,
        Issue.objects.filter(
            Q(pk__in=cited.values("issue"))
            | Q(pk__in=citing.values("issue"))
            | Q(notices__leading_groups__in=parents)
        ),
        *(rows for ext in notice_extensions() for rows in ext.rendered_rows(notice)),
    ]


def _row_versions(rows: QuerySet) -> QuerySet:
    """(table, pk, row version) of each row of `rows`."""
    table = connection.ops.quote_name(rows.model._meta.db_table)
    return (
        rows.order_by()
        .annotate(row_version=RawSQL(f"{table}.xmin::text || {table}.ctid::text", ()))
        .values_list(
            Value(rows.model._meta.db_table, output_field=CharField()), "pk", "row_version"
        )
    )


def fingerprint(notice: Notice) -> str:
    """The version of everything the notice's text shows, in one query."""
    statement, parameters = _fingerprint_statement(tuple(settings.GAZETTE_NOTICE_EXTENSIONS))
    with connection.cursor() as cursor:
        cursor.execute(statement, [notice.pk if p == _ANY_NOTICE else p for p in parameters])
        versions = sorted(set(cursor.fetchall()))
    digest = hashlib.sha256(code_version().encode())
    for table, pk, version in versions:
        digest.update(f"{table}:{pk}:{version};".encode())
    return digest.hexdigest()


#: The notice the statement is compiled for, replaced by the real one's id when it runs.
_ANY_NOTICE = -20_221_229


@functools.cache
def _fingerprint_statement(extensions: tuple[str, ...]) -> tuple[str, tuple]:
    """The fingerprint's query, compiled once a process for the extensions the settings name:
    compiling the union of a dozen querysets costs more than running it (3 ms against 1). It
    is compiled for a notice whose id no row has, which each run replaces by the notice's own
    (so rendered_rows may use the notice's id only)."""
    from documents.models import Notice

    first, *others = (_row_versions(rows) for rows in rendered_rows(Notice(pk=_ANY_NOTICE)))
    statement, parameters = first.union(*others, all=True).query.sql_with_params()
    if parameters.count(_ANY_NOTICE) == 0:
        raise ValueError("the fingerprint's query does not depend on the notice")
    return statement, parameters


@functools.cache
def code_version() -> str:
    """The project's own templates and Python modules (its apps' and the template
    directories', not the installed packages'), by path, size and modification time: another
    deployment, another version (read once a process)."""
    root = Path(settings.BASE_DIR).resolve()
    folders = {Path(app.path).resolve() for app in apps.get_app_configs()}
    templates: list[dict[str, Any]] = settings.TEMPLATES
    folders.update(Path(d).resolve() for t in templates for d in t.get("DIRS", []))
    digest = hashlib.sha256(django.get_version().encode())  # its filters and tags render too
    for folder in sorted(f for f in folders if f.is_relative_to(root)):
        for path in sorted(folder.rglob("*")):
            if path.suffix in (".py", ".html") and path.is_file():
                stat = path.stat()
                name = path.relative_to(root)
                digest.update(f"{name}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.hexdigest()[:16]


def notice_text(
    notice: Notice, context: Any, request: HttpRequest | None = None, *, keep: bool = True
) -> RenderedText:
    """The notice's text, from the cache when it was rendered for the same fingerprint, else
    rendered now from what `context()` returns (called only then: it runs the queries the
    text needs) and kept, unless `keep` is false (a staff preview keeps nothing)."""
    if not keep:
        return _render(context(), request)
    cache = caches[settings.TEXT_CACHE_ALIAS]
    version = fingerprint(notice)
    key = f"gazette:notice-text:{database_identity()}:{notice.pk}:{version}"
    kept = cache.get(key)
    if kept is not None:  # HTML we rendered ourselves
        return RenderedText(**{name: mark_safe(html) for name, html in kept.items()})
    rendered = _render(context(), request)
    if fingerprint(notice) != version:
        # A change was committed while the text was rendered: what was read may be newer than
        # `version`, and must not be kept under it (an insert then a delete brings it back).
        return rendered
    try:
        cache.set(key, {name: str(html) for name, html in vars(rendered).items()}, KEEP_SECONDS)
    except OSError:  # a full disk: the page is still served, rendered
        logger.exception("the notice's text could not be kept in the cache")
    return rendered


def _render(context: dict[str, Any], request: HttpRequest | None) -> RenderedText:
    parts = {
        name: mark_safe(render_to_string(template, context, request).strip())
        for name, template in TEMPLATES.items()
    }
    return RenderedText(**parts)
