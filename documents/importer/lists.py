"""Stages 10 and 11: project/task lists, other tables of tasks, tasks in running text, and unit
names.

A list (``…事项和项目责任清单``) is a table whose rows are, in order: a grand total line
(``合计：事项 32 项、项目 36 个，总投资 619.53 亿元。``), section lines (``一、推动降碳减污协同增效
（牵头单位：市发改委）``), sub-section lines (``(一) 事项（5个）``, ``(二) 项目（5个，总投资额 120.6
亿元）``) and numbered rows. The extraction misplaces cells (a deadline glued to the units in
one cell, columns shifted on some pages), so rows are read by what each cell looks like, not
only by the column it is in. Printed counts and subtotals are checked against the rows.

Any other table with a unit column (牵头单位, 责任部门, 配合单位 …) and a column naming the row's
task (应用项目, 工作任务, 事项 …) is a table of tasks (``序号 应用项目 建设内容 牵头单位 责任单位
完成时间``): there the header says which column is which, and each row is read by its columns.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from .places import places
from .records import (
    UNIT_ROLES,
    Block,
    ListTotals,
    ParsedListSection,
    ParsedProject,
    ParsedTable,
    ParsedTask,
    UnitRef,
)
from .text import collapse_spaces, join_wrapped, match_key, split_outside_brackets, squash

__all__ = [
    "ListResult",
    "extract_text_tasks",
    "format_yi",
    "is_project_list",
    "is_task_table",
    "locate_project",
    "parse_project_list",
    "parse_task_table",
    "parse_unit_parenthetical",
    "read_list",
    "split_unit_names",
    "unit_columns",
]


_UNIT_SUFFIX_RE = re.compile(
    r"(?:局|委|办|院|部|行|厅|署|会|中心|政府|集团|公司|支队|大队|站|所|台|社|馆|校|机构|单位|"
    r"部门|队|处|室|联|团|海关|办事处|联络处|党校|报社)$"
)
_BARE_PLACE_RE = re.compile(r"^[\u4e00-\u9fff]{1,5}[县市区]$")
_GOVERNMENT_SUFFIX_RE = re.compile(r"(人民政府|政府|管委会)$")
_LIST_NOTE_RE = re.compile(r"以下|均需|不再")
_SEAT_SUFFIX_RE = re.compile(r"(?:的)?(?:分管|主要|有关)?负责(?:同志|人)$")
_ROLE_LABEL_RE = re.compile(r"\s*(牵头单位|责任单位|配合单位)\s*[：:]\s*")

_NUMBER_RE = re.compile(r"^\d{1,3}[.．、]?$")
_CN_NUM = "一二三四五六七八九十"
_SECTION_RE = re.compile(
    rf"^(?P<num>[{_CN_NUM}]+)\s*[、.．]\s*(?P<title>.+?)\s*"
    r"(?:[（(]\s*牵头单位\s*[：:]\s*(?P<lead>[^）)]+?)\s*[）)])?\s*[。.]?$"
)
_SUBSECTION_RE = re.compile(
    rf"^[（(]\s*(?P<num>[{_CN_NUM}]+)\s*[）)]\s*(?P<kind>事项|项目|任务)\s*"
    r"(?:[（(](?P<inner>[^）)]*)[）)])?\s*[。.]?$"
)
_TOTAL_RE = re.compile(r"^(?:合\s*计|总\s*计)")
_COUNT_RE = re.compile(r"(\d+)\s*[个项]")
_TASK_COUNT_RE = re.compile(r"(?:事项|任务)\s*(\d+)\s*[项个]")
_PROJECT_COUNT_RE = re.compile(r"项目\s*(\d+)\s*[个项]")
_INVESTMENT_RE = re.compile(
    r"总投资(?:额)?\s*[：:]?\s*(?:约\s*)?(?P<amount>\d+(?:\.\d+)?)\s*(?P<unit>亿元|万元|亿|万)"
)
_CONTENT_LABEL_RE = re.compile(r"建设内容\s*[：:]\s*")
_DEADLINE = (
    r"(?:(?:\d{4}\s*年?\s*[—\-–~至到]\s*)?\d{4}\s*年(?:\s*\d{1,2}\s*月)?"
    r"(?:\s*(?:底|前|内|以前|之前|起))?|持续推进|长期坚持|长期|常态化推进|常态化|持续实施|逐年推进)"
)
_DEADLINE_RE = re.compile(rf"^{_DEADLINE}$")
_GLUED_DEADLINE_RE = re.compile(rf"^(?P<deadline>{_DEADLINE})\s*(?P<rest>\S.*)$", re.DOTALL)
_YEAR_RE = re.compile(r"(\d{4})\s*年")
_DEADLINE_HEADER_RE = re.compile(r"完成时限|时限|完成时间|完成年限")
_UNIT_HEADER_RE = re.compile(r"责任单位|牵头单位|配合单位|责任部门")
_ITEM_HEADER_RE = re.compile(r"项目名称|事项|任务")

_OPENING = "（(〔【"
_CLOSING = "）)〕】"


# --- Unit names ---------------------------------------------------------------------------------


def split_unit_names(text: str) -> list[str]:
    """Split a printed list of units into names, as printed (stage 11, no database matching).

    Splits on 、，,；; and on spaces between two names (not inside brackets: 各县（市、区）
    人民政府 stays whole); keeps collective names (各县市区人民政府, 市直有关单位, 市直各金融机构)
    as they are; expands ``通城县、崇阳县、通山县人民政府`` into three governments; drops a trailing
    ``分管负责同志`` and a note such as ``以下任务均需…落实，不再列出``.
    """
    text = unicodedata.normalize("NFKC", text).replace("(", "（").replace(")", "）")
    text = collapse_spaces(text).strip("。.；;，, ")
    text = _SEAT_SUFFIX_RE.sub("", text)
    names: list[str] = []
    for part in split_outside_brackets(text, "、，,；;"):
        if _LIST_NOTE_RE.search(part):
            break
        names.extend(_split_on_spaces(part.strip("。. ")))
    names = _expand_governments([name for name in names if name])
    return list(dict.fromkeys(names))


def _split_on_spaces(part: str) -> list[str]:
    tokens = part.split()
    if not tokens:
        return []
    names = [tokens[0]]
    for token in tokens[1:]:
        if _UNIT_SUFFIX_RE.search(names[-1]) and places().unit_start_re.match(token):
            names.append(token)
        else:
            names[-1] = join_wrapped(names[-1], token)  # a space the wrapping left in a name
    return [squash(name) for name in names]


def _expand_governments(names: list[str]) -> list[str]:
    """``通城县、崇阳县、通山县人民政府`` → three ``…县人民政府``."""
    result = list(names)
    for index, name in enumerate(names):
        suffix = _GOVERNMENT_SUFFIX_RE.search(name)
        if not suffix or not _BARE_PLACE_RE.match(name[: suffix.start()]):
            continue
        back = index - 1
        while back >= 0 and _BARE_PLACE_RE.match(names[back]):
            result[back] = names[back] + suffix.group()
            back -= 1
    return result


def looks_like_units(text: str) -> bool:
    """Whether a cell is a list of unit names (and not a sentence or a project description)."""
    if not text or "。" in text or len(text) > 200:
        return False
    names = split_unit_names(text)
    return bool(names) and all(len(name) <= 30 and _UNIT_SUFFIX_RE.search(name) for name in names)


def parse_unit_parenthetical(inner: str) -> list[UnitRef]:
    """``牵头单位：市发改委；责任单位：市直有关单位，各县市区人民政府`` → UnitRefs by role."""
    units: list[UnitRef] = []
    role = "responsible"
    for part in split_outside_brackets(inner, "；;"):
        label = _ROLE_LABEL_RE.match(part)
        if label:
            role = UNIT_ROLES[label.group(1)]
            part = part[label.end() :]
        units.extend(UnitRef(role, name) for name in split_unit_names(part))
    return list(dict.fromkeys(units))


# --- Project / task lists -----------------------------------------------------------------------


@dataclass
class ListResult:
    """What one list table yields."""

    sections: list[ParsedListSection] = field(default_factory=list)
    projects: list[ParsedProject] = field(default_factory=list)
    tasks: list[ParsedTask] = field(default_factory=list)
    totals: ListTotals | None = None
    warnings: list[str] = field(default_factory=list)


def is_project_list(table: ParsedTable) -> bool:
    """A list table: numbered (序号), with an item column, a deadline and a unit column."""
    keys = [match_key(cell) for cell in table.header]
    return (
        bool(keys)
        and keys[0] in ("序号", "编号")
        and any(_ITEM_HEADER_RE.search(key) for key in keys)
        and any(_DEADLINE_HEADER_RE.search(key) for key in keys)
        and any(_UNIT_HEADER_RE.search(key) for key in keys)
    )


def parse_project_list(table: ParsedTable, attachment: str = "") -> ListResult:
    """Read a list table into sections, projects and tasks, and check the printed figures.

    Reads: a ParsedTable that is_project_list. Writes: a ListResult; rewrites ``table.rows`` so
    each item sits in the header's columns (序号, 名称, 内容, 完成时限, 责任单位, 配合单位) as it
    is meant to be read. A count or subtotal the rows do not add up to is a warning naming the
    section and both figures; so is a row that cannot be read.
    """
    result = ListResult()
    kind = ""  # the current sub-section: "事项"/"任务" or "项目"
    section: ParsedListSection | None = None
    new_rows: list[list[str]] = []
    width = len(table.header)
    where = attachment or "清单"

    for cells in table.source_rows or table.rows:
        filled = [cell for cell in cells if cell]
        if not filled:
            continue
        first = cells[0] if cells[0] else filled[0]
        if _NUMBER_RE.match(first) and len(filled) > 1:
            item = _read_item(first, [cell for cell in cells if cell][1:])
            is_project = kind == "项目" or (not kind and item.investment is not None)
            if section is None:
                section = _new_section(result, attachment, "", "", [])
            if is_project:
                _add_project(result, item, section, attachment)
            else:
                _add_task(result, item, section, attachment)
            new_rows.append(_canonical_row(item, is_project, width))
            continue
        text = squash(" ".join(filled))
        normalised = unicodedata.normalize("NFKC", text)
        if _TOTAL_RE.match(text):
            result.totals = _read_totals(normalised)
        elif match := _SUBSECTION_RE.match(text):
            kind = "项目" if match["kind"] == "项目" else "事项"
            inner = unicodedata.normalize("NFKC", match["inner"] or "")
            count = 0 if "无" in inner else _first_int(_COUNT_RE, inner)
            if section is None:
                section = _new_section(result, attachment, "", "", [])
            if kind == "项目":
                section.printed_projects = count
                section.printed_investment_yi = _investment(inner)
            else:
                section.printed_tasks = count
        elif match := _SECTION_RE.match(text):
            kind = ""
            lead = split_unit_names(match["lead"]) if match["lead"] else []
            section = _new_section(result, attachment, match["num"], match["title"], lead)
        else:
            result.warnings.append(f"{where}中有一行无法识别，已跳过：“{text[:40]}”")
            continue
        new_rows.append([text] + [""] * (width - 1))

    table.rows = new_rows
    _check_figures(result, where)
    return result


@dataclass
class _Item:
    number: int
    name: str
    content: str
    investment: Decimal | None
    deadline_text: str
    deadline_year: int | None
    unit_cells: list[str]


def _read_item(first: str, rest: list[str]) -> _Item:
    """Classify a numbered row's cells (the number, then the filled cells) by their look."""
    number = int(first.rstrip(".．、"))
    name = rest.pop(0) if rest else ""
    content, deadline, unit_cells = "", "", []
    for cell in rest:
        flat = squash(cell)
        spaced = collapse_spaces(unicodedata.normalize("NFKC", cell))
        glued = _GLUED_DEADLINE_RE.match(spaced)
        if _INVESTMENT_RE.search(unicodedata.normalize("NFKC", flat)) or _CONTENT_LABEL_RE.match(
            flat
        ):
            content = cell
        elif _DEADLINE_RE.match(spaced) and not deadline:
            deadline = flat
        elif glued and not deadline and looks_like_units(glued["rest"]):
            deadline = glued["deadline"]
            unit_cells.append(glued["rest"])
        elif looks_like_units(cell) or content:
            unit_cells.append(cell)
        else:
            content = cell
    deadline_text = squash(deadline)
    year = _YEAR_RE.findall(deadline_text)
    return _Item(
        number=number,
        name=squash(name),
        content=content,
        investment=_investment(unicodedata.normalize("NFKC", squash(content))),
        deadline_text=deadline_text,
        deadline_year=int(year[-1]) if year else None,
        unit_cells=unit_cells,
    )


