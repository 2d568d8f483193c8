"""Search over published notices, from the search view to the SQL. Read in this order:

* ``tokens``: how text becomes lexemes. Chinese has no spaces, so each run of Chinese
  characters gives its characters and overlapping pairs (bigrams, as Lucene's CJK analyser);
  a run of other letters or digits is one word (``150mw``, ``2022``: ``8`` never matches
  ``28``). The same functions cut notices and queries, after the same normalisation (NFKC,
  lower case, layout spaces between Chinese characters dropped). ``parse_query`` splits a
  query into terms: spaces separate terms that must all match, quotes keep a phrase, ``-``
  excludes.
* ``engine.search_notices``: what the page shows. A document number redirects to its notice
  (or lists the notices citing it); anything else runs the statements of ``sql``, then
  reads the hits and cuts their highlighted passages (``passages``).
* ``sql``: the statements, on the index table ``SearchEntry`` (one row per notice: its
  lexemes in a GIN-indexed ``tsvector``, its normalised text, its facet columns). A term
  matches a row that has all the term's lexemes (from the GIN index) and, when the lexemes
  do not already say so (three Chinese characters and more), whose text contains the term
  (``strpos``): exact substring semantics. Counts are exact up to a few thousand candidates
  and else estimated from a sample (shown as 约, see ``sql.count``); facets come
  from the same statement, each counted with the other filters applied. ``statements``
  runs them: prepared, their values sent apart, so each shape of search is planned once.
* ``ranking``: the order, BM25F over title, headings and body, and the impact tiers that
  find a large result's best page without scoring every match.
* ``indexing``: writing the rows, in the writer's transaction (``index_notices``: the importer,
  the admin) or all again (``rebuild_index``). ``filters``: the query string's filters and
  the facets beside the results. ``suggest``: 您是不是要找, when nothing is found.
"""

from documents.search.engine import Hit, ResultPage, SearchResult, search_notices
from documents.search.filters import SearchFilters
from documents.search.indexing import index_notices, notice_ids_of, rebuild_index
from documents.search.passages import highlight, passage
from documents.search.sql import PAGE_SIZE
from documents.search.statements import searching_on
from documents.search.tokens import clean_query, lexemes, normalize, parse_query

__all__ = [
    "PAGE_SIZE",
    "Hit",
    "ResultPage",
    "SearchFilters",
    "SearchResult",
    "clean_query",
    "highlight",
    "index_notices",
    "lexemes",
    "normalize",
    "notice_ids_of",
    "parse_query",
    "passage",
    "rebuild_index",
    "search_notices",
    "searching_on",
]
