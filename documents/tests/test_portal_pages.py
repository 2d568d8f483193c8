"""The public pages with the sample issue published: what a reader sees on each of them.

The sample is imported once for the module; pages that need no sample are in
test_portal_pages_without_sample."""

import itertools
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from documents.docnumbers import parse_doc_number
from documents.models import Citation, LeadingGroup, Notice, Unit, UnitKind
from documents.tests.factories import (
    make_citation,
    make_issue,
    make_notice,
    make_project,
    make_responsibility,
    make_unit,
)
from documents.tests.sample import (
    HOUSING_NUMBER,
    MEASURES_NUMBER,
    PLAN_NUMBER,
    PROJECT_COUNT,
    PROJECT_TOTAL,
    sample_for_the_module,  # noqa: F401 (the `sample` fixture, imported once for the module)
)

pytestmark = pytest.mark.django_db


def published_issue():
    """Another published issue, in a year apart from the sample's (whose 第5号 is taken)."""
    return make_issue(published=True, year=2023)


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def notice_url(number: str) -> str:
    return Notice.objects.get(doc_number=number).get_absolute_url()


class Outline(HTMLParser):
    """The headings of a page's <main> (level, text) and the values of data-doc-number."""

    def __init__(self):
        super().__init__()
        self.headings: list[tuple[int, str]] = []
        self.doc_numbers: list[str] = []
        self._in_main = False
        self._heading: int | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "main":
            self._in_main = True
        if "data-doc-number" in attrs:
            self.doc_numbers.append(attrs["data-doc-number"])
        if self._in_main and re.fullmatch(r"h[1-6]", tag):
            self._heading, self._text = int(tag[1]), ""

    def handle_endtag(self, tag):
        if tag == "main":
            self._in_main = False
        if self._heading and tag == f"h{self._heading}":
            self.headings.append((self._heading, " ".join(self._text.split())))
            self._heading = None

    def handle_data(self, data):
        if self._heading:
            self._text += data


def outline(body: str) -> Outline:
    parser = Outline()
    parser.feed(body)
    return parser


def assert_headings_in_order(body: str, url: str) -> None:
    headings = outline(body).headings
    assert headings and headings[0][0] == 1, url
    assert [level for level, _ in headings].count(1) == 1, url
    for (before, _), (level, text) in itertools.pairwise(headings):
        assert level <= before + 1, f"{url}: h{level} {text} follows h{before}"


# --- Home, archive, year, issue ---------------------------------------------------------------


def test_home_shows_the_latest_issue_with_its_contents_and_the_figures(client, sample):
    body = page(client, "/")
    assert "2022年第5号" in body and "总第70号" in body and "2022年11月16日" in body
    assert "市政府及市政府办公室文件" in body  # the TOC's section heading
    toc = body.split('id="latest-title"')[1].split('id="lookup-title"')[0]
    assert toc.count("<tr data-doc-number=") == 8
    assert 'id="home-search"' in body
    figures = client.get("/").context["figures"]
    assert figures["projects"] == PROJECT_COUNT
    assert f"{figures['investment']:.2f}" == PROJECT_TOTAL
    assert (figures["issues"], figures["notices"]) == (1, 8)


def test_the_home_count_of_notices_links_to_every_published_notice_newest_first(client, sample):
    """“8 件文件” led to an empty search page; it lists the archive by date, drafts left out."""
    make_notice(issue=make_issue(year=2023), title="草稿中的测试文件")
    link = re.search(r'<a href="([^"]+)"><strong>8</strong> 件文件</a>', page(client, "/"))
    assert link is not None
    listed = page(client, link.group(1).replace("&amp;", "&"))
    assert "共找到 8 件文件" in listed and "草稿中的测试文件" not in listed
    numbers = re.findall(r'<li class="notice-row search-hit" data-doc-number="([^"]*)"', listed)
    newest_first = Notice.objects.published().order_by("-signed_on", "-pk")
    assert numbers == [n.doc_number for n in newest_first]


