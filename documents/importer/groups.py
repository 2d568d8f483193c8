"""Stage 12, leading groups: member lines → ParsedGroup.

Member lists are typeset as a role label and then one seat per line::

    组 长：杨 军 市长
    副组长：杨良锋 市委常委、常务副市长
            吴晓波 副市长、市公安局局长        (same role as the line before)
    成 员：市生态环境局、市经信局…分管负责同志。   (unit seats, no person)

sometimes with tabs between the cells. Roles may carry padding spaces (``组 长``) and
two-character names always do (``杨 军`` is 杨军). They occur in a notice's attachment
(…名单) or inline in its body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lists import split_unit_names
from .records import MEMBER_ROLES, Block, ParsedGroup, ParsedMember
from .text import squash, strip_spaces

__all__ = [
    "GroupScope",
    "MemberRun",
    "collect_member_run",
    "is_member_line",
    "is_role_line",
    "parse_groups",
    "parse_member_run",
]

_ROLE_WORDS = sorted(MEMBER_ROLES, key=len, reverse=True)
_ROLE_RE = "|".join(r"\s*".join(word) for word in _ROLE_WORDS)
_ROLE_LINE_RE = re.compile(rf"^[\t ]*(?P<role>{_ROLE_RE})\s*[：:][\t ]*(?P<value>.*)$")
_HAN = r"\u4e00-\u9fff"
_NAME_RE = re.compile(rf"[{_HAN}](?:[ \u3000]?[{_HAN}]){{1,3}}")
_POSITION_END_RE = re.compile(r"(?:长|任|员|记|理|席|监|师|官|书|委|人|志)$")
_SEAT_RE = re.compile(r"^(?P<units>.*?)(?P<seat>(?:的)?(?:分管|主要|有关)?负责(?:同志|人))$")
_POSITION_ONLY_RE = re.compile(r"(?:秘书长|市长|局长|主任|书记|调研员|负责人)$")
_MAX_POSITION = 60
_LIST_SEPARATOR_RE = re.compile(r"[、，,]")
_SEAT_END_RE = re.compile(r"(?:。|同志|负责人)$")

_GROUP_WORD = r"(?:领导小组|指挥部|委员会|工作组|工作专班|联席会议)"
_GROUP_END_RE = re.compile(rf"{_GROUP_WORD}$")
_LIST_SUFFIX_RE = re.compile(r"(?:成员名单|人员名单|组成人员|名单|成员)$")
_TITLE_GROUP_RE = re.compile(rf"^(.+?{_GROUP_WORD})")
_NOTICE_GROUP_RE = re.compile(rf"关于成立(.+?{_GROUP_WORD})的(?:通知|决定)")
_BODY_GROUP_RE = re.compile(rf"成立(?:了)?([^，。；、（(\s]{{2,40}}?{_GROUP_WORD})")
_OFFICE_RE = re.compile(r"办公室设在([^，。；,;]+)")
_OFFICE_HOLDER_RE = re.compile(
    rf"(?P<names>[{_HAN}]{{2,4}}(?:、[{_HAN}]{{2,4}})*)同志兼任(?P<role>办公室副?主任)"
)
_OFFICE_HELD_BY_RE = re.compile(
    rf"(?P<role>办公室副?主任)由(?P<position>[^，。；]*?(?:长|主任|书记|员))?"
    rf"(?P<name>[{_HAN}]{{2,3}})(?:同志)?兼任"
)
_SUB_GROUP_RE = re.compile(r"专项|分指挥部|工作专班")


@dataclass
class MemberRun:
    """Consecutive member lines, as printed (tabs kept)."""

    lines: list[str]


@dataclass
class GroupScope:
    """Where groups are looked for: a notice's body or one attachment, in reading order."""

    title: str
    items: list[Block | MemberRun]


def is_role_line(line: str) -> bool:
    """``组 长：…``, ``副指挥长：…``, ``成 员：…`` (a role label and a colon)."""
    return bool(_ROLE_LINE_RE.match(line))


