"""Rebuilding the search index (documents.search.rebuild_index, ``manage.py
rebuild_search_index``): the new table holds the rows ``index_notices`` writes, searches go on
during a rebuild, and writes made meanwhile are kept."""

from __future__ import annotations

import datetime
import random
import threading
import time
from typing import Any

import pytest
from django.db import connection, connections, transaction

from documents.models import MembershipRole, Notice, SearchEntry
from documents.search import index_notices, rebuild_index, search_notices
from documents.search import indexing as search_indexing
from documents.tests.factories import (
    make_attachment,
    make_group,
    make_issue,
    make_membership,
    make_notice,
    make_project,
    make_responsibility,
    make_table,
    make_task,
    make_unit,
)
from documents.tests.sample import load_sample_issue
from projects.models import Role

COLUMNS = [f.attname for f in SearchEntry._meta.concrete_fields if f.name != "indexed_at"]


def rows() -> dict[int, tuple]:
    """Every index row, without the time it was written."""
    return {row[0]: row for row in SearchEntry.objects.order_by("pk").values_list(*COLUMNS)}


def titles(q: str) -> list[str]:
    page = search_notices(q).page
    return [hit.notice.title for hit in page.hits] if page else []


def texts_stored() -> tuple[set[str], int, list[str], int | None]:
    """The storage of the index table's text columns (migration 0022: "e", EXTERNAL), how
    many of their values are compressed, the table's storage parameters (migration 0023), and
    in how many rows whose search_text and text come to under 6,000 bytes together (their
    vector, larger, leaves the row first) the searched text is out of line all the same (None
    before PostgreSQL 17, which cannot tell)."""
    texts = ["title_text", "heading_text", "search_text", "text"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT array_agg(DISTINCT attstorage::text) FROM pg_attribute"
            " WHERE attrelid = 'documents_searchentry'::regclass AND attname = ANY(%s)",
            [texts],
        )
        storage = set(cursor.fetchone()[0])
        compressed = " + ".join(f"count(pg_column_compression({c}))" for c in texts)
        cursor.execute(f"SELECT {compressed} FROM documents_searchentry")
        count = cursor.fetchone()[0]
        cursor.execute(
            "SELECT coalesce(reloptions, '{}') FROM pg_class WHERE oid ="
            " 'documents_searchentry'::regclass"
        )
        options = cursor.fetchone()[0]
        outside = None
        if connection.pg_version >= 170000:  # type: ignore[attr-defined]
            cursor.execute(
                "SELECT count(*) FROM documents_searchentry WHERE pg_column_toast_chunk_id("
                "search_text) IS NOT NULL AND octet_length(search_text) + octet_length(text) < 6000"
            )
            outside = cursor.fetchone()[0]
        return storage, count, options, outside


def published(**fields) -> Notice:
    issue = make_issue(published=True, published_on=datetime.date(2022, 11, 16))
    return make_notice(issue=issue, signed_on=datetime.date(2022, 8, 30), **fields)


def notice_with_everything() -> Notice:
    """A notice with two attachments (made out of order), two tables, projects and tasks with
    their units, and two leading groups with members."""
    notice = published(title="城区排水管网改造实施方案", body="第一段正文。\n第二段正文。")
    make_attachment(notice=notice, order=2, label="附件2", title="项目清单", body="附件二正文")
    make_attachment(notice=notice, order=1, label="附件1", title="任务分工", body="附件一正文")
    make_table(
        notice=notice, order=1, title="重点项目表", header=["序号", "名称"], rows=[[1, "污水泵站"]]
    )
    make_table(notice=notice, order=2, title="资金安排表", header=["来源"], rows=[["专项债券"]])
    lead, partner = make_unit(full_name="咸宁市排水管理处", short_name="市排水处"), make_unit()
    project = make_project(notice=notice, name="雨污分流工程", content="新建管网12公里")
    make_responsibility(project=project, unit=partner, role=Role.COOPERATING)
    make_responsibility(project=project, unit=lead, role=Role.LEAD)
    task = make_task(notice=notice, content="完成排水普查", measures="逐街逐巷排查")
    make_responsibility(task=task, unit=lead)
    for name, person in [("排水工作领导小组", "杨 军"), ("防汛指挥部", "李丽")]:
        group = make_group(notice=notice, name=name, duties=f"{name}统筹协调")
        make_membership(group=group, role=MembershipRole.LEADER, person_name=person, unit=lead)
        make_membership(group=group, person_name="王五", position="市水利局局长")
    return notice