def _units(item: _Item) -> list[UnitRef]:
    units: list[UnitRef] = []
    for index, cell in enumerate(item.unit_cells):
        role = "responsible" if index == 0 else "cooperating"
        units.extend(UnitRef(role, name) for name in split_unit_names(cell))
    return list(dict.fromkeys(units))


def _new_section(
    result: ListResult, attachment: str, number: str, title: str, lead: list[str]
) -> ParsedListSection:
    section = ParsedListSection(
        order=len(result.sections) + 1,
        attachment=attachment,
        number=number,
        title=squash(title),
        lead_units=lead,
    )
    result.sections.append(section)
    return section


def _unique_number(wanted: int, taken: list[int]) -> int:
    return wanted if wanted and wanted not in taken else max(taken, default=0) + 1


def _add_project(
    result: ListResult, item: _Item, section: ParsedListSection, attachment: str
) -> None:
    taken = [p.number for p in result.projects if p.section_order == section.order]
    number = _unique_number(item.number, taken)
    if number != item.number:
        result.warnings.append(
            f"{attachment}第{section.number}部分“{section.title}”项目序号{item.number}重复，"
            f"已改为{number}"
        )
    units = _units(item)
    content = squash(item.content)
    # 建设内容：… is the content; without that label, whatever follows the investment figure
    label = _CONTENT_LABEL_RE.search(content)
    content = content[label.end() :] if label else _INVESTMENT_RE.sub("", content).strip("。；;， ")
    if item.investment is None:
        result.warnings.append(f"{attachment}项目“{item.name}”没有总投资额")
    result.projects.append(
        ParsedProject(
            order=len(result.projects) + 1,
            attachment=attachment,
            section=section.title,
            section_order=section.order,
            number=number,
            name=item.name.rstrip("。"),
            investment_yi=item.investment,
            content=content,
            deadline_text=item.deadline_text,
            deadline_year=item.deadline_year,
            location=locate_project([u.name for u in units if u.role == "responsible"], item.name),
            units=units,
        )
    )


