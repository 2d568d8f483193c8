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
import re
import unicodedata
from dataclasses import dataclass

from documents.docnumbers import is_doc_number, normalize_doc_number

from .body import is_title_like
from .notices import NoticeSpan, parse_notice
from .records import ImportFormatError, ParsedIssue, TocEntry
from .text import (
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


def parse_masthead(lines: list[str]) -> Masthead:
    """Read the cover and the masthead block.

    Reads: the cleaned lines. Writes: a Masthead (title, year, 第N号, 总第N号, 出版日期 and the
    fields 主办, 编辑出版, 电话, 邮箱, 地址, 邮政编码, 准印证号 — two may share a line — or the web
    edition's block 主办单位 / 公报年份 / 总号 / 期号 / 发布时间 instead of a cover line); the
    masthead block's lines are blanked in `lines` wherever the block is (cover or back page).
    Raises ImportFormatError when the year and number or the publication date are missing.
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
    missing = [
        label
        for label, value in (("年份和期号（如“2022 年第 5 号”）", number), ("出版日期", published))
        if not value
    ]
    if missing or published is None:
        raise ImportFormatError(
            "这不像一期《咸宁市人民政府公报》的文本：刊头中没有找到"
            + "、".join(missing)
            + "。文件可能被截断、编码错误，或者不是公报。"
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
_TITLE_START_RE = re.compile(
    r"^(?:咸宁市|市人民政府|市政府|市委|中共|湖北省|省人民政府|省政府|关于|国务院)"
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
                _TITLE_START_RE.match(following) or _SECTION_END_RE.search(line)
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


def split_notices(
    lines: list[str], toc: list[TocEntry], start: int, warnings: list[str]
) -> list[NoticeSpan]:
    """Find where each notice starts and match it to its TOC entry.

    Reads: the cleaned lines from `start` and the TOC. Writes: one NoticeSpan per notice, in
    the order printed: its title (from the notice itself: the title-like lines above its
    document number line, possibly split in space-separated pieces, as many as match the TOC
    best), the document number, its lines up to the next notice, and its TOC entry (fuzzy
    match on normalised titles, so typos and spaces in the TOC do not matter). A TOC entry
    whose notice has no document number is looked for by title. Warns for a TOC entry not
    found in the body and a notice not in the TOC.
    """
    heads: list[tuple[int, int, str, str | None]] = []  # (title start, body start, title, number)
    for index in range(start, len(lines)):
        if not _is_doc_number_line(lines[index]):
            continue
        title_lines = _title_lines(lines, index, start, toc)
        if not title_lines:
            continue
        title = squash(" ".join(lines[i] for i in title_lines))
        heads.append((title_lines[0], index + 1, title, normalize_doc_number(lines[index])))

    matched = _match_toc(heads, toc)
    taken = {i for head in heads for i in range(head[0], head[1])}
    for entry_index, entry in enumerate(toc):
        if entry_index in matched.values():
            continue
        found = _find_title(lines, start, entry.title, taken)
        if found is None:
            page = f"（第{entry.page}页）" if entry.page else ""
            warnings.append(f"目录中的《{entry.title}》{page}在正文中没有找到")
            continue
        first, last = found
        heads.append((first, last + 1, squash(" ".join(lines[first : last + 1])), None))
        taken.update(range(first, last + 1))
        matched[len(heads) - 1] = entry_index

    order = sorted(range(len(heads)), key=lambda k: heads[k][0])
    sections = {entry.section for entry in toc if entry.section}
    spans: list[NoticeSpan] = []
    for position, k in enumerate(order):
        first, body_start, title, number = heads[k]
        end = heads[order[position + 1]][0] if position + 1 < len(order) else len(lines)
        body = ["" if squash(line) in sections else line for line in lines[body_start:end]]
        listed = toc[matched[k]] if k in matched else None
        if listed is None and toc:
            warnings.append(f"正文中的《{title}》（{number or '无发文字号'}）不在目录中")
        elif listed is not None and similarity(listed.title, title) < 1.0:
            warnings.append(
                f"目录标题与正文标题不一致：目录为《{listed.title}》，正文为《{title}》"
            )
        spans.append(
            NoticeSpan(title=title, doc_number=number, lines=body, toc=listed, start=first)
        )
    return spans


def _title_lines(lines: list[str], index: int, start: int, toc: list[TocEntry]) -> list[int]:
    """Indexes of the title lines above a document number line (best TOC match wins)."""
    candidates: list[int] = []
    cursor = index - 1
    while cursor >= start and len(candidates) < _MAX_TITLE_LINES:
        line = lines[cursor]
        if line.strip():
            if not is_title_like(line) or _is_doc_number_line(line):
                break
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
    if len(options) > 1 and not _TITLE_START_RE.match(lines[options[0][0]]):
        return options[1]
    return options[0]


def _match_toc(heads: list[tuple[int, int, str, str | None]], toc: list[TocEntry]) -> dict:
    """Pair notices with TOC entries, best similarity first (each used once)."""
    pairs = sorted(
        (
            (title_similarity(head[2], entry.title), k, e)
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


def parse_issue(text: str, pages: list[int | None] | None = None) -> ParsedIssue:
    """Parse one issue of the gazette.

    Reads: the decoded text of the issue, and for a text read from a PDF the page each line is
    printed on (`Source.pages`). Writes: a ParsedIssue with every notice (its start page from
    the 目录, else from where its title is printed), and the warnings of every stage (oddities
    that did not stop the import). Raises ImportFormatError only when the text is not an issue:
    empty, no masthead, or no notice at all (truncated).
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
    masthead = parse_masthead(lines)
    toc, body_start = parse_toc(lines, masthead.end)
    spans = split_notices(lines, toc, max(body_start, masthead.end), warnings)
    if not spans:
        raise ImportFormatError(
            "没有找到任何文件：正文中没有“标题 + 发文字号”（如“咸政办发〔2022〕29号”）。"
            "文件可能在目录之后被截断。"
        )
    if masthead.total_number is None:
        warnings.append("刊头中没有找到总期号（如“总第 70 号”）")
    notices = [parse_notice(span, order) for order, span in enumerate(spans, start=1)]
    if pages:
        for notice, span in zip(notices, spans, strict=True):
            if notice.page is None and span.start < len(pages):
                notice.page = pages[span.start]
    return ParsedIssue(
        title=masthead.title,
        year=masthead.year,
        number=masthead.number,
        total_number=masthead.total_number,
        published_on=masthead.published_on,
        masthead=masthead.fields,
        toc=toc,
        notices=notices,
        warnings=warnings,
    )
