"""The parser's stages on small texts, and the whole sample issue against its saved report."""

from __future__ import annotations

import datetime
import json
import os
from typing import Any, cast

import pytest

from documents.importer import (
    ImportFormatError,
    build_report,
    clean_lines,
    decode,
    parse_attachments,
    parse_body,
    parse_issue,
    parse_masthead,
    parse_notice_head,
    parse_relations,
    parse_toc,
    split_notices,
)
from documents.importer.groups import MemberRun
from documents.importer.records import Block, TocEntry
from documents.tests.importer import EXPECTED, FIXTURES, sample_text

COVER = """咸宁市人民政府公报

咸宁市人民政府主办 2022 年第 5 号(总第 70 号) 2022 年 11 月 16 日出版
"""


def lines_of(text: str) -> list[str]:
    return clean_lines(text)


# --- 1. decode ----------------------------------------------------------------------------------


def test_decode_reads_utf8_with_and_without_bom():
    text = "咸宁市人民政府公报\n目录\n"
    assert decode(text.encode("utf-8")) == text
    assert decode(b"\xef\xbb\xbf" + text.encode("utf-8")) == text


def test_decode_falls_back_to_gb18030():
    text = "咸宁市人民政府公报\n咸政办发〔2022〕29号\n"
    assert decode(text.encode("gb18030")) == text


def test_decode_reads_utf16_with_bom():
    text = "咸宁市人民政府公报\n"
    assert decode(text.encode("utf-16")) == text


@pytest.mark.parametrize("data", [b"", b"   \n\r\n\t"])
def test_decode_refuses_an_empty_file_with_a_clear_message(data: bytes):
    with pytest.raises(ImportFormatError, match="文件为空"):
        decode(data)


def test_decode_refuses_binary_data():
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
    with pytest.raises(ImportFormatError, match="编码"):
        decode(png)


# --- 2. clean_lines -----------------------------------------------------------------------------


def test_clean_lines_removes_page_numbers_and_running_heads():
    text = (
        "咸宁市人民政府公报\n正文第一行\n— 8 —\n8\n第 9 页\n"
        "咸宁市人民政府公报 2022年第5号\n2022 年第 5 号 咸宁市人民政府公报 · 10\n正文第二行"
    )
    assert [line for line in lines_of(text) if line] == [
        "咸宁市人民政府公报",
        "正文第一行",
        "正文第二行",
    ]


def test_clean_lines_keeps_page_numbers_alone_on_a_line_inside_the_toc():
    text = "咸宁市人民政府公报\n目 录\n市人民政府关于某事的通知\n12\n\n咸政发〔2022〕1号\n— 12 —\n"
    lines = lines_of(text)
    assert "12" in lines
    assert "— 12 —" not in lines


def test_clean_lines_drops_markdown_artefacts_and_keeps_tabs():
    lines = lines_of("- 附件：1. 名单\n- (二) 建立健全专项**\n序号\t名称\t\r\n\f第二页")
    assert lines[:3] == ["附件：1. 名单", "(二) 建立健全专项", "序号\t名称\t"]
    assert "第二页" in lines


# --- 3. parse_masthead --------------------------------------------------------------------------

MASTHEAD_BLOCK = """主 办：咸宁市人民政府 邮 箱：xnxinxi8126116@163.com
编辑出版：咸宁市人民政府办公室 邮政编码：437100
电 话：0715 - 8126116 准印证号：咸内图字 2011 年第 23 号
地 址：咸宁温泉双鹤路 16 号
"""


def test_masthead_reads_number_total_and_date_with_any_spacing():
    masthead = parse_masthead(lines_of(COVER + "目 录\n"))
    assert (masthead.title, masthead.year, masthead.number, masthead.total_number) == (
        "咸宁市人民政府公报",
        2022,
        5,
        70,
    )
    assert masthead.published_on == datetime.date(2022, 11, 16)


def test_masthead_reads_fields_sharing_a_line_and_blanks_the_block():
    lines = lines_of(COVER + "目 录\n\n" + MASTHEAD_BLOCK)
    masthead = parse_masthead(lines)
    assert masthead.fields == {
        "sponsor": "咸宁市人民政府",
        "email": "xnxinxi8126116@163.com",
        "publisher": "咸宁市人民政府办公室",
        "postcode": "437100",
        "phone": "0715-8126116",
        "permit_number": "咸内图字2011年第23号",
        "address": "咸宁温泉双鹤路16号",
    }
    assert not any("邮政编码" in line for line in lines)


