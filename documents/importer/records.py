"""What the gazette parser produces: plain dataclasses, no Django, no database.

The loader turns these into model instances. Field names follow DESIGN.md ("Words used in
code"); role and kind values are the codes the models use (``lead``/``responsible``/
``cooperating``, ``leader``/``commander``/…).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from documents.docnumbers import DocNumberError, parse_doc_number

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
]

#: Block kinds, in the order they nest. ``title`` is the heading of a plan or measures enclosed
#: by a covering letter (``咸宁长江经济带降碳减污扩绿增长十大行动方案``).
BLOCK_KINDS = (
    "title",
    "chapter",
    "section",
    "article",
    "heading1",
    "heading2",
    "heading3",
    "paragraph",
)

#: 牵头单位 / 责任单位 / 配合单位.
UNIT_ROLES = {"牵头单位": "lead", "责任单位": "responsible", "配合单位": "cooperating"}

#: Printed member roles and the code the Membership model stores for each: the vocabularies of
#: 领导小组 (组长/副组长/成员), 委员会 (主任/常务副主任/副主任/委员, 主任委员/副主任委员/委员,
#: 秘书长/副秘书长), 指挥部 (指挥长/副指挥长/成员) and 联席会议 (召集人/副召集人/成员/成员单位).
#: A committee's 秘书长 runs its office, so it takes the office codes; the printed word stays in
#: ParsedMember.role_label.
MEMBER_ROLES = {
    "组长": "leader",
    "第一组长": "leader",
    "主任": "leader",
    "主任委员": "leader",
    "召集人": "leader",
    "总召集人": "leader",
    "总指挥": "commander",
    "副组长": "deputy_leader",
    "常务副组长": "deputy_leader",
    "副主任": "deputy_leader",
    "常务副主任": "deputy_leader",
    "副主任委员": "deputy_leader",
    "副召集人": "deputy_leader",
    "指挥长": "commander",
    "副指挥长": "deputy_commander",
    "常务副指挥长": "deputy_commander",
    "办公室主任": "office_director",
    "办公室副主任": "office_deputy_director",
    "秘书长": "office_director",
    "副秘书长": "office_deputy_director",
    "成员": "member",
    "委员": "member",
    "成员单位": "member",
}


class ImportFormatError(ValueError):
    """The input is not a readable issue of the gazette. The message says why, in Chinese."""


@dataclass(frozen=True)
class TocEntry:
    """One line of the 目录: the section heading it sits under, the title and its start page."""

    section: str
    title: str
    page: int | None


@dataclass(frozen=True)
class Block:
    """A paragraph or heading of a body. ``number`` is the printed marker (``一、``, ``（一）``,
    ``1.``, ``第一章``, ``第一条``), ``text`` what follows it."""

    kind: str
    number: str
    text: str

    def render(self) -> str:
        """The block as one printed line (what Notice.body stores, one per line)."""
        if not self.number:
            return self.text
        if self.kind in ("chapter", "section", "article", "heading3"):
            return f"{self.number} {self.text}".rstrip()
        return f"{self.number}{self.text}"


@dataclass
class ParsedTable:
    """A table, merged over page breaks; every row has the header's width or more.

    ``source_rows`` are the same rows with their cells in the order the extraction gave them
    (no column mapping): the list parser reads cells by what they look like, since on some
    pages of a list neither the position nor the repeated header tells where a cell belongs.
    """

    title: str
    header: list[str]
    rows: list[list[str]]
    source_rows: list[list[str]] = field(default_factory=list, repr=False, compare=False)


@dataclass(frozen=True)
class UnitRef:
    """A unit named in a role (``lead``, ``responsible`` or ``cooperating``), as printed."""

    role: str
    name: str


@dataclass
class ParsedProject:
    """A row of a project list (项目)."""

    order: int
    attachment: str
    section: str
    section_order: int
    number: int
    name: str
    investment_yi: Decimal | None
    content: str
    deadline_text: str
    deadline_year: int | None
    location: str | None
    units: list[UnitRef] = field(default_factory=list)


@dataclass
class ParsedTask:
    """A task or matter (事项): a row of a list, or a numbered measure in the body text followed
    by a unit parenthetical (``source`` is ``list`` or ``text``). ``number`` is unique within
    ``section_order``; ``label`` is the marker printed in front of a measure (``1.``, ``一、``)."""

    order: int
    attachment: str
    section: str
    section_order: int
    number: int
    label: str
    content: str
    measures: str
    deadline_text: str
    deadline_year: int | None
    units: list[UnitRef] = field(default_factory=list)
    source: str = "list"


@dataclass
class ParsedListSection:
    """A section of a project/task list (``一、推动降碳减污协同增效（牵头单位：市发改委）``) with
    the figures printed in its sub-section lines (None where nothing is printed)."""

    order: int
    attachment: str
    number: str
    title: str
    lead_units: list[str]
    printed_tasks: int | None = None
    printed_projects: int | None = None
    printed_investment_yi: Decimal | None = None


@dataclass
class ListTotals:
    """The grand total line of a list (``合计：事项 32 项、项目 36 个，总投资 619.53 亿元``)."""

    tasks: int | None
    projects: int | None
    investment_yi: Decimal | None


@dataclass
class ParsedMember:
    """A seat in a leading group. Unit seats (``成 员：市生态环境局…分管负责同志``) have no
    ``name`` and the unit in ``unit_names``; a position-only seat keeps its ``position``."""

    order: int
    role: str
    role_label: str
    name: str
    position: str
    unit_names: list[str] = field(default_factory=list)


@dataclass
class ParsedGroup:
    """A leading group or command (领导小组, 指挥部, 专项指挥部) set up by a notice."""

    name: str
    parent: str | None
    office: str
    duties: str
    members: list[ParsedMember] = field(default_factory=list)


@dataclass
class ParsedAttachment:
    """``附件2``, ``附件3.1`` or ``附录``: its title, body blocks and tables."""

    label: str
    title: str
    blocks: list[Block] = field(default_factory=list)
    tables: list[ParsedTable] = field(default_factory=list)

    @property
    def body_text(self) -> str:
        return "\n".join(block.render() for block in self.blocks)


@dataclass(frozen=True)
class ParsedCitation:
    """Another document named in a notice: by number, by title or both."""

    kind: str  # "cites" or "repeals"
    doc_number: str
    title: str


@dataclass
class ParsedNotice:
    """One document of the issue (one TOC entry)."""

    order: int
    page: int | None
    section: str
    title: str
    doc_number: str | None
    issuer: str
    addressees: str
    signed_on: datetime.date | None
    disclosure: str = ""  # 公开方式 as printed under the date: 公开发布, 主动公开, 依申请公开 …
    signer: str = ""  # who signed a decree (市长 王某某); the issuer is the government
    kind: str = ""  # 文种 (documents.text.DOCUMENT_KINDS), from the title or a decree number
    normative: bool = False  # 行政规范性文件 (咸政规〔2023〕1号)
    index_number: str = ""  # 索引号, 主题分类 and 有效性 of a 政府信息公开 page
    topic: str = ""
    validity: str | None = None  # "in_force", "expired" or "repealed" when the page says
    line: int | None = None  # the line of the text its title (or number) is printed on
    blocks: list[Block] = field(default_factory=list)
    tables: list[ParsedTable] = field(default_factory=list)
    effective_on: datetime.date | None = None
    effective_rule: str | None = None  # "signing", "publication", "date" or None
    valid_years: int | None = None
    cites: list[str] = field(default_factory=list)
    repeals: list[str] = field(default_factory=list)
    citations: list[ParsedCitation] = field(default_factory=list)
    attachments: list[ParsedAttachment] = field(default_factory=list)
    projects: list[ParsedProject] = field(default_factory=list)
    tasks: list[ParsedTask] = field(default_factory=list)
    list_sections: list[ParsedListSection] = field(default_factory=list)
    list_totals: ListTotals | None = None
    groups: list[ParsedGroup] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def body_text(self) -> str:
        """The body as stored: one block per line."""
        return "\n".join(block.render() for block in self.blocks)

    @property
    def all_tables(self) -> list[ParsedTable]:
        return [*self.tables, *(table for item in self.attachments for table in item.tables)]


@dataclass
class ParsedIssue:
    """An issue of the gazette, ready for the loader."""

    title: str
    year: int
    number: int
    total_number: int | None
    published_on: datetime.date | None  # None for single documents (`documents_only`)
    masthead: dict[str, str] = field(default_factory=dict)
    toc: list[TocEntry] = field(default_factory=list)
    notices: list[ParsedNotice] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Single documents for the issue `year`/`number` (the text states no issue): the loader
    # adds or updates these notices and leaves the issue and its other notices alone.
    documents_only: bool = False

    def doc_numbers(self) -> list[str]:
        """The canonical document numbers of the notices, the ones the loader finds notices by
        (a notice with none, or with one that does not parse, is found by its order)."""
        numbers = []
        for notice in self.notices:
            if not notice.doc_number:
                continue
            try:
                numbers.append(parse_doc_number(notice.doc_number).canonical)
            except DocNumberError:
                continue
        return numbers