@pytest.mark.django_db
def test_a_rebuild_writes_the_rows_index_notices_writes():
    load_sample_issue()  # indexed by index_notices, as the importer does
    everything = notice_with_everything()
    rng = random.Random(3)
    chars = [chr(c) for c in range(0x4E00, 0x9FA5)]
    overflow = published(title="超长文件", body="".join(rng.choice(chars) for _ in range(400_000)))
    # Texts of 2.4 KB each, which PostgreSQL's default would move out of the row: kept in it.
    middling = published(title="中等文件", body="".join(rng.choice(chars) for _ in range(800)))
    index_notices([everything.pk, overflow.pk, middling.pk])
    written = rows()
    uncut = None if connection.pg_version < 170000 else 0  # type: ignore[attr-defined]
    stored = ({"e"}, 0, ["toast_tuple_target=8160"], uncut)
    assert texts_stored() == stored  # long texts (the sample's, 400,000 characters) too
    assert SearchEntry.objects.get(pk=overflow.pk).overflow

    SearchEntry.objects.filter(pk=everything.pk).update(text="", vector=None)  # a stale row
    assert rebuild_index(batch=3, workers=2) == Notice.objects.count() == len(written) == 11
    assert rows() == written
    with connection.cursor() as cursor:  # the same indexes and constraints, nothing left over
        cursor.execute(
            "SELECT (SELECT array_agg(indexname::text ORDER BY indexname) FROM pg_indexes"
            " WHERE tablename = 'documents_searchentry' AND schemaname = current_schema()),"
            " (SELECT count(*) FROM pg_constraint WHERE conrelid ="
            " 'documents_searchentry'::regclass AND contype IN ('p', 'f')),"
            " (SELECT count(*) FROM pg_namespace WHERE nspname = %s)",
            [search_indexing.REBUILD_SCHEMA],
        )
        indexes, constraints, leftovers = cursor.fetchone()
    assert {"searchentry_vector", "searchentry_date", "documents_searchentry_pkey"} <= set(indexes)
    assert (len(indexes), constraints, leftovers) == (5, 3, 0)
    assert texts_stored() == stored  # the new table stores the texts as the live one did
    assert titles("污水泵站") == titles("防汛指挥部") == ["城区排水管网改造实施方案"]
    assert titles("十大行动") != [] and titles(overflow.body[5000:5004]) == ["超长文件"]


@pytest.mark.django_db
def test_an_index_row_holds_what_the_notice_lists_in_the_order_of_its_page():
    notice = notice_with_everything()
    index_notices([notice.pk])
    row = SearchEntry.objects.get(pk=notice.pk)
    for heading in ["任务分工", "重点项目表", "防汛指挥部", "雨污分流工程", "市排水处"]:
        assert heading in row.heading_text
    for text in ["污水泵站", "专项债券", "逐街逐巷排查", "杨军", "市水利局局长", "统筹协调"]:
        assert text in row.search_text
    lines = row.text.splitlines()
    assert lines.index("附件1 任务分工") < lines.index("附件一正文") < lines.index("附件2 项目清单")
    # Each table's rows under its title, each group's members under its name: once.
    start = lines.index("重点项目表")
    assert lines[start : start + 4] == ["重点项目表", "序号  名称", "1  污水泵站", "资金安排表"]
    assert [line for line in lines if "杨 军" in line] == ["组长 杨 军 市人民政府副市长"]
    assert lines.count("成员 王五 市水利局局长") == 2


