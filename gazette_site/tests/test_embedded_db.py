import os

import pytest
from django.db import connection

from gazette_site import embedded_db


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="DATABASE_URL names a server")
def test_tests_use_the_shared_embedded_server(db):
    server = embedded_db.running_server()
    assert server is not None
    assert connection.settings_dict["HOST"] == server.socket_dir
    assert embedded_db.ensure_server() == server  # reused, not started again


def test_migrations_created_the_extensions(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT extname FROM pg_extension")
        extensions = {row[0] for row in cursor.fetchall()}
    assert "pg_trgm" in extensions
