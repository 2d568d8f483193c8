"""How good the ranking is: MRR and nDCG@5 over the judged query set (``judged.toml``).

The judged set holds queries a person would type, each with the notice(s) that person means,
judged by reading the sample issue and the generated notices of ``bench/corpus.py`` (never by
copying what a search returned). A notice is named by its document number, or by its title
when it has none. Grades: **2**, the notice meant (``meant``); **1**, also relevant (``also``);
every other notice counts 0. The ``[corpus]`` table says which notices the set is judged on:
the sample issue and the first ``generated`` notices of ``Corpus(seed)``, loaded as
``bench.search.load`` loads them, dated from ``first_year`` (after the sample issue).
``documents/tests/test_search_relevance.py`` and ``python -m bench.search`` build that corpus
and call ``evaluate``.

Each query goes through ``search_notices`` exactly as the search view calls it (the query
string parsed by ``SearchFilters.from_params``, ``sort`` and ``page`` from it). What the page
lists, in order, is the ranking judged: the notice a document number redirects to; for a
number the portal does not hold, the notices citing or repealing it; else the hits, read page
after page up to ``DEPTH`` of them.

Definitions (the standard ones, with graded judgements):

* **rank** of a notice: its 1-based position in that list; none if not among the first DEPTH.
* **reciprocal rank** RR(q) = 1 / the rank of the first notice graded 2, or 0 if none is listed.
  **MRR** is the mean of RR over the queries.
* **DCG@5** = Σ_{i=1..5} (2^g_i − 1) / log2(i + 1), where g_i is the grade of the i-th notice
  listed. **nDCG@5** = DCG@5 / IDCG@5, IDCG@5 being the DCG@5 of the judged notices listed in
  the best order (grades descending); it is 1 when the best five come first. The reported
  nDCG@5 is its mean over the queries.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.http import QueryDict

from documents.docnumbers import DocNumberError, parse_doc_number
from documents.models import Notice
from documents.search.engine import SearchResult, search_notices
from documents.search.filters import SearchFilters

JUDGED_SET = Path(__file__).with_name("judged.toml")
DEPTH = 100  # results read per query (five pages of 20)
CUTOFF = 5  # nDCG@5
MEANT, ALSO = 2, 1

# --- The judged set ---------------------------------------------------------------------------


@dataclass(frozen=True)
class JudgedQuery:
    q: str
    kind: str  # the class of query (topic word, project name, unit, …), for the report
    grades: dict[str, int]  # notice key (canonical document number or title) → grade
    filters: dict[str, str] = field(default_factory=dict)  # query-string filters
    note: str = ""

    @property
    def label(self) -> str:
        return self.q + "".join(f" [{k}={v}]" for k, v in self.filters.items())


@dataclass(frozen=True)
class JudgedSet:
    queries: list[JudgedQuery]
    generated: int  # notices of bench/corpus.py in the judged corpus, besides the sample issue
    seed: int
    first_year: int  # the year of their first issue


def notice_key(notice: Notice) -> str:
    """How the judged set names a notice: its canonical document number, else its title."""
    return notice.doc_number or notice.title


def _key(name: str) -> str:
    try:
        return parse_doc_number(name).canonical
    except DocNumberError:
        return name.strip()


def load_judged(path: Path = JUDGED_SET) -> JudgedSet:
    """The judged set in `path`; ValueError for an entry without a notice graded 2."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    queries = []
    for entry in data["queries"]:
        grades = {_key(name): ALSO for name in entry.get("also", [])}
        grades.update({_key(name): MEANT for name in entry["meant"]})
        if MEANT not in grades.values():
            raise ValueError(f"{path.name}: “{entry['q']}” names no notice it means")
        queries.append(
            JudgedQuery(
                q=entry["q"],
                kind=entry["kind"],
                grades=grades,
                filters={k: str(v) for k, v in entry.get("filters", {}).items()},
                note=entry.get("note", ""),
            )
        )
    corpus = data["corpus"]
    return JudgedSet(
        queries=queries,
        generated=int(corpus["generated"]),
        seed=int(corpus["seed"]),
        first_year=int(corpus["first_year"]),
    )


# --- Metrics ----------------------------------------------------------------------------------


def reciprocal_rank(listed: Sequence[str], grades: dict[str, int]) -> float:
    """1 / the rank of the first listed notice graded MEANT; 0 when none is listed."""
    for rank, key in enumerate(listed, 1):
        if grades.get(key, 0) >= MEANT:
            return 1 / rank
    return 0.0


def dcg(gains: Iterable[int], cutoff: int = CUTOFF) -> float:
    return sum((2**g - 1) / math.log2(i + 1) for i, g in enumerate(list(gains)[:cutoff], 1))


def ndcg(listed: Sequence[str], grades: dict[str, int], cutoff: int = CUTOFF) -> float:
    """nDCG@cutoff of the listed notices under `grades` (see the module docstring)."""
    ideal = dcg(sorted(grades.values(), reverse=True), cutoff)
    return dcg((grades.get(key, 0) for key in listed), cutoff) / ideal if ideal else 0.0


# --- Running the queries ----------------------------------------------------------------------


