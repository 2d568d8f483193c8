"""The data dictionary (/data/): every field of every resource of the API, in Chinese and in
English, as the schema states them (the scheme: opendata.dictionary)."""

from __future__ import annotations

import re

import pytest
from django.utils.html import escape

from opendata.dictionary import RESOURCES, resource_components, resources, schema

CHINESE = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")


def untranslated(components: dict) -> list[str]:
    """Each resource missing from RESOURCES, and each field of a resource that lacks its
    Chinese name (`title`) or its English meaning (`x-en`)."""
    listed = [key for key, _, _ in RESOURCES]
    problems = [f"{key}: not in RESOURCES" for key in resource_components(components)]
    problems = [p for p in problems if p.split(":")[0] not in listed]
    for key in listed:
        for name, spec in components[key]["properties"].items():
            if not CHINESE.search(spec.get("title", "")):
                problems.append(f"{key}.{name}: no Chinese name")
            if not ENGLISH_WORD.search(spec.get("x-en", "")):
                problems.append(f"{key}.{name}: no English meaning")
    return problems


def test_every_field_of_every_resource_has_its_meaning_in_chinese_and_english():
    components = schema()["components"]["schemas"]
    assert {key for key, _, _ in RESOURCES} <= components.keys()
    problems = untranslated(components)
    assert not problems, "\n".join(problems)


def test_a_field_without_its_english_or_chinese_is_reported(monkeypatch):
    from rest_framework.fields import CharField

    from api.serializers import AttachmentSerializer, ProblemSerializer

    english = {k: v for k, v in AttachmentSerializer.english.items() if k != "label"}
    monkeypatch.setattr(AttachmentSerializer, "english", english)
    monkeypatch.setitem(ProblemSerializer._declared_fields, "detail", CharField())
    assert untranslated(schema()["components"]["schemas"]) == [
        "Attachment.label: no English meaning",
        "Problem.detail: no Chinese name",
    ]


@pytest.mark.django_db
def test_the_page_shows_every_field_in_both_languages(client):
    page = client.get("/data/").content.decode()
    shown = resources()
    assert [r.key for r in shown] == [key for key, _, _ in RESOURCES]
    for resource in shown:
        assert f'id="dict-{resource.key}"' in page and resource.name_en in page
        for field in resource.fields:
            assert f"<td><code>{field.name}</code></td>" in page, (resource.key, field.name)
            assert escape(field.name_zh) in page, (resource.key, field.name)
            assert f'<td lang="en">{escape(field.meaning_en)}</td>' in page
    notice = next(r for r in shown if r.key == "Notice")
    doc_number = next(f for f in notice.fields if f.name == "doc_number")
    assert doc_number.name_zh == "发文字号" and "Document number" in doc_number.meaning_en
    kind = next(f for f in notice.fields if f.name == "kind")
    assert kind.type.startswith("enum: ") and "通知" in kind.type
    assert kind.description_zh and "* `" not in kind.description_zh  # the values: in the type


@pytest.mark.django_db
def test_every_key_of_the_downloads_is_described_as_the_api_field_it_repeats(client):
    """The bulk files' keys are those the dictionary lists (a record is checked key by key),
    each with the meaning of the API field it repeats, in both languages."""
    from documents.models import Notice
    from documents.tests.factories import (
        NoticeFactory,
        make_attachment,
        make_citation,
        make_table,
    )
    from opendata.dictionary import bulk_fields
    from opendata.exports import CSV_COLUMNS, NESTED_KEYS, RECORD_KEYS, _record

    notice = NoticeFactory.create(published=True)
    make_citation(notice=notice, doc_number="咸政发〔2020〕1号", cited_title="被引用的文件")
    make_table(notice=notice, attachment=make_attachment(notice=notice))
    record = _record(Notice.objects.get(pk=notice.pk), "https://example.gov.cn")
    assert tuple(record) == RECORD_KEYS
    for key, keys in NESTED_KEYS.items():
        assert record[key] and all(tuple(item) == keys for item in record[key]), key
    fields = {field.name: field for field in bulk_fields()}
    assert tuple(fields) == RECORD_KEYS and set(CSV_COLUMNS) <= fields.keys()
    for field in fields.values():
        assert CHINESE.search(field.name_zh) and ENGLISH_WORD.search(field.meaning_en), field
    assert fields["citations"].type == "array<Citation: kind, doc_number, cited_title>"
    issue_year = schema()["components"]["schemas"]["IssueList"]["properties"]["year"]
    assert fields["issue_year"].meaning_en == issue_year["x-en"]  # the issue's own field
    page = client.get("/data/").content.decode()
    for name, field in fields.items():
        assert f"<td><code>{name}</code></td>" in page
        assert f'<td lang="en">{escape(field.meaning_en)}</td>' in page
