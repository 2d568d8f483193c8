"""Tests for documents.docnumbers: the one normaliser of 发文字号."""

import dataclasses
import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from documents import city
from documents.docnumbers import (
    DocNumber,
    DocNumberError,
    find_doc_numbers,
    is_doc_number,
    normalize_doc_number,
    parse_doc_number,
)

AGENCY_CODES = [
    "咸政办发",
    "咸政办函",
    "咸政发",
    "咸办发",
    "鄂政发",
    "鄂政办发",
    "国办发",
    "鄂建",
    "商建函",
    "鄂自然资办函",
]
# Every bracket pair people type; the running-text ones are the first six.
BRACKETS = [
    ("〔", "〕"),
    ("[", "]"),
    ("(", ")"),
    ("（", "）"),
    ("【", "】"),
    ("［", "］"),
    ("﹝", "﹞"),
    ("〖", "〗"),
    ("{", "}"),
    ("｛", "｝"),
]
RUNNING_TEXT_BRACKETS = BRACKETS[:6]
SPACES = ["", "", " ", "\u3000", "\xa0"]
FULL_WIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")

XZBF_29 = DocNumber("咸政办发", 2022, 29)


def test_canonical_form_and_str():
    number = DocNumber(agency_code="咸政办函", year=2022, serial=8)
    assert number.canonical == "咸政办函〔2022〕8号"
    assert str(number) == "咸政办函〔2022〕8号"


@pytest.mark.parametrize(
    "text",
    [pytest.param(f"咸政办发{o}2022{c}29号", id=f"brackets-{o}{c}") for o, c in BRACKETS]
    + [
        pytest.param("咸政办发〔2022]29号", id="mixed-hexagonal-square"),
        pytest.param("咸政办发（2022〕29号", id="mixed-fullwidth-round-hexagonal"),
        pytest.param("咸政办发【2022)29号", id="mixed-lenticular-round"),
        pytest.param("咸政办发〔2022 29号", id="unbalanced-open-only"),
        pytest.param("咸政办发2022〕29号", id="unbalanced-close-only"),
        pytest.param("咸政办发〔２０２２〕２９号", id="fullwidth-digits"),
        pytest.param("咸政办发〔２０22〕2９号", id="mixed-width-digits"),
        pytest.param("  咸政办发〔2022〕29号 \n", id="surrounding-whitespace"),
        pytest.param("咸政办发 〔2022〕 29 号", id="ascii-spaces"),
        pytest.param("咸\u3000政\u3000办\u3000发〔2022〕29号", id="ideographic-spaces-in-code"),
        pytest.param("咸政\xa0办发\xa0〔2022〕29号", id="nbsp"),
        pytest.param("咸政办发\u200b〔2022〕29号", id="zero-width-space"),
        pytest.param("咸政办发〔2022年〕29号", id="nian-inside-brackets"),
        pytest.param("咸政办发2022年29号", id="nian-no-brackets"),
        pytest.param("咸政办发 2022 29号", id="spaces-no-brackets"),
        pytest.param("咸政办发202229号", id="no-separator-at-all"),
        pytest.param("咸政办发2022029号", id="no-separator-leading-zero"),
        pytest.param("咸政办发〔2022〕第29号", id="di"),
        pytest.param("咸政办发2022年第29号", id="nian-and-di"),
        pytest.param("咸政办发〔2022〕29", id="no-hao"),
        pytest.param("咸政办发(2022)29", id="round-no-hao"),
        pytest.param("咸政办发〔2022〕029号", id="leading-zero"),
        pytest.param("咸政办发〔2022〕00029号", id="many-leading-zeros"),
        pytest.param("咸政办发〔2022〕29号。", id="trailing-full-stop"),
        pytest.param("咸政办发〔2022〕29号，", id="trailing-comma"),
        pytest.param("咸政办发〔2022〕29号)", id="trailing-round-bracket"),
        pytest.param("（咸政办发〔2022〕29号）", id="wrapped-in-fullwidth-brackets"),
        pytest.param("“咸政办发〔2022〕29号”；", id="quoted"),
        pytest.param("咸 政 办 发 ［２０２２］ 第 ０２９", id="everything-at-once"),
    ],
)
def test_forms_people_type_parse_to_the_same_number(text):
    assert parse_doc_number(text) == XZBF_29
    assert normalize_doc_number(text) == "咸政办发〔2022〕29号"
    assert is_doc_number(text)


