"""The gazette parser: plain text of one issue in, dataclasses out (no database, no Django).

A pipeline of small stages in Indigo/docpipe style; each says what it reads and writes:

1. decode         bytes → str (UTF-8 with or without BOM, else GB18030)
2. clean_lines    str → lines without page furniture and extraction artefacts
3. parse_masthead title, year, number, total number, publication date, masthead fields
4. parse_toc      the 目录: sections, titles, start pages
5. split_notices  where each notice starts (title + document number line), matched to the TOC
6-13              per notice (notices.py): head, body, attachments, tables, lists, units,
                  groups, relations

``parse_issue`` runs them and collects warnings; it raises ImportFormatError only when the text
is not an issue of the gazette at all.
"""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata
from dataclasses import dataclass, field
from typing import overload

from documents import city
from documents.docnumbers import is_doc_number, normalize_doc_number
from documents.text import document_kind

from .body import is_title_like
from .metadata import DocumentMetadata, take_document_metadata
from .notices import DISCLOSURE_RE, NoticeSpan, parse_notice
from .records import ImportFormatError, ParsedIssue, ParsedNotice, TocEntry
from .text import (
    DATE_LINE_RE,
    DATE_RE,
    cn_to_int,
    parse_date,
    repair_text_layer,
    similarity,
    squash,
    strip_spaces,
    title_similarity,
)

__all__ = [
    "Masthead",
    "clean_lines",
    "decode",
    "parse_issue",
    "parse_masthead",
    "parse_toc",
    "split_notices",
]

# --- 1. decode ----------------------------------------------------------------------------------

_MIN_READABLE = 0.85  # share of characters that must be CJK, ASCII or common punctuation
_READABLE_RE = re.compile(
    r"[\u0009\u000a\u000d\u0020-\u007e\u00a0-\u00ff\u2000-\u206f\u2150-\u218f\u2460-\u24ff"
    r"\u2500-\u27bf\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f"
    r"\uff00-\uffef\u33a1]"
)


def decode(data: bytes) -> str:
    """Decode an uploaded file.

    Reads: raw bytes. Writes: text. UTF-8 with or without BOM (and UTF-16 with BOM) is
    decoded as such, anything else as GB18030 (the encoding Chinese Windows tools save in).
    Raises ImportFormatError for empty input, undecodable bytes and text that does not read as
    Chinese (binary files, a wrong encoding).
    """
    if not data or not data.strip():
        raise ImportFormatError("文件为空：没有可以导入的内容。")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8-sig", "gb18030"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not text.strip():
            raise ImportFormatError("文件为空：没有可以导入的内容。")
        readable = len(_READABLE_RE.findall(text)) / len(text)
        if readable >= _MIN_READABLE:
            return text
    raise ImportFormatError(
        "无法识别文件编码：文件既不是 UTF-8 也不是 GB18030 编码的文本，"
        "或者不是文本文件（请上传公报 PDF 提取出的 .txt 文件）。"
    )


# --- 2. clean_lines -----------------------------------------------------------------------------

PAGE_NUMBER_RE = re.compile(
    r"^(?:[—–\-－~]+\s*\d{1,3}\s*[—–\-－~]+|\d{1,3}|第\s*\d{1,3}\s*页|[·•]\s*\d{1,3}\s*[·•]"
    r"|\d{1,3}\s*/\s*\d{1,3})$"
)
_BULLET_RE = re.compile(r"^[ \u3000]*[-*•]\s+")
_INVISIBLE_RE = re.compile(r"[\u200b-\u200f\u2060\ufeff]")
_TOC_HEAD_RE = re.compile(r"^目\s*录$")
_HEAD_LINES = 20  # the cover: where the gazette's name is printed for the first time
_ISSUE_REF_RE = re.compile(r"\d{4}年第\d+[号期]|[(（]?总第\d+[号期][)）]?|第\d+页")
_FURNITURE_LEFTOVER_RE = re.compile(r"^[\d\s—–\-－~·•|/()（）]*$")
_STRONG_DOC_NUMBER_RE = re.compile(r"[〔\[(（【［﹝〖{]\s*[0-9０-９]{4}|号\s*$")
_LATIN_TITLE_RE = re.compile("GAZETTE", re.IGNORECASE)
_BODY_LINE_END_RE = re.compile(r"[。：:；]$")  # a sentence or an addressee line: not the 目录


