"""The year's cumulative index (年度总目录, /issues/<year>/) and its CSV, on the sample issue:
grouped by issuer and kind, ordered by number, published notices only, in a bounded number
of queries."""

import csv
import io

import pytest
from django.utils import timezone

from documents.models import PublicationStatus
from documents.tests.factories import make_issue, make_notice
from documents.tests.sample import (
    sample_for_the_module,  # noqa: F401 (the `sample` fixture, imported once for the module)
)
from documents.tests.test_portal_pages import outline, page
from documents.tests.test_query_counts import assert_flat

pytestmark = pytest.mark.django_db

YEAR_PAGE = "/issues/2022/"
YEAR_CSV = "/issues/2022/index.csv"
GOVERNMENT = "咸宁市人民政府"
OFFICE = "咸宁市人民政府办公室"
# The sample's notices by the office, by number's serial (函 and 发 numbers interleave by it).
OFFICE_NOTICES = [
    "咸政办函〔2022〕8号",
    "咸政办函〔2022〕25号",
    "咸政办函〔2022〕27号",
    "咸政办发〔2022〕29号",
    "咸政办发〔2022〕31号",
    "咸政办发〔2022〕32号",
    "咸政办发〔2022〕35号",
]


def csv_rows(client, url: str = YEAR_CSV) -> tuple[str, list[list[str]]]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="xianning-gazette-2022-index.csv"'
    )
    text = response.content.decode("utf-8")
    return text, list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def sections(body: str) -> list[tuple[int, str]]:
    """The index's headings under the h1: issuers (2) and their kinds (3)."""
    return [(level, text) for level, text in outline(body).headings if level > 1]


@pytest.fixture
def more_notices(sample):
    """Beside the sample: the office's 意见 and an unnumbered 通知, and a decree, in another
    published issue of 2022; a draft issue's and a withdrawn issue's notices of 2022, and a
    published notice of 2023, none of which belongs in 2022's index."""
    issue = make_issue(published=True, year=2022, number=6, total_number=71)
    make_notice(issue=issue, issuer=OFFICE, kind="意见", title="关于乙的意见", page=3,
                doc_number="咸政办发〔2022〕40号")  # fmt: skip
    make_notice(issue=issue, issuer=OFFICE, kind="意见", title="关于甲的意见", page=5,
                doc_number="咸政办发〔2021〕90号")  # fmt: skip
    make_notice(issue=issue, issuer=OFFICE, kind="通知", title="没有字号的通知", page=7,
                doc_number=None)  # fmt: skip
    make_notice(issue=issue, issuer=OFFICE, kind="", title="未定文种的文件", page=9,
                doc_number=None)  # fmt: skip
    make_notice(issue=issue, issuer=GOVERNMENT, kind="令", title="咸宁市某某管理办法", page=1,
                doc_number="咸宁市人民政府令第46号")  # fmt: skip
    make_notice(issue=make_issue(year=2022), issuer=OFFICE, kind="通知", title="草稿中的通知")
    withdrawn = make_issue(
        year=2022, status=PublicationStatus.WITHDRAWN, published_at=timezone.now()
    )
    make_notice(issue=withdrawn, issuer=OFFICE, kind="通知", title="已撤回的通知")
    make_notice(issue=make_issue(published=True, year=2023), issuer=OFFICE, title="明年的通知")
    return issue


def test_the_index_groups_by_issuer_then_kind(client, sample):
    body = page(client, YEAR_PAGE)
    assert sections(body) == [
        (2, f"{GOVERNMENT}（1 件）"),
        (3, "通知（1 件）"),
        (2, f"{OFFICE}（7 件）"),
        (3, "通知（7 件）"),
    ]
    assert "本年共 1 期、8 件文件" in body
    assert 'href="/issues/2022/5/">第5号</a>' in body  # the year's issues stay above the index


def test_each_row_has_its_number_title_issue_and_page(client, sample):
    body = page(client, YEAR_PAGE)
    row = body.split('data-doc-number="咸政办发〔2022〕31号"')[1].split("</li>")[0]
    assert "市人民政府办公室关于印发咸宁市健全重特大疾病医疗保险和救助制度" in row
    assert '<span class="doc-number">咸政办发〔2022〕31号</span>' in row
    assert '<a href="/issues/2022/5/">2022年第5号</a> 第22页' in row