def _add_task(result: ListResult, item: _Item, section: ParsedListSection, attachment: str) -> None:
    taken = [t.number for t in result.tasks if t.section_order == section.order]
    number = _unique_number(item.number, taken)
    result.tasks.append(
        ParsedTask(
            order=len(result.tasks) + 1,
            attachment=attachment,
            section=section.title,
            section_order=section.order,
            number=number,
            label=str(item.number),
            content=item.name,
            measures=squash(item.content),
            deadline_text=item.deadline_text,
            deadline_year=item.deadline_year,
            units=_units(item),
            source="list",
        )
    )


def _canonical_row(item: _Item, is_project: bool, width: int) -> list[str]:
    """The row as it is meant to be read: 序号, 名称, 内容, 完成时限, 责任单位, 配合单位."""
    responsible = "、".join(split_unit_names(item.unit_cells[0])) if item.unit_cells else ""
    cooperating = "、".join(name for cell in item.unit_cells[1:] for name in split_unit_names(cell))
    row = [
        str(item.number),
        item.name,
        squash(item.content),
        item.deadline_text,
        responsible,
        cooperating,
    ]
    return row + [""] * (width - len(row))


def locate_project(responsible: list[str], name: str) -> str | None:
    """The county or district a project is in: from a responsible county government (or the
    development zone's committee), else from the one county its name mentions, else None."""
    known = places()
    for unit in responsible:
        if match := known.county_government_re.match(unit):
            return match.group(1)
        if zone := known.zone_of(unit):
            return zone
    found = {
        known.short_names.get(match, match) for match in known.place_in_name_re.findall(name or "")
    }
    return found.pop() if len(found) == 1 else None


