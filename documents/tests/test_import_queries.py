"""Importing an issue costs a bounded number of SQL statements, whatever its size."""

import pytest

from documents.models import Notice
from documents.services import issue_import
from documents.tests.sample import SAMPLE
from projects.models import Project

pytestmark = pytest.mark.django_db


def test_a_new_issue_is_written_in_at_most_100_statements(django_assert_max_num_queries):
    """The sample issue (8 notices, 36 projects, 32 tasks, groups, tables: about 900 rows and
    as many history rows) was 1,838 statements, two per row."""
    data = SAMPLE.read_bytes()
    with django_assert_max_num_queries(100) as captured:
        outcome = issue_import(data=data)
    assert outcome.report["load"]["counts"]["notice"]["created"] == 8
    assert Notice.objects.count() == 8
    assert Project.objects.count() == 36
    assert Notice.history.count() == 8 and Project.history.count() == 36
    print(f"{len(captured)} statements")


def test_reimporting_an_unchanged_issue_reads_it_in_a_few_statements_and_writes_nothing(
    django_assert_max_num_queries,
):
    data = SAMPLE.read_bytes()
    issue_import(data=data)
    history = Notice.history.count() + Project.history.count()
    with django_assert_max_num_queries(30) as captured:
        outcome = issue_import(data=data)
    assert outcome.changed is False
    writes = [q["sql"] for q in captured if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert [w for w in writes if "SAVEPOINT" not in w.upper()] == []
    assert Notice.history.count() + Project.history.count() == history
    print(f"{len(captured)} statements")


def test_reimporting_a_corrected_issue_writes_only_what_differs(django_assert_max_num_queries):
    data = SAMPLE.read_bytes()
    issue_import(data=data)
    corrected = data.replace("请认真抓好贯彻落实".encode(), "请认真贯彻执行".encode(), 1)
    with django_assert_max_num_queries(60) as captured:
        outcome = issue_import(data=corrected)
    counts = outcome.report["load"]["counts"]
    assert counts["notice"].get("updated", 0) + counts["notice"].get("unchanged", 0) == 8
    assert sum(c.get("updated", 0) for c in counts.values()) >= 1
    assert sum(c.get("created", 0) + c.get("deleted", 0) for c in counts.values()) == 0
    print(f"{len(captured)} statements")