@pytest.mark.parametrize("code", AGENCY_CODES, ids=AGENCY_CODES)
@pytest.mark.parametrize(
    "template",
    ["{}〔2021〕6号", "{}[2021]6号", "{}（２０２１）第6号", "{} 2021年 06"],
    ids=["canonical", "square", "fullwidth", "nian-zero"],
)
def test_every_agency_parses(code, template):
    assert parse_doc_number(template.format(code)) == DocNumber(code, 2021, 6)


def test_serial_8_is_not_serial_28():
    eight = parse_doc_number("咸政办函〔2022〕8号")
    twenty_eight = parse_doc_number("咸政办函〔2022〕28号")
    assert (eight.serial, twenty_eight.serial) == (8, 28)
    assert eight != twenty_eight
    assert normalize_doc_number("咸政办函〔2022〕8号") != normalize_doc_number(
        "咸政办函〔2022〕28号"
    )
    assert normalize_doc_number("咸政办函〔2022〕第8号") == "咸政办函〔2022〕8号"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        pytest.param("", "为空", id="empty"),
        pytest.param(" \u3000\n", "为空", id="only-spaces"),
        pytest.param("〔2022〕29号", "缺少发文机关代字", id="no-code"),
        pytest.param("2022年第29号", "缺少发文机关代字", id="no-code-nian"),
        pytest.param("咸政办发", "缺少年份", id="code-only"),
        pytest.param("咸政办发29号", "缺少年份", id="serial-without-year"),
        pytest.param("咸政办发〔〕29号", "缺少年份", id="empty-brackets"),
        pytest.param("第29号", "缺少年份", id="di-serial-only"),
        pytest.param("咸政办发〔22〕29号", "年份应为四位数字", id="two-digit-year"),
        pytest.param("咸政办发〔20222〕29号", "年份应为四位数字", id="five-digit-year"),
        pytest.param("咸政办发〔二〇二二〕29号", "年份应为四位阿拉伯数字", id="chinese-year"),
        pytest.param("咸政办发〔1948〕29号", "年份应在1949年至2100年之间", id="year-too-early"),
        pytest.param("咸政办发〔2101〕29号", "年份应在1949年至2100年之间", id="year-too-late"),
        pytest.param("咸政办发〔2022〕", "缺少序号", id="no-serial"),
        pytest.param("咸政办发〔2022〕号", "缺少序号", id="hao-without-serial"),
        pytest.param("咸政办发2022号", "缺少序号", id="year-only-no-brackets"),
        pytest.param("咸政办发〔2022〕二十九号", "序号应为阿拉伯数字", id="chinese-serial"),
        pytest.param("咸政办发〔2022〕0号", "序号必须是正整数", id="zero-serial"),
        pytest.param("咸政办发〔2022〕000号", "序号必须是正整数", id="zeros-serial"),
        pytest.param("咸政办发〔2022〕123456号", "序号最多5位数字", id="six-digit-serial"),
        pytest.param("咸政办发〔2022〕-3号", "含有无法识别的字符“-”", id="negative-serial"),
        pytest.param("XZBF〔2022〕29号", "含有无法识别的字符“X”", id="latin-code"),
        pytest.param(
            "咸政办发〔2022〕29号的通知", "序号之后有多余的文字“的通知”", id="words-after"
        ),
        pytest.param("咸政办发〔2022〕29号29号", "序号之后有多余的文字“29号”", id="doubled"),
        pytest.param(
            "关于咸政办发〔2022〕29号的通知",
            "发文机关代字中含有多余的文字“关于”",
            id="words-around",
        ),
        pytest.param(
            "咸宁市人民政府咸政发〔2022〕11号", "含有多余的文字“人民政府”", id="issuer-glued-on"
        ),
        pytest.param("咸宁市人民政府办公室咸政办发〔2022〕1号", "多余的文字", id="long-glued"),
        pytest.param("一二三四五六七八九十一二三〔2022〕1号", "发文机关代字过长", id="code-13"),
        pytest.param("按照《通知》（咸政发〔2022〕7号）要求", "无法识别的字符", id="sentence"),
    ],
)
def test_errors_say_why(text, reason):
    with pytest.raises(DocNumberError, match=re.escape(reason)):
        parse_doc_number(text)
    assert not is_doc_number(text)


