"""Staff data entry: draft, review, publish. Labels come from the models' verbose names.

A package (past STYLE's ~500 lines as one module): ``base`` (forms, the publication lock, the
search index and page cache kept current on every save), ``issues`` (with import and
publishing), ``notices``, ``revisions`` (review and publish a new text of a published issue),
``units`` (units, leading groups, notice parts). Importing it registers every model admin; what
other apps' admins build on is re-exported here.
"""

from documents.admin import issues, notices, revisions, units
from documents.admin.base import (
    ContentChangedMixin,
    InlineFormSet,
    PublishedLockMixin,
    SearchIndexMixin,
    canonical_doc_number,
)

__all__ = [
    "ContentChangedMixin",
    "InlineFormSet",
    "PublishedLockMixin",
    "SearchIndexMixin",
    "canonical_doc_number",
    "issues",
    "notices",
    "revisions",
    "units",
]