def test_masthead_block_on_the_back_page_is_found_too():
    lines = lines_of(COVER + "目 录\n正文……\n" + MASTHEAD_BLOCK)
    assert parse_masthead(lines).fields["sponsor"] == "咸宁市人民政府"


def test_a_lone_phone_number_in_a_notice_is_not_a_masthead():
    lines = lines_of(COVER + "目 录\n电话：8126851\n")
    assert parse_masthead(lines).fields == {}
    assert "电话：8126851" in lines


def test_masthead_missing_is_a_format_error_saying_what_is_missing():
    with pytest.raises(ImportFormatError, match=r"期号.*出版日期"):
        parse_masthead(lines_of("随便一段文字\n另一段文字\n"))


# --- 4. parse_toc -------------------------------------------------------------------------------

TOC = """目 录

市政府及市政府办公室文件

市人民政府印发咸宁市关于进一步加快重大项目建设扩大有效投资实施方案的通知\t1
市人民政府办公室关于印发咸宁市健全重特大疾病医疗保险和救助制度实施办法的通知 ...\t
.....\t22
市人民政府办公室印发关于实施“才聚荆楚”工程十条措 施的通知\t26
市人民政府办公室关于印发《咸宁年鉴(2022)》编纂方案的通知……………34

市人民政府印发 咸宁市关于进一步加快重大项目建设 扩大有效投资实施方案的通知

咸政发〔2022〕11号
"""


def test_toc_reads_sections_titles_and_pages():
    lines = lines_of(COVER + TOC)
    entries, body_start = parse_toc(lines)
    assert [(entry.title, entry.page) for entry in entries] == [
        ("市人民政府印发咸宁市关于进一步加快重大项目建设扩大有效投资实施方案的通知", 1),
        ("市人民政府办公室关于印发咸宁市健全重特大疾病医疗保险和救助制度实施办法的通知", 22),
        ("市人民政府办公室印发关于实施“才聚荆楚”工程十条措施的通知", 26),
        ("市人民政府办公室关于印发《咸宁年鉴(2022)》编纂方案的通知", 34),
    ]
    assert {entry.section for entry in entries} == {"市政府及市政府办公室文件"}
    assert lines[body_start:][1].startswith("市人民政府印发 咸宁市")


def test_toc_entry_wrapped_without_leader_on_the_first_line():
    toc = (
        "目录\n人事任免\n咸宁市人民政府关于印发咸宁市重点项目建设三年行动计划\n"
        "（2023—2025年）的通知……6\n"
    )
    entries, _ = parse_toc(lines_of(COVER + toc))
    assert entries == [
        TocEntry(
            "人事任免",
            "咸宁市人民政府关于印发咸宁市重点项目建设三年行动计划（2023—2025年）的通知",
            6,
        )
    ]


def test_no_toc_gives_no_entries():
    assert parse_toc(lines_of(COVER + "市人民政府关于某事的通知\n咸政发〔2022〕1号\n")) == (
        [],
        0,
    )


# --- 5. split_notices ---------------------------------------------------------------------------


def _split(body: str, toc: list[TocEntry]) -> tuple[list, list[str]]:
    warnings: list[str] = []
    return split_notices(lines_of(body), toc, 0, warnings), warnings


def test_notice_title_in_space_separated_pieces_is_joined_and_matched_to_the_toc():
    toc = [
        TocEntry(
            "市政府文件",
            "市人民政府印发咸宁市关于进一步加快重大项目建设扩大有效投资实施方案的通知",
            1,
        )
    ]
    spans, warnings = _split(
        "市人民政府印发 咸宁市关于进一步加快重大项目建设 扩大有效投资实施方案的通知\n\n"
        "咸政发〔2022〕11号\n\n正文。",
        toc,
    )
    assert [(s.title, s.doc_number, s.toc) for s in spans] == [
        (
            "市人民政府印发咸宁市关于进一步加快重大项目建设扩大有效投资实施方案的通知",
            "咸政发〔2022〕11号",
            toc[0],
        )
    ]
    assert warnings == []


