"""Stages 6 and 13 and the assembly of one notice: head, relations, and the calls into
body.py, tables.py, lists.py and groups.py for stages 7-12.

A notice as printed::

    市人民政府办公室关于印发 咸宁长江经济带…十大行动方案的通知     ← title (split_notices)
    咸政办发〔2022〕29号                                         ← document number
    各县、市、区人民政府，市政府各部门，咸宁高新区管委会：          ← addressees
    《…》已经市人民政府同意，现印发给你们，请…认真贯彻落实。        ← covering letter
    咸宁市人民政府办公室                                         ← issuer
    2022年7月15日                                                ← signing date
    咸宁长江经济带降碳减污扩绿增长 十大行动方案                   ← enclosed title
    为深入贯彻…  一、总体要求 …                                   ← body
    附件：1. …指挥部和专项指挥部名单 2. …事项和项目责任清单        ← attachment list
    附件 1 / 咸宁长江经济带…名单 / 一、… 指挥长：杨良锋 …           ← attachments

The issuer and date may instead close the notice (a notice without an enclosed document).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from documents.docnumbers import DocNumberError, find_doc_numbers, normalize_doc_number

from .body import (
    LABEL_RE,
    LIST_RE,
    is_heading_start,
    is_structural,
    is_title_like,
    parse_attachments,
    parse_body,
)
from .groups import GroupScope, MemberRun, is_role_line, parse_groups, parse_member_run
from .lists import extract_text_tasks, read_list
from .records import Block, ParsedAttachment, ParsedCitation, ParsedNotice, ParsedTable, TocEntry
from .text import DATE_LINE_RE, cn_to_int, parse_date, squash, strip_spaces

__all__ = [
    "NoticeHead",
    "NoticeSpan",
    "Relations",
    "parse_notice",
    "parse_notice_head",
    "parse_relations",
]

_ISSUER_END_RE = re.compile(
    r"(?:人民政府|政府|办公室|办公厅|委员会|管委会|管理委员会|指挥部|领导小组|局|委|厅|部|中心|院|会)$"
)
_ISSUER_RE = re.compile(r"^[\u4e00-\u9fff（）()、 ]{2,40}$")
_ADDRESSEE_RE = re.compile(r"(?:政府|部门|单位|管委会|委员会|局|委|办|厅|机构|院|各)[^：:]*[：:]$")
_COMMA_RE = re.compile(r"[，,]")
_ROLE_PREFIX_RE = re.compile(r"^[\t ]*([^：:\t]*?)\s*[：:]")
_LINE_BREAK_RE = re.compile(r"\s*\n\s*")
_SENTENCE_SPLIT_RE = re.compile(r"[。\n]")
_CLAUSE_SPLIT_RE = re.compile(r"[。；;\n]")
_BOOK_TITLE_RE = re.compile(r"《([^《》]{2,150})》")


@dataclass
class NoticeSpan:
    """A notice located by split_notices: its title, number, lines after the number line."""

    title: str
    doc_number: str | None
    lines: list[str]
    toc: TocEntry | None = None
    start: int = 0  # index of the title's first line in the issue's lines
    body_start: int = 0  # index of `lines[0]` in the issue's lines
    metadata: dict[str, str] = field(default_factory=dict)  # 政府信息公开 fields (metadata.py)


@dataclass
class NoticeHead:
    """What parse_notice_head found; ``lines`` is the rest, with the head lines blanked."""

    addressees: str
    issuer: str
    signed_on: datetime.date | None
    enclosed_title: str
    enclosed_index: int | None
    lines: list[str]
    warnings: list[str] = field(default_factory=list)
    disclosure: str = ""  # 此件公开发布, 此件主动公开 … (the note printed under the date)
    signer: str = ""  # a decree's signature: 市长 王某某


# --- 6. parse_notice_head ----------------------------------------------------------------------


def _is_issuer_line(line: str) -> bool:
    stripped = line.strip()
    return bool(_ISSUER_RE.match(stripped)) and bool(_ISSUER_END_RE.search(stripped))


# A decree is signed by its head of government: ``市长  王某某`` (代市长, 省长 …).
SIGNER_RE = re.compile(
    r"^(?:代理?)?(?:市长|省长|县长|区长|州长|盟长|主席|总理)[\s\u3000]*"
    r"(?P<name>[\u4e00-\u9fff](?:[\s\u3000]?[\u4e00-\u9fff]){1,3})$"
)


def _find_signature(lines: list[str], start: int, end: int) -> tuple[list[int], int] | None:
    """(issuer line indexes, date line index) of the first signature between start and end:
    the issuer's name(s), or a decree's signer (市长 王某某), above a date."""
    for index in range(start, end):
        if not DATE_LINE_RE.match(lines[index].strip()) or parse_date(lines[index]) is None:
            continue
        issuers: list[int] = []
        cursor = index - 1
        while cursor >= start and len(issuers) < 3:
            if lines[cursor].strip():
                if not (_is_issuer_line(lines[cursor]) or SIGNER_RE.match(lines[cursor].strip())):
                    break
                issuers.insert(0, cursor)
            cursor -= 1
        if issuers:
            return issuers, index
    return None


def _issuer_text(line: str) -> str:
    tokens = line.split()
    if len(tokens) > 1 and all(
        _ISSUER_END_RE.search(token) and len(token) >= 4 for token in tokens
    ):
        return " ".join(tokens)
    return "".join(tokens)


def parse_notice_head(lines: list[str], decree_issuer: str = "") -> NoticeHead:
    """Read the addressees, the issuer, the signing date and the enclosed document's title.

    Reads: the lines after the document number. Writes: a NoticeHead whose ``lines`` are the
    input with those lines blanked. The addressees are the first line(s) ending in ``：``
    (各县、市、区人民政府，市政府各部门，咸宁高新区管委会：); the issuer (发文机关署名) and date
    (``2022年7月15日``, ``2022 年 3 月 28 日``) are the first issuer line + date line before the
    attachments — after the covering letter, or at the very end; date templates without
    figures (``年 月 日``) are not dates. The line after a signature that follows a covering
    letter is the enclosed document's title when it looks like one. A decree is signed by a
    person (``市长  王某某``): its issuer is then `decree_issuer` (the government whose 令 it is).
    """
    lines = list(lines)
    warnings: list[str] = []
    first = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    addressees = ""
    cursor = first
    collected: list[int] = []
    while cursor < len(lines) and len(collected) < 3:
        line = lines[cursor].strip()
        if line:
            if "。" in line or "\t" in line or is_heading_start(line):
                break
            collected.append(cursor)
            if _ADDRESSEE_RE.search(line):
                addressees = squash("".join(lines[i] for i in collected)).rstrip("：:")
                for i in collected:
                    lines[i] = ""
                break
        cursor += 1

    main_end = next(
        (i for i, line in enumerate(lines) if LABEL_RE.match(line) or LIST_RE.match(line)),
        len(lines),
    )
    issuer, signed_on, enclosed, enclosed_index, disclosure = "", None, "", None, ""
    signer = ""
    signature = _find_signature(lines, first, main_end) or _find_signature(
        lines, main_end, len(lines)
    )
    if signature is None:
        warnings.append("没有找到发文机关署名和成文日期")
    else:
        issuer_lines, date_index = signature
        issuer = " ".join(
            _issuer_text(lines[i]) for i in issuer_lines if not SIGNER_RE.match(lines[i].strip())
        )
        signer = next(
            (_signer_text(lines[i]) for i in issuer_lines if SIGNER_RE.match(lines[i].strip())), ""
        )
        if not issuer and signer:  # a decree: 咸宁市人民政府令 is signed by the 市长
            issuer = decree_issuer or signer
        signed_on = parse_date(lines[date_index])
        for i in [*issuer_lines, date_index]:
            lines[i] = ""
        first_label = next((i for i, line in enumerate(lines) if LABEL_RE.match(line)), len(lines))
        after = next((i for i in range(date_index + 1, first_label) if lines[i].strip()), None)
        if after is not None and (note := DISCLOSURE_RE.match(lines[after].strip())):
            disclosure = note["how"]
            lines[after] = ""
            after = next((i for i in range(after + 1, first_label) if lines[i].strip()), None)
        if after is not None and _looks_like_enclosed_title(lines, after):
            enclosed, enclosed_index = squash(lines[after]), after
            lines[after] = ""
    return NoticeHead(
        addressees, issuer, signed_on, enclosed, enclosed_index, lines, warnings, disclosure, signer
    )


def _signer_text(line: str) -> str:
    """``市长  王 某某`` → ``市长 王某某`` (the post, a space, the name without its padding)."""
    match = SIGNER_RE.match(line.strip())
    assert match is not None
    name = strip_spaces(match["name"])
    return f"{squash(line.strip()[: match.start('name')])} {name}"


# The disclosure note GB/T 9704 prints under the date: （此件公开发布）, （此件主动公开）…
DISCLOSURE_RE = re.compile(
    r"^[（(]\s*此件\s*(?P<how>公开发布|主动公开|依申请公开|不予公开|不公开|删减后公开)\s*[）)]$"
)


def _looks_like_enclosed_title(lines: list[str], index: int) -> bool:
    line = lines[index].strip()
    if not is_title_like(line) or is_structural(line) or len(line) > 60 or _COMMA_RE.search(line):
        return False
    following = next((lines[i] for i in range(index + 1, len(lines)) if lines[i].strip()), "")
    return bool(following)


# --- 13. parse_relations -----------------------------------------------------------------------

_CITED_TITLE_RE = re.compile(
    r"《(?P<title>[^《》]{2,150})》\s*[（(]\s*(?P<number>[^（）()]{4,30}?号)\s*[）)]"
)
_EFFECTIVE_DATE_RE = re.compile(
    r"自\s*(?P<date>\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*(?:起)?\s*(?:施行|执行|实施|生效)"
)
_EFFECTIVE_SIGNING_RE = re.compile(r"自(?:印发|下发|签发|发文|签署)之日起(?:施行|执行|实施|生效)")
_EFFECTIVE_PUBLICATION_RE = re.compile(
    r"自(?:公布|发布|公告|公开发布)之日起(?:施行|执行|实施|生效)"
)
# A sentence about the document itself: 本办法自…施行, 此通知…, 自印发之日起施行.
_SELF_REFERENCE_RE = re.compile(r"^[^，,]*[本此该]|^自")
_VALID_YEARS_RE = re.compile(
    r"有效期\s*(?:为\s*)?(?P<years>\d{1,3}|[一二三四五六七八九十]{1,3})\s*年"
)


@dataclass
class Relations:
    """What parse_relations finds (the fields of the same names on ParsedNotice)."""

    cites: list[str] = field(default_factory=list)
    repeals: list[str] = field(default_factory=list)
    citations: list[ParsedCitation] = field(default_factory=list)
    effective_on: datetime.date | None = None
    effective_rule: str | None = None
    valid_years: int | None = None


def parse_relations(
    own_number: str | None, raw_text: str, main_text: str, other_text: str
) -> Relations:
    """Citations, repeals and validity of a notice.

    Reads: the notice's raw text (for citations, also numbers broken across a line), the text
    of its own body and of its attachments. Writes: ``cites`` (canonical numbers, own number
    excluded), ``repeals`` (numbers — or titles 《…》 printed without a number — in a sentence
    that says …同时废止 / …予以废止), ``citations`` (number and, where printed, title 《…》),
    ``effective_on`` / ``effective_rule`` (``自2022年9月1日起施行`` → the date, rule "date";
    ``自印发之日起施行`` → None, "signing"; ``自公布之日起施行`` → None, "publication") and
    ``valid_years`` (``有效期5年``, ``有效期为三年``), read from a sentence about the document
    itself (本办法…, 此通知…). The body decides; the attachments only when it says nothing.
    """
    relations = Relations()
    relations.cites = [n.canonical for n in find_doc_numbers(raw_text) if n.canonical != own_number]
    titles: dict[str, str] = {}
    flat = _LINE_BREAK_RE.sub("", raw_text)
    for match in _CITED_TITLE_RE.finditer(flat):
        try:
            number = normalize_doc_number(match["number"])
        except DocNumberError:
            continue
        titles.setdefault(number, squash(match["title"]))
    repealed_titles: list[str] = []
    for sentence in _SENTENCE_SPLIT_RE.split(flat):
        if "废止" not in sentence:
            continue
        numbers = [n.canonical for n in find_doc_numbers(sentence) if n.canonical != own_number]
        relations.repeals += [number for number in numbers if number not in relations.repeals]
        if not numbers:
            repealed_titles += [squash(t) for t in _BOOK_TITLE_RE.findall(sentence)]
    relations.citations = [
        *(ParsedCitation("cites", number, titles.get(number, "")) for number in relations.cites),
        *(
            ParsedCitation("repeals", number, titles.get(number, ""))
            for number in relations.repeals
        ),
        *(ParsedCitation("repeals", "", title) for title in dict.fromkeys(repealed_titles)),
    ]

    for text in (main_text, other_text):
        for sentence in _CLAUSE_SPLIT_RE.split(squash(text)):
            if not _SELF_REFERENCE_RE.search(sentence):
                continue
            if relations.effective_rule is None:
                if effective := _EFFECTIVE_DATE_RE.search(sentence):
                    relations.effective_on = parse_date(effective["date"])
                    relations.effective_rule = "date"
                elif _EFFECTIVE_SIGNING_RE.search(sentence):
                    relations.effective_rule = "signing"
                elif _EFFECTIVE_PUBLICATION_RE.search(sentence):
                    relations.effective_rule = "publication"
            if relations.valid_years is None and (years := _VALID_YEARS_RE.search(sentence)):
                relations.valid_years = cn_to_int(years["years"]) or None
        if relations.effective_rule or relations.valid_years:
            break
    return relations


# --- one notice ---------------------------------------------------------------------------------


def _render_member_line(line: str) -> Block:
    """A member line as a paragraph: ``组 长：\\t李 丽\\t副市长`` → ``组长：李丽 副市长``."""
    role = _ROLE_PREFIX_RE.match(line) if is_role_line(line) else None
    prefix = strip_spaces(role.group(1)) + "：" if role else ""
    value = line[role.end() :] if role else line
    members = parse_member_run(MemberRun([value]))
    if len(members) == 1 and members[0].name:
        value = f"{members[0].name} {members[0].position}".strip()
    else:
        value = squash(value)
    return Block("paragraph", "", prefix + value)


def _blocks_and_tables(
    items: list[Block | MemberRun | ParsedTable], default_title: str
) -> tuple[list[Block], list[ParsedTable], list[Block | MemberRun]]:
    blocks: list[Block] = []
    tables: list[ParsedTable] = []
    group_items: list[Block | MemberRun] = []
    for item in items:
        if isinstance(item, ParsedTable):
            if not item.title and not tables:
                item.title = default_title
            tables.append(item)
        elif isinstance(item, MemberRun):
            blocks.extend(_render_member_line(line) for line in item.lines)
            group_items.append(item)
        else:
            blocks.append(item)
            group_items.append(item)
    return blocks, tables, group_items


def parse_notice(span: NoticeSpan, order: int) -> ParsedNotice:
    """Run stages 6-13 on one notice."""
    number = span.doc_number or ""
    decree_issuer = number.split("令第")[0] if "令第" in number else ""
    head = parse_notice_head(span.lines, decree_issuer)
    warnings = list(head.warnings)
    main, attachment_parts, list_blocks = parse_attachments(head.lines, warnings)

    # The covering letter and the enclosed document are parsed apart, so that the letter's
    # last line is never joined to the enclosed document's first.
    split = head.enclosed_index if head.enclosed_index is not None else len(main.lines)
    main_items: list[Block | MemberRun | ParsedTable] = parse_body(main.lines[:split])
    if head.enclosed_title:
        main_items.append(Block("title", "", head.enclosed_title))
    main_items += parse_body(main.lines[split + 1 :])
    blocks, tables, main_group_items = _blocks_and_tables(main_items, "")
    blocks.extend(list_blocks)

    attachments: list[ParsedAttachment] = []
    scopes = [GroupScope(title="", items=main_group_items)]
    for part in attachment_parts:
        items = parse_body(part.lines)
        part_blocks, part_tables, group_items = _blocks_and_tables(items, part.title)
        attachments.append(ParsedAttachment(part.label, part.title, part_blocks, part_tables))
        scopes.append(GroupScope(title=part.title, items=group_items))

    notice = ParsedNotice(
        order=order,
        page=span.toc.page if span.toc else None,
        section=span.toc.section if span.toc else "",
        title=span.title,
        doc_number=span.doc_number,
        issuer=head.issuer,
        addressees=head.addressees,
        signed_on=head.signed_on,
        disclosure=head.disclosure,
        signer=head.signer,
        blocks=blocks,
        tables=tables,
        attachments=attachments,
        warnings=warnings,
    )
    _read_lists_and_tasks(notice)
    notice.groups = parse_groups(scopes, span.title, "\n".join(b.text for b in blocks))
    relations = parse_relations(
        span.doc_number,
        "\n".join(span.lines),
        notice.body_text,
        "\n".join(item.body_text for item in attachments),
    )
    for name, value in vars(relations).items():
        setattr(notice, name, value)
    return notice


def _read_lists_and_tasks(notice: ParsedNotice) -> None:
    """Stage 10 on every list table of the notice (project lists and other tables of tasks);
    tasks in running text when there is no list of tasks (a list, where printed, is the
    authoritative breakdown)."""
    for label, table in [
        *(("", table) for table in notice.tables),
        *((item.label, table) for item in notice.attachments for table in item.tables),
    ]:
        result = read_list(table, label)
        if result is None:
            continue
        offset = len(notice.list_sections)
        for section in result.sections:
            section.order += offset
        for project in result.projects:
            project.section_order += offset
            project.order = len(notice.projects) + 1
            notice.projects.append(project)
        for task in result.tasks:
            task.section_order += offset
            task.order = len(notice.tasks) + 1
            notice.tasks.append(task)
        notice.list_sections.extend(result.sections)
        notice.list_totals = notice.list_totals or result.totals
        notice.warnings.extend(result.warnings)
    if not notice.tasks:
        notice.tasks = extract_text_tasks(notice.blocks)
