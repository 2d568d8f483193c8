"""The project and task lists a notice prints, as documents' pages and importer see them.

documents imports nothing from this app: settings.GAZETTE_NOTICE_EXTENSIONS names
`ProjectLists`, and documents calls it (see documents.extensions)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q

from documents.extensions import NoticeExtension
from documents.importer.lists import format_yi
from documents.importer.loader import LoadResult, UnitResolver, sync
from documents.importer.records import ParsedNotice, UnitRef
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
        return {
            "projects": Project.objects.filter(notice=notice).for_display(),
            "tasks": Task.objects.filter(notice=notice).for_display(),
        }

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