def test_notice_title_over_two_lines_and_a_toc_with_a_typo():
    toc = [TocEntry("", "市人民政府办公室关于印发咸宁市加快发展保障性租赁住房实施房案的通知", 44)]
    spans, warnings = _split(
        "上一篇的最后一句。\n\n市人民政府办公室关于印发咸宁市\n加快发展保障性租赁住房实施方案的通知\n咸政办函[2022]25号\n正文。",
        toc,
    )
    assert spans[0].title == "市人民政府办公室关于印发咸宁市加快发展保障性租赁住房实施方案的通知"
    assert spans[0].doc_number == "咸政办函〔2022〕25号"
    assert spans[0].toc == toc[0]
    assert warnings and "目录标题与正文标题不一致" in warnings[0]


def test_notices_in_another_order_than_the_toc_get_their_own_pages():
    toc = [
        TocEntry("", "市人民政府关于甲事项的通知", 1),
        TocEntry("", "市人民政府关于乙事项的通知", 5),
    ]
    spans, warnings = _split(
        "市人民政府关于乙事项的通知\n咸政发〔2022〕2号\n乙。\n市人民政府关于甲事项的通知\n咸政发〔2022〕1号\n甲。",
        toc,
    )
    assert [(s.doc_number, s.toc.page) for s in spans] == [
        ("咸政发〔2022〕2号", 5),
        ("咸政发〔2022〕1号", 1),
    ]
    assert warnings == []


def test_a_notice_missing_from_the_toc_and_a_toc_entry_missing_from_the_body_warn():
    toc = [
        TocEntry("", "市人民政府关于甲事项的通知", 1),
        TocEntry("", "市人民政府关于丙事项的通知", 9),
    ]
    spans, warnings = _split(
        "市人民政府关于甲事项的通知\n咸政发〔2022〕1号\n甲。\n市人民政府关于乙事项的通知\n咸政发〔2022〕2号\n乙。",
        toc,
    )
    assert [s.toc.page if s.toc else None for s in spans] == [1, None]
    assert any("《市人民政府关于丙事项的通知》（第9页）在正文中没有找到" in w for w in warnings)
    assert any(
        "《市人民政府关于乙事项的通知》（咸政发〔2022〕2号）不在目录中" in w for w in warnings
    )


def test_a_long_title_with_a_typo_in_the_toc_still_matches_but_another_subject_does_not():
    toc = [
        TocEntry("", "市人民政府关于加强全市安全生产工作的通知", 3),
        TocEntry("", "市人民政府关于表彰先进集体的决定", 9),
    ]
    spans, _ = _split(
        "市人民政府关于加强全市安全生产工做的通知\n咸政发〔2022〕1号\n甲。\n"
        "市人民政府关于印发咸宁市城市绿化办法的通知\n咸政发〔2022〕2号\n乙。",
        toc,
    )
    assert [s.toc.page if s.toc else None for s in spans] == [3, None]


def test_a_notice_without_document_number_is_found_by_its_toc_title():
    toc = [TocEntry("人事任免", "咸宁市人民政府关于张某某等同志职务任免的通知", 12)]
    spans, warnings = _split(
        "咸宁市人民政府关于张某某等同志职务任免的通知\n\n各县、市、区人民政府：\n经研究，决定：……\n",
        toc,
    )
    assert [(s.title, s.doc_number, s.toc.page) for s in spans] == [
        ("咸宁市人民政府关于张某某等同志职务任免的通知", None, 12)
    ]
    assert warnings == []


# --- 6. parse_notice_head -----------------------------------------------------------------------


def test_head_reads_addressees_issuer_date_and_enclosed_title():
    head = parse_notice_head(
        lines_of(
            "\n各县、市、区人民政府，市政府各部门，咸宁高新区管委会：\n\n"
            "《某某方案》已经市人民政府同意，现印发给你们。\n\n咸宁市人民政府办公室\n\n"
            "2022年7月15日\n\n某某方案\n\n一、总体要求\n"
        )
    )
    assert head.addressees == "各县、市、区人民政府，市政府各部门，咸宁高新区管委会"
    assert (head.issuer, head.signed_on) == ("咸宁市人民政府办公室", datetime.date(2022, 7, 15))
    assert head.enclosed_title == "某某方案"
    assert [line for line in head.lines if line] == [
        "《某某方案》已经市人民政府同意，现印发给你们。",
        "一、总体要求",
    ]


