"""The API against its own OpenAPI schema: the schema is valid OpenAPI 3, and schemathesis,
driving every operation on the live server with generated requests (valid and invalid ones),
finds no server error, no response the schema does not describe and no draft content.

The generation is bounded (EXAMPLES a mode and operation) and derandomised, so a run is
reproducible and takes seconds; the whole module stays well under half a minute."""

from __future__ import annotations

import json

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import positive_data_acceptance

from documents.models import Issue, LeadingGroup, Notice, Unit
from documents.services import issue_import
from documents.tests.sample import MINIMAL, SAMPLE, load_sample_issue
from projects.models import Project, Task

# Generated requests per operation: in valid (positive) and in invalid (negative) mode.
EXAMPLES = {schemathesis.GenerationMode.POSITIVE: 8, schemathesis.GenerationMode.NEGATIVE: 5}


def test_the_schema_is_valid_openapi(client):
    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    validate(schema)  # raises OpenAPIValidationError on the first violation


class DraftLeak(AssertionError):
    """A response holds what only the draft has."""


def _markers(draft: Issue) -> set[str]:
    """What only the draft holds: its notices' titles and numbers, its projects' names."""
    notices = Notice.objects.filter(issue=draft)
    found = {n.title for n in notices} | {n.doc_number for n in notices if n.doc_number}
    found |= set(Project.objects.filter(notice__issue=draft).values_list("name", flat=True))
    return found


@pytest.mark.django_db(transaction=True)  # the live server reads the data from its own thread
def test_schemathesis_finds_no_error_no_schema_violation_and_no_draft(live_server):
    load_sample_issue()
    draft = issue_import(data=MINIMAL).issue
    assert draft is not None and not draft.is_published
    markers = _markers(draft)
    sample_text = SAMPLE.read_text(encoding="utf-8")
    assert markers and not [m for m in markers if m in sample_text]  # the draft's alone
    # Path ids to try beside generated ones: every object, published or draft.
    models = {"issues": Issue, "notices": Notice, "projects": Project, "tasks": Task}
    models |= {"units": Unit, "groups": LeadingGroup}
    ids = {
        name: list(model._default_manager.values_list("pk", flat=True))
        for name, model in models.items()
    }
    # Titles are in the bodies as they are (not \u-escaped), so a draft's would be seen.
    listed = requests.get(f"{live_server.url}/api/v1/notices/?page_size=100", timeout=10).text
    assert all(n.title in listed for n in Notice.objects.published())

    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/schema/?format=json")
    results = list(schema.get_all_operations())
    operations = [result.ok() for result in results if isinstance(result, Ok)]
    assert len(operations) == len(results) >= 13  # every operation loaded

    failures = [
        failure
        for operation in operations
        for mode, examples in EXAMPLES.items()
        if (failure := _exercise(operation, mode, examples, ids, live_server.url, markers))
    ]
    assert not failures, "\n\n".join(failures)


def _exercise(operation, mode, examples: int, ids: dict, base_url: str, markers: set[str]):
    """Run `examples` generated requests of `operation` in `mode` against the live server, each
    checked by schemathesis's checks and for draft content; the failure, if any, in words.
    Valid requests of an object's operation ask for a known object half of the time (a
    generated id is almost never one), published or draft."""
    known = ids.get(operation.path.split("/")[3], [])
    positive = mode == schemathesis.GenerationMode.POSITIVE

    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        # Strategies built from a schema start slowly and filter what they generate: the
        # health checks for that would fail a bounded, derandomised run for no fault of the API.
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode), pick=st.sampled_from([None, *known]))
    def run(case, pick):
        if positive and pick is not None and "{id}" in operation.path:
            case.path_parameters = {"id": pick}
        response = case.call_and_validate(
            base_url=base_url, excluded_checks=[positive_data_acceptance]
        )
        leaked = sorted(m for m in markers if m in response.text)
        if leaked:
            raise DraftLeak(f"{case.method} {case.formatted_path}: draft content {leaked}")

    try:
        run()
    except (Exception, BaseExceptionGroup) as error:  # every operation runs; all are reported
        return f"{operation.label} ({mode.name}): {error}"
    return None


@pytest.mark.django_db
def test_a_search_hit_without_a_document_number_is_what_the_schema_says(client):
    """Every field a hit gives as null is nullable in the schema (a notice without a 发文字号
    came out as null where the schema promised a string)."""
    from documents.search import index_notices
    from documents.tests.factories import NoticeFactory

    notice = NoticeFactory.create(published=True, doc_number=None, title="无文号的测试公告")
    index_notices([notice.pk])
    body = client.get("/api/v1/search/", {"q": "无文号的测试公告"}).json()
    [hit] = body["results"]
    assert hit["doc_number"] is None
    schema = json.loads(client.get("/api/v1/schema/?format=json").content)
    properties = schema["components"]["schemas"]["SearchHit"]["properties"]
    for name, value in hit.items():
        if value is None:
            assert properties[name].get("nullable"), name
