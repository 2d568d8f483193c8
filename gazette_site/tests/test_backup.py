"""`manage.py backup` / `restore`: a backup of the (test) database and the uploaded files,
restored into a throw-away database on the same server and a new directory, holds every table
with the same rows and every file byte for byte; a restore never writes over a database that
has tables, or a directory that has files."""

import json
import uuid

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from psycopg import sql

from documents.models import Issue, Notice, Unit
from gazette_site import backup
from gazette_site.tests.hostile_data import make_hostile_site

pytestmark = pytest.mark.django_db(transaction=True)


def connect(database: str) -> psycopg.Connection:
    settings = connection.settings_dict
    return psycopg.connect(
        dbname=database,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
        autocommit=True,
    )


def tables(conn) -> list[str]:
    rows = conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
    ).fetchall()
    return [row[0] for row in rows]


def contents(conn, table: str) -> tuple[int, str]:
    """Row count and a checksum of every row (the text of each row, in a stable order)."""
    query = sql.SQL(
        "SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {} t"
    )
    return conn.execute(query.format(sql.Identifier(table))).fetchone()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def throwaway_name():
    """A database name for the restore, dropped afterwards whatever happened."""
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    yield name
    with connect("postgres") as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


def test_backup_then_restore_gives_every_table_with_the_same_rows(tmp_path, throwaway_name):
    ids = make_hostile_site()
    source = connection.settings_dict["NAME"]

    dumped = backup.backup(directory=tmp_path / "backups")
    assert dumped.path.parent == tmp_path / "backups"
    assert dumped.dump.name == "database.dump"
    assert dumped.dump.read_bytes().startswith(b"PGDMP")  # pg_dump's custom format
    restored = backup.restore(
        path=dumped.path, target=throwaway_name, media_target=tmp_path / "restored"
    )
    assert restored.database == throwaway_name

    with connect(source) as original, connect(throwaway_name) as copy:
        names = tables(original)
        assert "documents_notice" in names and "projects_project" in names
        assert tables(copy) == names
        for table in names:
            assert contents(copy, table) == contents(original, table), table
        # A sample read back field by field, markup and Chinese intact.
        row = copy.execute(
            "SELECT title FROM documents_notice WHERE id = %s", [ids["notice"]]
        ).fetchone()
        assert row is not None
        title = row[0]
        assert title == Notice.objects.get(pk=ids["notice"]).title
        assert "<script>" in title
        counts = copy.execute(
            "SELECT (SELECT count(*) FROM documents_issue), (SELECT count(*) FROM documents_unit)"
        ).fetchone()
        assert counts == (Issue.objects.count(), Unit.objects.count())
        # The search index and its extensions came along too.
        extensions = {row[0] for row in copy.execute("SELECT extname FROM pg_extension")}
        assert "pg_trgm" in extensions


def test_a_backup_made_after_uploading_a_pdf_restores_it_byte_for_byte(
    tmp_path, throwaway_name, media_root
):
    """The issue's PDF is the official edition: a backup without it would not be one."""
    ids = make_hostile_site()
    pdf = b"%PDF-1.7\n" + bytes(range(256)) * 400 + b"\n%%EOF\n"
    issue = Issue.objects.get(year=ids["year"], number=ids["number"])
    issue.pdf.save("upload.pdf", SimpleUploadedFile("upload.pdf", pdf))
    (media_root / "imports").mkdir()
    (media_root / "imports" / "abc.txt").write_text("咸宁市人民政府公报", encoding="utf-8")

    dumped = backup.backup(directory=tmp_path / "backups")
    manifest = json.loads((dumped.path / "manifest.json").read_text())
    assert set(manifest["media"]) == {issue.pdf.name, "imports/abc.txt"}
    restored = backup.restore(
        path=dumped.path, target=throwaway_name, media_target=tmp_path / "restored"
    )

    assert restored.media_files == 2
    assert (tmp_path / "restored" / issue.pdf.name).read_bytes() == pdf
    assert backup.media_manifest(tmp_path / "restored") == backup.media_manifest(media_root)
    with connect(throwaway_name) as copy:
        name = copy.execute("SELECT pdf FROM documents_issue WHERE id = %s", [issue.pk]).fetchone()
    assert name is not None
    assert name[0] == issue.pdf.name  # the restored row points at the restored file


