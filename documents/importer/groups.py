"""Stage 12, leading groups: member lines → ParsedGroup.

Member lists are typeset as a role label and then one seat per line::

    组 长：杨 军 市长
    副组长：杨良锋 市委常委、常务副市长
            吴晓波 副市长、市公安局局长        (same role as the line before)
    成 员：市生态环境局、市经信局…分管负责同志。   (unit seats, no person)

sometimes with tabs between the cells. Roles may carry padding spaces (``组 长``) and
two-character names always do (``杨 军`` is 杨军). They occur in a notice's attachment
(…名单) or inline in its body. A roster may also print one person a line with no role label at
all, the name (with a ``(女)`` note) set apart from the position by a tab or wide spacing::

    王贤荣(女)    南京林业大学生物与环境学院教授
    李 强    市林业局副局长

Committees, commands and joint meetings have their own role words (主任委员, 指挥长,
召集人 …: records.MEMBER_ROLES). A person's units are read from the position
(``市政府副秘书长、市发改委主任``); a person's name is never taken for a unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lists import looks_like_units, split_unit_names
from .places import places
from .records import MEMBER_ROLES, Block, ParsedGroup, ParsedMember
from .text import split_outside_brackets, squash, strip_spaces

__all__ = [
    "GroupScope",
    "MemberRun",
    "collect_member_run",
    "is_member_line",
    "is_role_line",
    "is_roster_line",
    "parse_groups",
    "parse_member_run",
    "starts_roster",
]

_ROLE_WORDS = sorted(MEMBER_ROLES, key=len, reverse=True)
_ROLE_RE = "|".join(r"\s*".join(word) for word in _ROLE_WORDS)
_ROLE_LINE_RE = re.compile(rf"^[\t ]*(?P<role>{_ROLE_RE})\s*[：:][\t ]*(?P<value>.*)$")
_HAN = r"\u4e00-\u9fff"
_POSITION_END_RE = re.compile(r"(?:长|任|员|记|理|席|监|师|官|书|委|人|志|授|士|家|事|表)$")
# The sex (and nationality) printed after a name: 王贤荣(女), 李 强（男，土家族）.
_NOTE = r"[（(]\s*[男女](?:\s*[，,、]\s*[^（）()]{1,8})?\s*[）)]"
_NAME_NOTE_RE = re.compile(
    rf"(?<![{_HAN}])([{_HAN}](?:[ \u3000]?[{_HAN}]){{1,3}})\s*{_NOTE}[ \u3000]*"
)
# A roster line: the name (and its note) set apart from the position by a tab or wide spacing.
_ROSTER_START_RE = re.compile(
    rf"^[{_HAN}](?:[ \u3000]?[{_HAN}]){{1,3}}(?:\s*{_NOTE}\s*|\t\s*|[ \u3000]{{2,}})\S"
)
# Column headings and row labels of a table, never a person.
_NOT_NAMES = frozenset(
    [
        *("姓名", "序号", "职务", "职称", "性别", "单位", "名称", "备注", "部门", "项目"),
        *("事项", "任务", "内容", "类别", "地区", "时间", "合计", "小计", "总计"),
    ]
)
# A post held in a unit, after the unit's name: 市医保局副局长, 市科技局四级调研员.
_POST_RE = re.compile(
    r"(?:党组|党委|党工委)?(?:常务|专职|执行)?副?总?"
    r"(?:局长|主任|书记|秘书长|行长|支队长|大队长|队长|董事长|经理|院长|校长|台长|社长|馆长|"
    r"所长|站长|处长|科长|部长|主席|会长|理事长|检察长|关长|政委|委员|成员|负责人|主编|编辑|"
    r"厅长|市长|县长|区长|组长|指挥长)"
    r"|(?:[一二三四]级)?(?:调研员|巡视员|主任科员)"
    r"|(?:正高级|副高级|高级|副?总)?(?:工程师|经济师|会计师|农艺师)|讲师|教师"
    r"|副?(?:教授|研究员)|(?:主任|副主任)?医师"
)
_SEAT_RE = re.compile(r"^(?P<units>.*?)(?P<seat>(?:的)?(?:分管|主要|有关)?负责(?:同志|人))$")
_POSITION_ONLY_RE = re.compile(r"(?:秘书长|市长|局长|主任|书记|调研员|负责人)$")
_MAX_POSITION = 60
_LIST_SEPARATOR_RE = re.compile(r"[、，,]")
_SEAT_END_RE = re.compile(r"(?:。|同志|负责人)$")

_GROUP_WORD = r"(?:领导小组|指挥部|委员会|工作组|工作专班|联席会议)"
_GROUP_END_RE = re.compile(rf"{_GROUP_WORD}$")
_LIST_SUFFIX_RE = re.compile(
    r"(?:组成人员名单|委员名单|成员名单|人员名单|组成人员|名单|成员|委员)$"
)
_LIST_HEADING_RE = re.compile(r"(?:名单|组成人员|成员|委员)$")
_LISTED_MEMBERS_RE = re.compile(r"委员(?:名单)?$")
_MEETING_SYSTEM_RE = re.compile(r"联席会议制度$")
_MAX_CAPTION = 50
_CAPTION_PUNCTUATION_RE = re.compile(r"[。；，：:,;]")
_TITLE_GROUP_RE = re.compile(rf"^(.+?{_GROUP_WORD})")
_NOTICE_GROUP_RE = re.compile(
    rf"关于(?:成立|设立|组建|建立|调整充实|调整|充实|增补)(.+?{_GROUP_WORD})"
    r"(?:制度|组成人员|成员|人员|及[^的]*)*的(?:通知|决定|批复)"
)
_BODY_GROUP_RE = re.compile(
    rf"(?:成立|设立|组建|建立|调整后的)(?:了)?([^，。；、（(\s]{{2,40}}?{_GROUP_WORD})"
    rf"|对([^，。；、（(\s]{{2,40}}?{_GROUP_WORD})(?:组成人员|成员)(?:进行)?(?:了)?调整"
)
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


def _tokens(value: str) -> list[str]:
    """The pieces of a member value between spaces and tabs, a padded two-character name
    (``李 四``) as one piece, a name's ``(女)`` note dropped."""
    pieces = _NAME_NOTE_RE.sub(r"\1\t", value).split()
    tokens: list[str] = []
    index = 0
    while index < len(pieces):
        pair = pieces[index : index + 2]
        if len(pair) == 2 and all(re.fullmatch(rf"[{_HAN}]", piece) for piece in pair):
            tokens.append("".join(pair))
            index += 2
        else:
            tokens.append(pieces[index])
            index += 1
    return tokens


