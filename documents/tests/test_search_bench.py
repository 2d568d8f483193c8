"""The search benchmark's three engines agree on what they find (bench/search.py), so that its
timings compare the same work. Runs on a small corpus in the test database."""

import datetime

import pytest

from bench.search import Query, Tantivy, baseline, ours, reference
from documents.tests.test_search import published_notice

pytestmark = pytest.mark.django_db


@pytest.fixture
def engines(tmp_path):
    bodies = [
        "推进项目建设，加快发展。",
        "生态环境保护与绿色发展。",
        "加强资金管理，规范项目建设程序。",
        "其他工作安排。",
        "新建150MW风电项目。",
    ]
    for n in range(30):
        published_notice(
            title=["发展规划", "工作通知", "实施方案"][n % 3] + str(n),
            body=bodies[n % 5] + ("李丽同志任组长。" if n % 7 == 0 else ""),
            signed_on=datetime.date(2012 + n % 3, 1, 1 + n),
            year=2012 + n % 3,
        )
    engine = Tantivy(str(tmp_path))
    engine.build()
    return {"ours": ours, "baseline": baseline, "reference": reference(engine)}


@pytest.mark.parametrize(
    "q",
    ["发展", "项目建设", "“项目建设”", "发展 -工作", "资金 项目", "150mw", "李丽", "风"],
)
def test_the_engines_count_the_same_notices(engines, q):
    counts = {name: engine(Query(q, "test")) for name, engine in engines.items()}
    assert counts["ours"] > 0
    assert counts["ours"] == counts["reference"] == counts["baseline"], counts


def test_the_engines_agree_on_filters_and_document_numbers(engines):
    from documents.models import Notice

    number = Notice.objects.exclude(doc_number=None).values_list("doc_number", flat=True)[0]
    for query in [Query("发展", "test", {"year": "2013"}), Query(number, "test")]:
        counts = {name: engine(query) for name, engine in engines.items()}
        assert counts["ours"] > 0
        assert counts["ours"] == counts["reference"] == counts["baseline"], (query, counts)