@pytest.mark.django_db
def test_writes_during_a_rebuild_are_in_the_index_it_swaps_in():
    edited, deleted, kept = (published(title=f"{t}的通知") for t in ("修改前", "将删除", "不变"))
    index_notices([edited.pk, deleted.pk, kept.pk])

    def meanwhile(done: int, total: int) -> None:
        if done == 1:  # the first batch is in the new table: change what it copied
            Notice.objects.filter(pk=edited.pk).update(title="修改后的通知")
            index_notices([edited.pk])
            Notice.objects.filter(pk=deleted.pk).delete()
            index_notices([published(title="重建时新增的通知").pk])

    rebuild_index(batch=1, progress=meanwhile)
    assert set(titles("通知")) == {"修改后的通知", "不变的通知", "重建时新增的通知"}
    assert titles("修改前") == [] and titles("将删除") == []
    before = rows()
    index_notices(Notice.objects.values_list("pk", flat=True))
    assert rows() == before


def in_another_connection(work) -> threading.Thread:
    """Run `work` in a thread, so in a connection of its own (closed after it)."""

    def run():
        try:
            work()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True, databases=["default", "search"])
def test_a_search_connection_keeps_its_prepared_statements_across_a_rebuild(settings):
    """A search's statements prepared (and run on generic plans) on the search connection
    before a rebuild swaps the table are planned again by PostgreSQL against the new one:
    they go on finding the notices, without the connection preparing them afresh."""
    settings.SEARCH_DATABASE = "search"
    index_notices([published(title=f"第{n}号排水方案", body="雨污分流").pk for n in range(3)])

    def generic_plans() -> int:
        with connections["search"].cursor() as cursor:
            cursor.execute("SELECT coalesce(sum(generic_plans), 0) FROM pg_prepared_statements")
            return cursor.fetchone()[0]

    for _ in range(7):
        assert len(titles("排水")) == 3
    before = generic_plans()
    rebuild_index()
    assert len(titles("排水")) == 3 and titles("雨污分流") != []
    assert before > 0 and generic_plans() > before


@pytest.mark.django_db(transaction=True)
def test_other_connections_search_and_write_during_a_rebuild():
    """A search in another connection reads the old rows while the new table fills, and an
    admin's edit committed meanwhile is in the table swapped in."""
    notices = [published(title=f"第{n}号通知", body="推进项目建设") for n in range(4)]
    index_notices([n.pk for n in notices])
    seen: dict[str, Any] = {}

    def search():
        seen["search"] = titles("项目建设")

    def edit():
        with transaction.atomic():
            Notice.objects.filter(pk=notices[0].pk).update(title="在重建时修改的通知")
            seen["edit"] = index_notices([notices[0].pk])

    def meanwhile(done: int, total: int) -> None:
        if done == 2:
            in_another_connection(search).join()
            in_another_connection(edit).join()

    rebuild_index(batch=1, progress=meanwhile)
    assert sorted(seen["search"]) == [f"第{n}号通知" for n in range(4)]
    assert seen["edit"] == 1
    assert sorted(titles("项目建设")) == [
        "在重建时修改的通知",
        "第1号通知",
        "第2号通知",
        "第3号通知",
    ]


@pytest.mark.django_db(transaction=True)
def test_a_long_search_during_the_swap_holds_up_neither_the_rebuild_nor_other_searches():
    """The swap needs the live table to itself for a moment: while a search holds it, the swap
    gives up its locks after LOCK_TIMEOUT and tries again a second later, so searches
    starting meanwhile wait a fraction of a second, not for the long one to end."""
    index_notices([published(title="长时间检索的通知").pk])
    holding, latencies, threads = threading.Event(), [], []

    def long_search():
        with transaction.atomic():
            titles("长时间检索")
            holding.set()
            time.sleep(3)

    def short_search():
        time.sleep(1)  # the swap is trying by now
        started = time.perf_counter()
        titles("长时间检索")
        latencies.append(time.perf_counter() - started)

    def meanwhile(done: int, total: int) -> None:
        threads.append(in_another_connection(long_search))
        assert holding.wait(10)
        threads.append(in_another_connection(short_search))

    started = time.perf_counter()
    rebuild_index(progress=meanwhile)
    assert time.perf_counter() - started > 3  # it waited for the long search to end
    for thread in threads:
        thread.join()
    assert latencies and latencies[0] < 1.5  # not for the long search to end
    assert titles("长时间检索") == ["长时间检索的通知"]
