"""Writing the index: one SearchEntry row per notice, in the caller's transaction."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Model, QuerySet

from documents.models import Issue, Notice, Unit
from documents.search.ranking import tier_lexemes
from documents.search.tokens import (
    CONTROL_RE,
    FACET_MARKS,
    FIELD_SEPARATOR,
    OVERFLOW_LEXEME,
    WORD_MARK,
    lexeme_counts,
    marked,
    normalize,
    sample_lexemes,
)

LEXEME_BYTES_LIMIT = 1_000_000  # tsvector holds at most 1 MiB of lexeme text
INDEX_BATCH = 200

# --- Indexing ---------------------------------------------------------------------------------


@dataclass
class IndexDocument:
    """One SearchEntry row, computed from a notice and what hangs off it."""

    notice_id: int
    issue_id: int
    year: int
    issuer: str
    agency_code: str
    doc_number: str
    validity: str
    expires_on: datetime.date | None
    signed_on: datetime.date | None
    date: datetime.date | None
    has_projects: bool
    has_tasks: bool
    title_text: str
    heading_text: str
    search_text: str
    text: str
    lexemes: list[str]
    overflow: bool


def facet_lexemes(year: int, agency_code: str, issuer: str) -> list[str]:
    """The filter lexemes of a row (see FACET_MARKS); also used by migration 0007."""
    # No control characters: index_notices sends the lexemes joined by WORD_MARK.
    values = {"year": year, "agency": agency_code, "issuer": CONTROL_RE.sub(" ", issuer)}
    return [f"{mark}{values[name]}" for name, mark in FACET_MARKS.items() if values[name]]


def _unit_names(items) -> list[str]:
    return [
        name
        for item in items
        for r in item.responsibilities.all()
        for name in (r.unit.full_name, r.unit.short_name)
        if name
    ]


def notice_document(notice) -> IndexDocument:
    """The index row of a notice fetched with ``_INDEX_PREFETCH`` (works on historical models).

    Ranked fields (documents.search.ranking): the title and document number, then attachment
    and table titles, the names of the projects, leading groups and units it lists (the
    headings), then the rest: bodies, table cells, projects' contents, tasks and people. Each
    lexeme is stored once, and once more with its impact tier when its weighted count is 2 or
    more. Every field (and every table cell) is separate: no match spans two."""
    attachments = list(notice.attachments.all())
    tables = list(notice.tables.all())
    groups = list(notice.leading_groups.all())
    projects = list(notice.projects.all())
    tasks = list(notice.tasks.all())
    members = [m for g in groups for m in g.memberships.all()]

    titles = [notice.title, notice.doc_number or ""]
    headings = [f"{a.label} {a.title}" for a in attachments]
    headings += [t.title for t in tables] + [g.name for g in groups] + [p.name for p in projects]
    headings += [n for m in members if m.unit for n in (m.unit.full_name, m.unit.short_name)]
    headings += _unit_names(projects) + _unit_names(tasks)
    rows = [[str(c) for c in row] for t in tables for row in [t.header or [], *(t.rows or [])]]
    fields = [notice.body, *(a.body for a in attachments), *(c for row in rows for c in row)]
    fields += [x for p in projects for x in (p.section, p.content)]
    fields += [x for t in tasks for x in (t.section, t.content, t.measures)]
    fields += [x for g in groups for x in (g.office, g.duties)]
    fields += [x for m in members for x in (m.person_name, m.position)]

    # What passages are cut from: the original text, one paragraph or row per line.
    lines = (notice.body or "").splitlines()
    for a in attachments:
        lines += [f"{a.label} {a.title}", *(a.body or "").splitlines()]
    for t in tables:
        lines += [t.title, *("  ".join(row) for row in rows)]
    lines += [f"{p.name}：{p.content}" for p in projects]
    lines += [f"{t.content} {t.measures}" for t in tasks]
    for g in groups:
        lines += [g.name, g.office, g.duties]
        lines += [f"{m.role_name} {m.person_name} {m.position}" for m in members]

    title_text = FIELD_SEPARATOR.join(normalize(x) for x in titles)
    heading_text = FIELD_SEPARATOR.join(normalize(x) for x in headings if x)
    plain = FIELD_SEPARATOR.join([title_text, heading_text, *(normalize(x) for x in fields if x)])
    counts = lexeme_counts(plain)
    found = [*counts, *tier_lexemes(counts, lexeme_counts(title_text), lexeme_counts(heading_text))]
    overflow = len("".join(found).encode()) > LEXEME_BYTES_LIMIT
    issue = notice.issue
    return IndexDocument(
        notice_id=notice.pk,
        issue_id=issue.pk,
        year=issue.year,
        issuer=notice.issuer,
        agency_code=notice.agency_code,
        doc_number=notice.doc_number or "",
        validity=notice.validity,
        expires_on=notice.expires_on,
        signed_on=notice.signed_on,
        date=notice.signed_on or issue.published_on,
        has_projects=bool(projects),
        has_tasks=bool(tasks),
        title_text=marked(title_text),
        heading_text=marked(heading_text),
        search_text=marked(plain),
        text=FIELD_SEPARATOR.join(line.strip() for line in lines if line and line.strip()),
        lexemes=sorted(
            [
                *([OVERFLOW_LEXEME.strip("'")] if overflow else found),
                *sample_lexemes(notice.pk),
                *facet_lexemes(issue.year, notice.agency_code, notice.issuer),
            ]
        ),
        overflow=overflow,
    )


_INDEX_PREFETCH = (
    "attachments",
    "tables",
    "leading_groups__memberships__unit",
    "projects__responsibilities__unit",
    "tasks__responsibilities__unit",
)
_COLUMNS = [f.name for f in IndexDocument.__dataclass_fields__.values() if f.name != "lexemes"]
_UPSERT = (
    f"INSERT INTO documents_searchentry ({', '.join(_COLUMNS)}, vector, indexed_at)"
    f" VALUES ({', '.join(['%s'] * len(_COLUMNS))},"
    " array_to_tsvector(string_to_array(%s, %s)), now())"
    " ON CONFLICT (notice_id) DO UPDATE SET "
    + ", ".join(f"{c} = EXCLUDED.{c}" for c in [*_COLUMNS[1:], "vector", "indexed_at"])
)


def index_notices(notice_ids: Iterable[int], *, notices: QuerySet | None = None) -> int:
    """(Re)index the given notices in the caller's transaction; returns how many rows were
    written. Ids of deleted notices are skipped (their rows went with them). Call it from
    every write path: the importer's loader, the admin, the rebuild command.

    `notices` is the Notice queryset to read from (a migration passes its historical model)."""
    ids = sorted({int(pk) for pk in notice_ids})
    source = notices if notices is not None else Notice.objects.all()
    written = 0
    with transaction.atomic():
        for start in range(0, len(ids), INDEX_BATCH):
            batch = source.filter(pk__in=ids[start : start + INDEX_BATCH])
            documents = [
                notice_document(n)
                for n in batch.select_related("issue").prefetch_related(*_INDEX_PREFETCH)
            ]
            # The lexemes travel as one string (no lexeme holds WORD_MARK): psycopg adapts a
            # list of thousands of strings one by one, a quarter of the indexing time.
            rows = [
                [getattr(d, c) for c in _COLUMNS] + [WORD_MARK.join(d.lexemes), WORD_MARK]
                for d in documents
            ]
            if rows:
                with connection.cursor() as cursor:
                    cursor.executemany(_UPSERT, rows)
            written += len(rows)
    return written


def rebuild_index(
    *,
    progress: Callable[[int, int], None] | None = None,
    batch: int = 1000,
    missing_only: bool = False,
) -> int:
    """Reindex every notice (or, `missing_only`, those without an index row, as after
    ``migrate``), in batches (each its own transaction); returns the number."""
    notices = Notice.objects.filter(search_entry__isnull=True) if missing_only else Notice.objects
    ids = list(notices.order_by("pk").values_list("pk", flat=True))
    done = 0
    for start in range(0, len(ids), batch):
        done += index_notices(ids[start : start + batch])
        if progress:
            progress(done, len(ids))
    return done


def notice_ids_of(objects: Iterable[Model]) -> set[int]:
    """Ids of the notices whose index rows depend on `objects`: notices themselves, issues
    (their notices), units (the notices giving them a role), and anything with a notice
    (attachments, tables, groups, projects, tasks)."""
    ids: set[int] = set()
    for obj in objects:
        if isinstance(obj, Notice):
            ids.add(obj.pk)
        elif isinstance(obj, Issue):
            ids.update(Notice.objects.filter(issue=obj).values_list("pk", flat=True))
        elif isinstance(obj, Unit):
            ids.update(Notice.objects.for_unit(obj).values_list("pk", flat=True))
        elif notice_id := getattr(obj, "notice_id", None):
            ids.add(notice_id)
    return ids