def test_a_restore_never_writes_into_a_directory_with_files(tmp_path, throwaway_name):
    make_hostile_site()
    dumped = backup.backup(directory=tmp_path / "backups")
    occupied = tmp_path / "occupied"
    occupied.mkdir()
    (occupied / "keep.txt").write_text("live file")
    with pytest.raises(backup.BackupError, match="不是空的"):
        backup.restore(path=dumped.path, target=throwaway_name, media_target=occupied)
    assert (occupied / "keep.txt").read_text() == "live file"


def test_a_media_file_changed_in_the_backup_fails_the_restore(tmp_path, throwaway_name, media_root):
    make_hostile_site()
    media_root.mkdir()
    (media_root / "a.pdf").write_bytes(b"%PDF-1.7 original")
    dumped = backup.backup(directory=tmp_path / "backups")
    (dumped.path / "media" / "a.pdf").write_bytes(b"%PDF-1.7 tampered")
    with pytest.raises(backup.BackupError, match="清单不符"):
        backup.restore(path=dumped.path, target=throwaway_name, media_target=tmp_path / "r")
    assert not (tmp_path / "r").exists()
    with connect("postgres") as admin:
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [throwaway_name]
        ).fetchone()
    assert exists is None  # nothing half-restored


def test_a_restore_never_writes_over_a_database_with_tables(tmp_path):
    make_hostile_site()
    dumped = backup.backup(directory=tmp_path)
    live = connection.settings_dict["NAME"]
    before = Notice.objects.count()
    with pytest.raises(backup.BackupError, match="拒绝恢复"):
        backup.restore(path=dumped.path, target=live)
    assert Notice.objects.count() == before


def test_an_existing_empty_database_may_be_the_target(tmp_path, throwaway_name):
    make_hostile_site()
    dumped = backup.backup(directory=tmp_path)
    with connect("postgres") as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(throwaway_name)))
    backup.restore(path=dumped.path, target=throwaway_name, media_target=tmp_path / "restored")
    with connect(throwaway_name) as copy:
        row = copy.execute("SELECT count(*) FROM documents_notice").fetchone()
        assert row is not None
        assert row[0] == 1


def test_a_broken_dump_leaves_no_half_restored_database(tmp_path, throwaway_name):
    broken = tmp_path / "broken.dump"
    broken.write_bytes(b"PGDMP this is not a dump")
    with pytest.raises(backup.BackupError, match="恢复失败"):
        backup.restore(path=broken, target=throwaway_name)  # an old-style .dump file
    with connect("postgres") as admin:
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [throwaway_name]
        ).fetchone()
    assert exists is None


def test_the_commands_print_what_they_did_and_how_to_switch(tmp_path, throwaway_name, capsys):
    make_hostile_site()
    call_command("backup", "--dir", str(tmp_path / "backups"))
    out = capsys.readouterr().out
    assert "已备份数据库" in out
    [made] = (tmp_path / "backups").iterdir()
    call_command(
        "restore", str(made), "--target", throwaway_name, "--media-target", str(tmp_path / "m")
    )
    out = capsys.readouterr().out
    assert f"已恢复到新数据库 {throwaway_name}" in out
    assert "ALTER DATABASE" in out
    assert f"文件已恢复到 {tmp_path / 'm'}" in out and "DJANGO_MEDIA_ROOT" in out
    with pytest.raises(CommandError, match="不存在"):
        call_command("restore", str(tmp_path / "missing.dump"))