def _investment(text: str) -> Decimal | None:
    """``总投资额：5.2亿元`` → 5.2; ``总投资 3000 万元`` → 0.3 (亿元)."""
    match = _INVESTMENT_RE.search(text)
    if match is None:
        return None
    try:
        amount = Decimal(match["amount"])
    except InvalidOperation:
        return None
    return amount / Decimal(10000) if match["unit"].startswith("万") else amount


def _first_int(pattern: re.Pattern[str], text: str) -> int | None:
    match = pattern.search(text)
    return int(match.group(1)) if match else None


def _read_totals(text: str) -> ListTotals:
    return ListTotals(
        tasks=_first_int(_TASK_COUNT_RE, text),
        projects=_first_int(_PROJECT_COUNT_RE, text),
        investment_yi=_investment(text),
    )


def format_yi(amount: Decimal | None) -> str:
    """A Decimal amount of 亿元 as printed: 120.60 → ``120.6``, 100 → ``100``."""
    if amount is None:
        return ""
    return format(amount.normalize(), "f")


def _check_figures(result: ListResult, where: str) -> None:
    """Warn where a printed count or subtotal differs from what the rows add up to."""
    for section in result.sections:
        name = f"{where}第{section.number}部分“{section.title}”" if section.number else where
        projects = [p for p in result.projects if p.section_order == section.order]
        tasks = [t for t in result.tasks if t.section_order == section.order]
        if section.printed_tasks is not None and section.printed_tasks != len(tasks):
            result.warnings.append(f"{name}事项：印有{section.printed_tasks}项，列出{len(tasks)}项")
        if section.printed_projects is not None and section.printed_projects != len(projects):
            result.warnings.append(
                f"{name}项目：印有{section.printed_projects}个，列出{len(projects)}个"
            )
        subtotal = sum((p.investment_yi or Decimal(0) for p in projects), Decimal(0))
        printed = section.printed_investment_yi
        if printed is not None and printed != subtotal:
            result.warnings.append(
                f"{name}总投资：印有{format_yi(printed)}亿元，各项目合计{format_yi(subtotal)}亿元"
            )
    totals = result.totals
    if totals is None:
        return
    if totals.tasks is not None and totals.tasks != len(result.tasks):
        result.warnings.append(f"{where}合计：印有事项{totals.tasks}项，列出{len(result.tasks)}项")
    if totals.projects is not None and totals.projects != len(result.projects):
        result.warnings.append(
            f"{where}合计：印有项目{totals.projects}个，列出{len(result.projects)}个"
        )
    total = sum((p.investment_yi or Decimal(0) for p in result.projects), Decimal(0))
    if totals.investment_yi is not None and totals.investment_yi != total:
        result.warnings.append(
            f"{where}合计：印有总投资{format_yi(totals.investment_yi)}亿元，"
            f"各项目合计{format_yi(total)}亿元"
        )


