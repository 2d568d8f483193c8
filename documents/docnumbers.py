"""Document numbers (发文字号): parse, normalise and find them in running text.

The canonical form follows GB/T 9704-2012: agency code (机关代字) + four-digit year in
hexagonal brackets 〔〕 + serial + 号, e.g. ``咸政办函〔2022〕8号``. This module is the one place
that knows how people actually type them; the search box, the ``/d/<number>/`` resolver, admin
validation and the importer all go through it. Pure Python, no Django.
"""

import re
import unicodedata
from dataclasses import dataclass

from documents.limits import FIRST_YEAR, LAST_YEAR

__all__ = [
    "DocNumber",
    "DocNumberError",
    "find_doc_numbers",
    "is_doc_number",
    "normalize_doc_number",
    "parse_doc_number",
]

MAX_CODE_LENGTH = 12
MAX_SERIAL_DIGITS = 5

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0003134f"  # CJK Unified Ideographs + extensions
# Brackets after NFKC: （）［］｛｝﹝﹞ have become ()[]{}〔〕; 〔〕【】〖〗 are left alone.
_OPEN = re.escape("〔[(【〖{")
_CLOSE = re.escape("〕])】〗}")
_CHINESE_NUMERALS = "〇零一二三四五六七八九十百千"

# Spaces of every width, line breaks and the zero-width characters copy-paste leaves behind.
_INVISIBLE_RE = re.compile(r"[\s\u200b-\u200f\u2060\ufeff]+")
_EDGE_PUNCTUATION_RE = re.compile(r"^[《“\"'‘「『(\[【〔〖{]+|[。,.、;:!?…》”\"'’」』)\]】〕〗}]+$")
_UNKNOWN_CHAR_RE = re.compile(rf"[^{_HAN}〇0-9{_OPEN}{_CLOSE}]")
_PARSE_RE = re.compile(
    rf"(?P<code>[{_HAN}]*)(?P<open>[{_OPEN}])?(?P<year>[0-9]*)(?P<nian>年)?(?P<close>[{_CLOSE}])?"
    rf"(?P<di>第)?(?P<serial>[0-9]*)(?P<hao>号)?(?P<rest>.*)",
    re.DOTALL,
)
# Words that may be typed in front of a number but are never part of an agency code.
_NOT_IN_CODE = (
    *("关于", "根据", "按照", "依据", "印发", "转发", "文件", "通知", "的"),
    *("国务院", "人民政府", "办公厅", "办公室", "委员会"),
)

# Running text: only a bracketed four-digit year followed by a serial and 号 counts.
_RUNNING_RE = re.compile(
    r"[〔\[(【](?P<year>[0-9]{4})年?[〕\])】]第?0*(?P<serial>[1-9][0-9]{0,4})号"
)
_RUN_WINDOW = 40
_HAN_RUN_AT_END_RE = re.compile(rf"[{_HAN}]{{1,{_RUN_WINDOW}}}$")
_PARAGRAPH_BREAK_RE = re.compile(r"\n[^\S\n]*\n\s*|\t")
# A number the page broke before its 号 (鄂政发〔2015〕60 / blank lines, the running header gone /
# 号）, 号。, 号文件…): the blank lines between the serial and 号 do not end it, unless 号 begins a
# word of its own there (号召, 号码, 号称).
_BROKEN_AT_PAGE_RE = re.compile(
    r"([〔\[(【]\s*\d{4}\s*[〕\])】]\s*\d{1,5})\s*\n(?:[ \t]*\n)+\s*(号)(?![召码称])"
)
_BOUNDARY = "|"  # any character that is neither CJK nor a digit ends a run
_BOUNDARY_WORDS = (
    *("根据", "按照", "依据", "依照", "参照", "遵照", "对照", "贯彻", "落实", "执行"),
    *("印发", "转发", "关于", "通知", "意见", "精神", "要求", "文件", "详见"),
    *("的", "和", "及", "与", "暨", "见", "号"),
    *("国务院", "中共中央", "人民政府", "政府", "办公厅", "办公室", "委员会"),
)
# Provinces, Hubei's prefecture-level cities and Xianning's counties. 宁 新 青 云 台 港 澳 and
# 通 are left out on purpose: they occur inside codes and words (咸宁, 新闻, 青年, 国台办, 交通).
_REGIONAL_PREFIXES = frozenset(
    "京津沪渝冀晋蒙辽吉黑苏浙皖闽赣鲁豫鄂湘粤桂琼川蜀贵黔滇藏陕甘陇武黄宜襄荆孝随恩仙潜咸赤嘉崇"
)
_CENTRAL_PREFIXES = frozenset("国中")  # 国务院/国办/部委 (国市监), 中共中央/中办
_FALLBACK_CODE_LENGTH = 6


