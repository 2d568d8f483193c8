"""The data dictionary: every field of every API resource in Chinese and English, read from the
OpenAPI schema that drf-spectacular generates from the serializers — so the page and the API
cannot drift.

One scheme for every property of every resource (api.schema writes it, this module reads it):

- ``title`` — the field's name in Chinese (its label: for a model field, the verbose_name
  the admin shows);
- ``description`` — more about it in Chinese, where there is more to say (its help text; for
  a choice, the list of values drf-spectacular appends is left to the type column);
- ``x-en`` — its meaning in English (the ``english`` mapping of its serializer).

opendata/tests/test_dictionary.py fails when a field lacks either language, and when a
resource of the schema is missing from RESOURCES below (which names each in both)."""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass

from drf_spectacular.generators import SchemaGenerator

# The resources in the order the page shows them, with their names in both languages: those
# the API lists first, then those nested in them, then the search's and the errors'.
RESOURCES = [
    ("IssueList", "刊期", "Issue"),
    ("Issue", "一期公报（含目录）", "Issue with contents"),
    ("NoticeSummary", "文件（列表）", "Notice (list)"),
    ("Notice", "文件（全文）", "Notice (full)"),
    ("Unit", "单位", "Unit"),
    ("Project", "项目", "Project"),
    ("Task", "事项", "Task"),
    ("Group", "领导小组", "Leading group"),
    ("IssueRef", "所在刊期", "Issue (reference)"),
    ("TocEntry", "目录条目", "Table of contents entry"),
    ("OutlineEntry", "正文结构条目", "Outline entry"),
    ("Attachment", "附件", "Attachment"),
    ("Table", "表格", "Table"),
    ("Citation", "引用", "Citation"),
    ("Correction", "更正", "Correction"),
    ("UnitRole", "单位及其角色", "Unit and its role"),
    ("Membership", "领导小组成员", "Member of a leading group"),
    ("SearchResult", "检索结果", "Search result"),
    ("SearchHit", "检索命中的文件", "Search hit"),
    ("SearchIssue", "命中文件所在刊期", "Issue of a search hit"),
    ("SearchFacet", "分面", "Facet"),
    ("SearchBucket", "分面取值", "Facet value"),
    ("Problem", "错误说明", "Problem (error)"),
]
# Components that are not resources: the pagination envelopes (count, next, previous, results).
ENVELOPE = re.compile(r"^Paginated\w+List$")
# The list of values drf-spectacular appends to a choice's description ("\n\n* `a` - 甲").
_CHOICES = re.compile(r"\n*(?:^\* `.*` - .*$\n?)+\Z", re.MULTILINE)


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    name_zh: str  # its name in Chinese
    description_zh: str  # more about it in Chinese ("" when its name says it all)
    meaning_en: str  # its meaning in English
    nullable: bool


@dataclass(frozen=True)
class Resource:
    key: str
    name_zh: str
    name_en: str
    fields: tuple[Field, ...]


def _type(spec: dict, components: dict) -> str:
    if "$ref" in spec:
        name = spec["$ref"].rsplit("/", 1)[-1]
        target = components.get(name, {})
        return _type(target, components) if "enum" in target else name
    for combinator, joiner in (("allOf", " / "), ("oneOf", " | "), ("anyOf", " | ")):
        if combinator in spec:
            parts = [_type(part, components) for part in spec[combinator]]
            parts = [p for p in parts if p not in ("enum:", "string (blank)")]
            return joiner.join(dict.fromkeys(parts))
    kind = spec.get("type", "any")
    if kind == "array":
        return f"array<{_type(spec.get('items', {}), components)}>"
    if "enum" in spec:
        return ("enum: " + ", ".join(str(v) for v in spec["enum"] if v not in ("", None))).strip()
    if kind == "string" and spec.get("maxLength") == 0:
        return "string (blank)"
    if kind == "object" and isinstance(spec.get("additionalProperties"), dict):
        return f"object<string, {_type(spec['additionalProperties'], components)}>"
    return kind + (f" ({spec['format']})" if "format" in spec else "")


def _nullable(spec: dict) -> bool:
    return bool(spec.get("nullable")) or any(
        part.get("type") == "null" or part.get("nullable")
        for part in spec.get("oneOf", [])
        if isinstance(part, dict)
    )


def _field(name: str, spec: dict, components: dict) -> Field:
    return Field(
        name=name,
        type=_type(spec, components),
        name_zh=spec.get("title", ""),
        description_zh=_CHOICES.sub("", spec.get("description", "")).strip(),
        meaning_en=spec.get("x-en", ""),
        nullable=_nullable(spec),
    )


def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def resource_components(components: dict) -> list[str]:
    """The schema's resources: its object components, less the pagination envelopes."""
    return [
        name
        for name, spec in components.items()
        if "properties" in spec and not ENVELOPE.match(name)
    ]


@functools.cache
def resources() -> tuple[Resource, ...]:
    components = schema()["components"]["schemas"]
    found = []
    for key, name_zh, name_en in RESOURCES:
        spec = components.get(key)
        if spec is None:
            continue
        fields = tuple(
            _field(name, prop, components) for name, prop in spec.get("properties", {}).items()
        )
        found.append(Resource(key, name_zh, name_en, fields))
    return tuple(found)


# Where a bulk record's key is described: a notice's field, or (with an ``issue_`` prefix) the
# issue's.
_BULK_SOURCES = {"issue_": "IssueList"}


@functools.cache
def bulk_fields() -> tuple[Field, ...]:
    """Every key of the bulk downloads' records (JSON Lines; the CSV has the flat ones),
    described by the API field it repeats: one dictionary, read from one schema. The lists'
    records are typed by the keys they hold (a subset of the API's). A key no field describes
    raises, so the page cannot list a column without a meaning."""
    from opendata.exports import NESTED_KEYS, RECORD_KEYS

    components = schema()["components"]["schemas"]
    fields = []
    for key in RECORD_KEYS:
        component, name = "Notice", key
        for prefix, source in _BULK_SOURCES.items():
            if key.startswith(prefix):
                component, name = source, key.removeprefix(prefix)
        spec = components[component]["properties"].get(name)
        if spec is None:
            raise LookupError(f"no API field describes the bulk key {key!r}")
        field = dataclasses.replace(_field(name, spec, components), name=key)
        if key in NESTED_KEYS:
            item = spec["items"]["$ref"].rsplit("/", 1)[-1]
            missing = set(NESTED_KEYS[key]) - components[item]["properties"].keys()
            if missing:
                raise LookupError(f"no API field of {item} describes {sorted(missing)}")
            field = dataclasses.replace(field, type=f"array<{item}: {', '.join(NESTED_KEYS[key])}>")
        fields.append(field)
    return tuple(fields)
