"""Database faults, with the real WSGI application (request signals and all, as under gunicorn)
and a real PostgreSQL that kills our connection or refuses new ones.

The shared embedded server is never stopped here (other test runs use it): the outage is the
test database refusing connections (ALTER DATABASE … ALLOW_CONNECTIONS false), which is what a
worker sees while the server is down — the drill with a real stop is `make loadtest`.
"""

from collections.abc import Callable
from contextlib import contextmanager

import psycopg
import pytest
from django.db import connection
from django.test import RequestFactory
from psycopg import sql

from gazette_site import cache as page_cache
from gazette_site.wsgi import application

pytestmark = pytest.mark.django_db(transaction=True)


def wsgi_get(path: str) -> tuple[int, str]:
    """GET through the WSGI application as gunicorn calls it (request_started/finished fire)."""
    environ = RequestFactory().get(path).environ
    statuses: list[str] = []

    def start_response(
        status: str, headers: list[tuple[str, str]], exc_info: object = None
    ) -> Callable[[bytes], object]:
        statuses.append(status)
        return lambda data: None  # the write() callable; Django never calls it

    result = application(environ, start_response)
    try:
        body = b"".join(result).decode()
    finally:
        result.close()
    return int(statuses[0].split()[0]), body


def admin_connection() -> psycopg.Connection:
    """A connection of our own to the server's maintenance database."""
    settings = connection.settings_dict
    return psycopg.connect(
        dbname="postgres",
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
        autocommit=True,
    )


def backend_pid() -> int:
    return connection.connection.info.backend_pid


def kill_connections(admin: psycopg.Connection) -> int:
    name = connection.settings_dict["NAME"]
    rows = admin.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = %s AND pid <> pg_backend_pid()",
        [name],
    ).fetchall()
    return len(rows)


@contextmanager
def database_refusing_connections():
    """The test database down for new connections, its open ones killed, until the block ends."""
    name = connection.settings_dict["NAME"]
    with admin_connection() as admin:
        admin.execute(
            sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS false").format(sql.Identifier(name))
        )
        try:
            kill_connections(admin)
            yield
        finally:
            admin.execute(
                sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS true").format(sql.Identifier(name))
            )


def test_a_killed_connection_is_replaced_on_the_next_request(published):
    assert wsgi_get("/issues/")[0] == 200
    assert connection.settings_dict["CONN_MAX_AGE"] > 0  # kept between requests…
    killed_pid = backend_pid()
    with admin_connection() as admin:
        assert kill_connections(admin) >= 1
    # …so it is dead now; the health check at the start of the next request notices.
    status, body = wsgi_get("/issues/")
    assert status == 200
    assert "2022年" in body
    assert backend_pid() != killed_pid


def test_without_health_checks_the_same_kill_would_cost_a_visitor_a_503(published):
    """What the test above guards against (and proof that it can fail)."""
    assert wsgi_get("/issues/")[0] == 200
    connection.health_check_enabled = False  # type: ignore[attr-defined]  # stubs omit it
    try:
        with admin_connection() as admin:
            kill_connections(admin)
        status, body = wsgi_get("/issues/")
    finally:
        connection.close()
    assert status == 503
    assert "服务暂时不可用" in body


def test_while_the_database_is_down_pages_and_readyz_answer_503_then_recover(published):
    assert wsgi_get("/")[0] == 200
    with database_refusing_connections():
        for path in ["/", "/issues/", f"/notices/{published['notice']}/", "/search/?q=项目"]:
            status, body = wsgi_get(path)
            assert status == 503, path
            assert "服务暂时不可用" in body, path
            assert "Traceback" not in body and "psycopg" not in body, path
        assert wsgi_get("/readyz")[0] == 503
        assert wsgi_get("/healthz")[0] == 200  # the process itself is fine: do not restart it
    # Back: the very next request is served, by the same process.
    assert wsgi_get("/readyz")[0] == 200
    status, body = wsgi_get(f"/notices/{published['notice']}/")
    assert status == 200
    assert "关于印发" in body


@pytest.mark.page_cache
def test_during_an_outage_pages_in_the_page_cache_are_still_served(published):
    assert wsgi_get("/issues/")[0] == 200  # now cached
    with database_refusing_connections():
        status, body = wsgi_get("/issues/")
        assert status == 200
        assert "2022年" in body
        assert wsgi_get("/units/")[0] == 503  # not cached: needs the database
        # A worker that boots during the outage (it has not read the database's identity).
        page_cache._database_identity = None
        status, body = wsgi_get("/issues/")
        assert status == 200
        assert "2022年" in body
