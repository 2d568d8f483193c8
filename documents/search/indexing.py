"""Writing the index: one SearchEntry row per notice.

``index_notices`` upserts the rows of a few notices in the caller's transaction (the importer,
the admin). ``rebuild_index`` writes every row into a new table and swaps it in for the live
one. Both read the notices as plain values (``_notices``): model instances took ten times as long.
"""

from __future__ import annotations

import datetime
import os
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_context
from typing import TypeVar

from django.apps import apps
from django.db import OperationalError, connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import Model
from psycopg import errors, sql

from documents.models import Issue, MembershipRole, Notice, SearchEntry, Unit
from documents.search.ranking import tier_lexemes
from documents.search.sql import forget_sizes
from documents.search.tokens import (
    CONTROL_RE,
    FACET_MARKS,
    FIELD_SEPARATOR,
    OVERFLOW_LEXEME,
    WORD_MARK,
    length_lexeme,
    lexeme_counts,
    marked,
    normalize,
    sample_lexemes,
)

LEXEME_BYTES_LIMIT = 1_000_000  # tsvector holds at most 1 MiB of lexeme text
INDEX_BATCH = 200
REBUILD_SCHEMA = "search_rebuild"  # where rebuild_index builds the new table
LOCK_ATTEMPTS = 30  # rebuild_index's tries at taking its locks, a second apart (_briefly)
LOCK_TIMEOUT = "200ms"  # the longest a rebuild makes others wait on its locks
_TABLE = sql.Identifier(SearchEntry._meta.db_table)
T = TypeVar("T")
# The columns index_notices and rebuild_index write (with indexed_at), the lexemes last.
_COLUMNS = [
    f.column for f in SearchEntry._meta.concrete_fields if f.name not in ("vector", "indexed_at")
] + ["vector"]

# --- Index rows -------------------------------------------------------------------------------


def notice_document(notice: dict) -> dict:
    """The index row of a notice as ``_notices`` reads it: its columns (_COLUMNS), the
    lexemes (in no order) under "vector".

    Ranked fields (documents.search.ranking): the title and document number, then attachment
    and table titles, the names of the projects, leading groups and units it lists (the
    headings), then the rest: bodies, table cells, projects' contents, tasks and people. Each
    lexeme is stored once, and once more with its impact tier when its weighted count is 2 or
    more. Every field (and every table cell) is separate: no match spans two."""
    attachments, tables, groups = notice["attachments"], notice["tables"], notice["groups"]
    projects, tasks = notice["projects"], notice["tasks"]
    members = [m for g in groups for m in g["members"]]
    for t in tables:
        t["cells"] = [[str(c) for c in row] for row in [t["header"] or [], *(t["rows"] or [])]]

    titles = [notice["title"], notice["doc_number"] or ""]
    headings = [f"{a['label']} {a['title']}" for a in attachments]
    headings += [t["title"] for t in tables] + [g["name"] for g in groups]
    headings += [p["name"] for p in projects] + [n for m in members for n in m["units"]]
    headings += [n for item in projects + tasks for n in item["units"]]
    fields = [notice["body"], *(a["body"] for a in attachments)]
    fields += [c for t in tables for row in t["cells"] for c in row]
    fields += [x for p in projects for x in (p["section"], p["content"])]
    fields += [x for t in tasks for x in (t["section"], t["content"], t["measures"])]
    fields += [x for g in groups for x in (g["office"], g["duties"])]
    fields += [x for m in members for x in (m["person_name"], m["position"])]

    # What passages are cut from: the original text, one paragraph or row per line.
    lines = (notice["body"] or "").splitlines()
    for a in attachments:
        lines += [f"{a['label']} {a['title']}", *(a["body"] or "").splitlines()]
    for t in tables:
        lines += [t["title"], *("  ".join(row) for row in t["cells"])]
    lines += [f"{p['name']}：{p['content']}" for p in projects]
    lines += [f"{t['content']} {t['measures']}" for t in tasks]
    for g in groups:
        lines += [g["name"], g["office"], g["duties"]]
        lines += [f"{m['role_name']} {m['person_name']} {m['position']}" for m in g["members"]]

    title_text = FIELD_SEPARATOR.join(normalize(x) for x in titles)
    heading_text = FIELD_SEPARATOR.join(normalize(x) for x in headings if x)
    plain = FIELD_SEPARATOR.join([title_text, heading_text, *(normalize(x) for x in fields if x)])
    search_text = marked(plain)
    counts = lexeme_counts(plain)
    found = [*counts, *tier_lexemes(counts, lexeme_counts(title_text), lexeme_counts(heading_text))]
    overflow = len("".join(found).encode()) > LEXEME_BYTES_LIMIT
    year, agency, issuer = notice["issue__year"], notice["agency_code"], notice["issuer"]
    # The filter lexemes (FACET_MARKS; migration 0007 wrote the same in SQL). No control
    # characters: lexemes travel joined by WORD_MARK, or ended by NULs in a COPY.
    facets = {"year": year, "agency": agency, "issuer": CONTROL_RE.sub(" ", issuer)}
    return {
        "notice_id": notice["id"],
        "issue_id": notice["issue_id"],
        "year": year,
        "issuer": issuer,
        "agency_code": agency,
        "doc_number": notice["doc_number"] or "",
        "validity": notice["validity"],
        "expires_on": notice["expires_on"],
        "signed_on": notice["signed_on"],
        "date": notice["signed_on"] or notice["issue__published_on"],
        "has_projects": bool(projects),
        "has_tasks": bool(tasks),
        "title_text": marked(title_text),
        "heading_text": marked(heading_text),
        "search_text": search_text,
        "text": FIELD_SEPARATOR.join(line.strip() for line in lines if line and line.strip()),
        "overflow": overflow,
        "vector": [
            *([OVERFLOW_LEXEME.strip("'")] if overflow else found),
            *([] if overflow else [length_lexeme(len(search_text.encode()))]),
            *sample_lexemes(notice["id"]),
            *(f"{mark}{facets[name]}" for name, mark in FACET_MARKS.items() if facets[name]),
        ],
    }


