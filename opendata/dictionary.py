"""The data dictionary: every field of every API resource, read from the OpenAPI schema that
drf-spectacular generates from the serializers — so the page and the API cannot drift."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from drf_spectacular.generators import SchemaGenerator

# The resources in the order the page shows them, with their names in both languages.
RESOURCES = [
    ("IssueList", "刊期", "Issue"),
    ("Issue", "一期公报（含目录）", "Issue with contents"),
    ("NoticeSummary", "文件（列表）", "Notice (list)"),
    ("Notice", "文件（全文）", "Notice (full)"),
    ("Unit", "单位", "Unit"),
    ("Project", "项目", "Project"),
    ("Task", "事项", "Task"),
    ("Group", "领导小组", "Leading group"),
]


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    description: str
    nullable: bool


@dataclass(frozen=True)
class Resource:
    key: str
    name_zh: str
    name_en: str
    fields: tuple[Field, ...]


def _type(spec: dict, components: dict) -> str:
    if "$ref" in spec:
        return spec["$ref"].rsplit("/", 1)[-1]
    if "allOf" in spec:
        return " / ".join(_type(part, components) for part in spec["allOf"])
    if "oneOf" in spec:
        return " | ".join(_type(part, components) for part in spec["oneOf"])
    kind = spec.get("type", "object")
    if kind == "array":
        return f"array<{_type(spec.get('items', {}), components)}>"
    if "enum" in spec:
        return "enum: " + ", ".join(str(v) for v in spec["enum"] if v not in ("", None))
    return kind + (f" ({spec['format']})" if "format" in spec else "")


@functools.cache
def resources() -> tuple[Resource, ...]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    found = []
    for key, name_zh, name_en in RESOURCES:
        spec = components.get(key)
        if spec is None:
            continue
        fields = tuple(
            Field(
                name=name,
                type=_type(prop, components),
                description=prop.get("description") or prop.get("title") or "",
                nullable=bool(prop.get("nullable")),
            )
            for name, prop in spec.get("properties", {}).items()
        )
        found.append(Resource(key, name_zh, name_en, fields))
    return tuple(found)