def clean_lines(text: str) -> list[str]:
    """Split text into lines and remove what is not content.

    Reads: the decoded text. Writes: one string per line, same count as the input's lines
    (removed lines become empty, so paragraphs stay apart), with
    - line endings normalised, form feeds and zero-width characters removed;
    - page numbers alone on a line (``— 8 —``, ``8``, ``第 8 页``) removed (not inside the 目录,
      whose page numbers can sit alone on a line);
    - running heads (the gazette's name repeated, alone or with the issue number and page)
      removed after its first occurrence;
    - Markdown-ish artefacts of the extraction (``- `` bullets, ``**``) removed;
    - spaces at both ends removed, tabs kept (they separate table cells).
    """
    text = _INVISIBLE_RE.sub("", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\f", "\n").replace("\v", "\n").replace("\u00a0", " ")
    raw = text.split("\n")
    lines = [line.strip(" \u3000") for line in raw]

    title_index = next(
        (i for i, line in enumerate(lines[:60]) if "公报" in line and len(line) <= 40), None
    )
    title = strip_spaces(lines[title_index]) if title_index is not None else ""
    latin_title = next(
        (line for line in lines[:_HEAD_LINES] if line.isascii() and _LATIN_TITLE_RE.search(line)),
        "",
    )
    # The 目录 ends where the body surely has begun: a document number, or a sentence.
    toc_start = next((i for i, line in enumerate(lines) if _TOC_HEAD_RE.match(line)), -1)
    toc_end = next(
        (
            i
            for i in range(toc_start + 1, len(lines))
            if _BODY_LINE_END_RE.search(lines[i])
            or (_STRONG_DOC_NUMBER_RE.search(lines[i]) and is_doc_number(lines[i]))
        ),
        len(lines),
    )

    cleaned: list[str] = []
    for index, line in enumerate(lines):
        in_toc = 0 <= toc_start < index < toc_end
        is_page_number = bool(PAGE_NUMBER_RE.match(line)) and not in_toc
        is_running_head = title_index is not None and index > title_index
        is_running_head = is_running_head and _is_running_head(line, title)
        is_latin_head = bool(latin_title) and index > _HEAD_LINES and line == latin_title
        if is_page_number or is_running_head or is_latin_head:
            line = ""
        line = _BULLET_RE.sub("", line).replace("**", "").strip(" \u3000")
        cleaned.append(line)
    return cleaned


def _is_running_head(line: str, title: str) -> bool:
    compact = strip_spaces(unicodedata.normalize("NFKC", line))
    if not title or title not in compact or len(compact) > len(title) + 30:
        return False
    rest = _ISSUE_REF_RE.sub("", compact.replace(unicodedata.normalize("NFKC", title), ""))
    return bool(_FURNITURE_LEFTOVER_RE.match(rest))


# --- 3. parse_masthead --------------------------------------------------------------------------

_FIELD_KEYS = {
    "主办": "sponsor",
    "编辑出版": "publisher",
    "承办": "publisher",
    "电话": "phone",
    "电子邮箱": "email",
    "邮箱": "email",
    "地址": "address",
    "邮政编码": "postcode",
    "邮编": "postcode",
    "准印证号": "permit_number",
    "印刷": "printer",
    "传真": "fax",
    "网址": "website",
    # The web edition's block: 主办单位 / 公报年份 / 总号 / 期号 / 发布时间.
    "主办单位": "sponsor",
    "公报年份": "web_year",
    "期号": "web_number",
    "总号": "web_total",
    "发布时间": "web_date",
}
_WEB_FIELDS = ("web_year", "web_number", "web_total", "web_date")
_STRONG_FIELDS = {"sponsor", "publisher", "permit_number", "postcode", *_WEB_FIELDS}
_HYPHEN_RE = re.compile(r"\s*-\s*")
_FIELD_LABEL_RE = re.compile(
    "(?P<label>"
    + "|".join(r"\s*".join(word) for word in sorted(_FIELD_KEYS, key=len, reverse=True))
    + r")\s*[：:]"
)
_ISSUE_NUMBER_RE = re.compile(
    r"(?<!总第)(?P<year>\d{4})\s*年\s*第\s*(?P<number>\d{1,3}|[一二三四五六七八九十]{1,3})\s*[号期]"
)
_TOTAL_NUMBER_RE = re.compile(r"总\s*第\s*(?P<total>\d{1,5}|[一二三四五六七八九十百千]+)\s*[号期]")
_DATE = re.sub(r"\(\?P<\w+>", "(?:", DATE_RE.pattern)
_PUBLISHED_RE = re.compile(rf"{_DATE}\s*出\s*版|出版日期\s*[：:]\s*{_DATE}")
_NUMERAL_RE = re.compile(r"\d{1,5}|[一二三四五六七八九十百千]+")
_ISO_DATE_RE = re.compile(
    r"(?P<year>\d{4})\s*[-/.]\s*(?P<month>\d{1,2})\s*[-/.]\s*(?P<day>\d{1,2})"
)


@dataclass
class Masthead:
    """What the cover says about the issue."""

    title: str
    year: int
    number: int
    total_number: int | None
    published_on: datetime.date
    fields: dict[str, str]
    end: int  # index of the first line after the cover


@overload
def parse_masthead(lines: list[str]) -> Masthead: ...
@overload
def parse_masthead(lines: list[str], *, required: bool) -> Masthead | None: ...
def parse_masthead(lines: list[str], *, required: bool = True) -> Masthead | None:
    """Read the cover and the masthead block.

    Reads: the cleaned lines. Writes: a Masthead (title, year, 第N号, 总第N号, 出版日期 and the
    fields 主办, 编辑出版, 电话, 邮箱, 地址, 邮政编码, 准印证号 — two may share a line — or the web
    edition's block 主办单位 / 公报年份 / 总号 / 期号 / 发布时间 instead of a cover line); the
    masthead block's lines are blanked in `lines` wherever the block is (cover or back page).
    Raises ImportFormatError when the year and number or the publication date are missing;
    with `required` False, a text that states no issue at all (no 第N号 with an 出版 date or the
    gazette's name: single documents) gives None instead.
    """
    fields = _take_masthead_fields(lines)
    head_end = next((i for i, line in enumerate(lines) if _TOC_HEAD_RE.match(line)), None)
    if head_end is None:
        head_end = next(
            (
                i
                for i, line in enumerate(lines)
                if _STRONG_DOC_NUMBER_RE.search(line) and is_doc_number(line)
            ),
            min(len(lines), 40),
        )
    title = next((squash(line) for line in lines[:head_end] if "公报" in line), "")
    year = number = total = None
    published = None
    cover_end = 0  # the body (or the 目录) starts after the last line the cover is read from
    for index, raw in enumerate(lines[:head_end]):
        line = unicodedata.normalize("NFKC", raw)
        if issue := _ISSUE_NUMBER_RE.search(line):
            year = year or int(issue["year"])
            number = number or cn_to_int(issue["number"])
            cover_end = index + 1
        if (found := _TOTAL_NUMBER_RE.search(line)) and total is None:
            total = cn_to_int(found["total"])
            cover_end = index + 1
        if (date := _PUBLISHED_RE.search(line)) and published is None:
            published = parse_date(date.group())
            cover_end = index + 1
    # The web edition states the issue in its block instead of a cover line.
    web = {key: fields.pop(key) for key in _WEB_FIELDS if key in fields}
    if "web_year" in web and "web_number" in web and number is None:
        year = _web_numeral(web["web_year"])
        number = _web_numeral(web["web_number"])
    if total is None and "web_total" in web:
        total = _web_numeral(web["web_total"])
    if published is None and "web_date" in web:
        published = parse_date(web["web_date"]) or _iso_date(web["web_date"])
    if not required and not (number and (published or "公报" in title)):
        return None  # no cover: single documents, or a cover too damaged to read
    missing = [
        label
        for label, value in (("年份和期号（如“2022 年第 5 号”）", number), ("出版日期", published))
        if not value
    ]
    if missing or published is None:
        raise ImportFormatError(
            f"这不像一期《{city.current().gazette_name}》的文本：刊头中没有找到"
            + "、".join(missing)
            + "。文件可能被截断、编码错误，或者不是公报。"
            + (
                "如果这是单篇文件，请指明收入哪一期（命令行：--issue 年份/期号，如 --issue 2023/2；"
                "后台：在刊期页面“添加文件”）。"
                if not (number or published)
                else ""
            )
        )
    return Masthead(
        title=title,
        year=year or 0,
        number=number or 0,
        total_number=total,
        published_on=published,
        fields=fields,
        end=cover_end,
    )


def _web_numeral(text: str) -> int | None:
    found = _NUMERAL_RE.search(unicodedata.normalize("NFKC", text))
    return cn_to_int(found.group()) if found else None


def _iso_date(text: str) -> datetime.date | None:
    found = _ISO_DATE_RE.search(unicodedata.normalize("NFKC", text))
    if found is None:
        return None
    try:
        return datetime.date(int(found["year"]), int(found["month"]), int(found["day"]))
    except ValueError:
        return None


def _take_masthead_fields(lines: list[str]) -> dict[str, str]:
    """Find the masthead block (lines starting with 主办：, 编辑出版：, 准印证号：…), read its
    fields and blank its lines. A block needs two fields, one of them 主办, 编辑出版, 准印证号 or
    邮政编码, so a lone ``电话：`` in a notice is left alone."""
    fields: dict[str, str] = {}
    cluster: list[int] = []

    def flush() -> None:
        found: dict[str, str] = {}
        for index in cluster:
            for key, value in _split_fields(lines[index]):
                found.setdefault(key, value)
        if len(found) >= 2 and _STRONG_FIELDS & found.keys():
            for key, value in found.items():
                fields.setdefault(key, value)
            for index in cluster:
                lines[index] = ""
        cluster.clear()

    for index, line in enumerate(lines):
        if not line:
            continue
        if _FIELD_LABEL_RE.match(line):
            cluster.append(index)
        elif cluster:
            flush()
    if cluster:
        flush()
    return fields


def _split_fields(line: str) -> list[tuple[str, str]]:
    labels = list(_FIELD_LABEL_RE.finditer(line))
    result = []
    for position, label in enumerate(labels):
        end = labels[position + 1].start() if position + 1 < len(labels) else len(line)
        key = _FIELD_KEYS[strip_spaces(label["label"])]
        value = line[label.end() : end].strip()
        if key in ("email", "website"):
            value = strip_spaces(value)
        elif key in ("phone", "fax"):
            value = _HYPHEN_RE.sub("-", squash(value))
        else:
            value = squash(value)
        result.append((key, value))
    return result


# --- 4. parse_toc -------------------------------------------------------------------------------

_LEADERS = r".…·．・_"
_PAGE_RE = re.compile(
    rf"^(?P<title>.*?)(?:\s*[{_LEADERS}]{{2,}}[\s{_LEADERS}]*|\s*\t[\s{_LEADERS}]*)(?P<page>\d{{1,4}})$"
)
_TITLE_END = (
    r"(?:通知|决定|意见|办法|方案|规定|公告|通告|命令|批复|函|报告|细则|规则|规划|措施|》|）|\))"
)
_PAGE_AFTER_TITLE_RE = re.compile(rf"^(?P<title>.*?{_TITLE_END})\s+(?P<page>\d{{1,4}})$")
_LEADER_TAIL_RE = re.compile(rf"(?:[{_LEADERS}]{{2,}}|\t)[\s{_LEADERS}]*$")


def _title_start(line: str) -> bool:
    """A line that starts like a title: an issuer (the city's or the province's government, 中共…,
    国务院, any …省/…市/…县/…区 人民政府) or 关于."""
    profile = city.current()
    return bool(_title_start_re(profile.name, profile.province).match(line))


@functools.cache
def _title_start_re(name: str, province: str) -> re.Pattern[str]:
    places = "|".join(re.escape(place) for place in (name, province))
    return re.compile(
        rf"^(?:{places}|市人民政府|市政府|市委|中共|省人民政府|省政府|关于|国务院"
        r"|[\u4e00-\u9fff]{1,8}?(?:省|市|县|区|州)(?:人民)?政府)"
    )


_SECTION_END_RE = re.compile(r"(?:文件|公告|任免|规章|通报|批复|决定|其他|索引)$")
_MAX_SECTION = 20


def parse_toc(lines: list[str], start: int = 0) -> tuple[list[TocEntry], int]:
    """Read the 目录.

    Reads: the cleaned lines from the ``目 录`` line on. Writes: TOC entries (section heading,
    title without wrap spaces and dot leaders, start page) and the index where the body starts.
    Handles entries wrapped over two lines (``…的通知 ...`` / ``..... 22``), dot leaders, tabs
    and wrap spaces inside titles. No 目录 → no entries, the body starts after the cover.
    """
    toc_index = next(
        (i for i in range(start, len(lines)) if _TOC_HEAD_RE.match(lines[i])),
        next((i for i in range(len(lines)) if _TOC_HEAD_RE.match(lines[i])), None),
    )
    if toc_index is None:
        return [], start
    region: list[tuple[int, str]] = []
    titles: list[str] = []
    for index in range(toc_index + 1, len(lines)):
        line = lines[index]
        if not line.strip():
            continue
        if _is_doc_number_line(line) or _BODY_LINE_END_RE.search(line):
            break
        page = _page_match(line)
        if page is None and any(similarity(line, title) >= 0.9 for title in titles):
            break  # the first notice's title: the body has begun
        if page is not None and page["title"].strip(f" \t{_LEADERS}"):
            titles.append(page["title"])
        region.append((index, line))
    last = max((k for k, (_, line) in enumerate(region) if _page_match(line)), default=-1)
    if last < 0:
        return [], toc_index + 1
    region = region[: last + 1]
    return _toc_entries([line for _, line in region]), region[-1][0] + 1


def _page_match(line: str) -> re.Match[str] | None:
    return _PAGE_RE.match(line) or _PAGE_AFTER_TITLE_RE.match(line)


def _toc_entries(region: list[str]) -> list[TocEntry]:
    entries: list[TocEntry] = []
    section, pending = "", ""
    for position, line in enumerate(region):
        page = _page_match(line)
        if page is not None:
            title = _strip_leaders(pending + page["title"])
            if title:
                entries.append(TocEntry(section, squash(title), int(page["page"])))
            pending = ""
        elif pending or _LEADER_TAIL_RE.search(line):
            pending += _strip_leaders(line)
        else:
            following = region[position + 1] if position + 1 < len(region) else ""
            is_section = len(squash(line)) <= _MAX_SECTION and (
                _title_start(following) or _SECTION_END_RE.search(line)
            )
            if is_section:
                section = squash(line)
            else:
                pending = line
    return entries


def _strip_leaders(text: str) -> str:
    return re.sub(rf"[\s{_LEADERS}]+$", "", re.sub(rf"^[\s{_LEADERS}]+", "", text))


# --- 5. split_notices ---------------------------------------------------------------------------

_MIN_TOC_MATCH = 0.75  # on the words that tell titles apart (title_similarity)
_MIN_TITLE_SEARCH = 0.85
_MAX_TITLE_LINES = 3


def _is_doc_number_line(line: str) -> bool:
    """A line that is nothing but a document number in a strong form (bracketed year or 号)."""
    line = line.strip()
    return (
        bool(line)
        and len(line) <= 30
        and "\t" not in line
        and bool(_STRONG_DOC_NUMBER_RE.search(line))
        and is_doc_number(line)
    )


@dataclass
class _Head:
    """Where a notice begins: its first line (the title, or the number where it is printed
    first), the first line of its body, its title and number, and the metadata block printed
    above it on a 政府信息公开 page."""

    start: int
    body: int
    title: str
    number: str | None
    metadata: DocumentMetadata | None = None
    title_lines: list[int] = field(default_factory=list)


_LETTERHEAD_RE = re.compile(r"^[\u4e00-\u9fff（）()、 ]{2,40}文件$")  # 咸宁市人民政府文件
_DECREE_CODE_RE = re.compile(r"^(?P<code>[\u4e00-\u9fff]{2,20}令)$")  # 咸宁市人民政府令
_DECREE_SERIAL_RE = re.compile(
    r"^[（(〔\[]?\s*第\s*(?P<serial>[0-9０-９]{1,5}|[一二三四五六七八九十百零〇]{1,6})\s*号\s*[）)〕\]]?$"
)
_DECREE_LINE_RE = re.compile(
    r"^(?P<code>[\u4e00-\u9fff]{2,20}令)\s*[（(〔\[]\s*第\s*"
    r"(?P<serial>[0-9０-９]{1,5}|[一二三四五六七八九十百零〇]{1,6})\s*号\s*[）)〕\]]$"
)
_PROMULGATED_RE = re.compile(r"《(?P<title>[^《》]{2,80})》[^。]{0,80}(?:公布|发布|施行)")
_MAX_HEAD_GAP = 12  # lines between a metadata block and the title it describes


def _number_at(lines: list[str], index: int) -> tuple[str, int] | None:
    """The document number printed at `index` and the index of its last line: a number line,
    or a decree's two lines (``咸宁市人民政府令`` / ``第46号``)."""
    line = lines[index].strip()
    if _is_doc_number_line(line):
        return normalize_doc_number(line), index
    one_line = _DECREE_LINE_RE.match(line)  # 咸宁市人民政府令（第12号）
    if one_line and (number := _decree_number(one_line["code"], one_line["serial"])):
        return number, index
    if not (code := _DECREE_CODE_RE.match(line)):
        return None
    following = next(
        (i for i in range(index + 1, min(len(lines), index + 3)) if lines[i].strip()), None
    )
    if following is None or not (serial := _DECREE_SERIAL_RE.match(lines[following].strip())):
        return None
    found = _decree_number(code["code"], serial["serial"])
    return (found, following) if found else None


def _decree_number(code: str, serial: str) -> str | None:
    number = f"{code}第{cn_to_int(unicodedata.normalize('NFKC', serial))}号"
    return normalize_doc_number(number) if is_doc_number(number) else None


def split_notices(
    lines: list[str],
    toc: list[TocEntry],
    start: int,
    warnings: list[str],
    metadata: list[DocumentMetadata] | None = None,
) -> list[NoticeSpan]:
    """Find where each notice starts and match it to its TOC entry.

    Reads: the cleaned lines from `start`, the TOC and the 政府信息公开 metadata blocks
    (metadata.py). Writes: one NoticeSpan per notice, in the order printed: its title (from
    the notice itself: the title-like lines above its document number line, possibly split in
    space-separated pieces, as many as match the TOC best — or, in the GB/T 9704 layout where
    the number comes first under the letterhead, the title lines below it; a decree's title is
    the 规章 it promulgates), the document number, its lines up to the next notice, and its TOC
    entry (fuzzy match on normalised titles, so typos and spaces in the TOC do not matter). A
    TOC entry whose notice has no document number is looked for by title; so is the 名称 of a
    metadata block whose document prints no number (the block's 文号 is its number). Warns
    for a TOC entry not found in the body, a notice not in the TOC, and a title-like line
    before the first notice that belongs to none.
    """
    metadata = metadata or []
    heads: list[_Head] = []
    index = start
    while index < len(lines):
        found = _number_at(lines, index)
        if found is None:
            index += 1
            continue
        number, last = found
        above = _title_lines(lines, index, start, toc)
        if above:
            title = squash(" ".join(lines[i] for i in above))
            heads.append(_Head(above[0], last + 1, title, number, title_lines=above))
        elif below := _title_lines_below(lines, last):
            title = squash(" ".join(lines[i] for i in below))
            heads.append(_Head(index, below[-1] + 1, title, number, title_lines=below))
        elif document_kind("", number) == "令":
            heads.append(_Head(index, last + 1, _decree_title(lines, last) or number, number))
        index = last + 1

    _bind_metadata(lines, heads, metadata, start)
    matched = _match_toc(heads, toc)
    taken = {i for head in heads for i in range(head.start, head.body)}
    for entry_index, entry in enumerate(toc):
        if entry_index in matched.values():
            continue
        span = _find_title(lines, start, entry.title, taken)
        if span is None:
            page = f"（第{entry.page}页）" if entry.page else ""
            warnings.append(f"目录中的《{entry.title}》{page}在正文中没有找到")
            continue
        first, last = span
        title = squash(" ".join(lines[first : last + 1]))
        heads.append(_Head(first, last + 1, title, None, title_lines=list(range(first, last + 1))))
        taken.update(range(first, last + 1))
        matched[len(heads) - 1] = entry_index

    order = sorted(range(len(heads)), key=lambda k: heads[k].start)
    sections = {entry.section for entry in toc if entry.section}
    if order:
        _warn_unclaimed(lines, start, heads[order[0]].start, sections, warnings)
    spans: list[NoticeSpan] = []
    for position, k in enumerate(order):
        head = heads[k]
        end = heads[order[position + 1]].start if position + 1 < len(order) else len(lines)
        body = ["" if squash(line) in sections else line for line in lines[head.body : end]]
        listed = toc[matched[k]] if k in matched else None
        label = head.number or "无发文字号"
        if listed is None and toc:
            warnings.append(f"第{head.start + 1}行：正文中的《{head.title}》（{label}）不在目录中")
        elif listed is not None and similarity(_without_number(listed.title), head.title) < 1.0:
            warnings.append(
                f"第{head.start + 1}行：目录标题与正文标题不一致："
                f"目录为《{listed.title}》，正文为《{head.title}》"
            )
        spans.append(
            NoticeSpan(
                title=head.title,
                doc_number=head.number,
                lines=body,
                toc=listed,
                start=head.start,
                body_start=head.body,
                metadata=head.metadata.fields if head.metadata else {},
            )
        )
    return spans


def _title_lines_below(lines: list[str], index: int) -> list[int]:
    """The title printed under a number (GB/T 9704: letterhead, number, title): up to three
    title-like lines, blank lines between allowed, that end in a document kind."""
    found: list[int] = []
    cursor = index + 1
    while cursor < len(lines) and len(found) < _MAX_TITLE_LINES:
        line = lines[cursor]
        if line.strip():
            if not is_title_like(line) or _is_doc_number_line(line):
                break
            found.append(cursor)
            if document_kind(line):
                return found
        elif found:
            break
        cursor += 1
    return []


def _decree_title(lines: list[str], index: int) -> str:
    """The 规章 a decree promulgates: 《…》 in its first sentence (…已经…审议通过，现予公布)."""
    opening = "".join(line.strip() for line in lines[index + 1 : index + 6])
    if match := _PROMULGATED_RE.search(opening):
        return squash(match["title"])
    return ""


def _bind_metadata(
    lines: list[str], heads: list[_Head], blocks: list[DocumentMetadata], start: int
) -> None:
    """Give each metadata block to the notice it describes: the first notice found after it
    (its number or title agreeing), else the title line that repeats the block's 名称, else a
    notice that starts right after the block, its title the 名称 and its number the 文号."""
    for position, block in enumerate(blocks):
        if block.end < start and block.start < start:
            continue
        limit = blocks[position + 1].start if position + 1 < len(blocks) else len(lines)
        head = next((h for h in heads if block.end <= h.start < limit), None)
        number = _metadata_number(block)
        if head is not None and (
            number in (None, head.number) or similarity(head.title, block.title) >= 0.85
        ):
            head.metadata = block
            head.number = head.number or number
            continue
        title_at = next(
            (
                i
                for i in range(block.end, min(limit, block.end + _MAX_HEAD_GAP))
                if lines[i].strip() and similarity(squash(lines[i]), block.title) >= 0.85
            ),
            None,
        )
        if title_at is not None:
            heads.append(
                _Head(title_at, title_at + 1, squash(lines[title_at]), number, block, [title_at])
            )
        elif block.title:
            heads.append(_Head(block.end, block.end, block.title, number, block))


def _metadata_number(block: DocumentMetadata) -> str | None:
    return normalize_doc_number(block.doc_number) if is_doc_number(block.doc_number) else None


def _warn_unclaimed(
    lines: list[str], start: int, first: int, sections: set[str], warnings: list[str]
) -> None:
    """A title printed before the first notice belongs to none of them: say so."""
    for index in range(start, first):
        line = lines[index].strip()
        if not line or squash(line) in sections or _LETTERHEAD_RE.match(squash(line)):
            continue
        if is_title_like(line) and document_kind(line):
            warnings.append(f"第{index + 1}行：“{squash(line)}”在第一件文件之前，未归入任何文件")


def _title_lines(lines: list[str], index: int, start: int, toc: list[TocEntry]) -> list[int]:
    """Indexes of the title lines above a document number line (best TOC match wins)."""
    candidates: list[int] = []
    cursor = index - 1
    while cursor >= start and len(candidates) < _MAX_TITLE_LINES:
        line = lines[cursor]
        if line.strip():
            if not is_title_like(line) or _is_doc_number_line(line):
                break
            if (
                _LETTERHEAD_RE.match(squash(line))
                or _DECREE_CODE_RE.match(line.strip())
                or DISCLOSURE_RE.match(line.strip())
            ):
                break  # the letterhead above the number: the title is printed below it
            candidates.insert(0, cursor)
        cursor -= 1
    if not candidates:
        return []
    options = [candidates[-k:] for k in range(1, len(candidates) + 1)]
    if toc:

        def score(option: list[int]) -> float:
            text = "".join(lines[i] for i in option)
            return max(similarity(text, entry.title) for entry in toc)

        best = max(options, key=lambda option: (round(score(option), 3), -len(option)))
        return best
    # Without a 目录: the lines above belong to the title as long as none of them ends like a
    # title itself (a document kind: the previous line is then another title, a section head);
    # of those, the longest that starts like a title (咸宁市…, 关于…).
    valid = [options[0]]
    for option in options[1:]:
        top = lines[option[0]]
        if document_kind(top) or _SECTION_END_RE.search(squash(top)):
            break
        valid.append(option)
    starting = [option for option in valid if _title_start(lines[option[0]])]
    if starting:
        return starting[-1]
    return valid[1] if len(valid) > 1 else valid[0]


def _match_toc(heads: list[_Head], toc: list[TocEntry]) -> dict:
    """Pair notices with TOC entries, best similarity first (each used once)."""
    pairs = sorted(
        (
            (title_similarity(head.title, _without_number(entry.title)), k, e)
            for k, head in enumerate(heads)
            for e, entry in enumerate(toc)
        ),
        reverse=True,
    )
    matched: dict[int, int] = {}
    for ratio, k, e in pairs:
        if ratio < _MIN_TOC_MATCH:
            break
        if k not in matched and e not in matched.values():
            matched[k] = e
    return matched


_TRAILING_NUMBER_RE = re.compile(r"[（(][^（）()]*号[）)]$")


def _without_number(title: str) -> str:
    """A 目录 title without the number printed after it (…办法（市人民政府令第12号））."""
    return _TRAILING_NUMBER_RE.sub("", title) or title


def _find_title(
    lines: list[str], start: int, title: str, taken: set[int]
) -> tuple[int, int] | None:
    """The line (or two) of the body that carries a TOC title best, if it is close enough."""
    best: tuple[float, int, int] | None = None
    for index in range(start, len(lines)):
        if index in taken or not lines[index].strip() or not is_title_like(lines[index]):
            continue
        for last in (index, index + 2):
            if last >= len(lines) or (last != index and not is_title_like(lines[last])):
                continue
            ratio = title_similarity(" ".join(lines[index : last + 1]), title)
            if ratio >= _MIN_TITLE_SEARCH and (best is None or ratio > best[0]):
                best = (ratio, index, last)
    return (best[1], best[2]) if best else None


# --- parse_issue --------------------------------------------------------------------------------


IssueRef = tuple[int, int]  # (year, number): 2023年第2号 is (2023, 2)

_NORMATIVE_CODE_RE = re.compile(r"规$")  # 咸政规〔2023〕1号, 咸政办规, 鄂政规
_SENTENCE_END_RE = re.compile(r"[。！？；…”’」』）)》\]】]$")


def parse_issue(
    text: str, pages: list[int | None] | None = None, *, issue: IssueRef | None = None
) -> ParsedIssue:
    """Parse one issue of the gazette, or single documents meant for one.

    Reads: the decoded text, for a text read from a PDF the page each line is printed on
    (`Source.pages`), and `issue`, the issue the documents are for when the text states none
    (``--issue 2023/2``). Writes: a ParsedIssue with every notice (its start page from the
    目录, else from where its title is printed), and the warnings of every stage (oddities that
    did not stop the import), each with its line in the text where one is known. A text whose
    cover names another issue than `issue` is refused with both; one that states no issue is
    single documents (``documents_only``): no masthead, nothing but its notices. Raises
    ImportFormatError only when the text is not usable: empty, no masthead and no `issue`, or
    no notice at all (truncated).
    """
    if not text or not text.strip():
        raise ImportFormatError("文件为空：没有可以导入的内容。")
    warnings: list[str] = []
    text, repaired = repair_text_layer(text)
    if repaired:
        warnings.append(
            f"文字层中有 {repaired} 个字符借用了别的字的字形编码（如部首“⼈”“⺠”、繁体“戶”），"
            "已按所印的字读取"
        )
    lines = clean_lines(text)
    metadata = take_document_metadata(lines)
    masthead = parse_masthead(lines, required=issue is None)
    if masthead is not None and issue is not None and (masthead.year, masthead.number) != issue:
        raise ImportFormatError(
            f"文件刊头印的是{masthead.year}年第{masthead.number}号，"
            f"而指定收入的是{issue[0]}年第{issue[1]}号：两者不一致，未导入。请核对文件或期号。"
        )
    cover_end = masthead.end if masthead else 0
    toc, body_start = parse_toc(lines, cover_end)
    spans = split_notices(lines, toc, max(body_start, cover_end), warnings, metadata)
    if not spans:
        raise ImportFormatError(
            "没有找到任何文件：正文中没有“标题 + 发文字号”（如“咸政办发〔2022〕29号”）。"
            + ("文件可能在目录之后被截断。" if masthead else "")
        )
    if masthead is not None and masthead.total_number is None:
        warnings.append("刊头中没有找到总期号（如“总第 70 号”）")
    notices = [parse_notice(span, order) for order, span in enumerate(spans, start=1)]
    for notice, span in zip(notices, spans, strict=True):
        _finish_notice(notice, span, pages)
    _warn_if_cut(lines, spans[-1], notices[-1], warnings)
    year, number = (masthead.year, masthead.number) if masthead else issue or (0, 0)
    return ParsedIssue(
        title=masthead.title if masthead else "",
        year=year,
        number=number,
        total_number=masthead.total_number if masthead else None,
        published_on=masthead.published_on if masthead else None,
        masthead=masthead.fields if masthead else {},
        toc=toc,
        notices=notices,
        warnings=warnings,
        documents_only=masthead is None,
    )


def _finish_notice(notice: ParsedNotice, span: NoticeSpan, pages: list[int | None] | None) -> None:
    """What the notice's place in the text tells: its line and page, its kind and whether it
    is a 行政规范性文件, and the 政府信息公开 fields printed above it."""
    notice.line = span.start + 1
    if pages and notice.page is None and span.start < len(pages):
        notice.page = pages[span.start]
    fields = span.metadata
    notice.index_number = squash(fields.get("index_number", ""))
    notice.topic = squash(fields.get("topic", ""))
    if fields:
        block = DocumentMetadata(0, 0, fields)
        notice.issuer = notice.issuer or squash(fields.get("issuer", ""))
        notice.signed_on = notice.signed_on or block.signed_on
        notice.validity = block.validity
        if block.title and not notice.title:
            notice.title = block.title
    notice.kind = document_kind(notice.title, notice.doc_number)
    code = notice.doc_number.split("〔")[0] if notice.doc_number else ""
    if not notice.issuer and code:  # no signature printed: the issuer whose code it is
        notice.issuer = next(
            (issuer.name for issuer in city.current().issuers if code in issuer.codes), ""
        )
    notice.normative = bool(_NORMATIVE_CODE_RE.search(code)) or "规范性文件" in fields.get(
        "topic", ""
    )


def _warn_if_cut(
    lines: list[str], span: NoticeSpan, notice: ParsedNotice, warnings: list[str]
) -> None:
    """A text that stops mid-sentence, with no signature after it, was cut off: the notices
    before are kept, the last one as far as it goes."""
    last = next(
        (i for i in range(len(lines) - 1, span.body_start - 1, -1) if lines[i].strip()), None
    )
    if last is None or notice.signed_on is not None:
        return
    line = lines[last].strip()
    if "\t" in line:  # a table's last row: no sentence to be cut
        return
    if not _SENTENCE_END_RE.search(line) and not DATE_LINE_RE.match(line):
        warnings.append(
            f"第{last + 1}行：文本在《{notice.title}》中途结束（“…{line[-20:]}”），"
            "文件可能不完整：已读入到此为止的内容，请核对原件"
        )