def test_head_finds_the_signature_at_the_end_and_ignores_date_templates():
    head = parse_notice_head(
        lines_of(
            "各县、市、区人民政府：\n为加强领导，决定成立领导小组。现将有关事项通知如下：\n"
            "一、主要职责\n负责统筹。\n(盖章)\n年 月 日\n咸宁市人民政府办公室\n2022 年 9 月 29 日"
        )
    )
    assert (head.issuer, head.signed_on, head.enclosed_title) == (
        "咸宁市人民政府办公室",
        datetime.date(2022, 9, 29),
        "",
    )


def test_head_reads_a_date_in_chinese_numerals():
    head = parse_notice_head(lines_of("现将办法印发给你们。\n咸宁市人民政府\n二〇二三年一月十日\n"))
    assert head.signed_on == datetime.date(2023, 1, 10)


@pytest.mark.parametrize(
    "printed",
    [
        "二0一一年三月二十一日",
        "二O一一年三月二十一日",
        "二○一一年三月二十一日",
        "二〇一一年三月二十一日",
    ],
)
def test_head_reads_a_chinese_numeral_year_typeset_with_a_zero_look_alike(printed):
    head = parse_notice_head(lines_of(f"现将办法印发给你们。\n咸宁市人民政府\n{printed}\n"))
    assert (head.issuer, head.signed_on) == ("咸宁市人民政府", datetime.date(2011, 3, 21))


@pytest.mark.parametrize("note", ["（此件公开发布）", "(此件主动公开)", "（此件 依申请公开）"])
def test_the_disclosure_note_under_the_date_is_read_and_never_taken_for_a_title(note):
    head = parse_notice_head(
        lines_of(
            "现将《咸宁市城市绿化管理办法》印发给你们，请认真贯彻执行。\n咸宁市人民政府\n"
            f"2023年1月10日\n{note}\n咸宁市城市绿化管理办法\n第一条 为了加强城市绿化管理。\n"
        )
    )
    assert head.disclosure == note.strip("（）()").replace("此件", "").replace(" ", "")
    assert head.enclosed_title == "咸宁市城市绿化管理办法"
    assert note not in "\n".join(head.lines)


def test_head_without_signature_warns():
    head = parse_notice_head(lines_of("各县、市、区人民政府：\n正文。\n"))
    assert head.issuer == "" and head.signed_on is None
    assert head.warnings == ["没有找到发文机关署名和成文日期"]


# --- 7. parse_body ------------------------------------------------------------------------------


def _blocks(text: str) -> list[tuple[str, str, str]]:
    return [
        (item.kind, item.number, item.text)
        for item in parse_body(lines_of(text))
        if isinstance(item, Block)
    ]


def test_body_heading_levels():
    assert _blocks(
        "第一章 总 则\n第一第 为了规范，制定本办法。\n第二十八第 本办法自印发之日起施行。\n"
        "一、总体要求\n（一）加强领导。\n(二) 注重宣传。\n1. 强化招商。\n2．加强管理。\n普通段落。"
    ) == [
        ("chapter", "第一章", "总则"),
        ("article", "第一条", "为了规范，制定本办法。"),
        ("article", "第二十八条", "本办法自印发之日起施行。"),
        ("heading1", "一、", "总体要求"),
        ("heading2", "（一）", "加强领导。"),
        ("heading2", "（二）", "注重宣传。"),
        ("heading3", "1.", "强化招商。"),
        ("heading3", "2.", "加强管理。"),
        ("paragraph", "", "普通段落。"),
    ]


def test_body_joins_a_line_wrapped_mid_sentence_across_a_blank_line():
    assert _blocks(
        "聚焦中央财经委员会第十一次会议明确的五\n\n大领域和政府专项债券九大领域，重点围绕交通物流。"
    ) == [
        (
            "paragraph",
            "",
            "聚焦中央财经委员会第十一次会议明确的五大领域和政府专项债券九大领域，重点围绕交通物流。",
        )
    ]


def test_body_does_not_join_real_paragraphs_or_a_heading_and_its_text():
    assert _blocks(
        "二、工作重点\n\n以习近平新时代中国特色社会主义思想为指导。\n\n各地要加强领导\n\n（一）加强组织。"
    ) == [
        ("heading1", "二、", "工作重点"),
        ("paragraph", "", "以习近平新时代中国特色社会主义思想为指导。"),
        ("paragraph", "", "各地要加强领导"),
        ("heading2", "（一）", "加强组织。"),
    ]


def test_body_joins_a_heading_whose_last_words_wrapped():
    assert _blocks("（三）健全政府运行“一网协同”的体制机\n\n制。统筹“建管运”，构建管理机制。") == [
        ("heading2", "（三）", "健全政府运行“一网协同”的体制机制。统筹“建管运”，构建管理机制。")
    ]