def test_error_is_a_value_error_and_rejects_non_text():
    assert issubclass(DocNumberError, ValueError)
    with pytest.raises(DocNumberError, match="文本"):
        parse_doc_number(None)  # type: ignore[arg-type]  # the wrong type, on purpose


def test_twelve_character_code_is_accepted():
    assert (
        parse_doc_number("一二三四五六七八九十一二〔2022〕1号").agency_code
        == "一二三四五六七八九十一二"
    )


# Sentences from 《咸宁市人民政府公报》2022年第5号 (gazettes/xianning-2022-05.txt).
GAZETTE_SENTENCES = [
    pytest.param(
        "为贯彻落实中央财经委员会第十一次会议、省第十二次党代会精神和市委、市政府推动稳增长、扩投资工作部署，"
        "根据《省人民政府关于进一步加快重大项目建设扩大有效投资的若干意见》（鄂政发〔2022〕17号）要求，"
        "结合我市实际，制定本实施方案。",
        ["鄂政发〔2022〕17号"],
        id="e-zheng-fa",
    ),
    pytest.param(
        "5. 加大项目融资支持力度。"
        "按照《市人民政府关于印发咸宁市进一步加快推进企业上市若干措施的通知》"
        "（咸政发〔2022〕7号）要求，各县（市、区）人民政府、咸宁高新区管委会要制定相应的配套措施，"
        "力争到2025年，本土上市公司突破5家。",
        ["咸政发〔2022〕7号"],
        id="xian-zheng-fa",
    ),
    pytest.param(
        "认真落实《省人民政府办公厅关于印发湖北长江经济带降碳减污扩绿增长十大行动方案的通知》"
        "（鄂政办发〔2022〕5号）要求，创新长江经济带绿色发展十大战略性举措",
        ["鄂政办发〔2022〕5号"],
        id="e-zheng-ban-fa",
    ),
    pytest.param(
        "第一条 为了进一步减轻困难群众和大病患者医疗费用负担，"
        "根据《国务院办公厅关于健全重特大疾病医疗保险和救助制度的意见》（国办发〔2021〕42号）"
        "和《省人民政府办公厅关于健全重特大疾病医疗保险和救助制度的实施意见》（鄂政办发〔2022〕35号），结合本市实际，制定本办法。",
        ["国办发〔2021〕42号", "鄂政办发〔2022〕35号"],
        id="guo-ban-fa-and-e-zheng-ban-fa",
    ),
    pytest.param(
        "根据《省人民政府办公厅印发关于实施“才聚荆楚”工程促进高校毕业生就业创业若干措施的通知》"
        "（鄂政办发〔2021〕44号）和《市委办公室 市政府办公室印发"
        "〈咸宁市关于“大学生引进计划”的实施意见〉的通知》（咸办发〔2019〕10号）精神，制定如下措施。",
        ["鄂政办发〔2021〕44号", "咸办发〔2019〕10号"],
        id="party-committee-office",
    ),
    pytest.param(
        "根据《国务院办公厅关于加快发展保障性租赁住房的意见》（国办发〔2021〕22号）、省住建厅《关于加快解决"
        "从事基本公共服务人员住房困难问题的实施意见》（鄂建〔2022〕1号）精神，结合我市实际，制定本实施方案。",
        ["国办发〔2021〕22号", "鄂建〔2022〕1号"],
        id="e-jian",
    ),
    pytest.param(
        "市人民政府印发 咸宁市关于进一步加快重大项目建设 扩大有效投资实施方案的通知\n\n"
        "咸政发〔2022〕11号\n\n各县、市、区人民政府，市政府各部门，咸宁高新区管委会：",
        ["咸政发〔2022〕11号"],
        id="notice-header",
    ),
    pytest.param(
        "咸宁市人民政府办公室\n\n2022年7月15日\n\n咸政办函〔2022〕8号\n\n咸宁市人民政府办公室\n"
        "咸政办函〔2022〕25号",
        ["咸政办函〔2022〕8号", "咸政办函〔2022〕25号"],
        id="after-signature",
    ),
    pytest.param(
        "《咸宁年鉴》具有很强的时效性，为确保《咸宁年鉴（2022）》按时保质编纂出版，将视情对供稿完成进度情况"
        "进行通报。（市史志研究中心地址：咸宁市银桂路 8 号综治大楼四楼 409 室，联系人：王薇）",
        [],
        id="yearbook-is-not-a-number",
    ),
    pytest.param(
        "咸宁市人民政府主办 2022 年第 5 号(总第 70 号) 2022 年 11 月 16 日出版\n"
        "电 话：0715 - 8126116 准印证号：咸内图字 2011 年第 23 号",
        [],
        id="masthead-unbracketed",
    ),
    pytest.param(
        "市人大常委会办公室\t咸宁市人民代表大会常务委员会工作报告（2021 年）\n"
        "市政府办公室\t市政府工作报告（2021 年）",
        [],
        id="table-year-in-brackets",
    ),
]


