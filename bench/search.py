"""Search benchmark: our search against icontains and tantivy on one synthetic corpus.

    python -m bench.search --docs 100000        (make bench-search DOCS=100000)

1. Creates the database ``gazette_bench_search`` on the embedded PostgreSQL server (never the
   portal's ``gazette`` or the tests' ``test_gazette``), migrates it, and drops it at the end
   (``--keep`` keeps it; ``--reuse`` reuses a kept one holding ``--docs`` notices, regenerating
   the corpus in memory only to choose the same queries, and keeps it again).
2. Loads N synthetic notices (bench/corpus.py) through the app's write path: bulk-created rows,
   then ``documents.search.index_notices`` in batches, as the importer does; then ANALYZE.
3. Indexes the same normalised text in tantivy with the same tokens (characters, bigrams and
   whole letter/digit words; a gap token where our text has a boundary).
4. Times each query, in each engine, ``--runs`` times after one warm-up run:
   ours = ``documents.search.search_notices`` exactly as the view calls it (count, facets, first
   page with highlighted passages); baseline = ``icontains`` over title and body (count + first
   page), as a naive Django app does; reference = tantivy (count + top 20).
5. Writes var/bench/search.json and prints a table.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH_DATABASE = "gazette_bench_search"
PROTECTED = {"gazette", "test_gazette", "postgres", "template0", "template1"}
ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "var" / "bench" / "search.json"
LOAD_TIMES = ROOT / "var" / "bench" / "search-load.json"  # of the database kept by --keep
NOTICES_PER_ISSUE = 50
FIRST_YEAR = 2000


@dataclass
class Query:
    q: str
    kind: str  # the class
    filters: dict[str, str] = field(default_factory=dict)
    hits: dict[str, int] = field(default_factory=dict)
    times: dict[str, list[float]] = field(default_factory=dict)


# --- Database ---------------------------------------------------------------------------------


def create_database() -> str:
    """Create the benchmark database afresh on the embedded server; return its URL."""
    import psycopg
    from psycopg import sql

    from gazette_site.embedded_db import ensure_server

    assert BENCH_DATABASE not in PROTECTED
    server = ensure_server()
    with psycopg.connect(server.url("postgres"), autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(BENCH_DATABASE)
            )
        )
        conn.execute(
            sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(
                sql.Identifier(BENCH_DATABASE)
            )
        )
    return server.url(BENCH_DATABASE)


def drop_database() -> None:
    import psycopg
    from django.db import connections
    from psycopg import sql

    from gazette_site.embedded_db import ensure_server

    connections.close_all()
    with psycopg.connect(ensure_server().url("postgres"), autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(BENCH_DATABASE)
            )
        )


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


def issue_year(docs: int, n: int) -> int:
    """The year of the n-th issue of a corpus of `docs` notices."""
    per_year = math.ceil(math.ceil(docs / NOTICES_PER_ISSUE) / 25)
    return FIRST_YEAR + n // per_year


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


def load(docs: int, corpus, batch: int = 1000) -> dict[str, float]:
    """Bulk-create issues, notices, projects and tasks, indexing each batch as the app does."""
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
        year, number = issue_year(docs, n), n % per_year + 1
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


class Tantivy:
    """The reference engine, holding the same published notices with the same tokens."""

    def __init__(self, directory: str):
        import tantivy

        # tantivy's stubs lag its API (SearchResult.count, phrase terms): used untyped here.
        self.t: Any = tantivy
        builder = tantivy.SchemaBuilder()
        for name in ("title_uni", "title_bi", "all_uni", "all_bi"):
            builder.add_text_field(name, tokenizer_name="ws")
        builder.add_text_field("agency", tokenizer_name="raw")
        builder.add_integer_field("year", indexed=True, fast=True)
        builder.add_integer_field("id", stored=True, fast=True)
        self.schema = builder.build()
        self.index = tantivy.Index(self.schema, path=directory)
        self.index.register_tokenizer(
            "ws", tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()
        )

    def build(self) -> float:
        from documents.models import PublicationStatus, SearchEntry

        started = time.perf_counter()
        writer = self.index.writer(heap_size=500_000_000, num_threads=2)
        rows = (
            SearchEntry.objects.filter(issue__status=PublicationStatus.PUBLISHED)
            .values_list("notice_id", "year", "agency_code", "title_text", "search_text")
            .iterator(chunk_size=2000)
        )
        total = SearchEntry.objects.filter(issue__status=PublicationStatus.PUBLISHED).count()
        for done, (pk, year, agency, title, text) in enumerate(rows, 1):
            title_uni, title_bi = streams(title)
            all_uni, all_bi = streams(text)
            writer.add_document(
                self.t.Document(
                    id=pk,
                    year=year,
                    agency=agency,
                    title_uni=title_uni,
                    title_bi=title_bi,
                    all_uni=all_uni,
                    all_bi=all_bi,
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
        Q, Occur = self.t.Query, self.t.Occur
        clauses = []
        for term in parsed.terms:
            occur = Occur.MustNot if term.negated else Occur.Must
            clauses.append((occur, self._term("all", term)))
            if not term.negated:
                clauses.append((Occur.Should, Q.boost_query(self._term("title", term), 2.0)))
        if "year" in filters:
            clauses.append((Occur.Must, Q.term_query(self.schema, "year", int(filters["year"]))))
        if "agency" in filters:
            clauses.append((Occur.Must, Q.term_query(self.schema, "agency", filters["agency"])))
        return Q.boolean_query(clauses)

    def search(self, query) -> int:
        result = self.searcher.search(query, 20, count=True)
        [self.searcher.doc(address)["id"] for _, address in result.hits]
        return result.count


# --- Engines ----------------------------------------------------------------------------------


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
        return engine.search(engine.query(parse_query(text), query.filters))

    return run


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


def report(queries: list[Query], docs: int, load_times: dict[str, float]) -> dict:
    engines = {"ours": "ours_ms", "baseline": "baseline_ms", "reference": "reference_ms"}

    def stats(values: list[float]) -> dict[str, float]:
        return {"p50": round(statistics.median(values), 2), "p95": round(percentile(values, 95), 2)}

    rows = [
        {
            "q": q.q + "".join(f" [{k}={v}]" for k, v in q.filters.items()),
            "class": q.kind,
            "hits": q.hits["ours"],
            "hits_by_engine": q.hits,
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
    return {
        "docs": docs,
        "queries": rows,
        "summary": {
            "ours_p95_ms": round(percentile(everything["ours"], 95), 2),
            "baseline_icontains_p95_ms": round(percentile(everything["baseline"], 95), 2),
            "reference_tantivy_p95_ms": round(percentile(everything["reference"], 95), 2),
        },
        "classes": classes,
        "load": {key: round(value, 1) for key, value in load_times.items()},
    }


def print_table(result: dict) -> None:
    print(f"\nSearch benchmark, {result['docs']} notices (times in ms, p50 / p95)\n")
    header = (
        f"{'class':14} {'query':28} {'hits':>7}  {'ours':>15}  {'icontains':>17}  {'tantivy':>13}"
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
        f"{s['reference_tantivy_p95_ms']} ms"
    )
    load = result["load"]
    print(
        f"load: {load['total_s']} s (rows {load['rows_s']} s, our index {load['index_s']} s, "
        f"analyze {load['analyze_s']} s); tantivy index {load['tantivy_s']} s"
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
        with tempfile.TemporaryDirectory(prefix="bench-tantivy-") as directory:
            engine = Tantivy(directory)
            load_times["tantivy_s"] = engine.build()
            queries = choose_queries(corpus)
            measure(
                queries,
                {"ours": ours, "baseline": baseline, "reference": reference(engine)},
                {"ours": args.runs, "baseline": args.baseline_runs, "reference": args.runs},
            )
        result = report(queries, args.docs, load_times)
        OUTPUT.parent.mkdir(parents=True, exist_ok=True)
        OUTPUT.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
        print_table(result)
        print(f"\nwritten: {OUTPUT.relative_to(ROOT)}")
    finally:
        if not keep:
            drop_database()
    return 0


if __name__ == "__main__":
    sys.exit(main())
