"""Gazette importer, parser half: an issue's file in (text, web page, Word, PDF: sources.py),
dataclasses out (no database).

``source = read_source(data)`` (sources.py) reads the file; ``parse_issue(source.text())`` gives a
ParsedIssue; ``build_report`` turns it into a JSON-able
summary. The loader (elsewhere) writes a ParsedIssue to the database.
"""

from .body import parse_attachments, parse_body
from .groups import parse_groups
from .lists import extract_text_tasks, parse_project_list, split_unit_names
from .notices import parse_notice_head, parse_relations
from .parser import clean_lines, decode, parse_issue, parse_masthead, parse_toc, split_notices
from .records import (
    BLOCK_KINDS,
    MEMBER_ROLES,
    UNIT_ROLES,
    Block,
    ImportFormatError,
    ListTotals,
    ParsedAttachment,
    ParsedCitation,
    ParsedGroup,
    ParsedIssue,
    ParsedListSection,
    ParsedMember,
    ParsedNotice,
    ParsedProject,
    ParsedTable,
    ParsedTask,
    TocEntry,
    UnitRef,
)
from .report import build_report
from .tables import parse_table

__all__ = [
    "BLOCK_KINDS",
    "MEMBER_ROLES",
    "UNIT_ROLES",
    "Block",
    "ImportFormatError",
    "ListTotals",
    "ParsedAttachment",
    "ParsedCitation",
    "ParsedGroup",
    "ParsedIssue",
    "ParsedListSection",
    "ParsedMember",
    "ParsedNotice",
    "ParsedProject",
    "ParsedTable",
    "ParsedTask",
    "TocEntry",
    "UnitRef",
    "build_report",
    "clean_lines",
    "decode",
    "extract_text_tasks",
    "parse_attachments",
    "parse_body",
    "parse_groups",
    "parse_issue",
    "parse_masthead",
    "parse_notice_head",
    "parse_project_list",
    "parse_relations",
    "parse_table",
    "parse_toc",
    "split_notices",
    "split_unit_names",
]