def _is_name(text: str, longest: int = 4) -> bool:
    """A person's name (2-4 characters, padding removed), not a unit or a column heading."""
    name = strip_spaces(text)
    return (
        bool(re.fullmatch(rf"[{_HAN}]{{2,{longest}}}", name))
        and name not in _NOT_NAMES
        and not places().unit_start_re.match(name)
    )


def _persons(value: str) -> list[tuple[str, str]]:
    """(name, position) of each person a member value names: ``杨 军 市长``, ``李 丽\\t副市长``,
    ``王贤荣(女)    南京林业大学…教授``, two on one line (``张三 副市长  李 四 市政府副秘书长``).

    Empty unless the value begins with a name followed by a position. A further person begins
    where a position ends in a post word (长, 任, 员 …) and a name and its position follow."""
    tokens = _tokens(value)
    if len(tokens) < 2 or not _is_name(tokens[0]):
        return []
    people: list[tuple[str, list[str]]] = [(strip_spaces(tokens[0]), [])]
    for index, token in enumerate(tokens[1:], start=1):
        position = people[-1][1]
        if (
            position
            and _POSITION_END_RE.search(position[-1])
            and index + 1 < len(tokens)
            and _is_name(token, longest=3)
            and not _POSITION_END_RE.search(token)
        ):
            people.append((strip_spaces(token), []))
        else:
            position.append(token)
    return [(name, squash(" ".join(position))) for name, position in people]


def _is_position(text: str) -> bool:
    return bool(_POSITION_END_RE.search(text))


def is_member_line(line: str) -> bool:
    """A seat with no role label: a person's name and position (a roster line, or a line
    continuing the role above it)."""
    if "。" in line or "；" in line or len(line.strip()) > _MAX_POSITION:
        return False
    people = _persons(line.strip(" \u3000"))
    if not people:
        return False
    if is_roster_line(line):
        return True
    return all(_is_position(position) for _, position in people)


def is_roster_line(line: str) -> bool:
    """A roster line: a name (with its ``(女)`` note) set apart by a tab or wide spacing from
    a position or an affiliation (``王贤荣(女)    南京林业大学…教授``, ``李 强\\t市林业局``)."""
    stripped = line.strip(" \u3000")
    if (
        "。" in stripped
        or "；" in stripped
        or len(stripped) > _MAX_POSITION
        or is_role_line(stripped)
        or not _ROSTER_START_RE.match(stripped)
    ):
        return False
    people = _persons(stripped)
    return bool(people) and all(
        _is_position(position) or looks_like_units(position) for _, position in people
    )


def starts_roster(lines: list[str], start: int) -> bool:
    """Whether a roster without a role label begins at `start`: a seat (a roster line, or a
    name and a post with one space between, as a PDF's text gives them) followed by another
    seat, or one right under a heading that announces a list (``…委员名单``)."""
    if not is_member_line(lines[start]):
        return False
    after = next((line for line in lines[start + 1 :] if line.strip()), "")
    before = next((line for line in reversed(lines[:start]) if line.strip()), "")
    return is_member_line(after) or bool(_LIST_HEADING_RE.search(squash(before)))


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


