"""Search benchmark: our search against icontains and tantivy on one synthetic corpus.

    python -m bench.search --docs 100000        (make bench-search DOCS=100000)

1. Creates the database ``gazette_bench_search`` on the embedded PostgreSQL server (never the
   portal's ``gazette`` or the tests' ``test_gazette``), migrates it, and drops it at the end
   (``--keep`` keeps it; ``--reuse`` reuses a kept one holding ``--docs`` notices, regenerating
   the corpus in memory only to choose the same queries, and keeps it again).
2. Loads N synthetic notices (bench/corpus.py) through the app's write path: bulk-created rows,
   then ``documents.search.index_notices`` in batches, as the importer does; then ANALYZE.
   That indexing is our index build time (``--rebuild-index`` also times ``rebuild_index()``
   over the loaded database, the ``rebuild_search_index`` command's path).
3. Indexes the same normalised text in tantivy with the same tokens (characters, bigrams and
   whole letter/digit words; a gap token where our text has a boundary), with the facet
   values as fast fields and the title and passage text stored for highlighting; timed too.
4. Times each query, in each engine, ``--runs`` times after one warm-up run, each engine doing
   the work our search page needs wherever it can (the report's ``work`` says what exactly):
   ours = ``documents.search.search_notices`` exactly as the view calls it (count, facets, first
   page with highlighted passages); baseline = ``icontains`` over title and body (count + first
   page), as a naive Django app does; reference = tantivy (count, the same six facets by terms
   aggregations, first page of 20 with titles and passages highlighted by SnippetGenerator).
   Then checks, query by query, that tantivy's facet counts are ours.
5. Evaluates ours on the judged query set (bench/judged.toml: MRR, nDCG@5). Its
   corpus (the sample issue and a few hundred generated notices) is not the timed one, so it
   is built in a database of its own, ``gazette_bench_judged``, and dropped (``--no-relevance``
   skips this).
6. Writes var/bench/search.json and prints a table.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The environment's BENCH_DATABASE names another one, so two runs on one server do not collide.
BENCH_DATABASE = os.environ.get("BENCH_DATABASE", "gazette_bench_search")
JUDGED_DATABASE = "gazette_bench_judged"  # the judged set's corpus, evaluated beside the timings
PROTECTED = {"gazette", "test_gazette", "postgres", "template0", "template1"}
ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "var" / "bench" / "search.json"
# The load times of the database kept by --keep (search-load.json for gazette_bench_search).
LOAD_TIMES = ROOT / "var" / "bench" / f"{BENCH_DATABASE.removeprefix('gazette_bench_')}-load.json"
NOTICES_PER_ISSUE = 50
FIRST_YEAR = 2000


@dataclass
class Query:
    q: str
    kind: str  # the class
    filters: dict[str, str] = field(default_factory=dict)
    hits: dict[str, int] = field(default_factory=dict)
    times: dict[str, list[float]] = field(default_factory=dict)
    facets_agree: bool | None = None  # the reference's facet counts are ours (None: not compared)


# --- Database ---------------------------------------------------------------------------------


def create_database(name: str = BENCH_DATABASE) -> str:
    """Create the benchmark database afresh on the embedded server; return its URL."""
    import psycopg
    from psycopg import sql

    from gazette_site.embedded_db import ensure_server

    assert name not in PROTECTED
    server = ensure_server()
    with psycopg.connect(server.url("postgres"), autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(
            sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(
                sql.Identifier(name)
            )
        )
    return server.url(name)


def drop_database(name: str = BENCH_DATABASE) -> None:
    import psycopg
    from django.db import connections
    from psycopg import sql

    from gazette_site.embedded_db import ensure_server

    assert name not in PROTECTED
    connections.close_all()
    with psycopg.connect(ensure_server().url("postgres"), autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@contextlib.contextmanager
def using_database(name: str) -> Iterator[None]:
    """Point Django's connections at database `name` (on the same server) for the block: the
    default one and the one searches run on (``search_connection``), which has settings of its
    own: moving the default alone left the judged queries searching the timed corpus."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import DEFAULT_DB_ALIAS, connections

    from documents.search.sql import forget_sizes
    from documents.search.statements import search_connection

    moved = list(dict.fromkeys([connections[DEFAULT_DB_ALIAS], search_connection()]))
    previous = [connection.settings_dict["NAME"] for connection in moved]

    def point_at(names: list[str]) -> None:
        for connection, database in zip(moved, names, strict=True):
            connection.close()
            connection.settings_dict["NAME"] = database
        ContentType.objects.clear_cache()  # content type ids are per database
        forget_sizes()  # the text sizes a search reads are per database

    point_at([name] * len(moved))
    try:
        yield
    finally:
        point_at(previous)


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gazette_site.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


