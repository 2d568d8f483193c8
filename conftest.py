"""Test set-up shared by every app: the browser rig for Playwright tests."""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in the test thread; the test's own ORM calls are
# still synchronous and safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def pytest_configure(config):
    """Start the embedded PostgreSQL (when DATABASE_URL is unset; importing the settings
    starts nothing), and use a fast password hasher for the test users (in tests only:
    production keeps Django's PBKDF2 with a million rounds, 1–2 s per hash on 2 cores)."""
    from django.conf import settings
    from django.contrib.auth.hashers import get_hashers

    from gazette_site.embedded_db import start_unless_configured

    start_unless_configured()

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    get_hashers.cache_clear()  # type: ignore[attr-defined]  # lru_cache; the stubs omit it


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "page" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium (Playwright's own browser download is not used)."""
    if not os.path.exists(CHROMIUM):
        message = "Debian's chromium is not installed (apt-get install chromium)."
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{message} Browser tests must run under CI.")
        pytest.skip(message)
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
        "headless": True,
    }


@pytest.fixture(scope="session")
def _page_cache_directory(tmp_path_factory):
    """A page cache of this test process's own: parallel workers (pytest-xdist) must not clear
    or fill each other's."""
    return tmp_path_factory.mktemp("page-cache")


@pytest.fixture(autouse=True)
def _no_page_cache_unless_asked(request, settings):
    """Pages are served fresh in tests; tests of the cache mark themselves `page_cache` (and
    see whether a page came from it in X-Page-Cache). The shared cache is the test process's
    own either way (notices' texts are kept there: documents.rendering)."""
    directory = request.getfixturevalue("_page_cache_directory")
    settings.CACHES = {
        **settings.CACHES,
        "default": {**settings.CACHES["default"], "LOCATION": str(directory)},
        "texts": {**settings.CACHES["texts"], "LOCATION": str(directory / "texts")},
    }
    if request.node.get_closest_marker("page_cache") is None:
        settings.PAGE_CACHE_SECONDS = 0
    else:
        from django.core.cache import cache

        cache.clear()
        settings.PAGE_CACHE_HEADER = True


@pytest.fixture(autouse=True)
def _searches_on_the_test_database(settings):
    """Searches run on the test's own connection: the "search" alias is a test mirror, a
    connection of its own that does not see the rows of a test's transaction (its planner
    settings change plans, never results; documents/tests/test_search_rules.py searches on
    it once, with committed rows). And each test reads the search index's average text
    length afresh (a process keeps it a minute), never one of a previous test's rows."""
    from documents.search import sql

    settings.SEARCH_DATABASE = "default"
    sql.forget_sizes()


@pytest.fixture(autouse=True)
def _no_rate_limit_unless_asked(request, settings):
    """Search and CSV exports are not rate-limited in tests; tests of the limiter mark
    themselves `rate_limit`."""
    if request.node.get_closest_marker("rate_limit") is None:
        settings.RATE_LIMIT_PER_MINUTE = 0
        settings.PAGE_MISS_LIMIT_PER_MINUTE = 0


@pytest.fixture(autouse=True)
def _no_login_lockout_unless_asked(request, settings):
    """Logins are not counted by django-axes in tests (so `client.login()` works without a
    request); tests of the lockout mark themselves `login_lockout`."""
    if request.node.get_closest_marker("login_lockout") is None:
        settings.AXES_ENABLED = False


@pytest.fixture(autouse=True)
def _plain_static_files_for_the_live_server(request, settings):
    """The live server serves static files through the finders, which know the files' plain
    names only; with the manifest storage pages would link hashed names the live server cannot
    serve (the admin would load without its JavaScript)."""
    if "live_server" in request.fixturenames:
        settings.STORAGES = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }


@pytest.fixture(autouse=True)
def generous_api_limit(monkeypatch):
    """The suite's requests come from one address in several processes at once, sharing the
    limit's counts: the API's limit is tested with its own address and rate (api/tests), not
    met by accident in another test."""
    from api.throttling import ClientAddressThrottle

    original = ClientAddressThrottle.get_rate

    def rate(self):
        value = original(self)
        return "100000/min" if value == ClientAddressThrottle.THROTTLE_RATES["anon"] else value

    monkeypatch.setattr(ClientAddressThrottle, "get_rate", rate)
