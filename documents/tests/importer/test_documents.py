"""Single documents and the layouts a whole issue is not printed in: 政府信息公开 pages, the
GB/T 9704 layout (letterhead, number, title), decrees, two-line titles without a 目录, texts cut
off, titles that belong to no notice. Every text here is written for the test."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from documents.importer import ImportFormatError, build_report, decode, parse_issue
from documents.tests.importer import FIXTURES, REPOSITORY

ISSUE = (2023, 2)

LETTER = """各县、市、区人民政府，市政府各部门：
现将有关事项通知如下，请认真贯彻执行。
一、明确工作责任
各地要落实属地责任。
二、加强监督检查
市直有关部门要加强指导。
"""

DISCLOSURE_PAGE = """索引号：011043460/2023-01234
文号：咸政办发〔2023〕15号
发文单位：咸宁市人民政府办公室
主题分类：城乡建设、环境保护
有效性：有效
发布日期：2023-05-10
发文日期：2023年05月08日
名称：咸宁市人民政府办公室关于加强城市道路桥梁管理的通知

咸宁市人民政府办公室关于加强城市道路桥梁管理的通知
{number_line}
{letter}
咸宁市人民政府办公室
2023年5月8日
"""


def parse(text: str, issue=ISSUE):
    return parse_issue(text, issue=issue)


@pytest.mark.parametrize("number_line", ["咸政办发〔2023〕15号", ""])
def test_a_disclosure_page_fills_the_notice_from_its_metadata(number_line):
    parsed = parse(DISCLOSURE_PAGE.format(number_line=number_line, letter=LETTER))
    assert parsed.documents_only and (parsed.year, parsed.number) == ISSUE
    assert parsed.published_on is None and parsed.masthead == {}
    [notice] = parsed.notices
    assert notice.title == "咸宁市人民政府办公室关于加强城市道路桥梁管理的通知"
    assert notice.doc_number == "咸政办发〔2023〕15号"  # from the body, or the 文号 alone
    assert notice.index_number == "011043460/2023-01234"
    assert notice.topic == "城乡建设、环境保护"
    assert notice.validity == "in_force"
    assert (notice.issuer, notice.signed_on) == ("咸宁市人民政府办公室", datetime.date(2023, 5, 8))
    assert notice.kind == "通知" and not notice.normative
    assert [b.number for b in notice.blocks if b.kind == "heading1"] == ["一、", "二、"]
    assert not any("索引号" in block.text for block in notice.blocks)


def test_metadata_printed_two_fields_a_line_and_a_label_above_its_value():
    page = (
        "索引号：MB1520913/2021-00088    主题分类：财政、金融、审计\n"
        "发文单位：\n咸宁市人民政府\n"
        "文号：咸政规〔2021〕3号    有效性：失效\n"
        "名称：咸宁市政府投资项目审计监督办法\n\n"
        "咸宁市政府投资项目审计监督办法\n"
        "第一条  为加强政府投资项目审计监督，制定本办法。\n"
        "第二条  本办法自印发之日起施行。\n"
    )
    [notice] = parse(page).notices
    assert notice.doc_number == "咸政规〔2021〕3号"
    assert notice.normative  # 咸政规: a 行政规范性文件
    assert (notice.topic, notice.validity) == ("财政、金融、审计", "expired")
    assert notice.issuer == "咸宁市人民政府"
    assert [b.number for b in notice.blocks if b.kind == "article"] == ["第一条", "第二条"]


def test_the_gb9704_layout_letterhead_number_then_a_title_over_two_lines():
    text = (
        "咸宁市人民政府文件\n"
        "咸政发〔2023〕7号\n\n"
        "咸宁市人民政府关于公布第二批市级\n"
        "非物质文化遗产代表性项目名录的通知\n\n"
        f"{LETTER}\n"
        "咸宁市人民政府\n"
        "2023年3月1日\n"
        "（此件公开发布）\n"
    )
    parsed = parse(text)
    [notice] = parsed.notices
    assert notice.title == "咸宁市人民政府关于公布第二批市级非物质文化遗产代表性项目名录的通知"
    assert notice.doc_number == "咸政发〔2023〕7号"
    assert notice.disclosure == "公开发布" and notice.issuer == "咸宁市人民政府"
    assert notice.addressees.startswith("各县、市、区人民政府")
    assert parsed.warnings == []


def test_two_notices_in_the_gb9704_layout_one_after_the_other():
    first = (
        "咸宁市人民政府办公室文件\n咸政办发〔2023〕3号\n"
        "咸宁市人民政府办公室关于做好春季森林防火工作的通知\n"
        f"{LETTER}咸宁市人民政府办公室\n2023年2月1日\n（此件公开发布）\n"
    )
    second = (
        "咸宁市人民政府办公室文件\n咸政办发〔2023〕4号\n"
        "咸宁市人民政府办公室关于开展城乡环境整治的通知\n"
        f"{LETTER}咸宁市人民政府办公室\n2023年2月3日\n"
    )
    notices = parse(first + "\n" + second).notices
    assert [(n.doc_number, n.title, n.signed_on.day) for n in notices] == [
        ("咸政办发〔2023〕3号", "咸宁市人民政府办公室关于做好春季森林防火工作的通知", 1),
        ("咸政办发〔2023〕4号", "咸宁市人民政府办公室关于开展城乡环境整治的通知", 3),
    ]
    assert notices[0].disclosure == "公开发布"


def test_a_title_printed_on_two_lines_without_a_toc_is_the_whole_title():
    text = (
        "咸宁市人民政府关于进一步做好\n"
        "咸宁市城区生活垃圾分类工作的通知\n"
        "咸政发〔2023〕9号\n"
        f"{LETTER}咸宁市人民政府\n2023年4月2日\n"
    )
    [notice] = parse(text).notices
    assert notice.title == "咸宁市人民政府关于进一步做好咸宁市城区生活垃圾分类工作的通知"


def test_a_text_cut_off_mid_document_keeps_what_is_there_and_says_where():
    text = (
        "咸宁市人民政府关于开展第一次全市地名普查的通知\n咸政发〔2023〕11号\n"
        f"{LETTER}咸宁市人民政府\n2023年4月5日\n\n"
        "咸宁市人民政府关于加强耕地保护的通知\n咸政发〔2023〕12号\n"
        "各县、市、区人民政府，市政府各部门：\n"
        "为切实加强耕地保护，落实最严格的耕地保护制度，现就有关事项通知如下。\n"
        "一、严格落实耕地保护责任\n各级人民政府对本行政区域内的耕地保有量和"
    )
    parsed = parse(text)
    assert [n.doc_number for n in parsed.notices] == ["咸政发〔2023〕11号", "咸政发〔2023〕12号"]
    assert parsed.notices[1].blocks[-1].text.endswith("耕地保有量和")
    cut = [w for w in parsed.warnings if "中途结束" in w]
    assert cut and cut[0].startswith("第17行：") and "加强耕地保护的通知" in cut[0]


def test_a_title_before_the_first_notice_that_belongs_to_none_is_a_warning():
    text = (
        "咸宁市人民政府关于调整部分行政事业性收费标准的通知\n\n"
        "咸宁市人民政府关于开展第一次全市地名普查的通知\n咸政发〔2023〕11号\n"
        f"{LETTER}咸宁市人民政府\n2023年4月5日\n"
    )
    parsed = parse(text)
    assert [n.doc_number for n in parsed.notices] == ["咸政发〔2023〕11号"]
    assert any(
        w.startswith("第1行：") and "调整部分行政事业性收费标准的通知" in w and "未归入" in w
        for w in parsed.warnings
    )


def test_the_disclosure_note_is_never_taken_for_the_next_title():
    text = (
        "咸宁市人民政府关于开展第一次全市地名普查的通知\n咸政发〔2023〕11号\n"
        f"{LETTER}咸宁市人民政府\n2023年4月5日\n（此件公开发布）\n\n"
        "咸政发〔2023〕12号\n咸宁市人民政府关于加强耕地保护的通知\n"
        f"{LETTER}咸宁市人民政府\n2023年4月6日\n"
    )
    notices = parse(text).notices
    assert [n.title for n in notices] == [
        "咸宁市人民政府关于开展第一次全市地名普查的通知",
        "咸宁市人民政府关于加强耕地保护的通知",
    ]
    assert notices[0].disclosure == "公开发布"


def test_a_text_without_its_issue_needs_one():
    text = f"咸宁市人民政府关于开展地名普查的通知\n咸政发〔2023〕11号\n{LETTER}"
    with pytest.raises(ImportFormatError, match="--issue 2023/2"):
        parse_issue(text)


def test_a_cover_naming_another_issue_is_refused_with_both():
    cover = "咸宁市人民政府公报\n2023年第3号（总第75号）\n2023年6月30日出版\n\n"
    text = cover + f"咸宁市人民政府关于开展地名普查的通知\n咸政发〔2023〕11号\n{LETTER}"
    with pytest.raises(ImportFormatError) as error:
        parse(text, issue=(2023, 2))
    assert "2023年第3号" in str(error.value) and "2023年第2号" in str(error.value)
    assert not parse(text, issue=(2023, 3)).documents_only  # the same issue: a whole issue


def test_the_report_gives_kind_normative_disclosure_metadata_outline_and_lines():
    page = DISCLOSURE_PAGE.format(number_line="咸政办发〔2023〕15号", letter=LETTER)
    report = build_report(parse(page))
    assert report["issue"]["documents_only"] is True
    [notice] = report["notices"]
    assert {key: notice[key] for key in ("kind", "normative", "disclosure", "topic")} == {
        "kind": "通知",
        "normative": False,
        "disclosure": "",
        "topic": "城乡建设、环境保护",
    }
    assert notice["index_number"] == "011043460/2023-01234"
    assert notice["line"] == 10  # the title under the metadata block
    assert [(h["number"], h["text"]) for h in notice["outline"]] == [
        ("一、", "明确工作责任"),
        ("二、", "加强监督检查"),
    ]


DECREE = """咸宁市人民政府令
第 12 号

