"""Issues of the gazette, the notices in them, and what the notices contain or set up.

A package (past STYLE's ~500 lines as one module): ``issues``, ``notices`` (with attachments,
tables and citations), ``units`` (units, aliases, leading groups and their members),
``revisions`` (revisions of published issues, corrections, removed notices) and
``search_index``. Everything is re-exported here: import from ``documents.models``.
"""

from documents.models.issues import (
    FIRST_YEAR,
    LAST_YEAR,
    Issue,
    IssueQuerySet,
    PublicationStatus,
    Validity,
    issue_pdf_path,
)
from documents.models.notices import (
    Attachment,
    Citation,
    Notice,
    NoticeQuerySet,
    Table,
    current_validity,
)
from documents.models.revisions import (
    OPEN_REVISION_STATUSES,
    Correction,
    RemovedNotice,
    Revision,
    RevisionQuerySet,
    RevisionStatus,
)
from documents.models.search_index import SearchEntry
from documents.models.units import (
    LeadingGroup,
    LeadingGroupQuerySet,
    Membership,
    MembershipRole,
    Unit,
    UnitAlias,
    UnitKind,
    UnitQuerySet,
)

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "OPEN_REVISION_STATUSES",
    "Attachment",
    "Citation",
    "Correction",
    "Issue",
    "IssueQuerySet",
    "LeadingGroup",
    "LeadingGroupQuerySet",
    "Membership",
    "MembershipRole",
    "Notice",
    "NoticeQuerySet",
    "PublicationStatus",
    "RemovedNotice",
    "Revision",
    "RevisionQuerySet",
    "RevisionStatus",
    "SearchEntry",
    "Table",
    "Unit",
    "UnitAlias",
    "UnitKind",
    "UnitQuerySet",
    "Validity",
    "current_validity",
    "issue_pdf_path",
]
