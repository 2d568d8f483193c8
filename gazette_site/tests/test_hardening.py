"""Findings 8–12 of the security probe: the log-in with an over-long name, bursts against the
rate limit, X-Forwarded-For from local clients, a worker starting the database, and the small
ones (TRACE, bad-host log lines, headers)."""

import logging
import os
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from unittest import mock

import pytest
from django.db import connection
from django.test import Client, RequestFactory

from gazette_site import security
from gazette_site.tests.hostile_data import make_hostile_site

ROOT = Path(__file__).resolve().parents[2]


def run_python(code: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "gazette_site.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- 8: an over-long user name at the log-in ----------------------------------------------------


@pytest.mark.login_lockout
@pytest.mark.parametrize("length", [151, 256, 5000])
def test_a_user_name_longer_than_any_is_refused_before_the_lockout_counts_it(client, db, length):
    from axes.models import AccessAttempt

    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "名" * length, "password": "x"},
        REMOTE_ADDR="203.0.113.7",
    )
    assert response.status_code == 200
    assert "用户名最多 150 个字符" in response.content.decode()
    assert not AccessAttempt.objects.exists()


# --- 9: bursts against the rate limit -----------------------------------------------------------


@pytest.mark.rate_limit
@pytest.mark.django_db(transaction=True)
def test_of_200_parallel_searches_exactly_the_limit_pass(settings):
    settings.RATE_LIMIT_PER_MINUTE = 60
    settings.TRUSTED_PROXIES = []
    address = f"2001:db8::{uuid.uuid4().hex[:4]}"
    make_hostile_site()

    def search(_n):
        try:
            return Client().get("/search/?q=第一段", REMOTE_ADDR=address).status_code
        finally:
            connection.close()

    # One minute for the whole burst: the count must not start again half-way.
    minute = time.time() // 60 * 60 + 1
    with (
        mock.patch.object(security.time, "time", return_value=minute),
        ThreadPoolExecutor(max_workers=20) as pool,
    ):
        statuses = list(pool.map(search, range(200)))
    assert (statuses.count(200), statuses.count(429)) == (60, 140)


# --- 10: X-Forwarded-For only from the proxy -----------------------------------------------------


@pytest.mark.parametrize("loopback", ["127.0.0.1", "::1", "127.0.0.0/8"])
def test_loopback_cannot_be_named_a_trusted_proxy(loopback):
    result = run_python("import django; django.setup()", DJANGO_TRUSTED_PROXIES=loopback)
    assert result.returncode != 0
    assert "DJANGO_TRUSTED_PROXIES=unix" in result.stderr


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("", "198.51.100.1", "198.51.100.1"),  # over the Unix socket: the proxy appended it
        ("", "6.6.6.6, 198.51.100.1", "198.51.100.1"),
        ("127.0.0.1", "198.51.100.1", "127.0.0.1"),  # a local client over TCP: not believed
        ("10.0.0.5", "198.51.100.1", "10.0.0.5"),
    ],
)
def test_behind_a_unix_socket_only_its_peer_is_the_proxy(settings, remote, forwarded, expected):
    settings.TRUSTED_PROXIES = ["unix"]
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert security.client_ip(request) == expected


def test_gunicorn_trusts_forwarded_headers_from_the_named_proxies_only():
    code = "import runpy; print(runpy.run_path('gunicorn.conf.py')['forwarded_allow_ips'])"
    assert run_python(code, DJANGO_TRUSTED_PROXIES="unix").stdout.strip() == ""
    assert run_python(code, DJANGO_TRUSTED_PROXIES="unix,10.0.0.2").stdout.strip() == "10.0.0.2"
    assert run_python(code).stdout.strip() == ""


# --- 11: starting a process never starts the database ------------------------------------------


def test_loading_the_settings_or_the_wsgi_application_starts_no_database(tmp_path):
    """A gunicorn worker loads the WSGI application; with the embedded server stopped (here: a
    data directory where none ever ran), it must stay stopped."""
    env = {"GAZETTE_VAR_DIR": str(tmp_path)}
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    code = (
        "import django; django.setup(); from gazette_site.wsgi import application; "
        "from django.conf import settings; print(settings.DATABASES['default']['HOST'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "gazette_site.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    try:
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == str(tmp_path / "postgres")  # where it would be
        assert not (tmp_path / "postgres" / "postmaster.pid").exists()
        assert not (tmp_path / "postgres" / "PG_VERSION").exists()
    finally:
        if (tmp_path / "postgres" / "postmaster.pid").exists():  # today's code started one
            subprocess.run(
                [sys.executable, "-m", "gazette_site.embedded_db", "stop"],
                cwd=ROOT,
                env={**environment, **env},
                timeout=120,
            )


# --- 12: the small ones -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/sitemap.xml", "/robots.txt", "/feeds/notices/", "/projects/export.csv", "/"]
)
def test_trace_and_other_methods_are_not_allowed_on_public_pages(client, db, url):
    for method in ("TRACE", "PUT", "DELETE", "POST"):
        response = client.generic(method, url)
        assert response.status_code == 405, (method, url)
        assert response["Allow"] == "GET, HEAD"
    assert client.generic("TRACE", "/admin/login/").status_code == 405


def test_a_bad_host_is_one_warning_line_without_a_traceback(client, db, caplog):
    with caplog.at_level(logging.INFO, logger="django.security.DisallowedHost"):
        response = client.get("/", HTTP_HOST="evil.example.com")
    assert response.status_code == 400
    [record] = [r for r in caplog.records if r.name == "django.security.DisallowedHost"]
    assert record.levelno == logging.WARNING
    assert record.exc_info is None
    assert "evil.example.com" in record.getMessage()
    assert "\n" not in record.getMessage()


def test_every_response_forbids_other_sites_embedding_it(client, db):
    for url in ["/", "/admin/login/", "/robots.txt", "/static/css/site.css"]:
        response = client.get(url)
        assert response["Cross-Origin-Resource-Policy"] == "same-origin", url


def test_the_policy_allows_nothing_by_default(client, db):
    policy = client.get("/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'none'"
    for name in ("script-src", "style-src", "img-src", "font-src", "connect-src", "form-action"):
        assert directives[name] == "'self'", name


def test_gunicorn_sends_no_server_header():
    code = (
        "import runpy; runpy.run_path('gunicorn.conf.py'); from gunicorn.http import wsgi\n"
        "class R: version = 'gunicorn'; upgrade = False; chunked = False; status = '200 OK'\n"
        "R.req = type('Q', (), {'version': (1, 1)})(); R.should_close = lambda self: False\n"
        "print(wsgi.Response.default_headers(R()))"
    )
    result = run_python(code)
    assert "Date:" in result.stdout, result.stderr
    assert "Server" not in result.stdout