def _notices(ids: list[int], *, span: bool = False) -> list[dict]:
    """The notices `ids` as ``notice_document`` reads them: each notice's values, with lists
    of its attachments, tables, groups (with members), projects and tasks in the order of their
    pages, and the names of each member's, project's and task's units. Nine statements. With
    `span`, the notices from the first id to the last (a rebuild's batch: a range costs Django
    and psycopg far less than a list of a thousand ids)."""
    lookup, value = ("range", (ids[0], ids[-1])) if span and ids else ("in", ids)

    def of(path: str, model: str, *names: str, key: str = "notice_id", order=("order",)):
        rows = apps.get_model(model).objects.filter(**{f"{path}__pk__{lookup}": value})
        grouped: defaultdict[int, list[dict]] = defaultdict(list)
        for row in rows.order_by(*order, "pk").values(key, *names):
            grouped[row[key]].append(row)
        return grouped

    units, listed = ("unit__full_name", "unit__short_name"), ("section_order", "number")
    related = {
        "attachments": of("notice", "documents.Attachment", "label", "title", "body"),
        "tables": of("notice", "documents.Table", "title", "header", "rows"),
        "groups": of("notice", "documents.LeadingGroup", "id", "name", "office", "duties"),
        "projects": of(
            "notice", "projects.Project", "id", "name", "section", "content", order=listed
        ),
        "tasks": of(
            "notice", "projects.Task", "id", "section", "content", "measures", order=listed
        ),
    }
    people = ("role", "role_label", "person_name", "position", *units)
    members = of("group__notice", "documents.Membership", *people, key="group_id")
    for g in (g for groups in related["groups"].values() for g in groups):
        g["members"] = members[g["id"]]
        for m in g["members"]:
            m["units"] = [m[n] for n in units if m[n]]
            m["role_name"] = m["role_label"] or str(MembershipRole(m["role"]).label)
    for item in ("project", "task"):
        held = of(
            f"{item}__notice", "projects.Responsibility", *units, key=item, order=("role", "order")
        )
        for row in (row for rows in related[f"{item}s"].values() for row in rows):
            row["units"] = [r[n] for r in held[row["id"]] for n in units if r[n]]
    notices = Notice.objects.filter(**{f"pk__{lookup}": value}).order_by("pk")
    return [
        {**n, **{name: rows[n["id"]] for name, rows in related.items()}}
        for n in notices.values(
            *("id", "issue_id", "issue__year", "issue__published_on", "title", "doc_number"),
            *("issuer", "agency_code", "validity", "expires_on", "signed_on", "body"),
        )
    ]


