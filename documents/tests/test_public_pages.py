"""Public pages: drafts never show anywhere, and whatever the admin accepts renders safely.

The `site` fixture holds one published issue and drafts beside it (in the same year and in a
year of their own) that share units with it. Every public URL is checked both ways: the
published content is there (so the check can fail) and no trace of a draft is.
"""

import csv
import io
import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.urls import Resolver404, resolve, reverse

from documents.models import Citation, Notice, Unit, Validity
from documents.tests.factories import (
    NoticeFactory,
    index_for_search,
    make_attachment,
    make_citation,
    make_group,
    make_issue,
    make_membership,
    make_notice,
    make_project,
    make_responsibility,
    make_table,
    make_task,
)
from projects.models import Role

pytestmark = pytest.mark.django_db

DRAFT_NUMBER = "咸政办发〔2023〕99号"
PUBLISHED_NUMBER = "咸政办发〔2022〕29号"


@dataclass
class Site:
    notice: Notice  # published
    draft: Notice  # in a draft issue of the same year
    lone_draft: Notice  # in a draft issue of a year with nothing published
    unit: Unit  # has roles in both

    # Texts only drafts contain; none may appear on a public page.
    draft_texts = (
        "秘密草稿通知甲",
        "秘密草稿通知乙",
        "秘密草稿附件",
        "秘密草稿表格",
        "秘密草稿项目",
        "秘密草稿任务",
        "秘密草稿领导小组",
        "秘密草稿人",
        DRAFT_NUMBER,
        "咸政办发〔2024〕1号",
        "第6号",
        "总第71号",
        "2024年第1号",
        "总第72号",
    )


@pytest.fixture
def site() -> Site:
    unit = Unit.objects.named("市发改委").get()
    published_issue = make_issue(year=2022, number=5, total_number=70, published=True)
    notice = make_notice(
        issue=published_issue,
        title="公开的测试通知",
        doc_number=PUBLISHED_NUMBER,
        body="公开正文第一段。",
    )
    table = make_table(
        attachment=make_attachment(notice=notice, title="公开附件"), title="公开表格"
    )
    assert table.notice == notice
    project = make_project(notice=notice, name="公开项目", investment_yi=Decimal("10"))
    make_responsibility(project=project, unit=unit, role=Role.LEAD)
    task = make_task(notice=notice, content="公开任务")
    make_responsibility(task=task, unit=unit, role=Role.LEAD)
    group = make_group(notice=notice, name="公开领导小组")
    make_membership(group=group, person_name="公开人", unit=unit)

    def draft_notice(issue, title, number, suffix=""):
        draft = make_notice(issue=issue, title=title, doc_number=number, body=f"{title}正文")
        make_table(
            attachment=make_attachment(notice=draft, title=f"秘密草稿附件{suffix}"),
            title=f"秘密草稿表格{suffix}",
        )
        project = make_project(
            notice=draft, name=f"秘密草稿项目{suffix}", investment_yi=Decimal("1000")
        )
        make_responsibility(project=project, unit=unit, role=Role.LEAD)
        task = make_task(notice=draft, content=f"秘密草稿任务{suffix}")
        make_responsibility(task=task, unit=unit, role=Role.LEAD)
        group = make_group(notice=draft, name=f"秘密草稿领导小组{suffix}")
        make_membership(group=group, person_name=f"秘密草稿人{suffix}", unit=unit)
        # A draft that repeals the published notice must not mark it repealed.
        make_citation(notice=draft, kind=Citation.Kind.REPEALS, doc_number=PUBLISHED_NUMBER)
        return draft

    draft = draft_notice(
        make_issue(year=2022, number=6, total_number=71), "秘密草稿通知甲", DRAFT_NUMBER
    )
    lone = draft_notice(
        make_issue(year=2024, number=1, total_number=72),
        "秘密草稿通知乙",
        "咸政办发〔2024〕1号",
        "2",
    )
    index_for_search(notice, draft, lone)
    return Site(notice=notice, draft=draft, lone_draft=lone, unit=unit)


def assert_no_draft(body: str, site: Site, *, except_texts=()) -> None:
    for text in site.draft_texts:
        if text not in except_texts:
            assert text not in body, text
    for draft in (site.draft, site.lone_draft):
        assert f"/notices/{draft.pk}/" not in body
        assert f'data-doc-number="{draft.doc_number}"' not in body


def get_ok(client, url: str, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, url
    return response.content.decode()


# --- Every list, count and page ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "published_text"),
    [
        ("/", "公开的测试通知"),
        ("/issues/", "2022年第5号"),
        ("/issues/2022/", "公开的测试通知"),
        ("/issues/2022/5/", "公开的测试通知"),
        ("/units/", "市发改委"),
        ("/projects/", "公开项目"),
        ("/tasks/", "公开任务"),
        ("/groups/", "公开领导小组"),
    ],
)
def test_lists_show_the_published_issue_and_nothing_of_the_drafts(
    client, site, url, published_text
):
    body = get_ok(client, url)
    assert published_text in body
    assert_no_draft(body, site)