def _split_person(value: str) -> tuple[str, str] | None:
    """``杨 军 市长`` / ``李 丽\\t副市长`` / ``傅捷 市发改委副主任`` → (name, position)."""
    cells = [cell.strip() for cell in value.split("\t") if cell.strip()]
    if len(cells) >= 2:
        if _NAME_RE.fullmatch(cells[0]):
            return strip_spaces(cells[0]), squash(" ".join(cells[1:]))
        return None
    tokens = value.split()
    if len(tokens) >= 3 and len(tokens[0]) == 1 and len(tokens[1]) == 1:
        name, position = tokens[0] + tokens[1], " ".join(tokens[2:])
    elif len(tokens) >= 2 and _NAME_RE.fullmatch(tokens[0]):
        name, position = tokens[0], " ".join(tokens[1:])
    else:
        return None
    if not re.fullmatch(rf"[{_HAN}]{{2,4}}", name):
        return None
    return name, squash(position)


def is_member_line(line: str) -> bool:
    """A continuation seat: a person's name and position with no role label."""
    if "。" in line or "；" in line or len(line.strip()) > _MAX_POSITION:
        return False
    person = _split_person(line.strip(" \u3000"))
    return person is not None and bool(_POSITION_END_RE.search(person[1]))


def _unfinished_units(value: str) -> bool:
    """A unit list that wraps onto the next line (``成 员：市政府秘书长、有关副秘书长，市``)."""
    value = value.strip()
    return bool(value) and bool(_LIST_SEPARATOR_RE.search(value)) and not _SEAT_END_RE.search(value)


def collect_member_run(lines: list[str], start: int) -> tuple[int, MemberRun]:
    """From a role line at `start`, the member lines that follow (blank lines allowed).

    Returns the index after the run and the run. A role line whose unit list does not end
    (no 。 or 负责同志) takes the following non-member lines as its continuation.
    """
    run = [lines[start]]
    index = start + 1
    while index < len(lines):
        line = lines[index]
        if not line.strip():
            index += 1
            continue
        if is_role_line(line) or is_member_line(line):
            run.append(line)
        elif _unfinished_units(_value_of(run[-1])):
            run[-1] = run[-1].rstrip() + line.strip()
        else:
            break
        index += 1
    while index > start + 1 and not lines[index - 1].strip():
        index -= 1
    return index, MemberRun(run)


def _value_of(line: str) -> str:
    match = _ROLE_LINE_RE.match(line)
    return match["value"] if match else ""


def parse_member_run(run: MemberRun) -> list[ParsedMember]:
    """Seats of one member run, in order; a line without a role takes the role above it."""
    members: list[ParsedMember] = []
    role_label = "成员"
    for line in run.lines:
        match = _ROLE_LINE_RE.match(line)
        if match:
            role_label = strip_spaces(match["role"])
            value = match["value"]
        else:
            value = line
        for name, position, units in _seats(value):
            members.append(
                ParsedMember(
                    order=len(members) + 1,
                    role=MEMBER_ROLES.get(role_label, "member"),
                    role_label=role_label,
                    name=name,
                    position=position,
                    unit_names=units,
                )
            )
    return members


def _seats(value: str) -> list[tuple[str, str, list[str]]]:
    """(name, position, unit names) for each seat a member value holds."""
    value = value.strip(" \t\u3000")
    flat = squash(value).rstrip("。.")
    if not flat:
        return []
    person = _split_person(value)
    if person is not None:
        return [(person[0], person[1], [])]
    seat = _SEAT_RE.match(flat)
    if seat or _LIST_SEPARATOR_RE.search(flat):
        position = seat["seat"] if seat else ""
        seats: list[tuple[str, str, list[str]]] = []
        for name in split_unit_names(seat["units"] if seat else flat):
            if _POSITION_ONLY_RE.search(name):  # 市政府秘书长, 有关副秘书长: a post, not a unit
                seats.append(("", name, []))
            else:
                seats.append(("", position, [name]))
        return seats
    if re.fullmatch(rf"[{_HAN}]{{2,4}}", flat) and not _POSITION_END_RE.search(flat):
        return [(flat, "", [])]
    return [("", flat, [])]


# --- Groups -------------------------------------------------------------------------------------