def parse_member_run(run: MemberRun, role_label: str = "成员") -> list[ParsedMember]:
    """Seats of one member run, in order; a line without a role takes the role above it (the
    first lines of a roster without role labels take `role_label`)."""
    members: list[ParsedMember] = []
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
    """(name, position, unit names) for each seat a member value holds: people with the units
    their positions name, units (``市生态环境局、市经信局分管负责同志``), posts (``市政府秘书长``)
    and bare names (``王五、赵六``), which are never units."""
    value = value.strip(" \t\u3000")
    flat = squash(value).rstrip("。.")
    if not flat:
        return []
    people = _persons(value)
    if people:
        return [(name, position, _position_units(position)) for name, position in people]
    seat = _SEAT_RE.match(flat)
    if seat or _LIST_SEPARATOR_RE.search(flat):
        position = seat["seat"] if seat else ""
        seats: list[tuple[str, str, list[str]]] = []
        for name in split_unit_names(seat["units"] if seat else flat):
            if _POSITION_ONLY_RE.search(name):  # 市政府秘书长, 有关副秘书长: a post, not a unit
                seats.append(("", name, _position_units(name)))
            elif _is_unit(name):
                seats.append(("", position, [name]))
            elif _is_name(name, longest=3):
                seats.append((name, "", []))
            else:
                seats.append(("", name, []))
        return seats
    if _is_name(flat) and not _POSITION_END_RE.search(flat):
        return [(flat, "", [])]
    return [("", flat, _position_units(flat))]


def _is_unit(name: str) -> bool:
    """A unit's name as printed in a seat list (市经信局, 市直有关部门, 市政协)."""
    return looks_like_units(name) or bool(places().unit_start_re.match(name))


def _position_units(position: str) -> list[str]:
    """The units a position names, in order: ``市医保局副局长`` → 市医保局, ``市政府副秘书长、
    市发改委主任`` → 市政府, 市发改委; ``副市长``, ``市委常委``, ``教授`` → none.

    Each post of the position (split on 、，) is a unit's name and a post word
    (局长, 副主任, 四级调研员 …); the shortest such unit is taken."""
    units: list[str] = []
    for part in split_outside_brackets(strip_spaces(position), "、，,；;"):
        for cut in range(2, len(part)):
            unit = part[:cut]
            if _POST_RE.fullmatch(part[cut:]) and _is_unit(unit):
                units.append(unit)
                break
    return list(dict.fromkeys(units))


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
    attached to it; a 专项指挥部 gets the notice's first main group as parent. A short
    paragraph that names a list (``咸宁市第一届林业专家委员会委员名单``) names the group as a
    heading does; the unlabelled seats of a ``…委员名单`` are 委员, of other lists 成员.
    """
    groups: list[ParsedGroup] = []
    for scope in scopes:
        candidate: str | None = None
        listed_role = _listed_role(scope.title)
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
                    members=parse_member_run(item, listed_role),
                )
                groups.append(current)
                candidate, duties, collecting_duties = None, [], False
                listed_role = _listed_role(scope.title)
                continue
            block = item
            if block.kind != "paragraph":
                named = _name_from_heading(block.text)
                collecting_duties = "职责" in block.text.split("。")[0]
                if named:
                    candidate, current = named, None
                    listed_role = _listed_role(block.text)
                    continue
            elif _is_caption(block.text) and (named := _name_from_heading(block.text)):
                candidate, current = named, None
                listed_role = _listed_role(block.text)
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


def _is_caption(text: str) -> bool:
    """A paragraph short enough and without punctuation to be a list's caption."""
    return len(text) <= _MAX_CAPTION and not _CAPTION_PUNCTUATION_RE.search(text)


def _listed_role(heading: str) -> str:
    """The role of a list's unlabelled seats: 委员 under ``…委员名单``, else 成员."""
    return "委员" if _LISTED_MEMBERS_RE.search(squash(heading)) else "成员"


def _name_from_heading(text: str) -> str | None:
    title = _LIST_SUFFIX_RE.sub("", squash(text).split("。")[0].strip())
    title = _MEETING_SYSTEM_RE.sub("联席会议", title)
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
    return next((name for name in match.groups() if name), None) if match else None


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
            unit_names=_position_units(position),
        )
    )


def _link_parents(groups: list[ParsedGroup]) -> None:
    main = next((group for group in groups if not _SUB_GROUP_RE.search(group.name)), None)
    if main is None:
        return
    for group in groups:
        if group is not main and _SUB_GROUP_RE.search(group.name):
            group.parent = main.name
