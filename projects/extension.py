"""The project and task lists a notice prints, as documents' pages and importer see them.

documents imports nothing from this app: settings.GAZETTE_NOTICE_EXTENSIONS names
`ProjectLists`, and documents calls it (see documents.extensions)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse

from documents.extensions import NoticeExtension
from documents.importer.lists import format_yi, unit_columns
from documents.importer.loader import LoadResult, UnitResolver, sync
from documents.importer.records import ParsedNotice, UnitRef
from documents.layout import Link, RowLinks
from documents.models import Attachment, Issue, Notice, Unit
from projects.models import Project, Responsibility, Task


class ProjectLists(NoticeExtension):
    models = (Project, Task, Responsibility)
    natural_keys = {
        Project: (("notice", "section_order", "number"),),
        Task: (("notice", "section_order", "number"),),
        Responsibility: (("project", "unit", "role"), ("task", "unit", "role")),
    }
    owners = {
        Project: (("notice_id", Notice),),
        Task: (("notice_id", Notice),),
        Responsibility: (("project_id", Project), ("task_id", Task)),
    }

    def home_figures(self) -> dict[str, Any]:
        totals = Project.objects.published().totals()
        return {"projects": totals["count"], "investment": totals["investment"]}

    def notice_context(self, notice: Notice) -> dict[str, Any]:
        """The notice's projects and tasks, each shown once: those printed as rows of its
        tables as those rows (``table_rows``: their ids and the links to their units and to
        the project list), the others (tasks read from the running text, a row a member of
        staff has since edited) in lists of their own (``projects``, ``tasks``)."""
        projects = list(Project.objects.filter(notice=notice).for_display())
        tasks = list(Task.objects.filter(notice=notice).for_display())
        rows, placed, table_links = _table_rows(notice, [*tasks, *projects])
        return {
            "projects": [item for item in projects if item not in placed],
            "tasks": [item for item in tasks if item not in placed],
            "table_rows": rows,
            "table_links": table_links,
        }

    def rendered_rows(self, notice: Notice) -> list[QuerySet]:
        responsibilities = Responsibility.objects.filter(
            Q(project__notice=notice) | Q(task__notice=notice)
        )
        return [
            Project.objects.filter(notice=notice),
            Task.objects.filter(notice=notice),
            responsibilities,
            Unit.objects.filter(pk__in=responsibilities.values("unit")),
        ]

    def unit_context(self, unit: Unit) -> dict[str, Any]:
        projects = Project.objects.published().for_unit(unit).for_display()
        return {
            "projects": projects,
            "project_total": projects.total_investment(),
            "tasks": Task.objects.published().for_unit(unit).for_display(),
        }

    def unit_roles(self, unit: Unit) -> list[Exists]:
        return [
            Exists(Project.objects.filter(notice=OuterRef("pk"), responsibilities__unit=unit)),
            Exists(Task.objects.filter(notice=OuterRef("pk"), responsibilities__unit=unit)),
        ]

    def publication_problems(self, issue: Issue) -> list[str]:
        """A notice's list must still add up to the grand total it prints (a hand edit can
        break it: a project deleted, an investment mistyped)."""
        problems = []
        for notice in issue.notices.exclude(printed_totals={}).order_by("order"):
            printed = notice.printed_totals
            projects = Project.objects.filter(notice=notice)
            found = {
                "projects": projects.count(),
                "tasks": Task.objects.filter(notice=notice).count(),
                "investment_yi": format_yi(projects.total_investment()) or "0",
            }
            labels = {"projects": "项目数", "tasks": "事项数", "investment_yi": "总投资（亿元）"}
            for name, label in labels.items():
                if name in printed and str(printed[name]) != str(found[name]):
                    problems.append(
                        f"《{notice.title}》的{label}现为 {found[name]}，与印刷的合计 "
                        f"{printed[name]} 不符：请核对清单。"
                    )
        return problems

    def preload(self, notice_ids):
        return {
            Project: Project.objects.filter(notice_id__in=notice_ids),
            Task: Task.objects.filter(notice_id__in=notice_ids),
            Responsibility: Responsibility.objects.filter(
                Q(project__notice_id__in=notice_ids) | Q(task__notice_id__in=notice_ids)
            ),
        }

    def load_notice(
        self,
        result: LoadResult,
        notice: Notice,
        parsed: ParsedNotice,
        attachments: dict[str, Attachment],
        units: UnitResolver,
    ) -> None:
        """Reads the notice's parsed projects, tasks and list sections; writes Project, Task
        and Responsibility rows (a section's 牵头单位 leads every item printed under it)."""
        section_leads = {
            section.order: [UnitRef("lead", name) for name in section.lead_units]
            for section in parsed.list_sections
        }
        for item in parsed.projects:
            project = sync(
                result,
                Project,
                {"notice": notice, "section_order": item.section_order, "number": item.number},
                {
                    "attachment": attachments.get(item.attachment),
                    "section": item.section,
                    "name": item.name,
                    "investment_yi": item.investment_yi,
                    "content": item.content,
                    "deadline_text": item.deadline_text,
                    "deadline_year": item.deadline_year,
                    "location": item.location or "",
                },
            )
            refs = section_leads.get(item.section_order, []) + item.units
            _load_responsibilities(result, {"project": project}, refs, units)

        for parsed_task in parsed.tasks:
            task = sync(
                result,
                Task,
                {
                    "notice": notice,
                    "section_order": parsed_task.section_order,
                    "number": parsed_task.number,
                },
                {
                    "attachment": attachments.get(parsed_task.attachment),
                    "section": parsed_task.section,
                    "content": parsed_task.content,
                    "measures": parsed_task.measures,
                    "deadline_text": parsed_task.deadline_text,
                    "deadline_year": parsed_task.deadline_year,
                },
            )
            refs = section_leads.get(parsed_task.section_order, []) + parsed_task.units
            _load_responsibilities(result, {"task": task}, refs, units)


def _load_responsibilities(
    result: LoadResult, owner: dict, refs: list[UnitRef], units: UnitResolver
) -> None:
    seen = set()
    for order, ref in enumerate(refs, start=1):
        unit = units.resolve(ref.name)
        if (unit.pk, ref.role) in seen:  # the same unit printed twice in one cell
            continue
        seen.add((unit.pk, ref.role))
        sync(result, Responsibility, {**owner, "unit": unit, "role": ref.role}, {"order": order})


def _row_key(text: str) -> str:
    return "".join(text.split()).rstrip("。")


def _table_rows(
    notice: Notice, items: list[Project | Task]
) -> tuple[dict[tuple[int, int], RowLinks], set[Project | Task], dict[int, list[Link]]]:
    """Which row of which of the notice's tables each item was read from.

    The list reader wrote each item's row as the item's own text (the name of a project, the
    content of a task, in the header's columns; documents.importer.lists), and the items of a
    table in its order: a row is the first item of that table's attachment, in printed order,
    not placed yet, whose text is one of the row's cells. A section's first item also marks
    the line above it that names the section, for the page's contents list."""
    rows: dict[tuple[int, int], RowLinks] = {}
    placed: set[Project | Task] = set()
    table_links: dict[int, list[Link]] = {}
    sections: set[int] = set()
    keys = {
        item: _row_key(item.name if isinstance(item, Project) else item.content) for item in items
    }
    for table in notice.tables.all():
        candidates = [item for item in items if item.attachment_id == table.attachment_id]
        if not candidates:
            continue
        unit_cells = unit_columns(table.header)
        headings: list[tuple[int, str]] = []  # the lines of one filled cell so far
        found = {Project: 0, Task: 0}
        for index, cells in enumerate(table.rows):
            row = [_row_key(cell) for cell in cells]
            if sum(1 for key in row if key) == 1:
                headings.append((index, next(key for key in row if key)))
                continue
            item = next((c for c in candidates if c not in placed and keys[c] in row), None)
            if item is None:
                continue
            placed.add(item)
            found[type(item)] += 1
            rows[(table.pk, index)] = RowLinks(
                anchor=item.anchor,
                aliases=(f"{type(item).__name__.lower()}-{item.pk}",),
                # A project's name links to it in the project list; a task's text is too long
                # to be one link, and its row is where it is shown.
                name_column=row.index(keys[item]) if isinstance(item, Project) else None,
                url=item.get_absolute_url(),
                units={
                    column: [Link(unit.display_name, unit.get_absolute_url()) for unit in units]
                    for column, role in unit_cells
                    if (units := item.units_in(role))
                },
            )
            if item.section and item.section_order not in sections:
                sections.add(item.section_order)
                title = _row_key(item.section)
                line = next((i for i, text in reversed(headings) if title in text), None)
                if line is not None:
                    leads = [Link(u.display_name, u.get_absolute_url()) for u in item.lead_units]
                    rows[(table.pk, line)] = RowLinks(
                        anchor=f"清单-{item.section_order}",
                        section=True,
                        units={0: leads} if leads else {},
                        units_label="牵头单位",
                    )
        query = f"?notice={notice.pk}"
        table_links[table.pk] = [
            Link(text, reverse(name) + query)
            for model, text, name in (
                (Project, "在项目清单中筛选、汇总和导出本表项目", "projects:project_list"),
                (Task, "在重点任务中按单位、完成时限筛选本表事项", "projects:task_list"),
            )
            if found[model]
        ]
    return rows, placed, table_links
