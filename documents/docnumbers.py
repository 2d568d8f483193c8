"""Document numbers (发文字号): parse, normalise and find them in running text.

The canonical form follows GB/T 9704-2012: agency code (机关代字) + four-digit year in
hexagonal brackets 〔〕 + serial + 号, e.g. ``咸政办函〔2022〕8号``. A decree (令) is numbered
without a year, by its issuer alone: ``咸宁市人民政府令第46号``; its agency code is the issuer
with 令 (``咸宁市人民政府令``) and its year is None. This module is the one place that knows
how people actually type them; the search box, the ``/d/<number>/`` resolver, admin
validation and the importer all go through it. Pure Python, no Django.
"""

import re
import unicodedata
from dataclasses import dataclass

from documents import city
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
# A decree's agency code is its issuer's name and 令: 中华人民共和国国务院令 has 11 characters,
# 中华人民共和国国家发展和改革委员会令 18. Notice.agency_code holds 20.
MAX_DECREE_CODE_LENGTH = 20
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
_YEAR_MARK_RE = re.compile(rf"[{_OPEN}{_CLOSE}年]")  # a year is given: not a decree
_PARSE_RE = re.compile(
    rf"(?P<code>[{_HAN}]*)(?P<open>[{_OPEN}])?(?P<year>[0-9]*)(?P<nian>年)?(?P<close>[{_CLOSE}])?"
    rf"(?P<di>第)?(?P<serial>[0-9]*)(?P<hao>号)?(?P<rest>.*)",
    re.DOTALL,
)
# Words that may be typed in front of a number but are never part of an agency code; the
# organisation names are part of a decree's issuer (咸宁市人民政府令), of no other code.
_NOT_IN_ISSUER = ("关于", "根据", "按照", "依据", "印发", "转发", "文件", "通知", "的")
_NOT_IN_CODE = (*_NOT_IN_ISSUER, "国务院", "人民政府", "办公厅", "办公室", "委员会")

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
# Before a decree's 令 the organisation name is the issuer, and 和 is inside names
# (国家发展和改革委员会, 住房和城乡建设部): only these words end a run there.
_DECREE_BOUNDARY_WORDS = (
    *("根据", "按照", "依据", "依照", "参照", "遵照", "对照", "贯彻", "落实", "执行"),
    *("印发", "转发", "关于", "通知", "意见", "精神", "要求", "文件", "详见"),
    *("的", "见", "号"),
)
_BOUNDARY_WORDS = (
    *_DECREE_BOUNDARY_WORDS,
    *("和", "及", "与", "暨"),
    *("国务院", "中共中央", "人民政府", "政府", "办公厅", "办公室", "委员会"),
)
# Provinces, Hubei's prefecture-level cities and Xianning's counties. 宁 新 青 云 台 港 澳 and
# 通 are left out on purpose: they occur inside codes and words (咸宁, 新闻, 青年, 国台办, 交通).
_REGIONAL_PREFIXES = frozenset(
    "京津沪渝冀晋蒙辽吉黑苏浙皖闽赣鲁豫鄂湘粤桂琼川蜀贵黔滇藏陕甘陇武黄宜襄荆孝随恩仙潜咸赤嘉崇"
)
_CENTRAL_PREFIXES = frozenset("国中")  # 国务院/国办/部委 (国市监), 中共中央/中办
_FALLBACK_CODE_LENGTH = 6