@pytest.mark.parametrize(("text", "expected"), GAZETTE_SENTENCES)
def test_find_in_gazette_sentences(text, expected):
    assert [number.canonical for number in find_doc_numbers(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("按照咸政办\n发〔2022〕29号要求", "咸政办发〔2022〕29号", id="break-in-code"),
        pytest.param("（鄂政办发〔2022〕\n5号）要求", "鄂政办发〔2022〕5号", id="break-after-year"),
        pytest.param("（咸政办发〔20\r\n22〕29号）", "咸政办发〔2022〕29号", id="break-in-year"),
        pytest.param(
            "（鄂政\n  办发 〔2022〕 3 5 号）", "鄂政办发〔2022〕35号", id="break-and-spaces"
        ),
        pytest.param("根据\n鄂政发〔2022〕17号", "鄂政发〔2022〕17号", id="break-after-genju"),
        pytest.param("的通知\n咸政发〔2022〕11号", "咸政发〔2022〕11号", id="title-then-number"),
    ],
)
def test_find_numbers_broken_across_lines(text, expected):
    assert [number.canonical for number in find_doc_numbers(text)] == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("根据鄂政发〔2022〕17号", "鄂政发〔2022〕17号", id="genju"),
        pytest.param("按照咸政发〔2022〕7号要求", "咸政发〔2022〕7号", id="anzhao"),
        pytest.param("文件咸政办发〔2022〕29号", "咸政办发〔2022〕29号", id="wenjian"),
        pytest.param("现印发咸政办函〔2022〕8号", "咸政办函〔2022〕8号", id="yinfa"),
        pytest.param("国务院办公厅国办发〔2021〕22号", "国办发〔2021〕22号", id="issuer-guoban"),
        pytest.param(
            "咸宁市人民政府咸政发〔2022〕11号", "咸政发〔2022〕11号", id="issuer-xianning"
        ),
        pytest.param("市史志研究中心咸政办函〔2022〕8号", "咸政办函〔2022〕8号", id="zhong-before"),
        pytest.param(
            "省自然资源厅鄂自然资办函〔2022〕3号", "鄂自然资办函〔2022〕3号", id="long-code"
        ),
        pytest.param("按照鄂国资发〔2020〕3号", "鄂国资发〔2020〕3号", id="guo-inside-code"),
        pytest.param("（商建函〔2022〕3号）", "商建函〔2022〕3号", id="no-known-prefix"),
        pytest.param("和中办发〔2021〕1号", "中办发〔2021〕1号", id="zhong-ban-fa"),
        pytest.param("（咸政办函［２０２２］第８号）", "咸政办函〔2022〕8号", id="fullwidth"),
        pytest.param("见咸政发（2022年）7号", "咸政发〔2022〕7号", id="nian-in-brackets"),
        pytest.param("咸政办发 2022 29号", "咸政办发〔2022〕29号", id="whole-text-unbracketed"),
    ],
)
def test_find_where_the_agency_code_starts(text, expected):
    assert [number.canonical for number in find_doc_numbers(text)] == [expected]


@pytest.mark.parametrize(("open_", "close"), RUNNING_TEXT_BRACKETS, ids=lambda b: b)
def test_find_accepts_each_running_text_bracket(open_, close):
    text = f"根据《某某通知》（咸政办函{open_}2022{close}8号）要求"
    assert find_doc_numbers(text) == [DocNumber("咸政办函", 2022, 8)]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("见咸政发2022年7号要求", id="unbracketed-in-sentence"),
        pytest.param("见咸政发〔2022〕7要求", id="no-hao-in-sentence"),
        pytest.param("见咸政发〔2022〕0号", id="zero-serial"),
        pytest.param("见咸政发〔1900〕7号", id="year-out-of-range"),
        pytest.param("见〔2022〕7号", id="no-code"),
        pytest.param("根据〔2022〕7号", id="only-boundary-word"),
        pytest.param("见咸政发〔2022〕123456号", id="six-digit-serial"),
        pytest.param("", id="empty"),
    ],
)
def test_find_ignores_what_is_not_a_number(text):
    assert find_doc_numbers(text) == []