# --- Loading ----------------------------------------------------------------------------------


def progress(label: str, done: int, total: int, started: float) -> None:
    width = 30
    filled = width * done // max(total, 1)
    rate = done / max(time.perf_counter() - started, 1e-9)
    sys.stderr.write(
        f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total} ({rate:.0f}/s)"
    )
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def issue_year(docs: int, n: int, first_year: int = FIRST_YEAR) -> int:
    """The year of the n-th issue of a corpus of `docs` notices."""
    per_year = math.ceil(math.ceil(docs / NOTICES_PER_ISSUE) / 25)
    return first_year + n // per_year


def replay(docs: int, corpus) -> None:
    """Generate the corpus again without writing it, so its term counts (and its random state,
    hence the queries chosen) match a database loaded earlier by ``load`` with the same seed."""
    for i in range(docs):
        corpus.notice(issue_year(docs, i // NOTICES_PER_ISSUE))


def database_exists() -> bool:
    import psycopg

    from gazette_site.embedded_db import ensure_server

    with psycopg.connect(ensure_server().url("postgres"), autocommit=True) as conn:
        row = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DATABASE]
        ).fetchone()
    return row is not None


def load(
    docs: int, corpus, batch: int = 1000, *, first_year: int = FIRST_YEAR, analyze: bool = True
) -> dict[str, float]:
    """Bulk-create issues, notices, projects and tasks, indexing each batch as the app does.

    Issues run from `first_year`, 25 years of them. Without `analyze` no VACUUM ANALYZE
    follows (it cannot run inside a transaction, as in a test)."""
    import datetime

    from django.db import connection, transaction
    from django.utils import timezone

    from documents.models import Issue, Notice, PublicationStatus
    from documents.search import index_notices
    from projects.models import Project, Task

    issues_needed = math.ceil(docs / NOTICES_PER_ISSUE)
    per_year = math.ceil(issues_needed / 25)
    issues = []
    for n in range(issues_needed):
        year, number = issue_year(docs, n, first_year), n % per_year + 1
        draft = n % 33 == 7  # about 3% of issues are unpublished drafts
        issues.append(
            Issue(
                year=year,
                number=number,
                total_number=n + 1,
                published_on=datetime.date(year, 12, 31),
                status=PublicationStatus.DRAFT if draft else PublicationStatus.PUBLISHED,
                published_at=None if draft else timezone.now(),
            )
        )
    Issue.objects.bulk_create(issues, batch_size=1000)
    timings = {"rows_s": 0.0, "index_s": 0.0}
    started = time.perf_counter()
    for start in range(0, docs, batch):
        t0 = time.perf_counter()
        with transaction.atomic():
            notices, extras = [], []
            for i in range(start, min(start + batch, docs)):
                issue = issues[i // NOTICES_PER_ISSUE]
                s = corpus.notice(issue.year)
                notice = Notice(
                    issue=issue,
                    order=i % NOTICES_PER_ISSUE + 1,
                    title=s.title,
                    issuer=s.issuer,
                    signed_on=s.signed_on,
                    valid_years=s.valid_years,
                    body=s.body,
                )
                notice.set_doc_number(f"{s.agency}〔{s.year}〕{s.serial}号")
                notices.append(notice)
                extras.append(s)
            Notice.objects.bulk_create(notices)
            projects, tasks = [], []
            for notice, s in zip(notices, extras, strict=True):
                projects += [
                    Project(notice=notice, number=k + 1, name=name, content=content)
                    for k, (name, content) in enumerate(s.projects)
                ]
                tasks += [
                    Task(notice=notice, number=k + 1, content=c) for k, c in enumerate(s.tasks)
                ]
            Project.objects.bulk_create(projects)
            Task.objects.bulk_create(tasks)
            t1 = time.perf_counter()
            index_notices([n.pk for n in notices])
            t2 = time.perf_counter()
        timings["rows_s"] += t1 - t0
        timings["index_s"] += t2 - t1
        progress("loading ", min(start + batch, docs), docs, started)
    t0 = time.perf_counter()
    if analyze:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE documents_searchentry")
            cursor.execute("ANALYZE")
    timings["analyze_s"] = time.perf_counter() - t0
    timings["total_s"] = time.perf_counter() - started
    return timings


# --- Tantivy ----------------------------------------------------------------------------------

_PIECE = None


def streams(normalized: str) -> tuple[str, str]:
    """Our tokens as two whitespace-separated streams with positions: characters and words
    (for one-character and mixed queries), bigrams and words (for Chinese phrases). ``|``
    marks a boundary (punctuation, space, field), so no phrase matches across it."""
    from documents.search import tokens as search

    global _PIECE
    if _PIECE is None:
        _PIECE = re.compile(rf"[{search.HAN}]+|[^\W_{search.HAN}]+")
    uni: list[str] = []
    bi: list[str] = []
    end = None
    for match in _PIECE.finditer(normalized.replace(search.WORD_MARK, "")):
        if end is not None and match.start() != end:
            uni.append("|")
            bi.append("|")
        piece = match.group()
        if search.HAN_RUN_RE.fullmatch(piece):
            uni.extend(piece)
            bi.extend(map(str.__add__, piece, piece[1:]) if len(piece) > 1 else [piece])
        else:
            word = piece[: search.MAX_WORD_LENGTH]
            uni.append(word)
            bi.append(word)
        end = match.end()
    return " ".join(uni), " ".join(bi)


# Facet → the field holding it, in tantivy and in our filters' query string.
FACET_FIELDS = {
    "year": "year",
    "issuer": "issuer",
    "agency": "agency",
    "validity": "validity",
    "projects": "has_projects",
    "tasks": "has_tasks",
}
FLAG_FACETS = {"projects", "tasks"}


@dataclass
class ReferenceResult:
    """What the reference computed for one query: what our search page shows."""

    count: int
    facets: dict[str, dict[str, int]]  # facet → value → notices (only values with some)
    page: list[tuple[int, str, str]]  # (notice id, highlighted title, highlighted passage)


class Tantivy:
    """The reference engine, holding the same published notices with the same tokens.

    It does the work our search page does, wherever tantivy can (``REFERENCE_WORK``): the
    count, the same six facets with counts (terms aggregations on fast fields, each facet with
    every *other* filter applied, as ours counts them), the first page of 20 by BM25 (title
    matches boosted) with stored titles and passages highlighted by its SnippetGenerator. The
    validity facet is the validity at indexing time (ours computes it live, with repeals)."""

    def __init__(self, directory: str):
        import tantivy

        # tantivy's stubs lag its API (SearchResult.count, phrase terms): used untyped here.
        self.t: Any = tantivy
        builder = tantivy.SchemaBuilder()
        for name in ("title_uni", "title_bi", "all_uni", "all_bi"):
            builder.add_text_field(name, tokenizer_name="ws")
        # The texts passages and highlighted titles are cut from (ours: SearchEntry.text and
        # the title), stored, and indexed by bigrams with doc ids only: SnippetGenerator
        # highlights the terms a query has in the field it reads, so the field must hold
        # them. Bigrams with no frequencies nor positions are the cheapest such index (the
        # search fields above cannot serve: they hold token streams, not the text).
        for name in ("title", "text"):
            builder.add_text_field(
                name, stored=True, tokenizer_name="bigrams", index_option="basic"
            )
        for name in ("agency", "issuer", "validity"):
            builder.add_text_field(name, tokenizer_name="raw", fast=True)
        for name in ("year", "has_projects", "has_tasks"):
            builder.add_integer_field(name, indexed=True, fast=True)
        builder.add_integer_field("id", stored=True, fast=True)
        self.schema = builder.build()
        self.index = tantivy.Index(self.schema, path=directory)
        self.index.register_tokenizer(
            "ws", tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()
        )
        self.bigrams = (
            tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.ngram(2, 2, False))
            .filter(tantivy.Filter.lowercase())
            .build()
        )
        self.index.register_tokenizer("bigrams", self.bigrams)

    def build(self) -> float:
        """Index every published notice; returns the seconds it took (reading our index rows,
        building the token streams in Python, tantivy's indexing, commit and merges)."""
        from documents.models import Notice, PublicationStatus, SearchEntry

        started = time.perf_counter()
        writer = self.index.writer(heap_size=500_000_000, num_threads=2)
        published = SearchEntry.objects.filter(issue__status=PublicationStatus.PUBLISHED)
        validity = dict(
            Notice.objects.published().with_validity().values_list("pk", "current_validity")
        )
        rows = published.values_list(
            "notice_id",
            "year",
            "agency_code",
            "issuer",
            "has_projects",
            "has_tasks",
            "notice__title",
            "title_text",
            "search_text",
            "text",
        ).iterator(chunk_size=2000)
        total = published.count()
        for done, row in enumerate(rows, 1):
            pk, year, agency, issuer, projects, tasks, title, title_text, search_text, text = row
            title_uni, title_bi = streams(title_text)
            all_uni, all_bi = streams(search_text)
            writer.add_document(
                self.t.Document(
                    id=pk,
                    year=year,
                    agency=agency,
                    issuer=issuer,
                    validity=validity[pk],
                    has_projects=int(projects),
                    has_tasks=int(tasks),
                    title_uni=title_uni,
                    title_bi=title_bi,
                    all_uni=all_uni,
                    all_bi=all_bi,
                    title=title,
                    text=text,
                )
            )
            if done % 5000 == 0 or done == total:
                progress("tantivy ", done, total, started)
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.searcher: Any = self.index.searcher()
        return time.perf_counter() - started

    def _term(self, field: str, term) -> Any:
        """The tantivy query for one of our terms on field `field` (title or all)."""
        from documents.search.tokens import HAN_RUN_RE, query_lexemes

        Q = self.t.Query
        normalized = term.normalized
        uni, _ = streams(normalized)
        if HAN_RUN_RE.fullmatch(normalized) and len(normalized) > 1:
            grams = query_lexemes(normalized)
            if len(grams) == 1:
                return Q.term_query(self.schema, f"{field}_bi", grams[0])
            return Q.phrase_query(self.schema, f"{field}_bi", grams)
        tokens = uni.split(" ")
        if len(tokens) == 1:
            return Q.term_query(self.schema, f"{field}_uni", tokens[0])
        return Q.phrase_query(self.schema, f"{field}_uni", tokens)

    def query(self, parsed, filters: dict[str, str]):
        """The query for our parsed query and the filters of a query string."""
        Q, Occur = self.t.Query, self.t.Occur
        clauses = []
        for term in parsed.terms:
            occur = Occur.MustNot if term.negated else Occur.Must
            clauses.append((occur, self._term("all", term)))
            if not term.negated:
                clauses.append((Occur.Should, Q.boost_query(self._term("title", term), 2.0)))
        for name, column in FACET_FIELDS.items():
            value = filters.get(name)
            if not value:
                continue
            if name in FLAG_FACETS:
                clauses.append((Occur.Must, Q.term_query(self.schema, column, int(value == "1"))))
            elif name == "year":
                clauses.append((Occur.Must, Q.term_query(self.schema, column, int(value))))
            else:
                clauses.append((Occur.Must, Q.term_query(self.schema, column, value)))
        return Q.boolean_query(clauses)

    def facets(self, parsed, filters: dict[str, str]) -> dict[str, dict[str, int]]:
        """Counts per value of each facet, each with every other filter applied: one
        aggregation request for the facets without a filter of their own, and one per facet
        whose filter is set (its counts leave that filter out)."""
        active = [name for name in FACET_FIELDS if filters.get(name)]
        requests = {"": [name for name in FACET_FIELDS if name not in active]}
        requests.update({name: [name] for name in active})
        counts: dict[str, dict[str, int]] = {}
        for left_out, names in requests.items():
            if not names:
                continue
            others = {k: v for k, v in filters.items() if k != left_out}
            aggregations = {
                name: {"terms": {"field": FACET_FIELDS[name], "size": 10_000}} for name in names
            }
            found = self.searcher.aggregate(self.query(parsed, others), aggregations)
            for name in names:
                counts[name] = {
                    str(bucket["key"]): bucket["doc_count"]
                    for bucket in found[name]["buckets"]
                    if bucket["doc_count"] and bucket["key"] not in ("", 0)
                }
        return counts

    def _highlight_query(self, parsed) -> Any:
        """The positive terms' bigrams on the stored title and text fields, for the
        SnippetGenerator (a one-character term has none: nothing is highlighted for it)."""
        Q, Occur = self.t.Query, self.t.Occur
        grams = [g for term in parsed.positive for g in self.bigrams.analyze(term.normalized)]
        return Q.boolean_query(
            [
                (Occur.Should, Q.term_query(self.schema, stored, gram))
                for gram in dict.fromkeys(g for g in grams if " " not in g)
                for stored in ("title", "text")
            ]
        )

    def search(self, parsed, filters: dict[str, str]) -> ReferenceResult:
        """Count, facets and the first page of PAGE_SIZE hits with highlighted titles and
        passages (of about our passage length)."""
        from documents.search import PAGE_SIZE
        from documents.search.passages import PASSAGE_LENGTH

        result = self.searcher.search(self.query(parsed, filters), PAGE_SIZE, count=True)
        facets = self.facets(parsed, filters)
        page = []
        if result.hits:
            highlight = self._highlight_query(parsed)
            titles = self.t.SnippetGenerator.create(self.searcher, highlight, self.schema, "title")
            titles.set_max_num_chars(200)  # the whole title
            passages = self.t.SnippetGenerator.create(self.searcher, highlight, self.schema, "text")
            passages.set_max_num_chars(PASSAGE_LENGTH)
            for _, address in result.hits:
                doc = self.searcher.doc(address)
                page.append(
                    (
                        doc["id"][0],
                        titles.snippet_from_doc(doc).to_html(),
                        passages.snippet_from_doc(doc).to_html(),
                    )
                )
        return ReferenceResult(count=result.count, facets=facets, page=page)


