"""Whatever the input, the parser either parses it or says it is not an issue: it never
fails with any other error."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from documents.importer import ImportFormatError, build_report, decode, parse_issue
from documents.tests.importer import sample_text

FUZZ = settings(
    database=None,  # no example database written into the checkout
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

COVER = (
    "咸宁市人民政府公报\n咸宁市人民政府主办 2022 年第 5 号(总第 70 号) 2022 年 11 月 16 日出版\n"
)

# Pieces of the gazette's structure, so that generated text reaches the later stages.
FRAGMENTS = [
    "目 录",
    "市政府文件",
    "市人民政府关于某事的通知\t3",
    "市人民政府办公室关于印发 某某方案的通知",
    "咸政办发〔2022〕29号",
    "咸政发[2022]1号",
    "各县、市、区人民政府，市政府各部门：",
    "咸宁市人民政府办公室",
    "2022年7月15日",
    "年 月 日",
    "一、总体要求",
    "（一）加强领导。",
    "(二) 注重宣传",
    "1. 强化招商。（牵头单位：市发改委；责任单位：",
    "市财政局）",
    "第一第 为了规范。",
    "第一章 总 则",
    "附件：1. 名单",
    "2. 清单",
    "附件 1",
    "附件 3. 1",
    "组 长：杨 军 市长",
    "副组长：\t王能强\t市政府副秘书长",
    "张善猛 市发改委主任",
    "成 员：市生态环境局、市经信局分管负责同志。",
    "张善猛同志兼任办公室主任。",
    "序号\t事项/项目名称\t事项主要内容/项目建设内容\t完成时限\t责任单位\t配合单位",
    "合计：事项 1 项、项目 1 个，总投资 1 亿元。\t\t\t\t\t",
    "一、降碳（牵头单位：市发改委）\t\t\t\t\t",
    "(一) 项目（1个，总投资额 2 亿元）。\t\t\t\t\t",
    "1\t甲项目\t总投资额：1 亿元。建设内容：新建。\t2025 年 咸安区人民政府\t\t",
    "\t\t<p>续</p>\t持续推进\t\t",
    "本办法自2022年9月1日起施行，有效期5年。",
    "《旧办法》（咸政发〔2018〕5号）同时废止。",
    "— 3 —",
    "",
]


def _parses_or_refuses(text: str) -> None:
    try:
        parsed = parse_issue(text)
    except ImportFormatError as error:
        assert str(error)
        return
    json.dumps(build_report(parsed), ensure_ascii=False)


@FUZZ
@given(st.text(max_size=2000))
def test_arbitrary_text(text):
    _parses_or_refuses(text)


@settings(FUZZ, max_examples=300)
@given(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=40)), max_size=80))
def test_arbitrary_gazette_like_text_after_a_cover(pieces):
    _parses_or_refuses(COVER + "\n".join(pieces))


@FUZZ
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_decode_or_are_refused(data):
    try:
        text = decode(data)
    except ImportFormatError:
        return
    _parses_or_refuses(text)


@settings(FUZZ, max_examples=40)
@given(st.data())
def test_the_sample_with_lines_dropped_repeated_or_cut(data):
    lines = sample_text().split("\n")
    for _ in range(data.draw(st.integers(0, 8))):
        index = data.draw(st.integers(0, len(lines) - 1))
        if data.draw(st.booleans()):
            del lines[index : index + data.draw(st.integers(1, 40))]
        else:
            lines.insert(index, lines[data.draw(st.integers(0, len(lines) - 1))])
    _parses_or_refuses("\n".join(lines[: data.draw(st.integers(0, len(lines)))]))