# --- Writing ----------------------------------------------------------------------------------

_UPSERT = sql.SQL(
    "INSERT INTO {table} ({columns}, indexed_at) VALUES ({values},"
    # The lexemes travel as one string (none holds WORD_MARK): psycopg adapts a list of
    # thousands of strings one by one, a quarter of the indexing time.
    " array_to_tsvector(string_to_array(%s, %s)), clock_timestamp())"
    " ON CONFLICT (notice_id) DO UPDATE SET ({columns}, indexed_at) = ({excluded})"
).format(
    table=_TABLE,
    columns=sql.SQL(", ").join(map(sql.Identifier, _COLUMNS)),
    values=sql.SQL(", ").join(sql.Placeholder() * (len(_COLUMNS) - 1)),
    excluded=sql.SQL(", ").join(sql.Identifier("excluded", c) for c in [*_COLUMNS, "indexed_at"]),
)


def index_notices(notice_ids: Iterable[int]) -> int:
    """(Re)index the given notices in the caller's transaction; returns how many rows were
    written. Ids of deleted notices are skipped (their rows went with them). Call it from
    every write path: the importer's loader, the admin, the rebuild command. A row's
    ``indexed_at`` is the time of the write, not of its transaction (rebuild_index's _swap)."""
    ids = sorted({int(pk) for pk in notice_ids})
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(ids), INDEX_BATCH):
            rows = [
                [*(row[c] for c in _COLUMNS[:-1]), WORD_MARK.join(row["vector"]), WORD_MARK]
                for row in map(notice_document, _notices(ids[start : start + INDEX_BATCH]))
            ]
            if rows:
                cursor.executemany(_UPSERT, rows)
            written += len(rows)
    # The search's text sizes (sql.text_sizes: their average, the shares by size) are read
    # afresh: now, for this connection, and after the commit, for the search connection.
    forget_sizes()
    transaction.on_commit(forget_sizes)
    return written


def _copy_rows(notices: list[dict]) -> list[list]:
    """The notices' rows for a binary COPY (_COLUMNS): the lexemes in tsvector's binary form,
    their number, then each (sorted as PostgreSQL sorts them: by UTF-8 bytes) ended by a NUL
    and followed by its number of positions, 0 in two bytes. Run by rebuild_index's workers."""
    rows = []
    for row in map(notice_document, notices):
        lexemes = row["vector"]
        lexemes.sort()
        vector = len(lexemes).to_bytes(4) + ("\0\0\0".join(lexemes) + "\0\0\0").encode()
        rows.append([*(row[c] for c in _COLUMNS[:-1]), vector])
    return rows


