"""Ranking on the judged query set (bench/judged.toml): MRR and nDCG@5 over the
corpus the set is judged on, the sample issue and a few hundred generated notices.

The floors are the figures the ranking reached when they were set (rounded down); a change
that ranks worse fails here, one that ranks better should raise them."""

from __future__ import annotations

import math

import pytest

from bench.corpus import Corpus
from bench.relevance import (
    JudgedQuery,
    JudgedSet,
    check_corpus,
    evaluate,
    load_judged,
    ndcg,
    reciprocal_rank,
)
from bench.search import load
from documents.tests.sample import (
    sample_for_the_module,  # noqa: F401 (the `sample` fixture, imported once for the module)
)

pytestmark = pytest.mark.django_db

# Reached by the BM25F ranking (documents.search.ranking: 0.906 / 0.892 with project names
# among the headings, 0.872 / 0.858 without), rounded down; the ranking of issue 16's start
# (title or number 2, heading 1, then newer first) gave 0.62 / 0.62.
MRR_FLOOR = 0.90
NDCG_FLOOR = 0.89


@pytest.fixture(scope="module")
def judged(sample, django_db_blocker) -> JudgedSet:
    """The judged set, with its corpus loaded (inside the sample's module transaction)."""
    judged = load_judged()
    with django_db_blocker.unblock():
        load(
            judged.generated,
            Corpus(seed=judged.seed),
            first_year=judged.first_year,
            analyze=False,
        )
    return judged


def test_the_judged_set_names_notices_of_its_corpus(judged):
    assert len(judged.queries) >= 40
    check_corpus(judged.queries)  # raises, naming them, if a judged notice is missing


def test_the_ranking_reaches_the_floors_on_the_judged_set(judged, capsys):
    evaluation = evaluate(judged.queries)
    with capsys.disabled():
        print("\n" + evaluation.table())
    assert evaluation.mrr >= MRR_FLOOR, evaluation.table()
    assert evaluation.ndcg >= NDCG_FLOOR, evaluation.table()


# --- The metrics, by their definitions --------------------------------------------------------


def test_reciprocal_rank_is_one_over_the_rank_of_the_first_notice_meant():
    grades = {"a": 2, "b": 1}
    assert reciprocal_rank(["a", "x"], grades) == 1
    assert reciprocal_rank(["b", "x", "a"], grades) == pytest.approx(1 / 3)  # b is only also
    assert reciprocal_rank(["x", "b"], grades) == 0


def test_ndcg_at_5_discounts_gains_by_the_log_of_the_rank():
    grades = {"a": 2, "b": 1}
    assert ndcg(["a", "b", "x"], grades) == pytest.approx(1)
    ideal = 3 + 1 / math.log2(3)
    assert ndcg(["b", "a"], grades) == pytest.approx((1 + 3 / math.log2(3)) / ideal)
    assert ndcg(["x", "x", "x", "x", "x", "a"], grades) == 0  # past the fifth rank


def test_a_judged_notice_missing_from_the_corpus_is_named():
    stale = JudgedQuery(q="医保", kind="topic word", grades={"咸政办发〔1999〕1号": 2})
    with pytest.raises(ValueError, match="咸政办发〔1999〕1号"):
        check_corpus([stale])