def test_find_keeps_order_and_drops_duplicates():
    text = (
        "（咸政发〔2022〕7号）、（鄂建〔2022〕1号）和（咸政发[2022]第07号）、（咸政发〔2022〕8号）"
    )
    assert [str(number) for number in find_doc_numbers(text)] == [
        "咸政发〔2022〕7号",
        "鄂建〔2022〕1号",
        "咸政发〔2022〕8号",
    ]


@st.composite
def rendered_numbers(draw: st.DrawFn) -> tuple[str, DocNumber]:
    """A random number rendered the way someone might type it."""
    number = DocNumber(
        agency_code=draw(st.sampled_from(AGENCY_CODES)),
        year=draw(st.integers(1949, 2100)),
        serial=draw(st.integers(1, 99999)),
    )
    parts = [
        number.agency_code,
        draw(st.sampled_from(["", *(open_ for open_, _ in BRACKETS)])),
        str(number.year) + draw(st.sampled_from(["", "年"])),
        draw(st.sampled_from(["", *(close for _, close in BRACKETS)])),
        draw(st.sampled_from(["", "第"])),
        "0" * draw(st.integers(0, 2)) + str(number.serial),
        draw(st.sampled_from(["", "号"])),
    ]
    if draw(st.booleans()):
        parts = [part.translate(FULL_WIDTH_DIGITS) for part in parts]
    text = "".join(char + draw(st.sampled_from(SPACES)) for char in "".join(parts))
    return draw(st.sampled_from(SPACES)) + text + draw(st.sampled_from(["", "。", "，"])), number


@given(rendered_numbers())
@example(("咸政办发202229号", XZBF_29))
def test_property_every_rendering_parses_back(rendered):
    text, number = rendered
    assert parse_doc_number(text) == number
    assert parse_doc_number(normalize_doc_number(text)) == number


@given(
    code=st.sampled_from(AGENCY_CODES),
    year=st.integers(1949, 2100),
    serial=st.integers(1, 99999),
    brackets=st.sampled_from(RUNNING_TEXT_BRACKETS),
    break_at=st.integers(0, 20),
)
def test_property_find_in_running_text(code, year, serial, brackets, break_at):
    number_text = f"{code}{brackets[0]}{year}{brackets[1]}{serial}号"
    number_text = number_text[:break_at] + "\n" + number_text[break_at:]
    text = f"根据《省人民政府关于印发某某方案的通知》（{number_text}）要求，结合我市实际。"
    assert find_doc_numbers(text) == [DocNumber(code, year, serial)]


NUMBERISH = st.text(
    alphabet=st.sampled_from(list("咸政办发鄂〔〕[]()（）【】0123456789２年第号 \n、。"))
)
DECREEISH = st.text(alphabet=st.sampled_from(list("咸宁市省人民政府国务院部委令第号0123456789 \n")))


@given(st.one_of(st.text(), NUMBERISH, DECREEISH))
def test_property_arbitrary_text_raises_only_doc_number_error(text):
    try:
        number = parse_doc_number(text)
    except DocNumberError as error:
        assert str(error)
        assert not is_doc_number(text)
    else:
        assert parse_doc_number(number.canonical) == number
        assert is_doc_number(text)
    assert all(isinstance(found, DocNumber) for found in find_doc_numbers(text))


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (
            "根据《关于加快发展的意见》（鄂政发〔2015〕60\n\n号）精神，制定本办法。",
            ["鄂政发〔2015〕60号"],
        ),
        ("按照鄂政发〔2015〕60\n   \n\n号，结合实际", ["鄂政发〔2015〕60号"]),
        ("见咸政发〔2015〕6\n\n号召全市各级各部门", []),  # 号召 begins a new paragraph
        ("第一段〔2015〕60\n\n号码另起一段", []),
        ("依据鄂政发〔2015〕60\n\n号。", ["鄂政发〔2015〕60号"]),
        ("贯彻鄂政办发〔2019〕12\n\n号文件精神", ["鄂政办发〔2019〕12号"]),
    ],
    ids=["closing-bracket", "several-blank-lines", "haozhao", "haoma", "full-stop", "hao-wenjian"],
)
def test_a_number_broken_across_a_page_before_its_hao_is_found(text, found):
    assert [n.canonical for n in find_doc_numbers(text)] == found


