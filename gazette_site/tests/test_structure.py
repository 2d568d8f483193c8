"""The apps' structure: imports run one way (projects → documents), and documents works
without the extensions the settings name."""

import ast
import re
from pathlib import Path

import pytest
from django.urls import reverse

from documents.models import Notice, Unit
from documents.services import issue_import
from documents.tests.sample import PLAN_NUMBER, SAMPLE
from projects.models import Project

ROOT = Path(__file__).resolve().parents[2]
DETOUR = re.compile(r"_meta\.get_field\([^)]*\)\.related_model")


def _code_files(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if "tests" not in parts and "migrations" not in parts:
            yield path


def _imported_modules(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            modules.add(node.module)
    return modules


def test_documents_imports_nothing_from_projects():
    offenders = {
        str(path.relative_to(ROOT)): sorted(m for m in modules if m.split(".")[0] == "projects")
        for path in _code_files("documents")
        if (modules := _imported_modules(path))
    }
    assert {path: found for path, found in offenders.items() if found} == {}


def test_the_scan_sees_the_imports_projects_does_make():
    # The check above must be able to fail: projects' own modules import documents.
    found = set().union(*(_imported_modules(p) for p in _code_files("projects")))
    assert "documents.models" in found and "projects.models" in found


@pytest.mark.parametrize("app", ["documents", "projects", "gazette_site"])
def test_no_related_model_detours(app):
    detours = [
        str(path.relative_to(ROOT))
        for path in _code_files(app)
        if DETOUR.search(path.read_text(encoding="utf-8"))
    ]
    assert detours == []


@pytest.mark.django_db
def test_documents_without_extensions_imports_and_shows_the_issue(settings, client):
    """With no extension named, the sample imports with its notices and groups but no list
    rows, and the home, notice and unit pages render without a list section."""
    settings.GAZETTE_NOTICE_EXTENSIONS = []
    result = issue_import(data=SAMPLE.read_bytes(), publish=True)
    assert result.issue is not None
    plan = Notice.objects.get(doc_number=PLAN_NUMBER)
    assert plan.leading_groups.exists()
    assert not Project.objects.exists()
    assert "project" not in result.report["load"]["counts"]

    home = client.get(reverse("documents:home"))
    assert home.status_code == 200 and "个项目" not in home.content.decode()
    page = client.get(plan.get_absolute_url())
    assert page.status_code == 200
    assert 'id="项目-' not in page.content.decode()  # the list's table, with no project rows
    assert 'id="表-1-4"' in page.content.decode()
    unit = Unit.objects.public().filter(memberships__isnull=False).first()
    assert unit is not None
    unit_page = client.get(unit.get_absolute_url())
    assert unit_page.status_code == 200
    assert "个项目" not in unit_page.content.decode()
    assert "个领导小组席位" in unit_page.content.decode()


@pytest.mark.django_db
def test_the_extension_adds_the_lists(settings, client):
    """The same import with the settings' extension writes the plan's project list, and the
    notice page shows it (as the rows of the table it was printed in)."""
    result = issue_import(data=SAMPLE.read_bytes(), publish=True)
    assert result.report["load"]["counts"]["project"]["created"] == Project.objects.count() > 0
    plan = Notice.objects.get(doc_number=PLAN_NUMBER)
    assert 'id="项目-1-1"' in client.get(plan.get_absolute_url()).content.decode()
