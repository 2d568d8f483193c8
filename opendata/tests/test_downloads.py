"""Bulk downloads and the data dictionary (/data/)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from documents.models import Notice
from documents.services import issue_import
from documents.tests.sample import MINIMAL
from opendata.exports import downloads_dir, rebuild_downloads
from opendata.models import Download
from opendata.tasks import rebuild_downloads_task

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def member(download: Download) -> bytes:
    with zipfile.ZipFile(downloads_dir() / download.name) as archive:
        [name] = archive.namelist()
        return archive.read(name)


def test_the_archive_and_each_year_as_json_lines_and_csv_with_their_digest(client):
    issue_import(data=MINIMAL, publish=True)
    draft = (
        MINIMAL.replace("第 1 号".encode(), "第 2 号".encode())
        .replace("总第 71 号".encode(), "总第 72 号".encode())
        .replace(b"[2023]3", b"[2023]93")
        .replace("〔2023〕2".encode(), "〔2023〕92".encode())
    )
    issue_import(data=draft)  # a draft
    written = rebuild_downloads("https://gazette.example.gov.cn")
    assert {(d.year, d.format) for d in written} == {
        (None, "jsonl"), (None, "csv"), (2023, "jsonl"), (2023, "csv"),
    }  # fmt: skip
    published = Notice.objects.published().count()
    archive = Download.objects.get(year=None, format="jsonl")
    data = (downloads_dir() / archive.name).read_bytes()
    assert archive.sha256 == hashlib.sha256(data).hexdigest() and archive.size == len(data)
    records = [json.loads(line) for line in member(archive).decode().splitlines()]
    assert len(records) == published == archive.notices
    assert "咸政发〔2023〕93号" not in {r["doc_number"] for r in records}  # drafts never
    assert records[0]["url"].startswith("https://gazette.example.gov.cn/notices/")
    table = Download.objects.get(year=2023, format="csv")
    text = member(table).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == published and rows[0]["issue_year"] == "2023"

    page = client.get("/data/").content.decode()
    assert archive.sha256 in page and "数据字典" in page
    response = client.get(archive.get_absolute_url())
    assert response.streaming and response["Content-Type"] == "application/zip"
    assert b"".join(response.streaming_content) == data
    assert client.get("/data/nope.zip").status_code == 404
    assert client.get("/data/..%2f..%2fetc%2fpasswd").status_code == 404


@pytest.mark.django_db(transaction=True)  # the worker closes the test's connection
def test_publishing_queues_a_rebuild_that_the_worker_runs():
    issue_import(data=MINIMAL, publish=True)
    queued = DBTaskResult.objects.filter(task_path=rebuild_downloads_task.module_path)
    assert queued.count() == 1
    assert not Download.objects.exists()  # nothing built in the request itself
    call_command("db_worker", batch=True, no_startup_delay=True, stdout=io.StringIO())
    assert Download.objects.filter(year=2023).count() == 2
    assert queued.get().status == "SUCCESSFUL"


def test_the_dictionary_lists_every_field_of_the_notice_resource(client):
    from api.serializers import NoticeSerializer

    page = client.get("/data/").content.decode()
    for name in NoticeSerializer.Meta.fields:
        assert f"<code>{name}</code>" in page, name
