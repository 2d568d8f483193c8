"""A long notice's page: its contents list, the ids of its headings, articles, attachments,
tables and table rows, and its project and task lists shown once, as the rows of the table
they were printed in (documents.layout, projects.extension). The sample is imported once for
the module; the browser's view of the same pages is in test_browser_tables."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import unquote

import pytest

from documents.layout import block_entries
from documents.models import Notice, Table
from documents.tests.factories import make_table
from documents.tests.sample import (
    MEASURES_NUMBER,
    PLAN_NUMBER,
    PROJECT_COUNT,
    sample_for_the_module,  # noqa: F401 (the `sample` fixture, imported once for the module)
)
from documents.text import OutlineBlock
from projects.models import Project, Task

pytestmark = pytest.mark.django_db

TEXT_TASKS_NUMBER = "咸政发〔2022〕11号"  # tasks read from the running text, not from a table


class NoticePage(HTMLParser):
    """What a notice page holds: every id, the links of its contents list, the headings of its
    <article> with their ids (a heading without one: the id of the element it opens, such as a
    group's card), and the rows of its tables with the links in them."""

    def __init__(self):
        super().__init__()
        self.ids: list[str] = []
        self.contents: list[str] = []  # the targets of the contents list's links
        self.headings: list[tuple[str, str | None, str]] = []  # (tag, id, text)
        self.rows: list[tuple[str | None, str]] = []  # (id, table's title id): <tbody>'s
        self.row_links: dict[str, list[str]] = {}  # a row's id → the hrefs in it
        self._open: list[str] = []  # the contents list and other <nav>s
        self._article = False
        self._heading: list | None = None
        self._table: str = ""
        self._body = False
        self._row: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        classes = (attrs.get("class") or "").split()
        if tag == "nav" and "notice-contents" in classes:
            self._open.append("contents")
        elif tag == "nav":
            self._open.append("nav")
        if tag == "a" and "contents" in self._open and attrs.get("href", "").startswith("#"):
            self.contents.append(unquote(attrs["href"][1:]))
        if tag == "a" and self._row is not None:
            self.row_links[self._row].append(attrs.get("href", ""))
        if tag == "article":
            self._article = True
        if self._article and re.fullmatch(r"h[2-6]", tag) and "visually-hidden" not in classes:
            self._heading = [tag, attrs.get("id") or self.ids[-1], ""]
        if tag == "table":
            self._table = attrs.get("aria-labelledby") or "table"
        if tag == "tbody":
            self._body = True
        if tag == "tr" and self._body:
            self._row = attrs.get("id")
            if self._row is not None:
                self.row_links[self._row] = []

    def handle_endtag(self, tag):
        if tag == "nav" and self._open:
            self._open.pop()
        if tag == "article":
            self._article = False
        if self._heading and tag == self._heading[0]:
            self.headings.append((self._heading[0], self._heading[1], self._heading[2].strip()))
            self._heading = None
        if tag == "tr" and self._body:
            self.rows.append((self._row, self._table))
            self._row = None
        if tag == "tbody":
            self._body = False
        if tag == "table":
            self._table = ""

    def handle_data(self, data):
        if self._heading:
            self._heading[2] += data


def notice_page(client, number: str) -> tuple[Notice, NoticePage, str]:
    notice = Notice.objects.get(doc_number=number)
    response = client.get(notice.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    parsed = NoticePage()
    parsed.feed(body)
    return notice, parsed, body


@pytest.mark.parametrize("number", [PLAN_NUMBER, MEASURES_NUMBER, TEXT_TASKS_NUMBER])
def test_every_heading_is_in_the_contents_and_every_contents_link_has_its_target(
    client, sample, number
):
    _, page, _ = notice_page(client, number)
    assert len(page.ids) == len(set(page.ids)), "an id is used twice"
    assert page.contents, "no contents list"
    missing = [target for target in page.contents if target not in page.ids]
    assert missing == [], f"contents links without a target: {missing}"
    unlisted = [(tag, text) for tag, anchor, text in page.headings if anchor not in page.contents]
    assert unlisted == [], f"headings the contents list does not reach: {unlisted}"


def test_the_largest_notice_lists_its_headings_attachments_tables_and_list_sections(client, sample):
    notice, page, body = notice_page(client, PLAN_NUMBER)
    contents = page.contents
    for anchor in [
        "body-title",
        "印发文件",
        "二",
        "二-（三）",
        "附件1",
        "附件1-二-（十）",
        "附件2",
    ]:
        assert anchor in contents, anchor
    table = notice.tables.get()
    assert f"表-{table.order}" in contents
    # The list's ten sections, 一、推动降碳减污协同增效 … 十、加快长江文化旅游建设.
    sections = [target for target in contents if target.startswith("清单-")]
    assert len(sections) == 10
    assert contents.index("附件2") < contents.index(sections[0])
    assert "一、推动降碳减污协同增效（牵头单位：市发改委）" in body
    # Folded on a phone (no `open`), opened beside the text on a wide screen by site.js.
    assert re.search(r'<details data-open-from="72em">\s*<summary id="contents-title">', body)
    assert 'class="back-to-top no-print"><a href="#main">回到顶部</a>' in body


def test_a_decree_like_measure_lists_its_chapters_and_articles(client, sample):
    _, page, _ = notice_page(client, MEASURES_NUMBER)
    assert "第一章" in page.contents and "第一条" in page.contents
    articles = [target for target in page.contents if re.fullmatch(r"第.+条", target)]
    assert len(articles) >= 20
    # The numbered items of an article are its text, not entries of the contents.
    assert "第四条-（一）" in page.ids and "第四条-（一）" not in page.contents


def test_every_table_row_has_an_id_and_projects_and_tasks_theirs(client, sample):
    notice, page, body = notice_page(client, PLAN_NUMBER)
    printed = [anchor for anchor, table in page.rows if table.startswith("表-")]
    assert len(printed) == 96 and all(printed)
    projects = Project.objects.filter(notice=notice).for_display()
    tasks = Task.objects.filter(notice=notice).for_display()
    assert len(projects) == PROJECT_COUNT and len(tasks) == 32
    for item in [*projects, *tasks]:
        assert item.anchor in page.row_links, item.anchor
        # The old id still answers, inside the row.
        assert f'<span class="anchor-alias" id="{type(item).__name__.lower()}-{item.pk}">' in body
    project = projects.get(name="湖北通山（大幕山）抽水蓄能电站项目")
    assert project.anchor == "项目-1-5"
    links = page.row_links["项目-1-5"]
    assert project.get_absolute_url() in links
    assert [u.get_absolute_url() for u in project.responsible_units] == [
        href for href in links if href.startswith("/units/")
    ]
    task = tasks.get(section_order=2, number=1)
    cooperating = [u.get_absolute_url() for u in task.cooperating_units]
    assert len(cooperating) == 3 and set(cooperating) <= set(page.row_links[task.anchor])
    # Lines of one cell (the total, a section, a sub-section) run across the table.
    assert 'class="row-line"><td colspan="6">合计：事项32项、项目36个' in body


def test_the_printed_list_is_shown_once_not_again_as_lists(client, sample):
    notice, _, body = notice_page(client, PLAN_NUMBER)
    assert 'id="projects-title"' not in body and 'id="tasks-title"' not in body
    assert body.count("湖北通山（大幕山）抽水蓄能电站项目") == 1
    assert f'href="/projects/?notice={notice.pk}">在项目清单中筛选、汇总和导出本表项目' in body
    assert f'href="/tasks/?notice={notice.pk}">在重点任务中按单位、完成时限筛选本表事项' in body


def test_tasks_read_from_the_text_keep_their_list_with_row_ids(client, sample):
    notice, page, body = notice_page(client, TEXT_TASKS_NUMBER)
    tasks = Task.objects.filter(notice=notice)
    assert tasks.count() == 16 and 'id="tasks-title"' in body
    for task in tasks:
        assert task.anchor in page.row_links
        assert f'id="task-{task.pk}"' in body
    assert "tasks-title" in page.contents


def test_list_pages_link_each_row_to_its_row_in_the_notice(client, sample):
    task = Task.objects.get(notice__doc_number=PLAN_NUMBER, section_order=1, number=1)
    body = client.get("/tasks/").content.decode()
    assert f'<tr id="task-{task.pk}"' in body  # what Task.get_absolute_url links to
    assert f'href="{task.notice.get_absolute_url()}#事项-1-1"' in body
    project = Project.objects.get(notice__doc_number=PLAN_NUMBER, section_order=1, number=1)
    body = client.get("/projects/").content.decode()
    assert f'<tr id="project-{project.pk}"' in body
    assert f'href="{project.notice.get_absolute_url()}#项目-1-1"' in body


def test_cells_carry_their_column_for_the_card_view(client, sample):
    _, _, body = notice_page(client, PLAN_NUMBER)
    assert '<table class="data-table cards" aria-labelledby="表-1-标题">' in body
    serial = r'<td class="serial" data-label="序号"><span class="anchor-alias" id="task-\d+">'
    assert re.search(serial, body)
    assert 'data-label="完成时限">2022年</td>' in body
    body = client.get("/tasks/").content.decode()
    assert '<table class="data-table cards tasks">' in body
    assert '<td data-label="完成时限">' in body


def test_a_table_of_many_columns_may_scroll_and_a_narrow_one_is_no_card(client, sample):
    notice = Notice.objects.get(doc_number=PLAN_NUMBER)
    order = Table.objects.filter(notice=notice).count() + 1
    header = [f"第{n}列" for n in range(1, 10)]
    make_table(notice=notice, order=order, title="宽表", header=header, rows=[header])
    make_table(notice=notice, order=order + 1, title="窄表", header=["单位", "内容"], rows=[])
    body = client.get(notice.get_absolute_url()).content.decode()
    assert f'<div class="table-block" id="表-{order}">' in body
    wide = body[body.index(f'id="表-{order}"') :]
    assert wide.index('<div class="table-scroll is-wide">') < wide.index("</table>")
    narrow = body[body.index(f'id="表-{order + 1}"') :]
    assert '<table class="data-table" aria-labelledby' in narrow[: narrow.index("</table>")]


def test_contents_entries_nest_as_the_headings_do():
    plan = block_entries(
        [
            OutlineBlock("heading1", "一、总体要求", level=3, anchor="一"),
            OutlineBlock("paragraph", "一段正文。"),
            OutlineBlock(
                "heading2", "（一）加强组织。……", lead="（一）加强组织。", anchor="一-（一）"
            ),
            OutlineBlock("heading2", "（二）一句很长的话，没有句号", anchor="一-（二）"),
            OutlineBlock("heading1", "二、工作重点", level=3, anchor="二"),
        ]
    )
    assert [(e.text, e.anchor) for e in plan] == [("一、总体要求", "一"), ("二、工作重点", "二")]
    # A numbered lead is an entry; a long numbered paragraph without one is not.
    assert [(e.text, e.kind) for e in plan[0].children] == [("（一）加强组织", "heading")]

    measures = block_entries(
        [
            OutlineBlock("chapter", "第一章 总则", level=3, anchor="第一章"),
            OutlineBlock(
                "article", "第一条 为了……", lead="第一条", rest=" 为了……", anchor="第一条"
            ),
            OutlineBlock(
                "heading2",
                "（一）城乡特困人员；",
                lead="（一）城乡特困人员；",
                anchor="第一条-（一）",
            ),
            OutlineBlock("chapter", "第二章 对象", level=3, anchor="第二章"),
        ]
    )
    assert [e.anchor for e in measures] == ["第一章", "第二章"]
    assert [e.anchor for e in measures[0].articles] == ["第一条"] and measures[0].sections == []