# --- Decrees (令): 咸宁市人民政府令第46号 -------------------------------------------------------
# Numbered by the issuer alone, never with a year; 令 is followed by 第 or the serial.
_DECREE_HEAD_RE = re.compile(rf"(?P<issuer>[{_HAN}]*)令(?=第|[0-9]|$)")
_DECREE_TAIL_RE = re.compile(r"(?P<di>第)?(?P<serial>[0-9]*)(?P<hao>号)?(?P<rest>.*)", re.DOTALL)
# In running text only 令第<digits>号 counts (第3号公告 and 2022年第5号 have no 令; 命令第5号
# names no issuer). Blank lines may part 令 from 第: a decree's header prints them as two lines.
_RUNNING_DECREE_RE = re.compile(rf"令{re.escape(_BOUNDARY)}*第0*(?P<serial>[1-9][0-9]{{0,4}})号")
_PRC = "中华人民共和国"
# Short names of issuers whose decrees print the full one: 国务院令 and 国令 (gov.cn's 发文字号)
# are 中华人民共和国国务院令, 主席令 中华人民共和国主席令.
_ISSUER_ALIASES = {"国": f"{_PRC}国务院", "国务院": f"{_PRC}国务院", "主席": f"{_PRC}主席"}
# 市 and 省 alone are the gazette's city and its province (city.current().home_places), as in
# its own titles (市人民政府关于…, 省人民政府关于…). No other 市人民政府令 can be meant: counties
# and county-level cities make no rules (立法法 第九十三条), so there are no decrees of a county
# to mistake it for.
# In running text the places recognised are these and the gazette's own city and province, at
# the end of the words before 人民政府 (which often have a word glued in front); a number typed
# on its own may name any place (_OTHER_PLACE_RE).
_PROVINCES = frozenset(
    (
        *("北京市", "天津市", "上海市", "重庆市", "河北省", "山西省", "辽宁省", "吉林省"),
        *("黑龙江省", "江苏省", "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省"),
        *("湖北省", "湖南省", "广东省", "海南省", "四川省", "贵州省", "云南省", "陕西省"),
        *("甘肃省", "青海省", "内蒙古自治区", "广西壮族自治区", "西藏自治区", "宁夏回族自治区"),
        "新疆维吾尔自治区",
    )
)
_OTHER_PLACE_RE = re.compile(rf"[{_HAN}]{{2,4}}(?:省|市|县|区|州|盟)")
# Ministries, commissions and agencies under the State Council (财政部令, 国家发展改革委令,
# 国家市场监督管理总局令, 中国人民银行令).
_AGENCY_ENDINGS = ("部", "委员会", "委", "总局", "局", "署", "银行")
_MAX_AGENCY_IN_TEXT = 12  # longer only with 中华人民共和国 in front


class DocNumberError(ValueError):
    """The text is not a document number; ``str(err)`` says why, in Chinese."""


@dataclass(frozen=True)
class DocNumber:
    """A parsed 发文字号. Serials compare as integers, so 8号 never equals 28号. A decree
    (``咸宁市人民政府令第46号``) has no year: its agency code is the issuer with 令."""

    agency_code: str
    year: int | None
    serial: int

    @property
    def canonical(self) -> str:
        """The GB/T 9704-2012 form, ``咸政办发〔2022〕29号`` (a decree: ``…令第46号``)."""
        if self.year is None:
            return f"{self.agency_code}第{self.serial}号"
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

    A decree is an issuer, 令, and the serial with or without 第 and 号, and no year:
    ``咸宁市人民政府令第46号``, ``咸宁市人民政府令 第４６号``, ``咸宁市人民政府令46号``. Its
    issuer is written out (see _decree_issuer): ``咸宁市政府令`` and ``市政府令`` are
    ``咸宁市人民政府令``, ``省人民政府令`` is ``湖北省人民政府令``, ``国务院令`` is
    ``中华人民共和国国务院令``; ``人民政府令第46号`` names no government and is an error.
    """
    if not isinstance(text, str):
        raise DocNumberError("发文字号必须是文本")
    cleaned = _INVISIBLE_RE.sub("", unicodedata.normalize("NFKC", text))
    cleaned = _EDGE_PUNCTUATION_RE.sub("", cleaned)
    if not cleaned:
        raise DocNumberError("发文字号为空")
    if unknown := _UNKNOWN_CHAR_RE.search(cleaned):
        raise DocNumberError(f"含有无法识别的字符“{unknown.group()}”")
    if (head := _DECREE_HEAD_RE.match(cleaned)) and not _YEAR_MARK_RE.search(cleaned):
        return _parse_decree(head["issuer"], cleaned[head.end() :])

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
    return DocNumber(agency_code=code, year=int(year), serial=_serial(serial, rest))


def _parse_decree(issuer: str, tail: str) -> DocNumber:
    """A decree number from the name before 令 and what follows it (parse_doc_number)."""
    if not issuer:
        raise DocNumberError("缺少发布令的机关（如“咸宁市人民政府令”）")
    if extra := next((word for word in _NOT_IN_ISSUER if word in issuer), None):
        raise DocNumberError(f"发布令的机关中含有多余的文字“{extra}”")
    canonical = _decree_issuer(issuer)
    if canonical is None:
        raise DocNumberError(f"无法识别发布令的机关“{issuer}”（如“咸宁市人民政府令第46号”）")
    if len(canonical) + 1 > MAX_DECREE_CODE_LENGTH:
        raise DocNumberError(f"发布令的机关名称过长（最多{MAX_DECREE_CODE_LENGTH - 1}个汉字）")
    match = _DECREE_TAIL_RE.fullmatch(tail)
    assert match is not None  # every group is optional
    return DocNumber(f"{canonical}令", year=None, serial=_serial(match["serial"], match["rest"]))


def _serial(serial: str, rest: str) -> int:
    """The serial's value, or why it is none: missing, followed by other words, 0, too long."""
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
    return int(significant)


