"""The structure of a body (documents.importer.structure): what the parser found each line to
be, kept one entry a line, with anchors that are unique on the page; the same rules read an
edited text again."""

import pytest

from documents.importer import parse_issue
from documents.importer.structure import (
    anchor_key,
    blocks_structure,
    body_structure,
    find_anchor,
    fits,
    rebuilt_structure,
    structure_of,
)
from documents.tests.importer import FIXTURES, sample_text
from documents.text import body_lines


def articles_notice():
    [notice] = parse_issue((FIXTURES / "articles-issue.txt").read_text(encoding="utf-8")).notices
    return notice


def test_a_notice_enclosing_rules_has_its_title_chapters_sections_and_articles():
    notice = articles_notice()
    structure = blocks_structure(notice.blocks)
    assert len(structure) == len(body_lines(notice.body_text))
    assert structure == [
        {"kind": "paragraph"},  # 现将《咸宁市古树名木保护办法》印发给你们…
        {"kind": "title"},  # 咸宁市古树名木保护办法
        {"kind": "chapter", "number": "第一章", "anchor": "第一章"},
        {"kind": "article", "number": "第一条", "anchor": "第一条"},
        {"kind": "article", "number": "第二条", "anchor": "第二条"},
        {"kind": "chapter", "number": "第二章", "anchor": "第二章"},
        {"kind": "section", "number": "第一节", "anchor": "第二章-第一节"},
        {"kind": "article", "number": "第三条", "anchor": "第三条"},
        {"kind": "heading2", "number": "（一）", "anchor": "第三条-（一）"},
        {"kind": "heading2", "number": "（二）", "anchor": "第三条-（二）"},
        {"kind": "section", "number": "第二节", "anchor": "第二章-第二节"},
        {"kind": "article", "number": "第四条", "anchor": "第四条"},
        {"kind": "chapter", "number": "第三章", "anchor": "第三章"},
        {"kind": "article", "number": "第五条", "anchor": "第五条"},
        {"kind": "paragraph"},  # 附件：咸宁市古树名木养护技术要求
    ]
    [attachment] = notice.attachments
    assert [entry.get("anchor") for entry in blocks_structure(attachment.blocks)] == [
        "一",
        "一-（一）",
        "一-（二）",
        "二",
        None,
    ]


def test_the_text_read_again_by_the_parsers_rules_gives_what_the_parser_found():
    notices = [
        *parse_issue(sample_text()).notices,
        articles_notice(),
    ]
    for notice in notices:
        parts = [(notice.blocks, notice.body_text)]
        parts += [(item.blocks, item.body_text) for item in notice.attachments]
        for blocks, text in parts:
            assert body_structure(body_lines(text)) == blocks_structure(blocks), notice.title


def test_a_number_printed_twice_gets_an_anchor_of_its_own():
    structure = body_structure(["一、甲", "（一）乙", "一、丙", "（一）丁"])
    assert [entry["anchor"] for entry in structure] == ["一", "一-（一）", "一_2", "一_2-（一）"]


def test_a_section_is_a_heading_and_a_sentence_that_starts_so_is_not():
    assert body_structure(["第一章 总则", "第一节 认定"])[1]["kind"] == "section"
    sentence = "第一节课结束后，学生应当有序离开教室，不得在走廊内追逐打闹，确保校园安全。"
    assert body_structure(["第一章 总则", sentence])[1] == {"kind": "paragraph"}


def test_an_edit_keeps_the_enclosed_title_the_import_found():
    old = "现将《某某办法》印发给你们。\n某某办法\n第一条 为了规范管理，制定本办法。"
    stored = body_structure(body_lines(old))
    assert stored[1] == {"kind": "title"}
    # The letter no longer names the title in 《》: the title is kept all the same.
    new = "现将某某办法印发给你们，请遵照执行。\n某某办法\n第一条 为了规范管理，制定本办法。"
    assert body_structure(body_lines(new))[1] == {"kind": "paragraph"}
    rebuilt = rebuilt_structure(old, stored, new)
    assert rebuilt[1] == {"kind": "title"}
    assert rebuilt[2]["anchor"] == "第一条"


@pytest.mark.parametrize(
    ("structure", "body", "fitting"),
    [
        ([], "", True),
        ([], "第一条 某某。", False),  # stored before structures were kept
        ([{"kind": "paragraph"}], "一段。\n两段。", False),
        ([{"kind": "nonsense"}], "一段。", False),
        ([{"kind": "paragraph"}, {"kind": "paragraph"}], "一段。\n两段。", True),
    ],
)
def test_a_structure_is_used_only_when_it_fits_the_body(structure, body, fitting):
    assert fits(structure, body) is fitting
    expected = structure if fitting else body_structure(body_lines(body))
    assert structure_of(body, structure) == expected


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("第十四条", "第十四条"),
        ("第14条", "第十四条"),
        ("第１４条", "第十四条"),
        ("第二章-第1节", "第二章-第一节"),
        ("附件 2", "附件2"),
        ("第十五条", None),
    ],
)
def test_an_anchor_is_found_however_its_numbers_are_typed(typed, found):
    anchors = ["第二章", "第二章-第一节", "第十四条", "附件2", "附件2-一"]
    assert find_anchor(anchors, typed) == found
    assert anchor_key("第十四条") == anchor_key("第14条")