def test_the_home_unit_figure_counts_the_units_of_the_directory(client, sample):
    seeded_only = Unit.objects.get(short_name="市史志研究中心")
    draft_only = make_unit(full_name="只在草稿中出现的单位")
    project = make_project(notice=make_notice(issue=make_issue(year=2023)))  # in a draft issue
    make_responsibility(project=project, unit=draft_only)
    directory = list(client.get("/units/").context["units"])
    assert client.get("/").context["figures"]["units"] == len(directory)
    assert draft_only not in directory and seeded_only not in directory
    assert Unit.objects.get(short_name="市发改委") in directory


def test_the_archive_lists_years_and_issues_with_numbers_and_dates(client, sample):
    body = page(client, "/issues/")
    assert "2022年第5号" in body and "总第70号" in body and "2022年11月16日" in body
    assert 'href="/issues/2022/"' in body


def test_the_year_index_groups_the_years_notices_by_issuer(client, sample):
    body = page(client, "/issues/2022/")
    headings = [text for level, text in outline(body).headings if level == 2]
    assert headings == ["咸宁市人民政府（1 件）", "咸宁市人民政府办公室（7 件）"]
    assert len(outline(body).doc_numbers) == 8


def test_the_issue_page_has_the_masthead_and_the_contents_with_pages(client, sample):
    body = page(client, "/issues/2022/5/")
    for text in ["咸宁市人民政府办公室", "437100", "0715-8126116", "市政府及市政府办公室文件"]:
        assert text in body
    rows = re.findall(r'<tr data-doc-number="([^"]+)">.*?<td class="num">(\d+)</td>', body, re.S)
    assert rows[0] == ("咸政发〔2022〕11号", "1")
    assert rows[-1] == ("咸政办函〔2022〕27号", "53")
    assert "下载本期 PDF" not in body


def test_the_issue_page_offers_the_pdf_when_one_is_attached(client, sample):
    sample.pdf.name = "issues/xianning-gazette-2022-05.pdf"
    sample.save(update_fields=["pdf"])
    body = page(client, "/issues/2022/5/")
    assert 'href="/issues/2022/5/pdf/"' in body and "下载本期 PDF" in body


# --- Notice ------------------------------------------------------------------------------------


def test_the_notice_page_shows_the_metadata_panel(client, sample):
    body = page(client, notice_url(MEASURES_NUMBER))
    panel = body.split('class="card notice-meta"')[1].split("</section>")[0]
    for text in [
        MEASURES_NUMBER,
        "咸宁市人民政府办公室",
        "各县、市、区人民政府，市政府各部门，咸宁高新区管委会",
        "2022年9月14日",
        "第 22 页",
        "2022年9月1日",  # effective date
        "有效期5年，至2027年8月31日",
        ">有效<",
    ]:
        assert text in panel, text
    assert f'href="{reverse("documents:doc_number_redirect", args=[MEASURES_NUMBER])}"' in panel


def test_the_body_of_an_enclosing_notice_has_the_enclosed_title_and_nested_headings(client, sample):
    body = page(client, notice_url(PLAN_NUMBER))
    headings = outline(body).headings
    assert (3, "咸宁长江经济带降碳减污扩绿增长十大行动方案") in headings
    assert (4, "一、总体要求") in headings
    # The long （一） paragraphs keep their lead sentence in bold instead of becoming headings.
    assert '<strong class="run-in">（一）推动降碳减污协同增效。</strong>' in body
    # The covering letter is signed before the enclosed plan begins, as printed.
    text = body[body.index('id="body-title"') :]  # after the contents list, which names it too
    signature = text.index('class="signature"')
    assert text.index("现印发给你们") < signature < text.index("一、总体要求")


def test_chapters_become_headings_and_articles_keep_their_number_in_bold(client, sample):
    body = page(client, notice_url(MEASURES_NUMBER))
    headings = outline(body).headings
    assert (4, "第一章 总则") in headings and (4, "第九章 附则") in headings
    assert '<strong class="run-in">第一条</strong>' in body