def test_the_published_notice_page_shows_no_draft_relation(client, site):
    body = get_ok(client, site.notice.get_absolute_url())
    assert "公开表格" in body and "公开项目" in body and "公开人" in body
    assert_no_draft(body, site)
    assert "已废止" not in body  # only drafts repeal it


def test_home_figures_count_only_published_content(client, site):
    figures = client.get("/").context["figures"]
    assert figures["issues"] == 1
    assert figures["notices"] == 1
    assert figures["projects"] == 1
    assert figures["investment"] == Decimal("10")


@pytest.mark.parametrize("draft", ["draft", "lone_draft"])
def test_draft_pages_are_not_found(client, site, draft):
    notice = getattr(site, draft)
    table = notice.tables.get()
    assert client.get(notice.get_absolute_url()).status_code == 404
    assert client.get(notice.issue.get_absolute_url()).status_code == 404
    csv_url = reverse("documents:notice_table_csv", args=[notice.pk, table.order])
    assert client.get(csv_url).status_code == 404


def test_a_year_with_only_drafts_is_not_found(client, site):
    assert client.get("/issues/2024/").status_code == 404


@pytest.mark.parametrize("typed", [DRAFT_NUMBER, "咸政办发[2023]99号", "咸政办发2023年第99号"])
def test_a_draft_number_does_not_resolve(client, site, typed):
    response = client.get(f"/d/{typed}/")
    assert response.status_code == 404
    assert_no_draft(response.content.decode(), site, except_texts=[DRAFT_NUMBER])


def test_a_published_number_resolves(client, site):
    assert client.get("/d/咸政办发[2022]29号/")["Location"] == site.notice.get_absolute_url()


def test_a_decree_number_resolves_in_any_form_and_never_to_a_number_with_a_year(client):
    decree = NoticeFactory.create(published=True, doc_number="咸宁市人民政府令第46号")
    NoticeFactory.create(published=True, doc_number="咸政发〔2022〕46号")
    for typed in ["咸宁市人民政府令第46号", "咸宁市人民政府令 第４６号", "市人民政府令46号"]:
        assert client.get(f"/d/{typed}/")["Location"] == decree.get_absolute_url(), typed
    assert client.get("/d/咸宁市人民政府令第146号/").status_code == 404
    assert client.get("/d/人民政府令第46号/").status_code == 404


@pytest.mark.parametrize(
    "q", ["秘密草稿通知甲", "秘密草稿", "正文", DRAFT_NUMBER, "咸政办发(2023)99号"]
)
def test_search_never_finds_a_draft(client, site, q):
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200  # in particular, no redirect to the draft
    # The page repeats the query (and a number's canonical form); that is not a leak.
    echoed = [text for text in Site.draft_texts if text in q]
    if "99" in q:
        echoed.append(DRAFT_NUMBER)
    assert_no_draft(response.content.decode(), site, except_texts=echoed)


def test_search_finds_the_published_notice(client, site):
    body = get_ok(client, "/search/", q="公开正文")
    assert f'data-doc-number="{PUBLISHED_NUMBER}"' in body


def test_unit_counts_leave_drafts_out(client, site):
    units = {unit.pk: unit for unit in client.get("/units/").context["units"]}
    unit = units[site.unit.pk]
    assert (unit.project_count, unit.task_count, unit.group_count) == (1, 1, 1)


def test_a_unit_page_lists_only_published_roles(client, site):
    body = get_ok(client, site.unit.get_absolute_url())
    assert "公开项目" in body and "公开任务" in body and "公开领导小组" in body
    assert_no_draft(body, site)
    assert client.get(site.unit.get_absolute_url()).context["project_total"] == Decimal("10")


def test_project_totals_leave_drafts_out(client, site):
    context = client.get("/projects/").context
    assert (context["total_count"], context["total_investment"]) == (1, Decimal("10"))
    assert [row["count"] for row in context["section_totals"]] == [1]


@pytest.mark.parametrize("path", ["/projects/", "/tasks/", "/projects/export.csv"])
def test_filtering_by_a_draft_notice_shows_nothing(client, site, path):
    body = get_ok(client, path, notice=site.draft.pk)
    assert_no_draft(body, site)
    assert "公开项目" not in body and "公开任务" not in body


def test_the_csv_export_holds_only_published_projects(client, site):
    body = get_ok(client, "/projects/export.csv")
    assert "公开项目" in body
    assert_no_draft(body, site)


def test_groups_by_a_draft_person_show_nothing(client, site):
    body = get_ok(client, "/groups/", person="秘密草稿人")
    assert "公开领导小组" not in body
    assert_no_draft(body, site, except_texts=["秘密草稿人"])