def test_body_joins_a_unit_parenthetical_broken_after_its_colon():
    blocks = _blocks(
        "4. 优化项目审批。加强设计管理，对概算进行精准控制。（牵头单位：市发改委；责任单位：\n\n"
        "市财政局、市交通运输局，各县市区人民政府）\n\n5. 下一条。"
    )
    assert len(blocks) == 2
    assert blocks[0][2].endswith("责任单位：市财政局、市交通运输局，各县市区人民政府）")


def test_body_keeps_member_lines_apart():
    items = parse_body(
        lines_of("组 长：杨 军 市长\n副组长：杨良锋 市委常委、常务副市长\n吴晓波 副市长\n")
    )
    assert len(items) == 1 and len(cast(MemberRun, items[0]).lines) == 3


# --- 8. parse_attachments -----------------------------------------------------------------------


def test_attachments_numbered_list_and_labels():
    warnings: list[str] = []
    main, parts, list_blocks = parse_attachments(
        lines_of(
            "正文。\n- 附件：1. 咸宁长江经济带指挥部名单\n- 2. 咸宁长江经济带事项和项目\n责任清单\n"
            "附件 1\n咸宁长江经济带 指挥部名单\n指挥长：杨良锋 市委常委\n"
            "附件2\n咸宁长江经济带事项和项目责任清单\n"
            "序号\t名称"
        ),
        warnings,
    )
    assert [(p.label, p.title) for p in parts] == [
        ("附件1", "咸宁长江经济带指挥部名单"),
        ("附件2", "咸宁长江经济带事项和项目责任清单"),
    ]
    assert [line for line in main.lines if line] == ["正文。"]
    assert (
        list_blocks[0].text
        == "附件：1. 咸宁长江经济带指挥部名单 2. 咸宁长江经济带事项和项目责任清单"
    )
    assert warnings == []


def test_attachment_single_wrapped_list_and_title_printed_above_the_label():
    warnings: list[str] = []
    _, parts, _ = parse_attachments(
        lines_of(
            "附件：咸宁市加强重大项目建设重点工作及\n\n责任分工\n\n咸宁市加强重大项目建设重点工作及责任分工\n\n"
            "附件\n\n序号\t领域\n1\t交通物流"
        ),
        warnings,
    )
    assert [(p.label, p.title) for p in parts] == [
        ("附件", "咸宁市加强重大项目建设重点工作及责任分工")
    ]
    assert [line for line in parts[0].lines if line] == ["序号\t领域", "1\t交通物流"]


def test_sub_attachments_get_dotted_labels_and_titles_from_their_list():
    warnings: list[str] = []
    _, parts, _ = parse_attachments(
        lines_of(
            "附件：1. 操作规程\n附件 1\n操作规程\n第一条 内容。\n"
            "- 附件：1. 项目申请表\n2. 项目认定书\n"
            "附件 1. 1\n\n项目名称\t\t\n附件 1. 2\n咸宁市保障性租赁住房项目认定书\n_____："
        ),
        warnings,
    )
    assert [(p.label, p.title) for p in parts] == [
        ("附件1", "操作规程"),
        ("附件1.1", "项目申请表"),
        ("附件1.2", "咸宁市保障性租赁住房项目认定书"),
    ]


def test_a_note_after_the_attachment_list_is_not_part_of_a_title():
    warnings: list[str] = []
    main, parts, _ = parse_attachments(
        lines_of("附件：咸宁市重点项目清单\n（此件公开发布）"), warnings
    )
    assert [(p.label, p.title) for p in parts] == [("附件", "咸宁市重点项目清单")]
    assert "（此件公开发布）" in main.lines


def test_a_listed_attachment_that_is_not_printed_is_kept_with_a_warning():
    warnings: list[str] = []
    _, parts, _ = parse_attachments(
        lines_of("附件：1. 甲名单\n2. 乙清单\n附件1\n甲名单\n内容。"), warnings
    )
    assert [(p.label, p.title) for p in parts] == [("附件1", "甲名单"), ("附件2", "乙清单")]
    assert warnings == ["附件列表中的“附件2 乙清单”没有印在正文中"]


# --- 13. parse_relations ------------------------------------------------------------------------