@pytest.mark.parametrize(
    "number",
    [
        "咸政发〔2022〕11号",
        PLAN_NUMBER,
        MEASURES_NUMBER,
        "咸政办发〔2022〕32号",
        "咸政办发〔2022〕35号",
        "咸政办函〔2022〕8号",
        HOUSING_NUMBER,
        "咸政办函〔2022〕27号",
    ],
)
def test_every_sample_notice_has_one_h1_and_headings_that_never_skip_a_level(
    client, sample, number
):
    url = notice_url(number)
    assert_headings_in_order(page(client, url), url)


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/issues/",
        "/issues/2022/",
        "/issues/2022/5/",
        "/units/",
        "/projects/",
        "/tasks/",
        "/groups/",
        "/groups/?person=李丽",
        "/no-such-page/",
    ],
)
def test_every_page_has_one_h1_and_headings_that_never_skip_a_level(client, sample, url):
    response = client.get(url)
    assert response.status_code in (200, 404)
    assert_headings_in_order(response.content.decode(), url)


def test_attachments_and_tables_are_sections_with_real_tables_and_csv(client, sample):
    notice = Notice.objects.get(doc_number=HOUSING_NUMBER)
    body = page(client, notice.get_absolute_url())
    headings = [text for level, text in outline(body).headings if level == 2]
    assert "附件3.1：咸宁市保障性租赁住房项目申请表" in headings
    tables = list(notice.tables.all())
    assert tables
    for table in tables:
        assert f'href="/notices/{notice.pk}/tables/{table.order}.csv"' in body
        assert f'<span class="table-name" id="表-{table.order}-标题">{table.title}' in body
        assert "".join(f'<th scope="col">{cell}</th>' for cell in table.header) in body


def test_projects_tasks_and_groups_of_the_notice_are_listed(client, sample):
    """Once each: as the rows of the list table printed in 附件2 (test_notice_layout)."""
    body = page(client, notice_url(PLAN_NUMBER))
    assert body.count('id="project-') == PROJECT_COUNT and body.count('id="项目-') == PROJECT_COUNT
    assert body.count('id="task-') == 32 and body.count('id="事项-') == 32
    assert "崇阳县" in body  # a unit responsible for a project, linked to its page


def test_subgroups_are_shown_inside_their_parent_group(client, sample):
    notice = Notice.objects.get(doc_number=PLAN_NUMBER)
    parent = LeadingGroup.objects.get(notice=notice, parent=None)
    body = page(client, notice.get_absolute_url())
    start = body.index(f'id="group-{parent.pk}"')
    for sub in parent.subgroups.all():
        position = body.index(f'id="group-{sub.pk}"')
        assert position > start
        assert f'<h4 class="group-name">{sub.name}</h4>' in body
    assert f'<h3 class="group-name">{parent.name}</h3>' in body
    assert body.count('class="group card"') == 11  # each group once


def test_cited_documents_link_when_we_have_them(client, sample):
    cited = Notice.objects.get(doc_number=PLAN_NUMBER)
    citing = make_notice(issue=published_issue(), title="引用十大行动方案的通知")
    make_citation(notice=citing, doc_number=PLAN_NUMBER, cited_title="十大行动方案")
    body = page(client, citing.get_absolute_url())
    assert f'href="{cited.get_absolute_url()}"' in body
    # …and the cited notice lists the one citing it.
    cited_body = page(client, cited.get_absolute_url())
    assert "引用本文件的文件" in cited_body and "引用十大行动方案的通知" in cited_body
    # A citation of a document we do not hold says so.
    assert "鄂政办发〔2022〕5号" in cited_body and "本站未收录" in cited_body


def test_a_repealed_notice_says_so_and_links_the_repealing_one(client, sample):
    repealed = Notice.objects.get(doc_number=MEASURES_NUMBER)
    repealing = make_notice(issue=published_issue(), title="废止若干文件的决定")
    make_citation(notice=repealing, kind=Citation.Kind.REPEALS, doc_number=MEASURES_NUMBER)
    body = page(client, repealed.get_absolute_url())
    assert 'data-validity="repealed">已废止<' in body
    assert "废止本文件的文件" in body and repealing.get_absolute_url() in body


def test_the_permalink_redirects_from_any_typed_form(client, sample):
    response = client.get("/d/咸政办发[2022]29号/")
    assert response.status_code == 302
    assert response["Location"] == notice_url(PLAN_NUMBER)
    assert client.get("/d/咸政办发〔2022〕99号/").status_code == 404