# --- Other tables of tasks ----------------------------------------------------------------------

#: What a column's header says it holds. Role columns are matched in this order (牵头责任单位
#: leads); a column about people (牵头领导, 责任单位负责人, 联系人) is not a unit column.
_ROLE_HEADERS = (
    (
        UNIT_ROLES["牵头单位"],
        re.compile(r"牵头(?:责任)?(?:单位|部门|处室)|^牵头$|主[办责](?:单位|部门)"),
    ),
    (
        UNIT_ROLES["配合单位"],
        re.compile(r"配合(?:责任)?(?:单位|部门|处室)|^配合$|协[办同作助](?:单位|部门)|参与单位"),
    ),
    (
        UNIT_ROLES["责任单位"],
        re.compile(r"责任(?:单位|部门|主体|处室|科室)|实施(?:单位|主体)|承[办担](?:单位|部门)"),
    ),
)
_PERSON_HEADER_RE = re.compile(r"领导|负责人|责任人|联系人|联系方式|电话")
_TASK_HEADER_RE = re.compile(
    r"任务|事项|工作|措施|举措|项目名称|^(?:应用|建设|具体|子)?项目$|场景名称|^名称$"
)
_DUE_HEADER_RE = re.compile(r"时限|时间|期限|年限|节点")
_DUE_PREFERRED_RE = re.compile(r"完成|办结|截止|竣工")
_NOT_DUE_HEADER_RE = re.compile(r"开工|开始|启动|起始")
_CATEGORY_HEADER_RE = re.compile(r"^(?:领域|类别|分类|板块|方面|专题)$")
_NOTE_HEADER_RE = re.compile(r"^(?:备注|说明)$")
_SUBTOTAL_RE = re.compile(r"^(?:合\s*计|小\s*计|总\s*计|共\s*计)")
_HEADING_RE = re.compile(
    rf"^(?:(?P<num>[{_CN_NUM}]+)\s*[、.．]|[（(]\s*(?P<sub>[{_CN_NUM}]+)\s*[）)]|"
    rf"第(?P<part>[{_CN_NUM}]+)(?:部分|篇|章|节))?\s*(?P<title>.+?)\s*"
    r"(?:[（(]\s*牵头单位\s*[：:]\s*(?P<lead>[^）)]+?)\s*[）)])?\s*[。.]?$"
)
_SERIAL_NUMBER_RE = re.compile(r"^\d{1,3}$")
_DEADLINE_IN_TEXT_RE = re.compile(rf"{_DEADLINE}前?")  # 2023年6月底前
_MAX_HEADING = 60
_MAX_DEADLINE = 50  # what Task.deadline_text holds