def test_within_a_group_notices_follow_their_numbers_year_and_serial(client, sample):
    assert outline(page(client, YEAR_PAGE)).doc_numbers == ["咸政发〔2022〕11号", *OFFICE_NOTICES]


def test_kinds_follow_the_list_of_kinds_and_unnumbered_notices_come_last(client, more_notices):
    body = page(client, YEAR_PAGE)
    assert sections(body) == [
        (2, f"{GOVERNMENT}（2 件）"),
        (3, "通知（1 件）"),
        (3, "令（1 件）"),
        (2, f"{OFFICE}（11 件）"),
        (3, "意见（2 件）"),  # 意见 before 通知, as in DOCUMENT_KINDS
        (3, "通知（8 件）"),
        (3, "其他（1 件）"),  # no kind: last
    ]
    office = body.split(f"{OFFICE}（11 件）")[1]
    assert office.index("关于甲的意见") < office.index("关于乙的意见")  # 〔2021〕 before 〔2022〕
    assert office.index(OFFICE_NOTICES[-1]) < office.index("没有字号的通知")
    assert "本年共 2 期、13 件文件" in body


def test_only_published_notices_of_the_year_are_listed(client, more_notices):
    body = page(client, YEAR_PAGE)
    _, rows = csv_rows(client)
    for title in ["草稿中的通知", "已撤回的通知", "明年的通知"]:
        assert title not in body, title
        assert all(title not in row for row in rows), title
    assert len(rows) == 1 + 13
    assert client.get("/issues/2023/index.csv").status_code == 200
    assert client.get("/issues/2024/index.csv").status_code == 404  # no issue that year
    make_issue(year=2025)  # a draft issue only
    assert client.get("/issues/2025/index.csv").status_code == 404


def test_the_csv_has_a_bom_and_the_pages_rows_in_its_order(client, more_notices):
    text, rows = csv_rows(client)
    assert text.startswith("\ufeff发文机关,")
    header, *rows = rows
    assert header == ["发文机关", "文种", "发文字号", "标题", "刊期", "页码", "成文日期", "网址"]
    assert [row[2] for row in rows] == outline(page(client, YEAR_PAGE)).doc_numbers
    measures = next(row for row in rows if row[2] == "咸政办发〔2022〕31号")
    assert measures[:2] == [OFFICE, "通知"]
    assert measures[3].startswith("市人民政府办公室关于印发咸宁市健全重特大疾病医疗保险")
    assert measures[4:7] == ["2022年第5号", "22", "2022-09-14"]
    assert measures[7].startswith("http://testserver/notices/")
    unnumbered = next(row for row in rows if row[3] == "没有字号的通知")
    assert unnumbered[2] == "" and unnumbered[4:6] == ["2022年第6号", "7"]


def test_the_page_links_the_csv_and_has_a_print_button_without_inline_script(client, sample):
    body = page(client, YEAR_PAGE)
    assert f'href="{YEAR_CSV}"' in body
    button = body.split("打印总目录</button>")[0].rsplit("<button", 1)[1]
    assert 'type="button"' in button and "print-button" in button  # wired by site.js
    assert "onclick" not in body and "<script>" not in body


class YearIndexRows:
    """Rows for the query-count check: notices of 2022 in several issues, issuers and kinds."""

    marker = "测试文件"  # NoticeFactory's titles; once per row, in the page and in the CSV

    def __init__(self):
        self.added = 0

    def add(self, count: int) -> None:
        for _ in range(count):
            self.added += 1
            make_notice(
                issue=make_issue(published=True, year=2022),
                issuer=f"发文机关{self.added % 3}",
                kind=["通知", "意见", ""][self.added % 3],
            )


@pytest.mark.parametrize("url", [YEAR_PAGE, YEAR_CSV])
def test_the_query_count_does_not_grow_with_the_rows(
    client, sample, django_assert_max_num_queries, url
):
    rows = YearIndexRows()
    assert_flat(client, django_assert_max_num_queries, url, rows.add, rows.marker)
