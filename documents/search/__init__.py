"""Search over published notices: the one package that knows how Chinese text is tokenised.

Chinese has no spaces, so PostgreSQL's parsers cannot cut it into words. This package does it in
Python, once, for both sides:

* **Normalisation** (``normalize``): NFKC (full-width letters, digits and punctuation become
  ASCII), lower case, control characters dropped, and layout spaces between two Chinese
  characters removed (``李 丽`` is 李丽, ``措 施`` is 措施). Every other run of spaces is one space.
* **Lexemes** (``lexemes``): each run of Chinese characters gives its characters (so one-character
  queries work) and its overlapping character pairs (bigrams, as Lucene's CJK analyser); each run
  of other letters or digits is one word (``150mw``, ``2022``), so ``8`` never matches ``28``.

The index (``SearchEntry``, one row per notice) stores the notice's lexemes as a position-less
``tsvector`` under a GIN index, its normalised text (``search_text``, fields separated by line
breaks, letter/digit words wrapped in ``WORD_MARK`` so that a substring test respects word
edges), the normalised title and headings for ranking, the original text for passages, and
the facet columns (the year, agency code and issuer also as lexemes, ``FACET_MARKS``, so a
filtered page is one GIN intersection). A query term is answered in two steps:

1. **Candidates from the GIN index**: every lexeme of every term must be present. For terms of
   one or two Chinese characters or one word this is already exact, and PostgreSQL answers it
   from the index without reading the stored vectors.
2. **Verification** of longer terms: ``strpos(search_text, term) > 0``, exact substring
   semantics that, unlike a ``<->`` phrase over bigram positions, is blind to tsvector's limits
   (positions stop at 16,383, 256 per lexeme) and cannot match across fields or punctuation.
   Verification reads each candidate's text, so it runs on at most ``VERIFIED_EXACT_LIMIT``
   candidates (``EXACT_LIMIT`` when nothing needs verifying); past that, counts are estimated
   from a sample (each row is in one of 1,024 hash groups, a lexeme too, ``SAMPLE_LEVELS``)
   and shown as approximate (“约”), and the result page comes from the impact tiers (see
   Ranking) or, by date, from candidates verified in date order until it is full
   (``sql.page_ids``). Below it, the page comes from the same scan as the counts, so each
   candidate is verified once. Verification tests the short title and heading columns
   before the long text.

A notice whose lexemes would pass tsvector's 1 MB limit is stored with an empty vector and
``overflow`` set; it is matched by verifying every term against its text (a partial index
keeps those rare rows one index probe away).

Ranking (``ranking.py``): a BM25F score over the verified matches, from each term's occurrences
in the title with the document number (weight 5), the headings (attachment and table titles,
the projects, leading groups and units it lists: 2) and the rest of the text (1, normalised by
its length), with an idf per term; higher first, then newer first. A small result is scored
whole. A large one is not: each lexeme a notice holds often or in its title or headings is also
stored with its **impact tier** (``+<tier><lexeme>``, twice the log2 of its weighted count),
and the page's rows are fetched from the highest tiers down, scored exactly, until the last row
of the page scores above what any row left could (a bound from the formula; below the lowest
tier the score falls with the length alone, so those rows come shortest first): the same page
as scoring every match, without reading every match's text.
``sort=date`` orders by date alone.

Facets (year, issuer, agency code, validity, has projects / tasks) are counted in one
grouping-sets query, each facet with every *other* filter applied. Passages are cut from the
original text and highlighted in Python.

Writes: ``index_notices(ids)`` (called by the importer's loader and the admin, inside their
transaction) and ``rebuild_index()`` (the ``rebuild_search_index`` command).
"""

from documents.search.engine import Hit, ResultPage, SearchResult, search_notices
from documents.search.filters import Bucket, Facet, SearchFilters
from documents.search.indexing import (
    facet_lexemes,
    index_notices,
    notice_document,
    notice_ids_of,
    rebuild_index,
)
from documents.search.passages import highlight, passage
from documents.search.sql import PAGE_SIZE
from documents.search.tokens import (
    MAX_QUERY_LENGTH,
    ParsedQuery,
    Term,
    clean_query,
    lexemes,
    normalize,
    parse_query,
)

__all__ = [
    "MAX_QUERY_LENGTH",
    "PAGE_SIZE",
    "Bucket",
    "Facet",
    "Hit",
    "ParsedQuery",
    "ResultPage",
    "SearchFilters",
    "SearchResult",
    "Term",
    "clean_query",
    "facet_lexemes",
    "highlight",
    "index_notices",
    "lexemes",
    "normalize",
    "notice_document",
    "notice_ids_of",
    "parse_query",
    "passage",
    "rebuild_index",
    "search_notices",
]