def rebuild_index(
    *,
    progress: Callable[[int, int], None] | None = None,
    batch: int = 1000,
    missing_only: bool = False,
    workers: int | None = None,
) -> int:
    """Reindex every notice, or (`missing_only`, as after ``migrate``) those without an index
    row, upserted in batches of `batch`, each its own transaction; returns the number.

    A full rebuild writes nothing to the live table. In one transaction, it COPYs the rows into
    an empty table of the same definition in REBUILD_SCHEMA, `batch` notices at a time, each
    batch tokenised by one of `workers` processes (default: one a CPU, up to 4) while the next
    is read; then builds that table's indexes (a GIN index built whole takes a fraction of the
    time of one kept up to date row by row) and swaps it in (``_swap``). Searches read the live
    table meanwhile; the rows it receives meanwhile (an admin's edit) replace the new table's."""
    if missing_only:
        notices = Notice.objects.filter(search_entry__isnull=True)
        ids = list(notices.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), batch):
            index_notices(ids[start : start + batch])
            if progress:
                progress(min(start + batch, len(ids)), len(ids))
        return len(ids)
    started = _briefly(_writes_settled)
    new = sql.Identifier(REBUILD_SCHEMA, SearchEntry._meta.db_table)
    # More workers than 4 would wait on the one COPY stream.
    workers = workers or min(4, os.cpu_count() or 1)
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
        # Forked: the workers share the loaded code and never touch the database.
        ProcessPoolExecutor(workers, mp_context=get_context("fork")) as pool,
    ):
        cursor.execute("SET LOCAL statement_timeout = 0")  # the GIN index takes minutes
        # The vectors are stored as they come (EXTERNAL): pglz tries, and fails, on every one.
        cursor.execute(
            sql.SQL(
                "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema};"
                " CREATE TABLE {new} (LIKE {live} INCLUDING ALL EXCLUDING INDEXES);"
                " ALTER TABLE {new} ALTER vector SET STORAGE EXTERNAL"
            ).format(schema=sql.Identifier(REBUILD_SCHEMA), new=new, live=_TABLE)
        )
        # LIKE copies none of the table's own storage parameters (migration 0023).
        cursor.execute(
            "SELECT option_name, option_value FROM pg_class, pg_options_to_table(reloptions)"
            " WHERE oid = %s::regclass",
            [SearchEntry._meta.db_table],
        )
        if options := cursor.fetchall():
            cursor.execute(
                sql.SQL("ALTER TABLE {} SET ({})").format(
                    new,
                    sql.SQL(", ").join(
                        sql.SQL("{} = {}").format(sql.Identifier(name), sql.Literal(value))
                        for name, value in options
                    ),
                )
            )
        cursor.execute(
            "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass",
            [SearchEntry._meta.db_table],
        )
        types = dict(cursor.fetchall()) | {"vector": "bytea"}  # bytea: the bytes as they are
        # FREEZE: the rows need no visibility check later (the table is new, nobody sees it).
        copy = sql.SQL("COPY {} ({}, indexed_at) FROM STDIN (FORMAT BINARY, FREEZE)").format(
            new, sql.SQL(", ").join(map(sql.Identifier, _COLUMNS))
        )
        ids = list(Notice.objects.order_by("pk").values_list("pk", flat=True))
        pending: deque[Future] = deque()  # batches being tokenised, in order
        done = 0
        for start in range(0, len(ids), batch):
            pending.append(pool.submit(_copy_rows, _notices(ids[start : start + batch], span=True)))
            while len(pending) > workers or (pending and start + batch >= len(ids)):
                rows, now = pending.popleft().result(), datetime.datetime.now(datetime.UTC)
                with cursor.copy(copy) as out:
                    out.set_types([types[c] for c in [*_COLUMNS, "indexed_at"]])
                    for row in rows:
                        out.write_row([*row, now])
                done += len(rows)
                if progress:  # (a notice committed since ids were read may be in a batch)
                    progress(min(done, len(ids)), len(ids))
        cursor.execute(sql.SQL("ALTER TABLE {} ALTER vector SET STORAGE EXTENDED").format(new))
        statements = _definitions(cursor, new, "p") + _definitions(cursor, new, "i")
        # "CREATE INDEX … ON documents_searchentry": the new table, alone on the search path.
        cursor.execute("SELECT current_setting('search_path')")
        search_path = cursor.fetchone()[0]
        cursor.execute("SELECT set_config('search_path', %s, true)", [REBUILD_SCHEMA])
        for statement in statements:
            cursor.execute(statement)
        cursor.execute("SELECT set_config('search_path', %s, true)", [search_path])
        cursor.execute(sql.SQL("ANALYZE {}").format(new))
        _briefly(lambda cursor: _swap(cursor, new, started))
    forget_sizes()
    return len(ids)