@dataclass
class _Columns:
    """Which column of a table of tasks holds what (indexes into its header)."""

    serial: int | None
    category: int | None
    texts: list[int]  # the task's column, then those whose text goes to the measures
    units: list[tuple[int, str]]  # (column, role)
    deadline: int | None


def _task_columns(header: list[str]) -> _Columns | None:
    keys = [match_key(cell) for cell in header]
    units: list[tuple[int, str]] = []
    serial = category = deadline = None
    texts: list[int] = []
    for index, key in enumerate(keys):
        if not key or _NOTE_HEADER_RE.match(key):
            continue
        role = next((role for role, pattern in _ROLE_HEADERS if pattern.search(key)), None)
        if role and not _PERSON_HEADER_RE.search(key):
            units.append((index, role))
        elif index == 0 and key in ("序号", "编号", "序"):
            serial = index
        elif _CATEGORY_HEADER_RE.match(key) and category is None:
            category = index
        elif _DUE_HEADER_RE.search(key) and not _names_task(key):
            if _NOT_DUE_HEADER_RE.search(key):  # 计划开工时间: when it starts, not a deadline
                continue
            preferred = deadline is None or (
                _DUE_PREFERRED_RE.search(key) and not _DUE_PREFERRED_RE.search(keys[deadline])
            )
            deadline = index if preferred else deadline
        elif not _PERSON_HEADER_RE.search(key):
            texts.append(index)
    task = next((index for index in texts if _names_task(keys[index])), None)
    if not units or task is None:
        return None
    texts.remove(task)
    return _Columns(serial, category, [task, *texts], units, deadline)


