"""The sample issue (2022年第5号, 总第70号) as `make demo` loads it: imported and published."""

import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.db import transaction

from documents.models import Issue
from documents.services import issue_import

SAMPLE = Path(__file__).resolve().parents[1] / "demo" / "xianning-2022-05.txt"
# A small issue of three notices (2023年第1号; 城市绿化管理办法 among them), and another issue made
# from it (第2号, 总第72号, other numbers) for a second publication within a test.
MINIMAL = (
    Path(__file__).resolve().parent / "importer" / "fixtures" / "minimal-issue.txt"
).read_bytes()
MINIMAL_SECOND = (
    MINIMAL.replace("第 1 号".encode(), "第 2 号".encode())
    .replace("总第 71 号".encode(), "总第 72 号".encode())
    .replace(b"[2023]3", b"[2023]93")
    .replace("〔2023〕2".encode(), "〔2023〕92".encode())
)

# Figures printed in the sample issue, which the pages must reproduce.
PROJECT_COUNT = 36
PROJECT_TOTAL = "619.53"
PLAN_NUMBER = "咸政办发〔2022〕29号"  # 十大行动方案: projects, tasks, a headquarters with subgroups
MEASURES_NUMBER = "咸政办发〔2022〕31号"  # 实施办法: chapters and articles
HOUSING_NUMBER = "咸政办函〔2022〕25号"  # 保障性租赁住房: a group, tables, attachments 3.1 and 3.2


def load_sample_issue() -> Issue:
    """Import and publish the sample issue. The seeded units are put back first: transactional
    (browser) tests flush the database afterwards, data migrations included, and without them
    the importer would create every unit anew under the name it is printed as."""
    importlib.import_module("documents.migrations.0003_seed_units").seed(apps, None)
    issue = issue_import(data=SAMPLE.read_bytes(), publish=True).issue
    assert issue is not None
    return issue


@pytest.fixture(scope="module", name="sample")
def sample_for_the_module(django_db_setup, django_db_blocker):
    """The sample issue, imported once for a whole module (about 2 s and 1,800 queries each
    time), as Django's TestCase.setUpTestData does: inside a transaction that stays open for
    the module and is rolled back after it, so each test's own transaction is a savepoint
    within it and a test's changes go with that test. Import it into a module whose every
    test may see the sample (it is there from the first test that asks for it on); tests that
    need an empty database, or transactions of their own (the browser tests), live elsewhere."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield load_sample_issue()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