def test_relations_citations_exclude_the_notices_own_number():
    relations = parse_relations(
        "咸政办发〔2022〕29号",
        "根据《省人民政府办公厅关于印发某方案的通知》（鄂政办发〔2022〕5号）和咸政办发〔2022〕29号，"
        "参照国办发\n〔2021〕42号",
        "",
        "",
    )
    assert relations.cites == ["鄂政办发〔2022〕5号", "国办发〔2021〕42号"]
    assert relations.citations[0].title == "省人民政府办公厅关于印发某方案的通知"


def test_relations_repeals_in_the_sentence_that_says_so():
    relations = parse_relations(
        None,
        "本办法自印发之日起施行。《咸宁市旧办法》（咸政发〔2018〕5号）同时废止。参照咸政发〔2020〕1号执行。"
        "《咸宁市更旧的办法》予以废止。",
        "",
        "",
    )
    assert relations.repeals == ["咸政发〔2018〕5号"]
    assert [c.title for c in relations.citations if c.kind == "repeals"] == [
        "咸宁市旧办法",
        "咸宁市更旧的办法",
    ]


@pytest.mark.parametrize(
    ("text", "effective_on", "rule", "years"),
    [
        ("本办法自印发之日起施行，有效期5年。", None, "signing", 5),
        ("本措施自公布之日起施行，有效期 5 年。", None, "publication", 5),
        ("本办法自 2022 年 9 月 1 日起施行，有效期为三年。", datetime.date(2022, 9, 1), "date", 3),
        ("请认真贯彻落实。", None, None, None),
    ],
)
def test_relations_validity(text, effective_on, rule, years):
    relations = parse_relations(None, text, text, "")
    assert (relations.effective_on, relations.effective_rule, relations.valid_years) == (
        effective_on,
        rule,
        years,
    )


def test_relations_validity_of_the_body_wins_over_an_attachments():
    attachment = "本规程自公布之日起施行，有效期 3 年。"
    relations = parse_relations(None, "", "本通知自印发之日起施行。", attachment)
    assert (relations.effective_rule, relations.valid_years) == ("signing", None)
    relations = parse_relations(None, "", "请认真贯彻执行。", attachment)
    assert (relations.effective_rule, relations.valid_years) == ("publication", 3)


def test_relations_validity_of_something_else_is_not_the_notices():
    relations = parse_relations(None, "", "企业自2022年1月1日起执行新标准，体检结果有效期2年。", "")
    assert (relations.effective_on, relations.effective_rule, relations.valid_years) == (
        None,
        None,
        None,
    )


# --- parse_issue --------------------------------------------------------------------------------


def test_parse_issue_refuses_text_without_any_notice():
    with pytest.raises(ImportFormatError, match="没有找到任何文件"):
        parse_issue(COVER + TOC.split("市人民政府印发 咸宁市")[0])


def test_parse_issue_on_a_small_issue_of_another_layout():
    parsed = parse_issue((FIXTURES / "minimal-issue.txt").read_text(encoding="utf-8"))
    assert (parsed.year, parsed.number, parsed.total_number) == (2023, 1, 71)
    assert parsed.published_on == datetime.date(2023, 2, 28)
    assert parsed.masthead["sponsor"] == "咸宁市人民政府"
    assert [(n.doc_number, n.page, n.section) for n in parsed.notices] == [
        ("咸政发〔2023〕3号", 1, "市政府文件"),
        ("咸政办发〔2023〕2号", 6, "市政府文件"),
        (None, 12, "人事任免"),
    ]
    first, second, third = parsed.notices
    assert first.title == "咸宁市人民政府关于印发咸宁市城市绿化管理办法的通知"
    assert first.signed_on == datetime.date(2023, 1, 10)
    assert (first.effective_on, first.valid_years) == (datetime.date(2023, 3, 1), 3)
    assert first.repeals == ["咸政发〔2018〕5号"]
    assert (
        first.blocks[3].text
        == "为了加强城市绿化管理，改善生态环境，根据有关法律法规，结合本市实际，制定本办法。"
    )
    assert [str(p.investment_yi) for p in second.projects] == ["8", "2.5", "2"]
    assert [p.location for p in second.projects] == ["嘉鱼县", None, "通山县"]
    assert [t.source for t in second.tasks] == ["text"]
    assert (third.issuer, third.signed_on) == ("咸宁市人民政府", datetime.date(2023, 2, 1))
    assert parsed.warnings == [] and all(not n.warnings for n in parsed.notices)


# --- the sample issue ---------------------------------------------------------------------------