《咸宁市古树名木保护办法》已经2023年4月10日市人民政府第20次常务会议审议通过，
现予公布，自2023年6月1日起施行。

市长  张某某
二〇二三年四月二十日

咸宁市古树名木保护办法

第一章  总  则

第一条  为了加强古树名木保护，根据《湖北省古树名木保护管理办法》（湖北省人民政府令第418号），
制定本办法。
第二条  本办法适用于本市行政区域内古树名木的保护管理。
第二章  保护措施
第一节  认定
第三条  市林业主管部门负责全市古树名木保护管理工作。
第四条  本办法自2023年6月1日起施行。
"""


def test_a_decree_is_one_notice_with_its_number_signer_and_articles():
    [notice] = parse(DECREE).notices
    assert notice.doc_number == "咸宁市人民政府令第12号"
    assert notice.title == "咸宁市古树名木保护办法"  # the 规章 it promulgates
    assert notice.kind == "令"
    assert (notice.issuer, notice.signed_on) == ("咸宁市人民政府", datetime.date(2023, 4, 20))
    assert notice.signer == "市长 张某某"
    assert notice.effective_on == datetime.date(2023, 6, 1)
    assert notice.cites == ["湖北省人民政府令第418号"]
    kinds = [(b.kind, b.number) for b in notice.blocks if b.kind != "paragraph"]
    assert kinds == [
        ("title", ""),
        ("chapter", "第一章"),
        ("article", "第一条"),
        ("article", "第二条"),
        ("chapter", "第二章"),
        ("section", "第一节"),
        ("article", "第三条"),
        ("article", "第四条"),
    ]


def test_a_decree_number_on_one_line_and_in_an_issue_with_a_toc():
    cover = (
        "咸宁市人民政府公报\n2023年第2号（总第73号）\n2023年4月30日出版\n\n目 录\n\n"
        "咸宁市古树名木保护办法（市人民政府令第12号）……………… 1\n\n"
    )
    text = cover + DECREE.replace("咸宁市人民政府令\n第 12 号", "咸宁市人民政府令（第12号）")
    parsed = parse_issue(text)
    [notice] = parsed.notices
    assert (notice.doc_number, notice.page, notice.kind) == ("咸宁市人民政府令第12号", 1, "令")
    assert parsed.warnings == []


def _gazette_texts() -> list[Path]:
    shared = REPOSITORY.parent / "shared" / "gazettes"
    return sorted([*shared.glob("*.txt"), *FIXTURES.glob("*.txt")])


@pytest.mark.parametrize("path", _gazette_texts(), ids=lambda path: path.name)
def test_every_gazette_text_at_hand_imports_without_raising(path):
    parsed = parse_issue(decode(path.read_bytes()))
    assert parsed.notices and all(notice.title for notice in parsed.notices)


OTHER_CITY = """黄石市人民政府公报
2007年第3号（总第120号）
2007年4月30日出版

