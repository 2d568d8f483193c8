"""Tests for documents.importer.text: dates, numerals and the keys titles are compared by."""

import datetime

import pytest

from documents.importer.text import (
    DATE_LINE_RE,
    cn_to_int,
    match_key,
    parse_date,
    similarity,
    simplified,
    title_similarity,
)

# --- Dates in Chinese numerals, with a zero look-alike ------------------------------------------


@pytest.mark.parametrize(
    ("printed", "date"),
    [
        pytest.param("二0一一年三月二十一日", datetime.date(2011, 3, 21), id="digit-zero"),
        pytest.param("二〇二三年一月五日", datetime.date(2023, 1, 5), id="ling-circle"),
        pytest.param("二O一一年三月二十一日", datetime.date(2011, 3, 21), id="letter-o"),
        pytest.param("二○一一年三月二十一日", datetime.date(2011, 3, 21), id="white-circle"),
        pytest.param("二０二三年十二月三十一日", datetime.date(2023, 12, 31), id="fullwidth-zero"),
        pytest.param("二Ｏ二三年十月十日", datetime.date(2023, 10, 10), id="fullwidth-letter-o"),
        pytest.param("二零二三年七月十五日", datetime.date(2023, 7, 15), id="ling"),
        pytest.param("二〇二三 年 一 月 五 日", datetime.date(2023, 1, 5), id="spaces"),
    ],
)
def test_a_signing_date_in_chinese_numerals_is_read(printed, date):
    assert parse_date(printed) == date
    assert DATE_LINE_RE.match(printed)
    assert parse_date(f"经研究，现定于{printed}起施行。") == date


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("二〇二三年二月三十日", id="no-such-day"),
        pytest.param("二〇二三年十三月一日", id="no-such-month"),
        pytest.param("OOOO年一月一日", id="only-look-alikes"),
        pytest.param("二〇二三年", id="year-only"),
    ],
)
def test_what_is_no_date_gives_none(text):
    assert parse_date(text) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("二0一一", 2011),
        ("二O二三", 2023),
        ("二○二三", 2023),
        ("二〇二三", 2023),
        ("一百零五", 105),
        ("二十八", 28),
        ("３", 3),
        ("〇", 0),
        ("O", None),  # a letter on its own is no numeral
        ("第五", None),
    ],
)
def test_cn_to_int_reads_a_zero_look_alike_among_chinese_numerals(text, value):
    assert cn_to_int(text) == value


# --- Full-width and traditional characters compare as printed in simplified -----------------------


def test_match_key_folds_width_and_traditional_characters():
    assert (
        match_key("《咸寧年鑑（２０２２）》") == match_key("《咸宁年鉴(2022)》") == "咸宁年鉴2022"
    )


def test_simplified_leaves_simplified_text_alone():
    text = "咸宁市人民政府办公室关于印发咸宁市进一步加快重大项目建设扩大有效投资实施方案的通知"
    assert simplified(text) == text
    assert simplified("市發改委") == "市发改委"


def test_a_toc_title_in_traditional_characters_matches_its_body_title():
    toc = "咸寧市人民政府辦公室關於印發咸寧市城市綠化管理辦法的通知"
    body = "咸宁市人民政府办公室关于印发咸宁市城市绿化管理办法的通知"
    other = "咸宁市人民政府办公室关于印发咸宁市农村公路养护管理办法的通知"
    assert title_similarity(toc, body) == 1.0
    assert similarity(toc, body) == 1.0
    assert title_similarity(toc, other) < 0.75  # parser._MIN_TOC_MATCH