EXPECTED_REPORT = EXPECTED / "xianning-2022-05.json"


def _differences(expected: Any, actual: Any, path: str = "$") -> list[str]:
    """Where two JSON values differ, as ``path: expected …, got …`` lines."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        found = []
        for key in expected.keys() | actual.keys():
            if key not in actual:
                found.append(f"{path}.{key}: missing (expected {expected[key]!r})")
            elif key not in expected:
                found.append(f"{path}.{key}: unexpected {actual[key]!r}")
            else:
                found += _differences(expected[key], actual[key], f"{path}.{key}")
        return found
    if isinstance(expected, list) and isinstance(actual, list):
        found = [f"{path}: {len(expected)} items expected, got {len(actual)}"]
        found = found if len(expected) != len(actual) else []
        for index, (left, right) in enumerate(zip(expected, actual, strict=False)):
            found += _differences(left, right, f"{path}[{index}]")
        return found
    return [] if expected == actual else [f"{path}: expected {expected!r}, got {actual!r}"]


@pytest.fixture(scope="module")
def sample_report() -> dict:
    return build_report(parse_issue(sample_text()))


def test_sample_report_matches_the_saved_expected_output(sample_report):
    if os.environ.get("IMPORTER_UPDATE_EXPECTED"):  # regenerate, then read it before committing
        EXPECTED_REPORT.write_text(
            json.dumps(sample_report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    expected = json.loads(EXPECTED_REPORT.read_text(encoding="utf-8"))
    differences = _differences(expected, json.loads(json.dumps(sample_report)))
    assert not differences, "报告与保存的预期不同：\n" + "\n".join(sorted(differences)[:40])


def test_sample_has_its_eight_notices_with_numbers_pages_issuers_and_dates(sample_report):
    assert [
        (n["doc_number"], n["page"], n["issuer"], n["signed_on"]) for n in sample_report["notices"]
    ] == [
        ("咸政发〔2022〕11号", 1, "咸宁市人民政府", "2022-08-30"),
        ("咸政办发〔2022〕29号", 8, "咸宁市人民政府办公室", "2022-07-15"),
        ("咸政办发〔2022〕31号", 22, "咸宁市人民政府办公室", "2022-09-14"),
        ("咸政办发〔2022〕32号", 26, "咸宁市人民政府办公室", "2022-09-15"),
        ("咸政办发〔2022〕35号", 28, "咸宁市人民政府办公室", "2022-10-11"),
        ("咸政办函〔2022〕8号", 34, "咸宁市人民政府办公室", "2022-03-28"),
        ("咸政办函〔2022〕25号", 44, "咸宁市人民政府办公室", "2022-07-19"),
        ("咸政办函〔2022〕27号", 53, "咸宁市人民政府办公室", "2022-09-29"),
    ]
    assert sample_report["issue"] | {"masthead": None, "toc": None} == {
        "title": "咸宁市人民政府公报",
        "year": 2022,
        "number": 5,
        "total_number": 70,
        "published_on": "2022-11-16",
        "documents_only": False,
        "masthead": None,
        "toc": None,
    }
    assert sample_report["warnings"] == []


def test_sample_list_figures_are_the_sums_of_its_rows(sample_report):
    notice = sample_report["notices"][1]
    assert (notice["projects"], notice["total_investment_yi"], notice["tasks"]) == (
        36,
        "619.53",
        32,
    )
    subtotals = [s["investment_yi"] for s in notice["list_sections"] if s["projects"]]
    assert subtotals == ["120.6", "73.05", "6.5", "6.24", "208.87", "100.47", "103.8"]
    for section in notice["list_sections"]:
        printed = section["printed"]
        assert printed["projects"] in (None, section["projects"])
        assert printed["tasks"] in (None, section["tasks"])
        assert printed["investment_yi"] in (None, section["investment_yi"])


def test_sample_leading_groups(sample_report):
    leaders = {
        n["doc_number"]: [(m["role"], m["name"]) for m in n["groups"][0]["members"][:1]]
        for n in sample_report["notices"]
        if n["groups"]
    }
    assert leaders == {
        "咸政办发〔2022〕29号": [("指挥长", "杨良锋")],
        "咸政办发〔2022〕35号": [("组长", "杨军")],
        "咸政办函〔2022〕25号": [("组长", "杨军")],
        "咸政办函〔2022〕27号": [("组长", "李丽")],
    }