def _decree_issuer(name: str, *, in_text: bool = False) -> str | None:
    """The full name of the issuer that `name` (the words before 令) stands for, or None.

    ``国务院``/``国`` and ``主席`` get 中华人民共和国 in front; ``…政府`` is ``…人民政府``;
    市 and 省 alone are the gazette's city and province (咸宁市, 湖北省); a government needs a
    place (人民政府 alone names none); a ministry or agency ends as one does (_AGENCY_ENDINGS).
    `in_text`: `name` is the end of a run of running text, with words glued in front
    (``以咸宁市人民政府``): a known issuer at its end is the issuer."""
    if name in _ISSUER_ALIASES.values():
        return name
    if in_text:  # …国务院, …主席; but not …国 (中国, 全国 end many words)
        name = next((short for short in ("国务院", "主席") if name.endswith(short)), name)
    if full := _ISSUER_ALIASES.get(name):
        return full
    if name.endswith("政府"):
        place = name.removesuffix("政府").removesuffix("人民")
        profile = city.current()
        known = _PROVINCES | {profile.name, profile.province}
        if place in profile.home_places:
            return f"{profile.home_places[place]}人民政府"
        if in_text:
            ends = [p for p in known if place.endswith(p)]
            place = max(ends, key=len) if ends else ""
        elif place not in known and not _OTHER_PLACE_RE.fullmatch(place):
            place = ""
        return f"{place}人民政府" if place else None
    if in_text and name[:1] in ("和", "及", "与", "暨"):  # 号和财政部
        name = name[1:]
    if not name.endswith(_AGENCY_ENDINGS) or name in _AGENCY_ENDINGS:
        return None
    limit = _MAX_AGENCY_IN_TEXT if in_text and not name.startswith(_PRC) else None
    return name if limit is None or len(name) <= limit else None


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

    Decrees count as ``令第<serial>号`` after their issuer (``（咸宁市人民政府令第46号）``,
    ``根据湖北省人民政府令第418号``, ``市人民政府令第 5 号``), the issuer taken from the run
    before 令: cut after the last boundary word (organisation names are not one here), then
    the issuer at its end (_decree_issuer with `in_text`). ``第46号`` alone, ``第3号公告``
    and ``2022年第5号`` (an issue of the gazette) are not numbers.

    Known limits: codes that contain a boundary word (和政发) lose the part before it, and an
    organisation name glued straight onto a code without a prefix stays attached (财政部财预);
    a decree of a government other than the provinces and the gazette's city is not found
    (the words glued in front of a place cannot be told from it), nor one whose issuer has a word
    glued in front that is no boundary word (经市人民政府令…), and a ministry's only with at
    most a conjunction (和, 及) glued in front.
    """
    flat = unicodedata.normalize("NFKC", text).replace("\r\n", "\n").replace("\r", "\n")
    flat = _BROKEN_AT_PAGE_RE.sub(r"\1\2", flat)
    flat = _INVISIBLE_RE.sub("", _PARAGRAPH_BREAK_RE.sub(_BOUNDARY, flat))

    matches = sorted(
        [*_RUNNING_RE.finditer(flat), *_RUNNING_DECREE_RE.finditer(flat)],
        key=lambda match: match.start(),
    )
    if not matches:
        return [parse_doc_number(text)] if is_doc_number(text) else []
    found: list[DocNumber] = []
    for match in matches:
        run = _HAN_RUN_AT_END_RE.search(flat, max(0, match.start() - _RUN_WINDOW), match.start())
        if run is None:
            continue
        number = _number_in_text(match, run.group())
        if number is not None and number not in found:
            found.append(number)
    return found


def _number_in_text(match: re.Match[str], run: str) -> DocNumber | None:
    """The number a running-text match stands for, with the run of CJK before it."""
    serial = int(match["serial"])
    if match.re is _RUNNING_DECREE_RE:
        cut = max((run.rfind(w) + len(w) for w in _DECREE_BOUNDARY_WORDS if w in run), default=0)
        issuer = _decree_issuer(run[cut:], in_text=True)
        return DocNumber(f"{issuer}令", None, serial) if issuer else None
    year = int(match["year"])
    code = _agency_code_from_run(run)
    return DocNumber(code, year, serial) if code and FIRST_YEAR <= year <= LAST_YEAR else None


def _agency_code_from_run(run: str) -> str:
    """The agency code at the end of a run of CJK characters (rule in find_doc_numbers)."""
    cut = max((run.rfind(word) + len(word) for word in _BOUNDARY_WORDS if word in run), default=0)
    tail = run[cut:][-MAX_CODE_LENGTH:]
    for prefixes in (_REGIONAL_PREFIXES, _CENTRAL_PREFIXES):
        starts = [index for index, char in enumerate(tail[:-1]) if char in prefixes]
        if starts:
            return tail[starts[-1] :]
    return tail[-_FALLBACK_CODE_LENGTH:]


# --- Parts of a number ------------------------------------------------------------------------

_PART_SERIAL = rf"0*(?P<serial>[1-9][0-9]{{0,{MAX_SERIAL_DIGITS - 1}}})"
_PART_ENDING = r"(?:号(?: ?文件)?|文件)"  # 29号, 29号文件, 29文件
# A serial alone: 29号, 第29号, 29号文件, 29文件. Without 号 or 文件 it is any number.
_SERIAL_ONLY_RE = re.compile(rf"(?:第 ?)?{_PART_SERIAL} ?{_PART_ENDING}")
# A year and a serial: 2022年29号, 2022-29, 〔2022〕29号, [2022]第29号, 2022 29号. Something must
# stand between them (a bracket, 年, 第, a dash or a space): 202229 is no year and serial.
_YEAR_SERIAL_RE = re.compile(
    r"(?P<open>[〔\[(【〖{] ?)?(?P<year>[0-9]{4})"
    r"(?P<between>[ 年〕\])】〗}\-–—/.,、·]*)(?P<di>第 ?)?"
    rf"{_PART_SERIAL}(?: ?{_PART_ENDING})?"
)


@dataclass(frozen=True)
class PartialNumber:
    """What people type for a number when they remember part of it: a serial, or a year and
    a serial (``29号文件``, ``2022年29号``)."""

    year: int | None
    serial: int


def parse_partial_number(text: str) -> PartialNumber | None:
    """The year and serial of text that is part of a document number, or None: a serial with
    号, 号文件 or 文件 (``29号``, ``第29号``, ``29号文件``), or a year and a serial with something
    between them (``2022年29号``, ``2022-29``, ``〔2022〕29号``)."""
    text = " ".join(unicodedata.normalize("NFKC", text).split())
    if match := _SERIAL_ONLY_RE.fullmatch(text):
        return PartialNumber(year=None, serial=int(match["serial"]))
    match = _YEAR_SERIAL_RE.fullmatch(text)
    if match is None or not (match["open"] or match["between"] or match["di"]):
        return None  # no year and serial, or 202229: four digits and more, not two numbers
    if not FIRST_YEAR <= int(match["year"]) <= LAST_YEAR:
        return None
    return PartialNumber(year=int(match["year"]), serial=int(match["serial"]))


def within_one_edit(a: str, b: str) -> bool:
    """Whether `a` becomes `b` by at most one edit: a character inserted, deleted or replaced
    (Levenshtein distance ≤ 1), or two neighbouring characters swapped (咸办政发 for 咸政办发,
    a common slip of the keyboard). Linear time."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    if len(a) == len(b):
        if a[start + 1 :] == b[start + 1 :]:
            return True  # one replaced
        swapped = a[start : start + 2] == b[start : start + 2][::-1]
        return swapped and a[start + 2 :] == b[start + 2 :]
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    return longer[start + 1 :] == shorter[start:]  # one inserted
