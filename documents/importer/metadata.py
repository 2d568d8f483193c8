"""The metadata block of a 政府信息公开 page (the fields of the gov.cn 政策文件库)::

    索引号：011043460/2023-01234        主题分类：城乡建设、环境保护
    文号：咸政办发〔2023〕15号           发文单位：咸宁市人民政府办公室
    发布日期：2023-05-10               发文日期：2023年05月08日
    有效性：有效
    名称：咸宁市人民政府办公室关于加强城市道路桥梁管理的通知

printed above the document (copied text, or a saved page whose table sources.py turned into
``label：value`` lines). Two fields may share a line. The block states the document's number,
title, issuer and date even where the body repeats none of them.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field

from .text import parse_date, squash, strip_spaces

__all__ = ["DocumentMetadata", "take_document_metadata"]

_KEYS = {
    "索引号": "index_number",
    "文号": "doc_number",
    "发文字号": "doc_number",
    "发文单位": "issuer",
    "发文机关": "issuer",
    "发布机构": "issuer",
    "主题分类": "topic",
    "有效性": "validity",
    "时效": "validity",
    "发布日期": "published_on",
    "发文日期": "signed_on",
    "成文日期": "signed_on",
    "名称": "title",
    "标题": "title",
}
# A block needs three fields, one of them a field no running text starts a line with.
_STRONG = {"index_number", "topic", "title"}
_MIN_FIELDS = 3
_LABEL_RE = re.compile(
    r"(?:^|(?<=\s))(?P<label>"
    + "|".join(r"\s*".join(word) for word in sorted(_KEYS, key=len, reverse=True))
    + r")\s*[：:]"
)
_ISO_DATE_RE = re.compile(r"(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})")
# 有效性 as the 政策文件库 prints it.
VALIDITY_WORDS = {"有效": "in_force", "现行有效": "in_force", "失效": "expired", "废止": "repealed"}


@dataclass
class DocumentMetadata:
    """One block: the lines it took (blanked) and its fields, values as printed."""

    start: int
    end: int  # index after its last line
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return squash(self.fields.get("title", ""))

    @property
    def doc_number(self) -> str:
        return strip_spaces(self.fields.get("doc_number", "")).strip("无/-—")

    @property
    def signed_on(self) -> datetime.date | None:
        return _date(self.fields.get("signed_on", ""))

    @property
    def validity(self) -> str | None:
        return VALIDITY_WORDS.get(strip_spaces(self.fields.get("validity", "")))


def _date(text: str) -> datetime.date | None:
    text = unicodedata.normalize("NFKC", text)
    if found := parse_date(text):
        return found
    match = _ISO_DATE_RE.search(text)
    if match is None:
        return None
    try:
        return datetime.date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError:
        return None


def _fields(line: str) -> list[tuple[str, str]]:
    labels = list(_LABEL_RE.finditer(line))
    if not labels or labels[0].start() != 0:
        return []
    pairs = []
    for position, label in enumerate(labels):
        end = labels[position + 1].start() if position + 1 < len(labels) else len(line)
        pairs.append((_KEYS[strip_spaces(label["label"])], line[label.end() : end].strip()))
    return pairs


def take_document_metadata(lines: list[str]) -> list[DocumentMetadata]:
    """Find every metadata block in `lines`, read it and blank its lines.

    Reads: the cleaned lines. Writes: one DocumentMetadata per block, in order. A block is a
    run of ``label：value`` lines (blank lines between them allowed) with at least three of the
    fields, one of them 索引号, 主题分类 or 名称 — so a lone ``文号：`` in a letter is left alone.
    A label printed with its value on the next line (a copied table) is read too.
    """
    blocks: list[DocumentMetadata] = []
    index = 0
    while index < len(lines):
        if not _fields(lines[index]):
            index += 1
            continue
        found: dict[str, str] = {}
        taken: list[int] = []
        cursor = index
        while cursor < len(lines):
            line = lines[cursor]
            pairs = _fields(line) if line.strip() else []
            if not line.strip():
                cursor += 1
                continue
            if not pairs:
                break
            taken.append(cursor)
            for key, value in pairs:
                if not value and len(pairs) == 1:
                    following = _next_value(lines, cursor)
                    if following is not None:
                        value = lines[following].strip()
                        taken.append(following)
                        cursor = following
                found.setdefault(key, value)
            cursor += 1
        if len(found) >= _MIN_FIELDS and _STRONG & found.keys():
            for position in taken:
                lines[position] = ""
            blocks.append(DocumentMetadata(start=index, end=max(taken) + 1, fields=found))
            index = max(taken) + 1
        else:
            index = (taken[-1] if taken else index) + 1
    return blocks


def _next_value(lines: list[str], index: int) -> int | None:
    """The line after a bare label, when it is a value and not another label."""
    following = index + 1
    if following < len(lines) and lines[following].strip() and not _fields(lines[following]):
        return following
    return None