@dataclass
class Outcome:
    query: JudgedQuery
    listed: list[str]  # keys of the notices listed, in order (at most DEPTH)
    count: int  # how many notices the search said it found
    reciprocal_rank: float
    ndcg: float

    @property
    def ranks(self) -> dict[str, int | None]:
        """Each judged notice → its rank (None: not among the first DEPTH listed)."""
        position = {key: rank for rank, key in reversed(list(enumerate(self.listed, 1)))}
        return {key: position.get(key) for key in self.query.grades}

    @property
    def missed(self) -> bool:
        """Whether the notice meant is not listed first."""
        return self.reciprocal_rank < 1


@dataclass
class Evaluation:
    outcomes: list[Outcome]

    @property
    def mrr(self) -> float:
        return _mean(o.reciprocal_rank for o in self.outcomes)

    @property
    def ndcg(self) -> float:
        return _mean(o.ndcg for o in self.outcomes)

    def by_kind(self) -> dict[str, dict[str, float]]:
        kinds: dict[str, list[Outcome]] = {}
        for outcome in self.outcomes:
            kinds.setdefault(outcome.query.kind, []).append(outcome)
        return {
            kind: {
                "queries": len(members),
                "mrr": round(_mean(o.reciprocal_rank for o in members), 3),
                "ndcg5": round(_mean(o.ndcg for o in members), 3),
            }
            for kind, members in kinds.items()
        }

    def as_dict(self) -> dict[str, Any]:
        """The figures and every query's ranks, for a JSON report."""
        return {
            "queries": len(self.outcomes),
            "mrr": round(self.mrr, 4),
            "ndcg5": round(self.ndcg, 4),
            "by_kind": self.by_kind(),
            "per_query": [
                {
                    "q": o.query.label,
                    "kind": o.query.kind,
                    "found": o.count,
                    "rr": round(o.reciprocal_rank, 4),
                    "ndcg5": round(o.ndcg, 4),
                    "ranks": {
                        f"{key} ({o.query.grades[key]})": rank for key, rank in o.ranks.items()
                    },
                    "top5": o.listed[:CUTOFF],
                }
                for o in self.outcomes
            ],
        }

    def table(self) -> str:
        """A plain-text report: the figures, then each query the ranking misses."""
        lines = [
            f"judged queries: {len(self.outcomes)}, MRR {self.mrr:.3f}, nDCG@5 {self.ndcg:.3f}",
            *(
                f"  {kind:16} {f['queries']:>3} queries"
                f"  MRR {f['mrr']:.3f}  nDCG@5 {f['ndcg5']:.3f}"
                for kind, f in self.by_kind().items()
            ),
        ]
        misses = [o for o in self.outcomes if o.missed]
        lines.append(f"not first ({len(misses)}):" if misses else "every meant notice first")
        for o in misses:
            ranks = ", ".join(
                f"{key}={'—' if rank is None else rank}"
                for key, rank in o.ranks.items()
                if o.query.grades[key] == MEANT
            )
            lines.append(f"  {o.query.label:24} RR {o.reciprocal_rank:.2f}  {ranks}")
        return "\n".join(lines)


def _mean(values: Iterable[float]) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0


def listed_for(query: JudgedQuery, depth: int = DEPTH) -> tuple[list[str], int]:
    """(keys of the notices the search page lists for `query`, in order; the count shown)."""
    params = QueryDict(mutable=True)
    params.update({"q": query.q, **query.filters})
    listed: list[str] = []
    count = 0
    page = 1
    while len(listed) < depth:
        params["page"] = str(page)
        result: SearchResult = search_notices(
            params.get("q", ""),
            filters=SearchFilters.from_params(params),
            sort=params.get("sort", ""),
            page=params.get("page"),
        )
        if result.redirect_to is not None:
            return [notice_key(result.redirect_to)], 1
        if result.doc_number is not None:  # a number the portal does not hold
            shown = list(dict.fromkeys(map(notice_key, [*result.citing, *result.repealing])))
            return shown, len(shown)
        if result.page is None or result.page.number != page:
            break  # past the last page (the search showed the last one instead)
        count = result.count
        listed += [notice_key(hit.notice) for hit in result.page.hits]
        if not result.page.has_next:
            break
        page += 1
    return listed[:depth], count


def check_corpus(queries: Iterable[JudgedQuery]) -> None:
    """Raise ValueError naming every judged notice the database does not hold as published:
    the judged set no longer matches its corpus (the generator or the sample changed)."""
    wanted = {key for q in queries for key in q.grades}
    published = Notice.objects.published()
    held = set(published.filter(doc_number__in=wanted).values_list("doc_number", flat=True))
    held |= set(published.filter(title__in=wanted - held).values_list("title", flat=True))
    if missing := sorted(wanted - held):
        raise ValueError(f"judged notices not in the corpus: {'、'.join(missing)}")


def evaluate(queries: Sequence[JudgedQuery] | None = None, *, depth: int = DEPTH) -> Evaluation:
    """Run every judged query (default: the whole judged set) and score what is listed."""
    queries = load_judged().queries if queries is None else queries
    check_corpus(queries)
    outcomes = []
    for query in queries:
        listed, count = listed_for(query, depth)
        outcomes.append(
            Outcome(
                query=query,
                listed=listed,
                count=count,
                reciprocal_rank=reciprocal_rank(listed, query.grades),
                ndcg=ndcg(listed, query.grades),
            )
        )
    return Evaluation(outcomes)