# --- Decrees (令): numbered by the issuer, without a year ----------------------------------------

XIANNING_46 = DocNumber("咸宁市人民政府令", None, 46)
STATE_COUNCIL_732 = DocNumber("中华人民共和国国务院令", None, 732)


def test_a_decree_has_no_year_and_its_own_canonical_form():
    assert XIANNING_46.canonical == "咸宁市人民政府令第46号"
    assert str(STATE_COUNCIL_732) == "中华人民共和国国务院令第732号"
    assert parse_doc_number("咸宁市人民政府令第46号").year is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("咸宁市人民政府令第46号", XIANNING_46, id="canonical"),
        pytest.param("咸宁市人民政府令 第46号", XIANNING_46, id="space-before-di"),
        pytest.param("咸宁市人民政府令\n第 46 号", XIANNING_46, id="header-on-two-lines"),
        pytest.param("咸宁市人民政府令第４６号", XIANNING_46, id="fullwidth-digits"),
        pytest.param("咸宁市人民政府令46号", XIANNING_46, id="no-di"),
        pytest.param("咸宁市人民政府令第046", XIANNING_46, id="leading-zero-no-hao"),
        pytest.param("（咸宁市人民政府令第46号）", XIANNING_46, id="in-brackets"),
        pytest.param("咸宁市政府令第46号", XIANNING_46, id="zhengfu-for-renmin-zhengfu"),
        pytest.param("市人民政府令第46号", XIANNING_46, id="shi-is-xianning"),
        pytest.param("市政府令第46号", XIANNING_46, id="shi-zhengfu"),
        pytest.param(
            "湖北省人民政府令第 418 号", DocNumber("湖北省人民政府令", None, 418), id="hubei"
        ),
        pytest.param("省人民政府令第418号", DocNumber("湖北省人民政府令", None, 418), id="sheng"),
        pytest.param("国务院令第732号", STATE_COUNCIL_732, id="guowuyuan"),
        pytest.param("中华人民共和国国务院令 第 732 号", STATE_COUNCIL_732, id="prc-guowuyuan"),
        pytest.param("国令第732号", STATE_COUNCIL_732, id="guoling"),
        pytest.param("财政部令第87号", DocNumber("财政部令", None, 87), id="ministry"),
        pytest.param(
            "中华人民共和国国家发展和改革委员会令第10号",
            DocNumber("中华人民共和国国家发展和改革委员会令", None, 10),
            id="eighteen-character-code",
        ),
    ],
)
def test_decree_numbers_parse_to_the_issuer_and_serial(text, expected):
    assert parse_doc_number(text) == expected
    assert parse_doc_number(expected.canonical) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        pytest.param("人民政府令第46号", "无法识别发布令的机关“人民政府”", id="no-place"),
        pytest.param("政府令第46号", "无法识别发布令的机关“政府”", id="zhengfu-only"),
        pytest.param("令第46号", "缺少发布令的机关", id="ling-only"),
        pytest.param("命令第5号", "无法识别发布令的机关“命”", id="mingling"),
        pytest.param("咸宁市人民政府令", "缺少序号", id="no-serial"),
        pytest.param("咸宁市人民政府令第四十六号", "序号应为阿拉伯数字", id="chinese-serial"),
        pytest.param("咸宁市人民政府令第0号", "序号必须是正整数", id="zero"),
        pytest.param("咸宁市人民政府令第46号文", "序号之后有多余的文字“文”", id="words-after"),
        pytest.param("根据咸宁市人民政府令第46号", "多余的文字“根据”", id="words-before"),
        pytest.param("咸宁市人民政府令〔2022〕46号", "多余的文字“人民政府”", id="with-a-year"),
    ],
)
def test_what_is_not_a_decree_number_says_why(text, reason):
    with pytest.raises(DocNumberError, match=re.escape(reason)):
        parse_doc_number(text)