# --- Engines ----------------------------------------------------------------------------------

# What each engine does for one query (the report's "work").
OURS_WORK = (
    "documents.search.search_notices exactly as the search view calls it: the count, six"
    " facets with counts (year, issuer, agency code, validity, has projects, has tasks; each"
    " with the other filters applied), the first page of 20 ranked hits with notices, issues,"
    " highlighted titles and passages; a document number is a redirect to its notice"
)
BASELINE_WORK = (
    "icontains on title and body for every term (a document number: the exact number):"
    " the count and the first 20 notices by date; no facets, no highlighting"
)
REFERENCE_WORK = (
    "tantivy {version} in process, the same tokens: the count, the same six facets with counts"
    " (terms aggregations on fast fields: one request for the facets without a filter, one per"
    " set filter, so each facet has every other filter applied), the first page of 20 by BM25"
    " (title matches boosted 2×) with stored titles and passage texts highlighted by"
    " SnippetGenerator (passages of {passage} characters, the terms' bigrams highlighted; the"
    " texts indexed by bigrams for it); a document number is a phrase query"
    " answered like any other. Validity is stored at indexing time (ours computes it live)."
)


def ours(query: Query) -> int:
    from documents.search import SearchFilters, search_notices

    result = search_notices(query.q, filters=SearchFilters.from_params(query.filters))
    if result.redirect_to is not None:
        return 1
    return result.count


