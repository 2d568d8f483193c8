"""A ParsedIssue as a JSON-able report: what an editor checks before the import is loaded."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any

from .lists import format_yi
from .records import Block, ParsedIssue, ParsedNotice, ParsedProject, ParsedTask, UnitRef

__all__ = ["build_report"]


# The outline a reader navigates by: the enclosed title, chapters, sections, articles and the
# first two levels of headings.
_OUTLINE_KINDS = ("title", "chapter", "section", "article", "heading1", "heading2")
_HEADING_END_RE = re.compile(r"[。；：:]")


def _heading_text(block: Block) -> str:
    """A heading without the run-in paragraph printed after it (``一、总体要求。为…``); an
    article (第N条, which has no heading) by its opening words."""
    text = _HEADING_END_RE.split(block.text, maxsplit=1)[0]
    limit = 20 if block.kind == "article" else 60
    return text if len(text) <= limit else text[:limit] + "…"


def _date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def _units(units: list[UnitRef], role: str) -> list[str]:
    return [unit.name for unit in units if unit.role == role]


def _project(project: ParsedProject) -> dict[str, Any]:
    return {
        "section": project.section_order,
        "number": project.number,
        "name": project.name,
        "investment_yi": format_yi(project.investment_yi) or None,
        "deadline": project.deadline_text,
        "deadline_year": project.deadline_year,
        "location": project.location,
        "responsible": _units(project.units, "responsible"),
        "cooperating": _units(project.units, "cooperating"),
    }


def _task(task: ParsedTask) -> dict[str, Any]:
    return {
        "section": task.section_order,
        "number": task.number,
        "label": task.label,
        "content": task.content,
        "deadline": task.deadline_text,
        "deadline_year": task.deadline_year,
        "lead": _units(task.units, "lead"),
        "responsible": _units(task.units, "responsible"),
        "cooperating": _units(task.units, "cooperating"),
    }


def _notice(notice: ParsedNotice, details: bool) -> dict[str, Any]:
    total = sum((p.investment_yi or Decimal(0) for p in notice.projects), Decimal(0))
    report: dict[str, Any] = {
        "order": notice.order,
        "page": notice.page,
        "section": notice.section,
        "line": notice.line,
        "title": notice.title,
        "doc_number": notice.doc_number,
        "kind": notice.kind,
        "normative": notice.normative,
        "disclosure": notice.disclosure,
        "index_number": notice.index_number,
        "topic": notice.topic,
        "issuer": notice.issuer,
        "signer": notice.signer,
        "signed_on": _date(notice.signed_on),
        "addressees": notice.addressees,
        "effective_on": _date(notice.effective_on),
        "effective_rule": notice.effective_rule,
        "valid_years": notice.valid_years,
        "cites": notice.cites,
        "repeals": notice.repeals,
        "citations": [
            {"kind": c.kind, "doc_number": c.doc_number, "title": c.title} for c in notice.citations
        ],
        "blocks": len(notice.blocks),
        "headings": [
            block.render().split("。")[0]
            for block in notice.blocks
            if block.kind in ("title", "chapter", "heading1")
        ],
        "outline": [
            {"kind": block.kind, "number": block.number, "text": _heading_text(block)}
            for block in notice.blocks
            if block.kind in _OUTLINE_KINDS
        ],
        "attachments": [
            {
                "label": item.label,
                "title": item.title,
                "blocks": len(item.blocks),
                "tables": [
                    {"title": table.title, "header": table.header, "rows": len(table.rows)}
                    for table in item.tables
                ],
            }
            for item in notice.attachments
        ],
        "tables": len(notice.all_tables),
        "projects": len(notice.projects),
        "total_investment_yi": format_yi(total) if notice.projects else None,
        "tasks": len(notice.tasks),
        "list_totals": (
            {
                "tasks": notice.list_totals.tasks,
                "projects": notice.list_totals.projects,
                "investment_yi": format_yi(notice.list_totals.investment_yi) or None,
            }
            if notice.list_totals
            else None
        ),
        "list_sections": [
            {
                "number": section.number,
                "title": section.title,
                "lead": section.lead_units,
                "tasks": sum(
                    1
                    for t in notice.tasks
                    if t.source == "list" and t.section_order == section.order
                ),
                "projects": sum(1 for p in notice.projects if p.section_order == section.order),
                "investment_yi": format_yi(
                    sum(
                        (
                            p.investment_yi or Decimal(0)
                            for p in notice.projects
                            if p.section_order == section.order
                        ),
                        Decimal(0),
                    )
                ),
                "printed": {
                    "tasks": section.printed_tasks,
                    "projects": section.printed_projects,
                    "investment_yi": format_yi(section.printed_investment_yi) or None,
                },
            }
            for section in notice.list_sections
        ],
        "groups": [
            {
                "name": group.name,
                "parent": group.parent,
                "office": group.office,
                "members": [
                    {
                        "role": member.role_label,
                        "name": member.name,
                        "position": member.position,
                        **({"units": member.unit_names} if member.unit_names else {}),
                    }
                    for member in group.members
                ],
            }
            for group in notice.groups
        ],
        "warnings": [{"line": notice.line, "message": warning} for warning in notice.warnings],
    }
    if details:
        report["project_list"] = [_project(project) for project in notice.projects]
        report["task_list"] = [_task(task) for task in notice.tasks]
    return report


def build_report(parsed: ParsedIssue, *, details: bool = True) -> dict[str, Any]:
    """Summarise a parsed issue: the issue, each notice (numbers, dates, relations, counts and
    totals, groups) and every warning; with `details`, every project and task as well."""
    warnings = list(parsed.warnings)
    for notice in parsed.notices:
        name = f"《{notice.title}》" + (f"（{notice.doc_number}）" if notice.doc_number else "")
        where = f"第{notice.line}行 " if notice.line else ""
        warnings.extend(f"{where}{name}：{warning}" for warning in notice.warnings)
    return {
        "issue": {
            "title": parsed.title,
            "year": parsed.year,
            "number": parsed.number,
            "total_number": parsed.total_number,
            "published_on": _date(parsed.published_on),
            "documents_only": parsed.documents_only,
            "masthead": parsed.masthead,
            "toc": [
                {"section": entry.section, "title": entry.title, "page": entry.page}
                for entry in parsed.toc
            ],
        },
        "notices": [_notice(notice, details) for notice in parsed.notices],
        "warnings": warnings,
    }
