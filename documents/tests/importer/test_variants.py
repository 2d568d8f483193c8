"""The sample issue changed the ways other issues of the gazette differ from it.

Each variant is derived from the sample text here, so the variants follow the sample; the
report of the plain sample is the reference.
"""

from __future__ import annotations

import re

import pytest

from documents.docnumbers import is_doc_number
from documents.importer import ImportFormatError, build_report, decode, parse_issue
from documents.tests.importer import sample_text, without_lines

ROW_START = (
    "3\t赤壁市整县屋顶分布式光伏开发项目\t总投资额：10亿元。 建设内容：新建装机容量15.4万KW，"
)
LIST_HEADER = "序号\t事项/项目名称\t事项主要内容/项目建设内容\t完成时限\t责任单位\t配合单位"


@pytest.fixture(scope="module")
def lines() -> list[str]:
    return sample_text().split("\n")


@pytest.fixture(scope="module")
def reference() -> dict:
    return without_lines(build_report(parse_issue(sample_text())))


def notice_starts(lines: list[str]) -> list[int]:
    """Index of each notice's title line (the line above its document number)."""
    starts = []
    for index, line in enumerate(lines):
        if "〔" in line and is_doc_number(line.strip()):
            above = index - 1
            while not lines[above].strip():
                above -= 1
            starts.append(above)
    return starts


def chunks(lines: list[str]) -> tuple[list[str], list[list[str]]]:
    """(the cover and TOC, one list of lines per notice)."""
    starts = notice_starts(lines)
    ends = [*starts[1:], len(lines)]
    return lines[: starts[0]], [lines[start:end] for start, end in zip(starts, ends, strict=True)]


def report_of(lines: list[str]) -> dict:
    return without_lines(build_report(parse_issue("\n".join(lines))))


def by_number(report: dict) -> dict[str, dict]:
    return {notice["doc_number"]: {**notice, "order": None} for notice in report["notices"]}


def chunk_of(notices: list[list[str]], number: str) -> int:
    return next(
        i for i, chunk in enumerate(notices) if any(line.strip() == number for line in chunk)
    )


def test_notices_in_another_order(lines, reference):
    head, notices = chunks(lines)
    report = report_of(head + [line for chunk in reversed(notices) for line in chunk])
    assert [n["page"] for n in report["notices"]] == [53, 44, 34, 28, 26, 22, 8, 1]
    assert by_number(report) == by_number(reference)
    assert report["warnings"] == []


def test_a_notice_without_attachments(lines, reference):
    head, notices = chunks(lines)
    index = chunk_of(notices, "咸政办发〔2022〕35号")
    chunk = notices[index]
    cut = next(i for i, line in enumerate(chunk) if line.startswith("附件："))
    notices[index] = chunk[:cut]
    report = by_number(report_of(head + [line for chunk in notices for line in chunk]))
    changed = report.pop("咸政办发〔2022〕35号")
    assert (changed["attachments"], changed["groups"], changed["warnings"]) == ([], [], [])
    assert changed["tasks"] == 24 and changed["signed_on"] == "2022-10-11"
    expected = by_number(reference)
    expected.pop("咸政办发〔2022〕35号")
    assert report == expected


def test_a_list_table_split_over_pages_at_other_places(lines, reference):
    head, notices = chunks(lines)
    index = chunk_of(notices, "咸政办发〔2022〕29号")
    chunk = [
        line for line in notices[index] if not line.startswith("序号\t") or line == LIST_HEADER
    ]
    first = chunk.index(LIST_HEADER)
    rebuilt, rows = chunk[: first + 1], 0
    for line in chunk[first + 1 :]:
        if re.match(r"^\d+\t", line):
            rows += 1
            if rows % 5 == 0:  # a new page every five rows, the header printed again
                rebuilt += ["", LIST_HEADER]
        rebuilt.append(line)
    notices[index] = rebuilt
    report = by_number(report_of(head + [line for chunk in notices for line in chunk]))
    notice, expected = report["咸政办发〔2022〕29号"], by_number(reference)["咸政办发〔2022〕29号"]
    for key in ("projects", "tasks", "total_investment_yi", "list_totals", "list_sections"):
        assert notice[key] == expected[key], key
    assert notice["project_list"] == expected["project_list"]
    assert notice["task_list"] == expected["task_list"]
    assert notice["warnings"] == []


def test_a_list_row_split_over_a_page_break(lines, reference):
    text = "\n".join(lines).replace(
        f"{ROW_START}分布屋顶安装光伏发电。",
        f"{ROW_START}\n\n{LIST_HEADER}\n\t\t分布屋顶安装光伏发电。",
    )
    assert text != "\n".join(lines)
    report = by_number(build_report(parse_issue(text)))
    assert (
        report["咸政办发〔2022〕29号"]["project_list"]
        == (by_number(reference)["咸政办发〔2022〕29号"]["project_list"])
    )