def baseline(query: Query) -> int:
    """What a naive Django app does: icontains on title and body for every word."""
    from django.db.models import Q

    from documents.docnumbers import DocNumberError, parse_doc_number
    from documents.models import Notice
    from documents.search import parse_query

    notices = Notice.objects.published()
    try:
        number = parse_doc_number(query.q)
        notices = notices.filter(doc_number=number.canonical)
    except DocNumberError:
        for term in parse_query(query.q).terms:
            condition = Q(title__icontains=term.text) | Q(body__icontains=term.text)
            notices = notices.exclude(condition) if term.negated else notices.filter(condition)
    if "year" in query.filters:
        notices = notices.filter(issue__year=int(query.filters["year"]))
    if "agency" in query.filters:
        notices = notices.filter(agency_code=query.filters["agency"])
    count = notices.count()
    list(notices.select_related("issue").order_by("-signed_on", "-pk")[:20])
    return count


def reference(engine: Tantivy) -> Callable[[Query], int]:
    from documents.docnumbers import DocNumberError, parse_doc_number
    from documents.search import parse_query

    def run(query: Query) -> int:
        try:
            text = f'"{parse_doc_number(query.q).canonical}"'
        except DocNumberError:
            text = query.q
        return engine.search(parse_query(text), query.filters).count

    return run