def test_shi_and_sheng_alone_are_the_gazettes_own_city_and_province():
    assert normalize_doc_number("市政府令第5号") == "咸宁市人民政府令第5号"
    other = dataclasses.replace(
        city.current(), name="宜昌市", short_name="宜昌", government="宜昌市人民政府"
    )
    with city.using(other):
        assert normalize_doc_number("市政府令第5号") == "宜昌市人民政府令第5号"
        assert normalize_doc_number("省政府令第5号") == "湖北省人民政府令第5号"
        found = find_doc_numbers("该办法已以宜昌市人民政府令第5号公布，依照市人民政府令第6号执行")
        assert [n.canonical for n in found] == ["宜昌市人民政府令第5号", "宜昌市人民政府令第6号"]


def test_a_decree_is_never_a_number_with_a_year():
    decree = parse_doc_number("咸宁市人民政府令第46号")
    assert decree != parse_doc_number("咸政发〔2022〕46号")
    assert decree.canonical != normalize_doc_number("咸政发〔2022〕46号")
    assert parse_doc_number("咸宁市人民政府令第8号") != parse_doc_number("咸宁市人民政府令第28号")
    assert parse_doc_number("咸宁市人民政府令第46号") != parse_doc_number("湖北省人民政府令第46号")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "根据《咸宁市城市绿化管理办法》（咸宁市人民政府令第46号），结合工作实际，制定本细则。",
            ["咸宁市人民政府令第46号"],
            id="cited-in-brackets",
        ),
        pytest.param(
            "根据湖北省人民政府令第418号有关规定，现将有关事项通知如下。",
            ["湖北省人民政府令第418号"],
            id="hubei-after-genju",
        ),
        pytest.param(
            "按照市人民政府令第 5 号的要求，各地要抓好落实。",
            ["咸宁市人民政府令第5号"],
            id="shi-with-spaces",
        ),
        pytest.param(
            "该办法已于某日以咸宁市人民政府令第46号公布。",
            ["咸宁市人民政府令第46号"],
            id="word-glued-before-a-known-place",
        ),
        pytest.param(
            "咸宁市人民政府令\n\n第 46 号\n\n"
            "《咸宁市某某管理办法》已经市人民政府常务会议审议通过，现予公布。",
            ["咸宁市人民政府令第46号"],
            id="decree-header",
        ),
        pytest.param(
            "依据《某某条例》（国务院令第732号）和《湖北省某某办法》（省人民政府令第 418 号）、"
            "（咸政发〔2022〕46号）",
            ["中华人民共和国国务院令第732号", "湖北省人民政府令第418号", "咸政发〔2022〕46号"],
            id="in-order-with-a-bracketed-number",
        ),
        pytest.param(
            "（财政部令第87号）、国家发展改革委令第2号和住房和城乡建设部令第5号",
            ["财政部令第87号", "国家发展改革委令第2号", "住房和城乡建设部令第5号"],
            id="ministries",
        ),
        pytest.param(
            "（咸宁市人民政府令第46号）和（咸宁市人民政府令第146号）、市人民政府令第46号",
            ["咸宁市人民政府令第46号", "咸宁市人民政府令第146号"],
            id="46-is-not-146-and-no-duplicates",
        ),
    ],
)
def test_find_decree_numbers_in_running_text(text, expected):
    assert [number.canonical for number in find_doc_numbers(text)] == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("详见附件第46号。", id="di-hao-alone"),
        pytest.param("现发布第3号公告。", id="announcement"),
        pytest.param("咸宁市人民政府主办 2022年第5号（总第70号）", id="issue-of-the-gazette"),
        pytest.param("上级下达命令第5号", id="mingling"),
        pytest.param("全国令第5号", id="quanguo"),
        pytest.param("依据人民政府令第46号", id="no-place"),
        pytest.param("咸宁市人民政府令第四十六号", id="chinese-serial"),
    ],
)
def test_find_no_decree_where_there_is_none(text):
    assert find_doc_numbers(text) == []


@given(
    issuer=st.sampled_from(["咸宁市人民政府", "湖北省人民政府", "中华人民共和国国务院"]),
    serial=st.integers(1, 99999),
    prefix=st.sampled_from(["", "根据", "按照《某某办法》（", "依据"]),
    spaces=st.sampled_from(["", " ", "\n"]),
)
def test_property_decrees_in_running_text_parse_back(issuer, serial, prefix, spaces):
    text = f"{prefix}{issuer}令{spaces}第{spaces}{serial}{spaces}号）要求"
    expected = DocNumber(f"{issuer}令", None, serial)
    assert find_doc_numbers(text) == [expected]
    assert parse_doc_number(expected.canonical) == expected