class DocNumberError(ValueError):
    """The text is not a document number; ``str(err)`` says why, in Chinese."""


@dataclass(frozen=True)
class DocNumber:
    """A parsed 发文字号. Serials compare as integers, so 8号 never equals 28号."""

    agency_code: str
    year: int
    serial: int

    @property
    def canonical(self) -> str:
        """The GB/T 9704-2012 form, e.g. ``咸政办发〔2022〕29号``."""
        return f"{self.agency_code}〔{self.year}〕{self.serial}号"

    def __str__(self) -> str:
        return self.canonical


def parse_doc_number(text: str) -> DocNumber:
    """Parse one document number typed in any common form, or raise DocNumberError.

    Accepted: any bracket kind (〔〕 [] () （） 【】 ［］ ﹝﹞ 〖〗 {}), mixed or unbalanced
    brackets or none; full-width digits; spaces anywhere; ``2022年``; ``第29号``; a missing
    号; leading zeros in the serial; surrounding quotes, brackets and trailing punctuation.
    Without brackets the year is the first four digits, so ``咸政办发202229号`` works. Any
    other word around the number (``关于…的通知``) is an error.
    """
    if not isinstance(text, str):
        raise DocNumberError("发文字号必须是文本")
    cleaned = _INVISIBLE_RE.sub("", unicodedata.normalize("NFKC", text))
    cleaned = _EDGE_PUNCTUATION_RE.sub("", cleaned)
    if not cleaned:
        raise DocNumberError("发文字号为空")
    if unknown := _UNKNOWN_CHAR_RE.search(cleaned):
        raise DocNumberError(f"含有无法识别的字符“{unknown.group()}”")

    match = _PARSE_RE.fullmatch(cleaned)
    assert match is not None  # every group is optional
    code, year, serial, rest = match["code"], match["year"], match["serial"], match["rest"]
    if not (match["nian"] or match["close"] or match["di"]):
        # No separator between year and serial: the year is always four digits.
        year, serial = (year[:4], year[4:]) if len(year) >= 4 else ("", year)

    if not code:
        raise DocNumberError("缺少发文机关代字（如“咸政办发”）")
    if extra := next((word for word in _NOT_IN_CODE if word in code), None):
        raise DocNumberError(f"发文机关代字中含有多余的文字“{extra}”")
    if len(code) > MAX_CODE_LENGTH:
        raise DocNumberError(f"发文机关代字过长（最多{MAX_CODE_LENGTH}个汉字）")
    if not year:
        if rest[:1] and rest[0] in _CHINESE_NUMERALS:
            raise DocNumberError("年份应为四位阿拉伯数字")
        raise DocNumberError("缺少年份")
    if len(year) != 4:
        raise DocNumberError("年份应为四位数字")
    if not FIRST_YEAR <= int(year) <= LAST_YEAR:
        raise DocNumberError(f"年份应在{FIRST_YEAR}年至{LAST_YEAR}年之间")
    if not serial:
        if rest[:1] and rest[0] in _CHINESE_NUMERALS:
            raise DocNumberError("序号应为阿拉伯数字")
        raise DocNumberError("缺少序号")
    if rest:
        raise DocNumberError(f"序号之后有多余的文字“{rest}”")
    significant = serial.lstrip("0")  # int() refuses very long digit strings
    if not significant:
        raise DocNumberError("序号必须是正整数")
    if len(significant) > MAX_SERIAL_DIGITS:
        raise DocNumberError(f"序号最多{MAX_SERIAL_DIGITS}位数字")
    return DocNumber(agency_code=code, year=int(year), serial=int(significant))