def _briefly(work: Callable[[CursorWrapper], T]) -> T:
    """`work(cursor)` in a savepoint whose every lock wait ends after LOCK_TIMEOUT: on a
    timeout it is rolled back (its locks with it) and tried again a second later, up to
    LOCK_ATTEMPTS times. So no writer nor search waits on a rebuild's locks longer, and in a
    deadlock with one the rebuild gives way (deadlock_timeout, 1 s, is longer)."""
    attempt = 1
    while True:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT set_config('lock_timeout', %s, true)", [LOCK_TIMEOUT])
                return work(cursor)
        except OperationalError as error:
            timed_out = isinstance(error.__cause__, errors.LockNotAvailable)
            if not timed_out or attempt == LOCK_ATTEMPTS:
                raise
        attempt += 1
        time.sleep(1)


def _writes_settled(cursor: CursorWrapper) -> datetime.datetime:
    """The database's clock once every transaction that has written index rows has ended (a
    SHARE lock waits for them): rows written before it are seen by every read after it, rows
    written after it carry a later ``indexed_at``."""
    cursor.execute(sql.SQL("LOCK TABLE {} IN SHARE MODE").format(_TABLE))
    cursor.execute("SELECT clock_timestamp()")
    return cursor.fetchone()[0]


def _definitions(cursor, new: sql.Identifier, kind: str) -> list[sql.Composable]:
    """The statements giving table `new` the live table's primary key (`kind` p), foreign
    keys (f) or other indexes (i) under the same names (its own schema holds them), from
    PostgreSQL's definitions of them, which name tables as the search path finds them."""
    table = SearchEntry._meta.db_table
    if kind == "i":
        cursor.execute(
            "SELECT pg_get_indexdef(indexrelid, 0, true) FROM pg_index WHERE indrelid ="
            " %s::regclass AND indexrelid NOT IN (SELECT conindid FROM pg_constraint)",
            [table],
        )
        return [sql.SQL(definition) for (definition,) in cursor.fetchall()]
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid, true) FROM pg_constraint"
        " WHERE conrelid = %s::regclass AND contype = %s",
        [table, kind],
    )
    return [
        sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(new, sql.Identifier(name), sql.SQL(d))
        for name, d in cursor.fetchall()
    ]


def _swap(cursor: CursorWrapper, new: sql.Identifier, started: datetime.datetime) -> None:
    """Put table `new` in the live one's place (called through ``_briefly``).

    The live table is locked against writers (readers go on); the rows written to it since
    `started` replace the new table's, whose rows of notices deleted since go; the foreign keys
    are added (and checked); the live table is dropped (readers wait from here to the commit)
    and the new one moved into its schema."""
    cursor.execute(
        sql.SQL(
            "LOCK TABLE {live} IN EXCLUSIVE MODE;"
            " DELETE FROM {new} WHERE notice_id IN (SELECT notice_id FROM {live}"
            " WHERE indexed_at >= %s) OR notice_id NOT IN (SELECT id FROM {notice});"
            " INSERT INTO {new} SELECT * FROM {live} WHERE indexed_at >= %s"
        ).format(new=new, live=_TABLE, notice=sql.Identifier(Notice._meta.db_table)),
        [started, started],
    )
    for statement in _definitions(cursor, new, "f"):
        cursor.execute(statement)
    # A caller's writes to the live table leave deferred checks, which DROP refuses.
    connection.check_constraints()
    cursor.execute(
        "SELECT relnamespace::regnamespace::text FROM pg_class WHERE oid = %s::regclass",
        [SearchEntry._meta.db_table],
    )
    schema = sql.Identifier(cursor.fetchone()[0])
    cursor.execute(
        sql.SQL("DROP TABLE {}; ALTER TABLE {} SET SCHEMA {}; DROP SCHEMA {}").format(
            _TABLE, new, schema, sql.Identifier(REBUILD_SCHEMA)
        )
    )


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