# --- Units and groups --------------------------------------------------------------------------


def test_the_unit_directory_is_grouped_by_kind_with_counts(client, sample):
    body = page(client, "/units/")
    kinds = [text for level, text in outline(body).headings if level == 2]
    assert kinds[0].startswith(str(UnitKind.CITY_DEPARTMENT.label))
    assert any(kind.startswith(str(UnitKind.COUNTY_GOVERNMENT.label)) for kind in kinds)
    units = client.get("/units/").context["units"]
    fgw = next(unit for unit in units if unit.short_name == "市发改委")
    assert fgw.project_count == 13


def test_a_unit_page_shows_aliases_roles_totals_and_groups(client, sample):
    fgw = Unit.objects.get(short_name="市发改委")
    body = page(client, fgw.get_absolute_url())
    assert "市发改局" in body and "市发展改革委" in body  # aliases
    response = client.get(fgw.get_absolute_url())
    assert len(response.context["projects"]) == 13
    assert response.context["project_total"] > 0
    assert "牵头单位" in body  # its role in each project
    assert "参加的领导小组" in body


def test_units_without_a_published_role_have_no_public_page(client, sample):
    draft_only = make_unit(full_name="只在草稿中出现的单位")
    draft = make_notice(issue=make_issue(year=2023))
    make_responsibility(project=make_project(notice=draft), unit=draft_only)
    seeded_only = Unit.objects.get(short_name="市史志研究中心")
    for unit in (draft_only, seeded_only):
        assert client.get(unit.get_absolute_url()).status_code == 404
        assert unit.get_absolute_url() not in page(client, "/sitemap.xml")


def test_groups_show_subgroups_under_their_parent_and_people_link_to_their_groups(client, sample):
    body = page(client, "/groups/")
    headings = outline(body).headings
    parent = headings.index((2, "咸宁长江经济带降碳减污扩绿增长十大行动指挥部"))
    assert headings[parent + 1] == (3, "推动降碳减污协同增效专项指挥部")
    assert "/groups/?person=%E6%9D%8E%E4%B8%BD" in body  # 李丽


# --- Rows that stand for notices ---------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["/", "/issues/2022/", "/issues/2022/5/", "/projects/", "/tasks/", "/groups/"],
)
def test_rows_that_stand_for_a_notice_carry_its_canonical_number(client, sample, url):
    numbers = outline(page(client, url)).doc_numbers
    assert numbers
    for number in numbers:
        assert number == parse_doc_number(number).canonical


def test_unit_and_notice_pages_mark_their_notice_rows(client, sample):
    unit = Unit.objects.get(short_name="市发改委")
    assert PLAN_NUMBER in outline(page(client, unit.get_absolute_url())).doc_numbers
    assert outline(page(client, notice_url(PLAN_NUMBER))).doc_numbers[0] == PLAN_NUMBER


# --- Feeds, crawlers and error pages ----------------------------------------------------------


@pytest.mark.parametrize("url", ["/feeds/notices/", "/feeds/notices/atom/"])
def test_the_feeds_carry_the_published_notices(client, sample, url):
    body = page(client, url)
    assert body.count(PLAN_NUMBER) >= 1
    assert notice_url(PLAN_NUMBER) in body


def test_the_sitemap_and_robots_txt_point_crawlers_at_the_public_pages(client, sample):
    sitemap = page(client, "/sitemap.xml")
    assert notice_url(PLAN_NUMBER) in sitemap and "/issues/2022/5/" in sitemap
    assert Unit.objects.get(short_name="市发改委").get_absolute_url() in sitemap
    robots = page(client, "/robots.txt")
    assert "Sitemap: http://testserver/sitemap.xml" in robots and "Disallow: /admin/" in robots


def test_the_table_csv_of_a_sample_table_opens_in_excel(client, sample):
    notice = Notice.objects.get(doc_number=HOUSING_NUMBER)
    table = notice.tables.first()
    assert table is not None
    response = client.get(f"/notices/{notice.pk}/tables/{table.order}.csv")
    assert response.status_code == 200
    assert response.content.decode("utf-8").startswith("\ufeff")