# --- Like for like, index build, relevance -------------------------------------------------


def compare_facets(queries: list[Query], engine: Tantivy) -> None:
    """Set each query's ``facets_agree``: whether the reference's facet counts are the ones
    our search page shows, for every facet ours counted whole. Not compared (None) when ours
    redirects to a notice or shows every facet's counts estimated (约)."""
    from documents.docnumbers import DocNumberError, parse_doc_number
    from documents.search import SearchFilters, parse_query, search_notices

    for query in queries:
        result = search_notices(query.q, filters=SearchFilters.from_params(query.filters))
        estimated = {facet.param for facet in result.facets if facet.approximate}
        every_one = result.facets and len(estimated) == len(result.facets)
        if result.redirect_to is not None or result.approximate or every_one:
            continue
        try:
            text = f'"{parse_doc_number(query.q).canonical}"'
        except DocNumberError:
            text = query.q
        theirs = engine.search(parse_query(text), query.filters).facets
        mine = {f.param: {b.value: b.count for b in f.buckets} for f in result.facets}
        mine = {name: found for name, found in mine.items() if name not in estimated}
        exact = {name: found for name, found in theirs.items() if found and name not in estimated}
        query.facets_agree = mine == exact


def time_rebuild() -> float:
    """Seconds ``documents.search.rebuild_index()`` takes over the whole database: what
    ``manage.py rebuild_search_index`` runs (every row COPYed into a new table, its indexes
    built, the table swapped in for the live one). The new table is vacuumed afterwards,
    untimed, as the loaded one was."""
    from django.db import connection

    from documents.search import rebuild_index

    started = time.perf_counter()
    rebuild_index(progress=lambda done, total: progress("rebuild ", done, total, started))
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE documents_searchentry")
    return seconds