黄石市人民政府办公室关于加快重点项目建设的通知
黄政办发[2007]17号
各区、县（市）人民政府，市政府各部门：
根据《武汉市人民政府关于加强区域合作的意见》（武政〔2011〕23号）和
《上海市人民政府办公厅关于推进长三角合作的通知》（沪府办〔2020〕59号），现将有关事项通知如下。
附件：重点项目清单
附件
重点项目清单
序号\t项目名称\t建设内容\t完成时限\t责任单位
1\t阳新港区码头扩建工程\t总投资额：3.5亿元。建设内容：新建泊位2个。\t2008年\t阳新县人民政府
2\t西塞山区工业园道路\t总投资额：1.2亿元。建设内容：新建道路5公里。\t2008年\t西塞山区政府
3\t黄石开发区标准厂房\t总投资额：2亿元。建设内容：新建厂房10万平方米。\t2009年\t黄石经济技术开发区管委会
"""


def test_another_citys_gazette_parses_by_the_same_rules_with_its_profile():
    from documents import city

    profile = city.load_profile(FIXTURES / "huangshi.toml")
    with city.using(profile):
        parsed = parse_issue(OTHER_CITY)
        with pytest.raises(ImportFormatError, match="黄石市人民政府公报"):
            parse_issue("只是一段文字。\n没有刊头。")
    [notice] = parsed.notices
    assert (parsed.year, parsed.number, parsed.total_number) == (2007, 3, 120)
    assert notice.doc_number == "黄政办发〔2007〕17号"
    assert notice.issuer == "黄石市人民政府办公室"  # no signature: the issuer of its code
    assert notice.cites == ["武政〔2011〕23号", "沪府办〔2020〕59号"]
    assert [(p.name, p.location) for p in notice.projects] == [
        ("阳新港区码头扩建工程", "阳新县"),
        ("西塞山区工业园道路", "西塞山区"),
        ("黄石开发区标准厂房", "黄石经济技术开发区"),
    ]
    # Xianning's profile again outside the block: its places, not Huangshi's.
    assert city.current().name == "咸宁市"
