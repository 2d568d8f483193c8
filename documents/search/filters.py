"""Filters from the query string and the facets shown beside the results."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from typing import ClassVar
from urllib.parse import urlencode

from django.http import QueryDict

from documents.models import Validity
from documents.search.tokens import clean_query

# --- Filters and facets -----------------------------------------------------------------------

VALIDITY_ORDER = [Validity.IN_FORCE, Validity.EXPIRED, Validity.REPEALED]


@dataclass(frozen=True)
class SearchFilters:
    """Filters from the query string. Anything unparsable is dropped and noted, never raised."""

    # The query parameters from_params reads.
    PARAMETERS: ClassVar[tuple[str, ...]] = (
        "year",
        "issuer",
        "agency",
        "validity",
        "projects",
        "tasks",
        "from",
        "to",
    )

    year: int | None = None
    issuer: str = ""
    agency: str = ""
    validity: str = ""
    projects: bool = False
    tasks: bool = False
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    notes: tuple[str, ...] = ()
    params: QueryDict = field(default_factory=QueryDict, compare=False)

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> SearchFilters:
        notes: list[str] = []

        def text(name: str, limit: int) -> str:
            return clean_query(params.get(name) or "")[:limit]

        def date(name: str, label: str) -> datetime.date | None:
            value = text(name, 10)
            try:
                return datetime.date.fromisoformat(value) if value else None
            except ValueError:
                notes.append(
                    f"{label}“{value}”不是有效日期（应为 2022-08-30 这样的格式），已忽略。"
                )
                return None

        year = text("year", 4)
        validity = text("validity", 16)
        filters = cls(
            year=int(year) if year.isascii() and year.isdigit() else None,
            issuer=text("issuer", 100),
            agency=text("agency", 20),
            validity=validity if validity in Validity.values else "",
            projects=text("projects", 1) == "1",
            tasks=text("tasks", 1) == "1",
            date_from=date("from", "起始日期"),
            date_to=date("to", "截止日期"),
        )
        if not isinstance(params, QueryDict):
            query = QueryDict(mutable=True)
            query.update(params)
            params = query
        return replace(filters, notes=tuple(notes), params=params)

    def toggled(self, param: str, value: str, selected: bool) -> str:
        """The query string with `param` set to `value` (or removed, when `selected`), on
        page 1: what a facet link leads to. Encoded as ``QueryDict.urlencode`` would (the
        parameters in their order, `param` in its place), without copying the QueryDict (a
        deep copy: with the ``querystring`` tag's second one, a third of the page's render)."""
        pairs = []
        for key, values in self.params.lists():
            if key == param:
                pairs += [] if selected else [(key, value)]
            elif key != "page":
                pairs += [(key, v) for v in values]
        if not selected and param not in self.params:
            pairs.append((param, value))
        return urlencode(pairs)

    @property
    def active(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self) if f.name not in ("notes", "params"))


@dataclass
class Bucket:
    value: str
    label: str
    count: int
    selected: bool = False
    query: str = ""  # the query string its link leads to (without "?")
    approximate: bool = False  # its count is an estimate (shown as 约)


@dataclass
class Facet:
    param: str  # the query-string parameter this facet sets
    label: str
    buckets: list[Bucket]

    @property
    def approximate(self) -> bool:
        """Some of its counts are estimates."""
        return any(bucket.approximate for bucket in self.buckets)


def build_facets(
    counts: dict[str, dict],
    filters: SearchFilters,
    scale: float,
    exact: Mapping[str, dict],
    total: int | None,
) -> list[Facet]:
    """The facets from their counts in a sample of the rows (`scale`: its size against all
    of them; 1 when they were all counted), or, for those in `exact`, counted whole. A chosen
    value's count (the other filters applied) is that of the matches: `total`, when that was
    counted whole."""

    def buckets(name: str, label: Callable[[object], str], selected: object) -> list[Bucket]:
        sampled = scale != 1 and name not in exact
        found = [(v, n) for v, n in exact.get(name, counts[name]).items() if v not in (None, "")]
        made = [Bucket(str(v), label(v), round(n * (scale if sampled else 1))) for v, n in found]
        if sampled and total is not None and selected and selected not in dict(found):
            made.append(Bucket(str(selected), label(selected), total))  # none in the sample
        for bucket in made:
            bucket.selected, bucket.approximate = bucket.value == selected, sampled
            if bucket.selected and sampled and total is not None:
                bucket.count, bucket.approximate = total, False
        return [bucket for bucket in made if bucket.count]

    years = sorted(buckets("year", str, str(filters.year or "")), key=lambda b: -int(b.value))
    by_count = functools.partial(sorted, key=lambda b: (-b.count, b.value))
    validity = {str(v): i for i, v in enumerate(VALIDITY_ORDER)}
    labels = {str(value): str(label) for value, label in Validity.choices}
    facets = [
        Facet("year", "年份", years),
        Facet("issuer", "发文机关", by_count(buckets("issuer", str, filters.issuer))),
        Facet("agency", "机关代字", by_count(buckets("agency", str, filters.agency))),
        Facet(
            "validity",
            "效力",
            sorted(
                buckets("validity", lambda v: labels.get(str(v), str(v)), filters.validity),
                key=lambda b: validity.get(b.value, 9),
            ),
        ),
        Facet("projects", "含项目清单", _flag(buckets("projects", str, "true" * filters.projects))),
        Facet("tasks", "含任务清单", _flag(buckets("tasks", str, "true" * filters.tasks))),
    ]
    for facet in facets:
        for bucket in facet.buckets:
            bucket.query = filters.toggled(facet.param, bucket.value, bucket.selected)
    return [facet for facet in facets if facet.buckets]


def _flag(found: list[Bucket]) -> list[Bucket]:
    """The one bucket of a yes/no facet: the notices that have it."""
    return [
        Bucket("1", "是", bucket.count, bucket.selected, approximate=bucket.approximate)
        for bucket in found
        if bucket.value == "true"
    ]