def unit_columns(header: list[str]) -> list[tuple[int, str]]:
    """The columns of a table's header that name units, each with the role it gives them
    (``[(4, "responsible"), (5, "cooperating")]``), as this module reads a list's rows: the
    pages link those cells to the units."""
    columns = []
    for index, key in enumerate(match_key(cell) for cell in header):
        role = next((role for role, pattern in _ROLE_HEADERS if pattern.search(key)), None)
        if key and role and not _PERSON_HEADER_RE.search(key):
            columns.append((index, role))
    return columns


def _names_task(key: str) -> bool:
    """Whether a header names a row's task (工作任务, 应用项目), not a unit (工作单位)."""
    return bool(_TASK_HEADER_RE.search(key)) and not key.endswith(("单位", "部门"))


def is_task_table(table: ParsedTable) -> bool:
    """A table of tasks that is not a project list: its header names a unit column (牵头单位,
    责任部门, 配合单位 …) and a column naming each row's task (应用项目, 工作任务, 事项 …)."""
    return not is_project_list(table) and _task_columns(table.header) is not None


def parse_task_table(table: ParsedTable, attachment: str = "") -> ListResult:
    """Read a table of tasks into sections and tasks, by its header's columns.

    Reads: a ParsedTable that is_task_table (left as it is). Writes: a ListResult with a task
    per data row: content from the task's column (the first text column when that is empty),
    measures from the other text columns (one line each; a 备注 is left out), units from each
    unit column in the role its header names (split_unit_names), the deadline as the list
    parser reads it. A row holding one short cell (``一、数字政府``, ``（二）数字经济（牵头单位：
    市发改委）``) starts a section, as does a new value in a 领域/类别 column; a 合计/小计 row is
    skipped; so, with a warning, is a row with nothing in its text columns.
    """
    result = ListResult()
    columns = _task_columns(table.header)
    if columns is None:
        return result
    where = attachment or "表格"
    section: ParsedListSection | None = None
    for row in table.rows:
        filled = [cell for cell in row if cell]
        if not filled or _SUBTOTAL_RE.match(squash(filled[0])):
            continue
        if len(filled) == 1 and not _NUMBER_RE.match(filled[0]):
            heading = squash(filled[0])
            match = _HEADING_RE.match(heading)
            if len(heading) > _MAX_HEADING or heading.startswith("注") or match is None:
                result.warnings.append(f"{where}中有一行无法识别，已跳过：“{heading[:40]}”")
                continue
            number = match["num"] or match["sub"] or match["part"] or ""
            lead = split_unit_names(match["lead"]) if match["lead"] else []
            section = _new_section(result, attachment, number, match["title"], lead)
            continue
        category = squash(row[columns.category]) if columns.category is not None else ""
        if category and (section is None or category != section.title):
            section = _new_section(result, attachment, "", category, [])
        texts = [row[index].strip() for index in columns.texts if row[index].strip()]
        if not texts:
            result.warnings.append(
                f"{where}中有一行没有事项内容，已跳过：“{squash(filled[0])[:40]}”"
            )
            continue
        if section is None:
            section = _new_section(result, attachment, "", "", [])
        _add_table_task(result, section, row, columns, texts)
    return result


def _add_table_task(
    result: ListResult,
    section: ParsedListSection,
    row: list[str],
    columns: _Columns,
    texts: list[str],
) -> None:
    serial = squash(row[columns.serial]).rstrip(".．、") if columns.serial is not None else ""
    taken = [task.number for task in result.tasks if task.section_order == section.order]
    printed = int(serial) if _SERIAL_NUMBER_RE.match(serial) else 0  # not ①, not 2023001
    number = _unique_number(printed, taken)
    units = [
        UnitRef(role, name)
        for index, role in columns.units
        for name in split_unit_names(row[index])
    ]
    deadline = squash(row[columns.deadline]) if columns.deadline is not None else ""
    if len(deadline) > _MAX_DEADLINE:  # a sentence: its first date is the deadline
        texts.append(deadline)
        found = _DEADLINE_IN_TEXT_RE.search(deadline)
        deadline = squash(found.group()) if found else ""
    years = _YEAR_RE.findall(deadline)
    result.tasks.append(
        ParsedTask(
            order=len(result.tasks) + 1,
            attachment=section.attachment,
            section=section.title,
            section_order=section.order,
            number=number,
            label=serial,
            content=texts[0],
            measures="\n".join(texts[1:]),
            deadline_text=deadline,
            deadline_year=int(years[-1]) if years else None,
            units=list(dict.fromkeys(units)),
            source="list",
        )
    )