def normalize_doc_number(text: str) -> str:
    """Return the canonical form of ``text``; raise DocNumberError if it is not a number."""
    return parse_doc_number(text).canonical


def is_doc_number(text: str) -> bool:
    """Whether ``text`` on its own is a document number in any accepted form."""
    try:
        parse_doc_number(text)
    except DocNumberError:
        return False
    return True


def find_doc_numbers(text: str) -> list[DocNumber]:
    """Every document number in running text, in order of appearance, without duplicates.

    Only a bracketed four-digit year (〔〕 [] () （） 【】 ［］) followed by a serial and
    号 counts, so ``《咸宁年鉴（2022）》`` and ``银桂路8号`` are not numbers; but text with no
    bracketed year that is itself a number in a form parse_doc_number accepts gives that
    number. Single line breaks and spaces are ignored (PDF text wraps lines inside numbers);
    blank lines and tabs end a run of text.

    The agency code is taken from the run of CJK characters just before the bracket, which
    often has words glued in front of it (``根据鄂政发``, ``文件咸政办发``):

    1. cut the run after the last boundary word (``_BOUNDARY_WORDS``: 根据 按照 印发 关于 的 和
       及 与 号 …, and organisation-name endings such as 人民政府 办公厅 办公室);
    2. keep at most the last 12 characters;
    3. start at the last regional prefix (``_REGIONAL_PREFIXES``: 鄂 咸 湘 京 …) that leaves at
       least two characters, so ``市史志研究中心咸政办函`` gives 咸政办函 and ``鄂国资发`` keeps 鄂;
    4. failing that, at the last 国 or 中 that leaves at least two characters (国办发, 中办发);
    5. failing that, the last six characters (``商建函``, ``财预``).

    Known limits: codes that contain a boundary word (和政发) lose the part before it, and an
    organisation name glued straight onto a code without a prefix stays attached (财政部财预).
    """
    flat = unicodedata.normalize("NFKC", text).replace("\r\n", "\n").replace("\r", "\n")
    flat = _BROKEN_AT_PAGE_RE.sub(r"\1\2", flat)
    flat = _INVISIBLE_RE.sub("", _PARAGRAPH_BREAK_RE.sub(_BOUNDARY, flat))

    matches = list(_RUNNING_RE.finditer(flat))
    if not matches:
        return [parse_doc_number(text)] if is_doc_number(text) else []
    found: list[DocNumber] = []
    for match in matches:
        year = int(match["year"])
        run = _HAN_RUN_AT_END_RE.search(flat, max(0, match.start() - _RUN_WINDOW), match.start())
        if not FIRST_YEAR <= year <= LAST_YEAR or run is None:
            continue
        code = _agency_code_from_run(run.group())
        number = DocNumber(agency_code=code, year=year, serial=int(match["serial"]))
        if code and number not in found:
            found.append(number)
    return found


def _agency_code_from_run(run: str) -> str:
    """The agency code at the end of a run of CJK characters (rule in find_doc_numbers)."""
    cut = max((run.rfind(word) + len(word) for word in _BOUNDARY_WORDS if word in run), default=0)
    tail = run[cut:][-MAX_CODE_LENGTH:]
    for prefixes in (_REGIONAL_PREFIXES, _CENTRAL_PREFIXES):
        starts = [index for index, char in enumerate(tail[:-1]) if char in prefixes]
        if starts:
            return tail[starts[-1] :]
    return tail[-_FALLBACK_CODE_LENGTH:]
