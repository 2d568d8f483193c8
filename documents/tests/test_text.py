"""How a notice body is shown: headings nest without skipping a level, numbered sentences keep
their number in bold, the enclosed document of a 印发 notice gets its own title. (The kinds of
line come from the parser's structure: documents.importer.structure.)"""

import pytest

from documents.importer.structure import body_structure
from documents.text import (
    body_blocks,
    body_lines,
    body_outline,
    document_kind,
    is_title,
    outline_blocks,
)


def blocks_of(text: str):
    return body_blocks(text, body_structure(body_lines(text)))


def shown(text: str, top: int = 3):
    return [(b.level, b.lead, b.text) for b in outline_blocks(blocks_of(text), top=top)]


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ("一、总体要求", True),
        ("（三）按时报送稿件。", True),
        ("一、《咸宁年鉴（2022）》供稿单位及内容", True),
        ("（一）项目申请表；", False),  # a list item
        ("（三）三类、四类医疗救助对象：2万元。", False),
        ("（一）加强组织保障。健全完善全市推进重大项目建设工作领导小组工作机制。", False),
        ("一、" + "很长的标题" * 7, False),
    ],
)
def test_only_short_lines_without_sentence_punctuation_are_titles(line, title):
    assert is_title(line) is title


def test_numbered_titles_nest_one_level_at_a_time():
    text = "一、总体要求\n正文。\n（一）加强组织领导。\n1. 稿件。\n二、主要任务\n（一）第二个标题\n"
    levels = [(level, line) for level, _lead, line in shown(text) if level]
    assert levels == [
        (3, "一、总体要求"),
        (4, "（一）加强组织领导。"),
        (5, "1. 稿件。"),
        (3, "二、主要任务"),
        (4, "（一）第二个标题"),
    ]


def test_a_subheading_without_a_parent_heading_does_not_skip_a_level():
    # （一） directly under the section heading: h3, not h4 under a missing h3.
    assert shown("（一）推动降碳减污协同增效专项指挥部。\n一、总体要求\n")[0][0] == 3


def test_chapters_are_headings_and_articles_are_paragraphs_with_a_bold_number():
    blocks = outline_blocks(blocks_of("第一章 总则\n第一条 为了减轻负担，制定本办法。\n"))
    assert (blocks[0].level, blocks[0].text) == (3, "第一章 总则")
    assert (blocks[1].level, blocks[1].lead, blocks[1].rest) == (
        None,
        "第一条",
        " 为了减轻负担，制定本办法。",
    )


def test_the_items_of_an_article_are_paragraphs_even_when_they_are_short():
    text = "第一章 总则\n第三条 认定标准如下：\n（一）古树。\n第二章 管理\n（一）职责\n"
    assert [(level, line) for level, _lead, line in shown(text) if level] == [
        (3, "第一章 总则"),
        (3, "第二章 管理"),
        (4, "（一）职责"),
    ]


def test_a_long_numbered_paragraph_keeps_its_lead_sentence_in_bold():
    [block] = outline_blocks(blocks_of("（一）加强组织保障。健全完善工作机制，形成合力。"))
    assert (block.level, block.lead, block.rest) == (
        None,
        "（一）加强组织保障。",
        "健全完善工作机制，形成合力。",
    )


def test_list_items_stay_plain_paragraphs():
    [block] = outline_blocks(blocks_of("（一）一类医疗救助对象：城乡特困人员、孤儿；"))
    assert (block.level, block.lead) == (None, "")


def test_headings_deeper_than_h6_are_shown_as_bold_paragraphs():
    text = "第一章 总则\n一、甲\n（一）乙\n1. 丙\n"
    assert [(level, lead) for level, lead, _ in shown(text, top=4)] == [
        (4, ""),
        (5, ""),
        (6, ""),
        (None, "1. 丙"),
    ]


def test_the_enclosed_document_of_a_publishing_notice_gets_its_title():
    outline = body_outline(
        blocks_of(
            "《〈咸宁年鉴（2022）〉编纂方案》已经市人民政府同意，现印发给你们。\n"
            "《咸宁年鉴（2022）》编纂方案\n"
            "一、指导思想\n"
            "坚持正确方向。"
        )
    )
    assert [block.text for block in outline.letter] == [
        "《〈咸宁年鉴（2022）〉编纂方案》已经市人民政府同意，现印发给你们。"
    ]
    assert outline.enclosed_title == "《咸宁年鉴（2022）》编纂方案"
    # The enclosed document's headings sit under its title.
    assert [(b.level, b.text) for b in outline.enclosed if b.level] == [(4, "一、指导思想")]


def test_a_notice_that_encloses_nothing_is_all_letter():
    outline = body_outline(blocks_of("为加强领导，决定成立领导小组。\n一、主要职责\n统筹协调。"))
    assert outline.enclosed_title == ""
    assert [b.level for b in outline.letter] == [None, 3, None]


@pytest.mark.parametrize(
    ("title", "number", "kind"),
    [
        ("咸宁市人民政府关于印发咸宁市城市绿化管理办法的通知", "咸政发〔2023〕3号", "通知"),
        ("咸宁市人民政府办公室关于某事项的函", "咸政办函〔2022〕25号", "函"),
        ("关于同意设立咸宁高新区某园区的批复", None, "批复"),
        ("关于进一步优化营商环境的意见（试行）", None, "意见"),
        ("关于开展专项检查的通告。", None, "通告"),
        ("市政府第十二次常务会议纪要", None, "纪要"),
        ("咸宁市人民政府令", "咸宁市人民政府令第46号", "令"),
        ("咸宁市城市绿化管理办法", "咸宁市人民政府令第46号", "令"),  # a rule under a decree
        ("中华人民共和国主席令", None, "令"),
        ("关于授予某某称号的命令", None, "命令"),
        ("咸宁市城市绿化管理办法", None, ""),
    ],
)
def test_the_document_kind_comes_from_the_number_or_the_end_of_the_title(title, number, kind):
    assert document_kind(title, number) == kind