def relevance() -> dict[str, Any]:
    """MRR and nDCG@5 of ours on the judged set (bench/judged.toml).

    The benchmark's corpus cannot hold the judged queries (they are judged on the sample issue
    and a corpus of ``generated`` notices dated from ``first_year``), so the judged corpus is
    built in a database of its own (JUDGED_DATABASE), evaluated, and dropped."""
    from django.core.management import call_command

    from bench.corpus import SAMPLE, Corpus
    from bench.relevance import evaluate, load_judged
    from documents.services import issue_import

    judged = load_judged()
    create_database(JUDGED_DATABASE)
    try:
        with using_database(JUDGED_DATABASE):
            call_command("migrate", verbosity=0)
            issue_import(data=SAMPLE.read_bytes(), publish=True)
            load(judged.generated, Corpus(seed=judged.seed), first_year=judged.first_year)
            evaluation = evaluate(judged.queries)
    finally:
        drop_database(JUDGED_DATABASE)
    return {
        "corpus": (
            f"evaluated apart from the timed corpus, in {JUDGED_DATABASE}: the sample issue"
            f" and {judged.generated} notices of bench/corpus.py (seed {judged.seed}, issues"
            f" from {judged.first_year}), the corpus bench/judged.toml is judged on"
        ),
        **evaluation.as_dict(),
    }


# --- Queries ----------------------------------------------------------------------------------


def choose_queries(corpus) -> list[Query]:
    """At least 20 queries in eight classes, picked from what the corpus really holds."""
    from documents.models import Notice

    def with_docs(counter, low: int, high: int, n: int) -> list[str]:
        found = [t for t, c in counter.items() if low <= c <= high]
        corpus.rng.shuffle(found)
        return sorted(found[:n], key=counter.__getitem__)

    published = Notice.objects.published().exclude(doc_number=None).order_by("?")
    numbers = list(published.values_list("agency_code", "year", "serial")[:3])
    full_width = str.maketrans("0123456789", "０１２３４５６７８９")
    doc_forms = [
        f"{numbers[0][0]}[{numbers[0][1]}]{numbers[0][2]}号",
        f"{numbers[1][0]}（{numbers[1][1]}）{numbers[1][2]}".translate(full_width),
        f"{numbers[2][0]} {numbers[2][1]}年 第{numbers[2][2]}号",
    ]
    frequent = [t for t, _ in corpus.term_docs.most_common(2)]
    rare = with_docs(corpus.term_docs, 1, 5, 3)
    middling = with_docs(corpus.term_docs, 50, 2000, 3)
    names = [n for n, _ in corpus.name_docs.most_common(1)] + with_docs(corpus.name_docs, 1, 3, 2)
    phrases = [corpus.sample_phrase(n) for n in (6, 8, 10)]
    queries = [
        *(Query(q, "doc number") for q in doc_forms),
        *(Query(q, "rare term") for q in rare),
        *(Query(q, "frequent term") for q in [*frequent, "项目建设"]),
        *(Query(q, "2-char term") for q in ["发展", "生态", "资金"]),
        *(Query(q, "name") for q in names),
        Query(f"项目 {middling[0]}", "multi-term"),
        Query(f"{frequent[0]} 资金 -{frequent[1]}", "multi-term"),
        Query(f"{middling[1]} {middling[2]}", "multi-term"),
        *(Query(f"“{p}”", "phrase") for p in phrases),
        Query("项目", "filtered", {"year": "2012"}),
        Query("发展", "filtered", {"agency": "咸政办发", "year": "2020"}),
        Query(middling[0], "filtered", {"year": "2016"}),
    ]
    return queries


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def measure(queries: list[Query], engines: dict[str, Callable[[Query], int]], runs: dict[str, int]):
    for name, engine in engines.items():
        started = time.perf_counter()
        for done, query in enumerate(queries, 1):
            query.hits[name] = engine(query)  # warm-up
            times = []
            for _ in range(runs[name]):
                t0 = time.perf_counter()
                engine(query)
                times.append((time.perf_counter() - t0) * 1000)
            query.times[name] = times
            progress(f"{name:9}", done, len(queries), started)


def reference_work() -> str:
    from importlib.metadata import version

    from documents.search.passages import PASSAGE_LENGTH

    return REFERENCE_WORK.format(version=version("tantivy"), passage=PASSAGE_LENGTH)