def read_list(table: ParsedTable, attachment: str = "") -> ListResult | None:
    """What a table yields as a list: a project list's sections, projects and tasks
    (parse_project_list), a table of tasks' sections and tasks (parse_task_table), or None
    for any other table."""
    if is_project_list(table):
        return parse_project_list(table, attachment)
    if is_task_table(table):
        return parse_task_table(table, attachment)
    return None


# --- Tasks in running text ----------------------------------------------------------------------

_LEVELS = {"chapter": 0, "heading1": 1, "heading2": 2, "heading3": 3, "article": 3}
_MEASURE_KINDS = ("heading1", "heading2", "heading3", "article")
_HEADING_TITLE_END_RE = re.compile(r"[。：:]")


def extract_text_tasks(blocks: list[Block], attachment: str = "") -> list[ParsedTask]:
    """Tasks in running text: a numbered measure followed by a unit parenthetical.

    ``1. 强化招商引资。……（牵头单位：市招商和投资促进局；责任单位：市直有关单位，…）`` is a task
    whose content is the text before the parenthetical and whose units are inside it. A measure
    with several parentheticals (``…（责任单位：市人社局）推行先落户后就业…（责任单位：市公安局）``)
    gives one task per parenthetical. The section is the heading the measure sits under.
    """
    tasks: list[ParsedTask] = []
    headings: dict[int, str] = {}
    sections: list[str] = []
    for block in blocks:
        level = _LEVELS.get(block.kind)
        if level is None:
            continue
        for deeper in [key for key in headings if key >= level]:
            del headings[deeper]
        section = next((headings[key] for key in sorted(headings, reverse=True)), "")
        headings[level] = _heading_title(block.text)
        if block.kind not in _MEASURE_KINDS:
            continue
        for content, units in _parentheticals(block.text):
            if section not in sections:
                sections.append(section)
            section_order = sections.index(section) + 1
            number = 1 + sum(1 for task in tasks if task.section_order == section_order)
            tasks.append(
                ParsedTask(
                    order=len(tasks) + 1,
                    attachment=attachment,
                    section=section,
                    section_order=section_order,
                    number=number,
                    label=block.number,
                    content=content,
                    measures="",
                    deadline_text="",
                    deadline_year=None,
                    units=units,
                    source="text",
                )
            )
    return tasks


def _heading_title(text: str) -> str:
    """``加强项目谋划储备。接下来的正文…`` → ``加强项目谋划储备``."""
    return _HEADING_TITLE_END_RE.split(text, maxsplit=1)[0].strip()


def _parentheticals(text: str) -> list[tuple[str, list[UnitRef]]]:
    """(text before, units) for every unit parenthetical in text, in order."""
    found: list[tuple[str, list[UnitRef]]] = []
    start = 0
    index = 0
    while index < len(text):
        char = text[index]
        if char in _OPENING and _ROLE_LABEL_RE.match(text, index + 1):
            end = _closing(text, index)
            inner = text[index + 1 : end]
            content = text[start:index].strip()
            units = parse_unit_parenthetical(inner)
            if content and units:
                found.append((content, units))
            elif units and found:  # two parentheticals in a row: one measure
                found[-1] = (found[-1][0], list(dict.fromkeys([*found[-1][1], *units])))
            start = index = end + 1
            continue
        index += 1
    return found


def _closing(text: str, opening: int) -> int:
    """Index of the bracket closing the one at `opening` (or the end of the text)."""
    depth = 0
    for index in range(opening, len(text)):
        if text[index] in _OPENING:
            depth += 1
        elif text[index] in _CLOSING:
            depth -= 1
            if depth == 0:
                return index
    return len(text)