def test_titles_wrapped_over_lines(lines, reference):
    head, notices = chunks(lines)
    wrapped = [[chunk[0].replace(" ", "\n\n"), *chunk[1:]] for chunk in notices]
    head = [
        "市人民政府办公室关于印发咸宁长江经济带降碳减\n污扩绿增长十大行动方案的通知 ......\t8"
        if line.endswith("\t8")
        else line
        for line in head
    ]
    assert report_of(head + [line for chunk in wrapped for line in chunk]) == reference


def test_page_furniture_between_any_lines(lines, reference):
    furniture = [
        "— {} —",
        "{}",
        "咸宁市人民政府公报 2022年第5号",
        "2022 年第 5 号 咸宁市人民政府公报 · {}",
        "\f",
        "第 {} 页",
    ]
    start = notice_starts(lines)[0]
    changed = list(lines[:start])
    for index, line in enumerate(lines[start:]):
        if index % 17 == 5:
            changed.append(furniture[index % len(furniture)].format(index // 17 + 1))
        changed.append(line)
    assert report_of(changed) == reference


def test_gb18030_and_bom_encoded_files_give_the_same_report(reference):
    text = sample_text()
    gb18030 = parse_issue(decode(text.encode("gb18030")))
    with_bom = parse_issue(decode(b"\xef\xbb\xbf" + text.encode("utf-8")))
    assert without_lines(build_report(gb18030)) == reference
    assert without_lines(build_report(with_bom)) == reference


def test_an_empty_file_is_refused():
    with pytest.raises(ImportFormatError, match="文件为空"):
        decode(b"")
    with pytest.raises(ImportFormatError, match="文件为空"):
        parse_issue(" \n\n ")


def test_a_file_truncated_after_the_toc_is_refused(lines):
    with pytest.raises(ImportFormatError, match=r"没有找到任何文件.*截断"):
        parse_issue("\n".join(lines[: notice_starts(lines)[0]]))


def test_a_file_truncated_in_the_middle_keeps_what_is_there_and_says_what_is_missing(lines):
    cut = next(i for i, line in enumerate(lines) if line.startswith("第十二第"))
    parsed = parse_issue("\n".join(lines[:cut]))
    assert [n.doc_number for n in parsed.notices] == [
        "咸政发〔2022〕11号",
        "咸政办发〔2022〕29号",
        "咸政办发〔2022〕31号",
    ]
    assert len(parsed.warnings) == 5
    assert parsed.warnings[0] == (
        "目录中的《市人民政府办公室印发关于实施“才聚荆楚·志在咸宁”工程促进高校毕业生就业创业"
        "十条措施的通知》（第26页）在正文中没有找到"
    )


def test_a_garbled_file_without_masthead_is_refused(lines):
    with pytest.raises(ImportFormatError, match="刊头"):
        parse_issue("\n".join(lines[20:]))


def test_a_corrupted_subtotal_and_total_are_warnings_naming_the_section(lines):
    text = "\n".join(lines)
    corrupted = text.replace("总投资额 120.6 亿元", "总投资额 121.6 亿元").replace(
        "总投资 619.53 亿元", "总投资 620.53 亿元"
    )
    assert corrupted.count("121.6") == 1 and corrupted.count("620.53") == 1
    report = build_report(parse_issue(corrupted))
    name = (
        "《市人民政府办公室关于印发咸宁长江经济带降碳减污扩绿增长十大行动方案的通知》"
        "（咸政办发〔2022〕29号）"
    )
    assert report["warnings"] == [
        f"第134行 {name}：附件2第一部分“推动降碳减污协同增效”总投资："
        "印有121.6亿元，各项目合计120.6亿元",
        f"第134行 {name}：附件2合计：印有总投资620.53亿元，各项目合计619.53亿元",
    ]
    assert report["notices"][1]["total_investment_yi"] == "619.53"


def test_an_issue_without_toc_still_has_all_its_notices(lines, reference):
    head, notices = chunks(lines)
    toc = head.index("目 录")
    report = report_of(head[:toc] + [line for chunk in notices for line in chunk])
    assert report["issue"]["toc"] == [] and report["warnings"] == []
    expected = [{**n, "page": None, "section": ""} for n in reference["notices"]]
    assert report["notices"] == expected


def test_a_notice_absent_from_the_toc(lines):
    changed = [line for line in lines if not line.endswith("\t26")]
    parsed = parse_issue("\n".join(changed))
    notice = next(n for n in parsed.notices if n.doc_number == "咸政办发〔2022〕32号")
    assert (notice.page, notice.section) == (None, "")
    assert parsed.warnings == [
        "第602行：正文中的《市人民政府办公室印发关于实施“才聚荆楚·志在咸宁”工程促进高校毕业生就业创业十条措施"
        "的通知》（咸政办发〔2022〕32号）不在目录中"
    ]