def index_build(load_times: dict[str, float], rebuild_s: float | None, reused: bool) -> dict:
    """Both engines' index build times, with what each figure covers."""
    ours_s, reference_s = load_times["index_s"], load_times["tantivy_s"]
    build = {
        "ours_s": round(ours_s, 1),
        "ours": (
            "documents.search.index_notices over each batch of 1,000 notices as it is loaded"
            " (reads the notices with their attachments, tables, groups, projects and tasks,"
            " normalises, computes lexemes, upserts the SearchEntry rows with their GIN index);"
            " not the rows' own loading, not VACUUM ANALYZE"
            + (" (measured when the kept database was loaded)" if reused else "")
        ),
        "reference_s": round(reference_s, 1),
        "reference": (
            "reads the published SearchEntry rows (our normalised text: normalisation is not"
            " counted), builds the token streams in Python, indexes them, the facet fields and"
            " the stored title and passage text (by bigrams, doc ids only, for highlighting)"
            " with 2 threads, commits and waits for merges"
        ),
        "ours_vs_reference": round(ours_s / reference_s, 2) if reference_s else None,
    }
    if rebuild_s is not None:
        build["rebuild_index_s"] = round(rebuild_s, 1)
        build["rebuild_index"] = (
            "documents.search.rebuild_index() over the whole database afterwards (what"
            " manage.py rebuild_search_index runs: reads the notices, tokenises them in one"
            " process a CPU, COPYs the rows into a new table, builds its indexes, ANALYZE, swaps"
            " it in for the live table)"
        )
        build["rebuild_vs_reference"] = round(rebuild_s / reference_s, 2) if reference_s else None
    return build


def report(
    queries: list[Query],
    docs: int,
    load_times: dict[str, float],
    *,
    rebuild_s: float | None = None,
    reused: bool = False,
    relevance: dict[str, Any] | None = None,
) -> dict:
    engines = {"ours": "ours_ms", "baseline": "baseline_ms", "reference": "reference_ms"}

    def stats(values: list[float]) -> dict[str, float]:
        return {"p50": round(statistics.median(values), 2), "p95": round(percentile(values, 95), 2)}

    rows = [
        {
            "q": q.q + "".join(f" [{k}={v}]" for k, v in q.filters.items()),
            "class": q.kind,
            "hits": q.hits["ours"],
            "hits_by_engine": q.hits,
            "facets_agree": q.facets_agree,
            **{key: stats(q.times[name]) for name, key in engines.items()},
        }
        for q in queries
    ]
    classes = {}
    for kind in dict.fromkeys(q.kind for q in queries):
        members = [q for q in queries if q.kind == kind]
        classes[kind] = {
            f"{name}_p{p}_ms": round(percentile([t for q in members for t in q.times[name]], p), 2)
            for name in engines
            for p in (50, 95)
        }
    everything = {name: [t for q in queries for t in q.times[name]] for name in engines}
    compared = [q for q in queries if q.facets_agree is not None]
    return {
        "docs": docs,
        "work": {"ours": OURS_WORK, "baseline": BASELINE_WORK, "reference": reference_work()},
        "queries": rows,
        "summary": {
            "ours_p95_ms": round(percentile(everything["ours"], 95), 2),
            "baseline_icontains_p95_ms": round(percentile(everything["baseline"], 95), 2),
            "reference_tantivy_p95_ms": round(percentile(everything["reference"], 95), 2),
        },
        "classes": classes,
        "facets": {
            "compared": len(compared),
            "agree": sum(bool(q.facets_agree) for q in compared),
            "note": "the reference's facet counts against ours, for every query where ours"
            " shows exact counts and no redirect",
        },
        "load": {key: round(value, 1) for key, value in load_times.items()},
        "index_build": index_build(load_times, rebuild_s, reused),
        "relevance": relevance or {"skipped": "run without --no-relevance to evaluate"},
    }