def parse_groups(
    scopes: list[GroupScope], notice_title: str, notice_text: str
) -> list[ParsedGroup]:
    """Leading groups of a notice, from its body and its attachments.

    Reads: each scope's blocks and member runs in order. Writes: one ParsedGroup per member run,
    named after the nearest heading that names a group (``一、咸宁长江经济带…十大行动指挥部``,
    ``（三）建设绿色制造体系专项指挥部。``), else the attachment title
    (``数字咸宁建设领导小组成员名单…``), else the notice (``关于成立…领导小组的通知``). The
    office (``办公室设在市发改委``), office director (``张善猛同志兼任办公室主任``, ``办公室主任由
    市市场监管局副局长邱鹰兼任``) and duties (a ``主要职责`` section) after or before the run are
    attached to it; a 专项指挥部 gets the notice's first main group as parent.
    """
    groups: list[ParsedGroup] = []
    for scope in scopes:
        candidate: str | None = None
        current: ParsedGroup | None = None
        duties: list[str] = []
        collecting_duties = False
        for item in scope.items:
            if isinstance(item, MemberRun):
                name = (
                    candidate
                    or _name_from_title(scope.title)
                    or _name_from_notice(notice_title, notice_text)
                    or "领导小组"
                )
                current = ParsedGroup(
                    name=_unique_name(name, groups),
                    parent=None,
                    office="",
                    duties="\n".join(duties),
                    members=parse_member_run(item),
                )
                groups.append(current)
                candidate, duties, collecting_duties = None, [], False
                continue
            block = item
            if block.kind != "paragraph":
                named = _name_from_heading(block.text)
                collecting_duties = "职责" in block.text.split("。")[0]
                if named:
                    candidate, current = named, None
                    continue
            elif collecting_duties:
                if current is not None and not current.duties:
                    current.duties = block.text
                else:
                    duties.append(block.text)
            if current is not None:
                _read_office(block.text, current)
    _link_parents(groups)
    return groups


def _name_from_heading(text: str) -> str | None:
    title = _LIST_SUFFIX_RE.sub("", squash(text).split("。")[0].strip())
    match = _GROUP_END_RE.search(title)
    if not match or len(title) <= len(match.group()) + 1 or title.startswith("领导小组"):
        return None
    return title


def _name_from_title(title: str) -> str | None:
    match = _TITLE_GROUP_RE.match(squash(title))
    if not match or match.group(1).startswith(("领导小组", "指挥部")):
        return None
    return match.group(1)


def _name_from_notice(title: str, text: str) -> str | None:
    match = _NOTICE_GROUP_RE.search(squash(title)) or _BODY_GROUP_RE.search(text)
    return match.group(1) if match else None


def _unique_name(name: str, groups: list[ParsedGroup]) -> str:
    taken = {group.name for group in groups}
    if name not in taken:
        return name
    suffix = 2
    while f"{name}（{suffix}）" in taken:
        suffix += 1
    return f"{name}（{suffix}）"


def _read_office(text: str, group: ParsedGroup) -> None:
    """Office seat and office directors named in a paragraph after the member list."""
    office = _OFFICE_RE.search(text)
    if office and not group.office:
        group.office = office.group(1).strip()
    for match in _OFFICE_HOLDER_RE.finditer(text):
        for name in match["names"].split("、"):
            _add_office_holder(group, match["role"], name, "")
    for match in _OFFICE_HELD_BY_RE.finditer(text):
        _add_office_holder(group, match["role"], match["name"], match["position"] or "")


def _add_office_holder(group: ParsedGroup, role_label: str, name: str, position: str) -> None:
    known = next((m for m in group.members if m.name and name.endswith(m.name)), None)
    if known is not None:
        name, position = known.name, position or known.position
    if any(m.role_label == role_label and m.name == name for m in group.members):
        return
    group.members.append(
        ParsedMember(
            order=len(group.members) + 1,
            role=MEMBER_ROLES[role_label],
            role_label=role_label,
            name=name,
            position=position,
        )
    )


def _link_parents(groups: list[ParsedGroup]) -> None:
    main = next((group for group in groups if not _SUB_GROUP_RE.search(group.name)), None)
    if main is None:
        return
    for group in groups:
        if group is not main and _SUB_GROUP_RE.search(group.name):
            group.parent = main.name