def url_exists(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


@pytest.mark.parametrize("path", ["/feeds/notices/", "/feeds/notices/atom/", "/sitemap.xml"])
def test_feeds_and_sitemap_leave_drafts_out(client, site, path):
    if not url_exists(path):
        pytest.skip(f"{path} is not routed yet; this test runs as soon as it is")
    body = get_ok(client, path)
    assert site.notice.get_absolute_url() in body or "公开的测试通知" in body
    assert_no_draft(body, site)


# --- Nothing the admin accepts breaks a public page ------------------------------------------


def test_markup_typed_into_any_field_is_shown_as_text(client):
    evil = "<script>alert(1)</script>"
    issue = make_issue(published=True, address=evil)
    notice = make_notice(
        issue=issue,
        title=f"标题{evil}",
        body=f"第一段{evil}\n一、<b>标题</b>",
        addressees=evil,
        issuer=f"咸宁市人民政府{evil}",
        validity_note=evil,
    )
    make_table(notice=notice, header=[evil, "乙"], rows=[["<p>单元格</p>", evil]], title=evil)
    group = make_group(notice=notice, name=f"小组{evil}")
    make_membership(group=group, person_name="<i>某</i>", position=evil)
    project = make_project(notice=notice, name=f"项目{evil}", content=evil, location=evil)
    make_task(notice=notice, content=f"任务{evil}")
    make_responsibility(project=project)
    index_for_search(notice)
    for url in [
        notice.get_absolute_url(),
        issue.get_absolute_url(),
        "/",
        f"/issues/{issue.year}/",
        "/projects/",
        "/tasks/",
        "/groups/",
        "/search/?q=第一段",
    ]:
        body = get_ok(client, url)
        assert "<script>alert(1)</script>" not in body, url
        assert "&lt;script&gt;" in body, url


def test_a_ragged_table_renders_every_row_to_the_same_width(client):
    notice = NoticeFactory.create(published=True)
    make_table(
        notice=notice, order=1, header=["甲", "乙", "丙"], rows=[["1"], ["1", "2", "3", "4"], []]
    )
    body = get_ok(client, notice.get_absolute_url())
    tbody = re.search(r"<tbody>(.*?)</tbody>", body, re.DOTALL)
    assert tbody is not None
    table = tbody.group(1)
    rows = re.findall(r"<tr id=\"表-1-\d\"[^>]*>(.*?)</tr>", table, re.DOTALL)

    def width(row: str) -> int:  # a line of one cell runs across the table (colspan)
        return sum(int(span or 1) for span in re.findall(r'<td(?: colspan="(\d+)")?', row))

    assert [width(row) for row in rows] == [4, 4, 4]
    download = client.get(reverse("documents:notice_table_csv", args=[notice.pk, 1]))
    text = download.content.decode("utf-8")
    assert text.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(text.lstrip("\ufeff")))) == [
        ["甲", "乙", "丙"],
        ["1", "", "", ""],
        ["1", "2", "3", "4"],
        ["", "", "", ""],
    ]


def test_a_notice_with_only_the_required_fields_renders(client):
    issue = make_issue(published=True, sponsor="", publisher="")
    notice = make_notice(issue=issue, doc_number=None, signed_on=None, page=None, section="")
    make_table(notice=notice, header=[], rows=[])
    make_project(notice=notice, investment_yi=None, deadline_text="", section="", location="")
    for url in [notice.get_absolute_url(), issue.get_absolute_url(), "/", "/projects/", "/issues/"]:
        get_ok(client, url)
    assert 'data-doc-number=""' in get_ok(client, notice.get_absolute_url())


@pytest.mark.parametrize(
    "fields",
    [
        {"validity": Validity.EXPIRED, "valid_years": None, "validity_note": ""},
        {"validity": Validity.REPEALED, "validity_note": ""},
        {"valid_years": 1, "signed_on": None, "effective_on": None},
        {"valid_years": 2, "effective_on": None},
    ],
)
def test_any_validity_entered_renders(client, fields):
    notice = NoticeFactory.create(published=True, **fields)
    body = get_ok(client, notice.get_absolute_url())
    assert "效力" in body


def test_an_issue_without_notices_renders(client):
    issue = make_issue(published=True)
    assert "本期尚未录入文件。" in get_ok(client, issue.get_absolute_url())


def test_an_unknown_notice_is_a_chinese_404(client):
    response = client.get("/notices/999999/")
    assert response.status_code == 404
    assert "Page not found" not in response.content.decode()


@pytest.mark.parametrize("person", ["\x00", "杨军\x00", "x" * 1000, "<script>"])
def test_any_person_filter_on_groups_gives_a_page(client, person):
    response = client.get("/groups/", {"person": person})
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("<main", 1)[1]


@pytest.mark.parametrize(
    "number", ["\x00", "咸政办发〔2022〕\x0029号", "%", "a" * 500, "../../etc"]
)
def test_any_text_after_d_is_a_404_not_an_error(client, number):
    assert client.get(f"/d/{number}/").status_code == 404


def test_a_person_typed_as_printed_finds_their_groups(client):
    group = make_group(notice=NoticeFactory.create(published=True), name="测试指挥部")
    make_membership(group=group, person_name="杨军")
    make_group(notice=NoticeFactory.create(published=True), name="别的指挥部")
    response = client.get("/groups/", {"person": "杨 军"})
    assert [g.name for g in response.context["groups"]] == ["测试指挥部"]