def print_table(result: dict) -> None:
    print(f"\nSearch benchmark, {result['docs']} notices (times in ms, p50 / p95)\n")
    for name, work in result["work"].items():
        print(f"{name}: {work}")
    header = (
        f"\n{'class':14} {'query':28} {'hits':>7}  {'ours':>15}  {'icontains':>17}  {'tantivy':>13}"
    )
    print(header)
    print("-" * len(header))
    for row in result["queries"]:
        o, b, r = row["ours_ms"], row["baseline_ms"], row["reference_ms"]
        print(
            f"{row['class']:14} {row['q'][:26]:28} {row['hits']:>7}  "
            f"{o['p50']:>6.1f} / {o['p95']:>6.1f}  {b['p50']:>7.1f} / {b['p95']:>7.1f}  "
            f"{r['p50']:>5.1f} / {r['p95']:>5.1f}"
        )
    print(
        f"\n{'class':14} {'ours p95':>9} {'icontains p95':>14} {'tantivy p95':>12}"
        f" {'vs icontains':>13} {'vs tantivy':>11}"
    )
    for kind, c in result["classes"].items():
        o, b, r = c["ours_p95_ms"], c["baseline_p95_ms"], c["reference_p95_ms"]
        print(f"{kind:14} {o:>9.1f} {b:>14.1f} {r:>12.2f} {b / o:>12.0f}× {o / r:>10.1f}×")
    s = result["summary"]
    print(
        f"\nall queries p95: ours {s['ours_p95_ms']} ms, "
        f"icontains {s['baseline_icontains_p95_ms']} ms "
        f"({s['baseline_icontains_p95_ms'] / s['ours_p95_ms']:.0f}× slower), tantivy "
        f"{s['reference_tantivy_p95_ms']} ms "
        f"({s['ours_p95_ms'] / s['reference_tantivy_p95_ms']:.1f}× faster than ours)"
    )
    f = result["facets"]
    print(
        f"facet counts: the reference agrees with ours on {f['agree']} of {f['compared']} queries"
    )
    load, build = result["load"], result["index_build"]
    print(
        f"load: {load['total_s']} s (rows {load['rows_s']} s, analyze {load['analyze_s']} s);"
        f" index build: ours {build['ours_s']} s, tantivy {build['reference_s']} s"
        f" ({build['ours_vs_reference']}×)"
        + (
            f"; rebuild_index {build['rebuild_index_s']} s ({build['rebuild_vs_reference']}×)"
            if "rebuild_index_s" in build
            else ""
        )
    )
    rel = result["relevance"]
    if "mrr" in rel:
        print(
            f"relevance on the judged set ({rel['queries']} queries; {rel['corpus']}):"
            f" MRR {rel['mrr']:.3f}, nDCG@5 {rel['ndcg5']:.3f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=10, help="timed runs per query (ours, tantivy)")
    parser.add_argument("--baseline-runs", type=int, default=5)
    parser.add_argument(
        "--keep", action="store_true", help="keep the database afterwards (for --reuse)"
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="reuse a database kept by an earlier --keep run with the same --docs (no loading)",
    )
    parser.add_argument(
        "--rebuild-index",
        action="store_true",
        help="also time documents.search.rebuild_index() over the loaded database",
    )
    parser.add_argument(
        "--no-relevance",
        action="store_true",
        help="skip MRR / nDCG@5 on the judged set (its corpus is built in a database of its own)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=OUTPUT,
        help=f"the report (default {OUTPUT.relative_to(ROOT)})",
    )
    args = parser.parse_args(argv)

    from gazette_site.embedded_db import ensure_server

    reuse = args.reuse and database_exists()
    url = ensure_server().url(BENCH_DATABASE) if reuse else create_database()
    keep = args.keep or args.reuse
    try:
        setup_django(url)
        from bench.corpus import Corpus

        corpus = Corpus()
        if reuse:
            from documents.models import Notice

            if Notice.objects.count() != args.docs:
                raise SystemExit(
                    f"{BENCH_DATABASE} holds {Notice.objects.count()} notices, not {args.docs}:"
                    " run without --reuse"
                )
            replay(args.docs, corpus)
            load_times = json.loads(LOAD_TIMES.read_text(encoding="utf-8"))
        else:
            load_times = load(args.docs, corpus)
            LOAD_TIMES.parent.mkdir(parents=True, exist_ok=True)
            LOAD_TIMES.write_text(json.dumps(load_times), encoding="utf-8")
        rebuild_s = time_rebuild() if args.rebuild_index else None
        with tempfile.TemporaryDirectory(prefix="bench-tantivy-") as directory:
            engine = Tantivy(directory)
            load_times["tantivy_s"] = engine.build()
            queries = choose_queries(corpus)
            measure(
                queries,
                {"ours": ours, "baseline": baseline, "reference": reference(engine)},
                {"ours": args.runs, "baseline": args.baseline_runs, "reference": args.runs},
            )
            compare_facets(queries, engine)
        judged = None if args.no_relevance else relevance()
        result = report(
            queries, args.docs, load_times, rebuild_s=rebuild_s, reused=reuse, relevance=judged
        )
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
        print_table(result)
        print(f"\nwritten: {args.output}")
    finally:
        if not keep:
            drop_database()
    return 0


if __name__ == "__main__":
    sys.exit(main())
