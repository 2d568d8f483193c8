"""How a search's statements run: on which connection (``search_connection``), and with their
values apart from their text (``Value``, ``rows``), so that PostgreSQL plans a statement once
per connection and shape instead of once per search.

A search statement's text holds its structure and constants; what differs from one search to
the next (the query's lexemes and terms, the filters' values, the page, the scores' weights)
is a ``Value``, sent as a parameter of a prepared statement. After five executions PostgreSQL
decides whether a plan for any values (a generic plan) is as good as the plans it made for the
values given (plan_cache_mode ``auto``), and from then on uses it without planning: a rare
term's counting statement at 10,000 notices (资宣) takes 0.6 ms instead of 2.6, which was
mostly planning. A statement whose plan depends on its values keeps being planned for them.
Prepared statements belong to a connection: each keeps one for each shape of search it has
run (its number of terms and their kinds, its active filters, its sort; psycopg also tells
apart values' types, such as an integer's size), up to psycopg's 100, until the connection
is recycled (CONN_MAX_AGE) or a ROLLBACK, DROP or ALTER on it makes psycopg drop them. A
pooler in front of the database must keep them (PgBouncer 1.21 or later with
max_prepared_statements, or session pooling); else DATABASE_PREPARE=0 (settings.py) sends
the same statements unprepared, planned each time.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import time
from collections.abc import Iterator
from typing import Any

import psycopg
from django.conf import settings
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.postgresql.base import (  # type: ignore[attr-defined]  # as create_cursor
    TIMESTAMPTZ_OID,
    Format,
    register_tzloader,
)
from psycopg import sql

logger = logging.getLogger(__name__)

REPLICA_RETRY_SECONDS = 30  # how long searches stay on the primary after the replica failed
_replica_down_until = 0.0
_database: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "search_database", default=None
)
_values: contextvars.ContextVar[list[Any] | None] = contextvars.ContextVar(
    "search_values", default=None
)


def search_connection() -> BaseDatabaseWrapper:
    """The connection searches run on: settings.SEARCH_DATABASE (see settings.py), or the
    one ``searching_on`` names; the primary while the replica is down (``fall_back``)."""
    alias = _database.get() or settings.SEARCH_DATABASE
    if alias != "default" and time.monotonic() < _replica_down_until:
        alias = "default"
    return connections[alias]


def fall_back() -> bool:
    """After a search failed with a database error: whether to run it again on the primary.
    Yes when it ran on another database (a replica) whose connection is gone: searches then
    use the primary for REPLICA_RETRY_SECONDS, so a dead replica slows search pages instead
    of failing them. No on the primary, or when the connection still works (the statement
    itself failed: running it again elsewhere would fail the same)."""
    global _replica_down_until
    database = search_connection()
    if database.alias == "default":
        return False
    if database.is_usable():  # no connection, or its SELECT 1 fails: not usable
        return False
    database.close_if_unusable_or_obsolete()
    _replica_down_until = time.monotonic() + REPLICA_RETRY_SECONDS
    logger.warning(
        "检索数据库 %s 不可用，%d 秒内改用主库检索。", database.alias, REPLICA_RETRY_SECONDS
    )
    return True


@contextlib.contextmanager
def searching_on(alias: str) -> Iterator[None]:
    """Search on database `alias` inside the block: "default" where a search must see what
    was just committed (alerts after a publication, never behind a replica's lag)."""
    token = _database.set(alias)
    try:
        yield
    finally:
        _database.reset(token)


class Value(sql.Composable):
    """A value of a search statement, sent as a parameter: in the statement's text a
    placeholder, so statements that differ only in their values are one prepared statement.
    Rendered only when a statement runs (``rows``, ``tuples``): a part composed once for many
    statements (``sql.SQL(… .as_string())``) must not hold one."""

    def as_bytes(self, context: Any = None) -> bytes:
        values = _values.get()
        if values is None:
            raise TypeError("a search Value is rendered only when its statement runs")
        values.append(self._obj)
        return b"%s"


class _PreparingCursor(psycopg.Cursor):
    """A server-side binding cursor that keeps the query of a prepared statement's execution
    as of any other (psycopg keeps none), for Django to log it (``last_executed_query``)."""

    def _send_query_prepared(self, name, pgq, *, binary=None):
        self._query = pgq
        super()._send_query_prepared(name, pgq, binary=binary)


def rows(query: sql.Composable, database: BaseDatabaseWrapper | None = None) -> list[dict]:
    """The rows of `query` (on `database`, else the search connection), each a dict by
    column name."""
    names, found = _run(query, database or search_connection(), named=True)
    return [dict(zip(names, row, strict=True)) for row in found]


def tuples(query: sql.Composable) -> list[tuple]:
    """The rows of `query` as tuples (for columns of the same name)."""
    return _run(query, search_connection(), named=False)[1]


def _run(
    query: sql.Composable, database: BaseDatabaseWrapper, *, named: bool
) -> tuple[list[str], list[tuple]]:
    """Run `query`: its text rendered with a placeholder for each Value, in order, and
    executed with server-side binding (the connection's other cursors bind on the client, as
    Django's ORM needs), prepared when the connection's OPTIONS allow (``prepare_threshold``,
    settings.py); through Django's cursor wrapper, as ``database.cursor()`` would make it, so
    its errors are Django's and it is logged as the ORM's statements are. Its column names
    (when `named`: psycopg builds a description of every column) and rows."""
    database.close_if_health_check_failed()
    database.ensure_connection()
    connection = database.connection
    values: list[Any] = []
    token = _values.set(values)
    try:
        with database.wrap_database_errors:
            text = query.as_string(connection)
            raw = _PreparingCursor(connection)
            # As Django's create_cursor: its time zone when the connection's differs.
            loader = connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
            if database.timezone != loader.timezone:
                register_tzloader(database.timezone, raw)
            cursor = database._prepare_cursor(raw)  # type: ignore[attr-defined]
    finally:
        _values.reset(token)
    with cursor:
        cursor.execute(text, values)
        names = [column.name for column in cursor.description] if named else []
        return names, cursor.fetchall()
