"""Whole-page cache for the public site, cleared whenever published content may have changed.

Anonymous GET requests to public pages are answered from the cache. Every key carries the
current *content version*; publishing, withdrawing, importing or any admin save bumps the
version, so all cached pages become stale at once without having to know which pages showed
what. The version lives in the same shared cache, so every gunicorn worker sees a bump at once.
Keys also carry the identity of the database the page was built from (a restored backup is
another database: its pages are built afresh) and the scheme and host the visitor asked for.
"""

from __future__ import annotations

import functools
import hashlib
import pickle
import threading
import time
from collections import OrderedDict
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, connection, transaction
from django.http import HttpResponseRedirect
from django.urls import Resolver404, resolve

from gazette_site.security import has_staff_marker, over_limit

VERSION_KEY = "gazette:content-version"
# Not cached and not canonicalised: the admin, the API (its own rules: 400 for a parameter it
# does not read), the alert forms (a CSRF token each), health checks, files.
EXCLUDED_PREFIXES = (
    "/admin/",
    "/api/",
    "/alerts/",
    "/healthz",
    "/readyz",
    "/static/",
    "/media/",
)
# Pages each process also keeps in memory, most recently used first out last. Reading a page
# back from the shared file cache means unzipping it (about 0.3 ms for a 100 KB notice, as long
# as the rest of the request); the copy in memory skips that. Keys carry the content version,
# so a copy can never outlive a change: after a bump no request asks for it again.
LOCAL_PAGES = 200


def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def content_version() -> str:
    version = _cache().get(VERSION_KEY)
    if version is None:
        version = str(time.time_ns())
        _cache().add(VERSION_KEY, version, timeout=None)
        version = _cache().get(VERSION_KEY, version)
    return version


def request_content_version(request) -> str:
    """content_version(), read once for a request: the page's key in the cache and its date
    (gazette_site.responses) are then of the same version, for one read of the shared cache."""
    if not hasattr(request, "_content_version"):
        request._content_version = content_version()
    return request._content_version


def content_changed_at(request) -> float:
    """When the public content last changed, as the request sees it, in seconds since the
    epoch: the content version is the time of its last bump (or of its first reading, if the
    cache lost it)."""
    return int(request_content_version(request)) / 1e9


def content_changed() -> None:
    """Make every cached public page stale once the current transaction commits.

    Call after any write the public may see (publishing, importing, an admin save)."""
    transaction.on_commit(lambda: _cache().set(VERSION_KEY, str(time.time_ns()), timeout=None))


class LocalPages:
    """A small least-recently-used store of pickled responses in this process's memory, each
    with its expiry. Pickled, so each request gets its own response object to add headers to."""

    def __init__(self, size: int):
        self.size = size
        self._pages: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str):
        with self._lock:
            entry = self._pages.get(key)
            if entry is None:
                return None
            if entry[0] < time.monotonic():
                del self._pages[key]
                return None
            self._pages.move_to_end(key)
        return pickle.loads(entry[1])

    def set(self, key: str, response, timeout: float) -> None:
        data = pickle.dumps(response, pickle.HIGHEST_PROTOCOL)
        with self._lock:
            self._pages[key] = (time.monotonic() + timeout, data)
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)


_local_pages = LocalPages(LOCAL_PAGES)


def database_identity() -> str:
    """Which database the pages were built from: the cluster's system identifier and the
    database's oid. A restored backup is a new database (a new oid), so pages cached from the
    old one are never served from it, even renamed to the old one's name. Read once per process
    (a process serves one database) and remembered in the shared cache too: a worker that
    starts while the database is down takes it from there, and serves the cached pages."""
    global _database_identity
    if _database_identity is not None:
        return _database_identity
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT (SELECT system_identifier FROM pg_control_system())::text || '-' || oid"
                " FROM pg_database WHERE datname = current_database()"
            )
            row = cursor.fetchone()
    except DatabaseError:
        identity = _cache().get(_remembered_identity_key())
        if identity is None:
            raise
        return identity  # not kept: the database is asked again once it is back
    _database_identity = row[0] if row else "unknown"
    return _database_identity


def remember_database_identity(identity: str) -> None:
    """Keep `identity` in the shared cache for workers that start while the database is down.
    Called whenever a page is stored, so the copy is there again soon after the cache dropped
    it (the file cache culls entries at random when full)."""
    _cache().add(_remembered_identity_key(), identity, timeout=None)


def _remembered_identity_key() -> str:
    settings_dict = connection.settings_dict
    where = f"{settings_dict.get('HOST')}:{settings_dict.get('PORT')}/{settings_dict.get('NAME')}"
    return f"gazette:database-identity:{hashlib.sha256(where.encode()).hexdigest()[:16]}"


_database_identity: str | None = None


class PublicPageCacheMiddleware:
    """Anonymous GET and HEAD requests to public pages, answered from the cache.

    Only a valid staff session sees fresh pages (a made-up session cookie does not, and costs no
    database query: gazette_site.security.has_staff_marker); query
    parameters a page does not read are redirected away first (CanonicalQueryMiddleware), so a
    random query string is not a new page. Cache misses are limited per client address
    (settings.PAGE_MISS_LIMIT_PER_MINUTE), so a flood of distinct URLs cannot hold every worker
    rendering; the cache itself is bounded in entries (CACHES' MAX_ENTRIES) and in the size of
    each (settings.PAGE_CACHE_MAX_BYTES)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self._cacheable_request(request):
            return self.get_response(request)
        try:
            identity = database_identity()
        except DatabaseError:  # no database to name: serve fresh (the 503 page, most likely)
            return self.get_response(request)
        key = self._key(request, identity)
        cached = _local_pages.get(key)
        if cached is None:
            cached = _cache().get(key)
            if cached is not None:
                _local_pages.set(key, cached, settings.PAGE_CACHE_SECONDS)
        if cached is not None:
            self._label(cached, "hit")
            return cached
        limit = settings.PAGE_MISS_LIMIT_PER_MINUTE
        refused = over_limit(request, "page", limit) if limit > 0 else None
        if refused is not None:
            return refused
        response = self.get_response(request)
        if self._cacheable_response(request, response):
            if hasattr(response, "render") and callable(response.render):
                response.render()
            if len(response.content) <= settings.PAGE_CACHE_MAX_BYTES:
                remember_database_identity(identity)
                _cache().set(key, response, settings.PAGE_CACHE_SECONDS)
                _local_pages.set(key, response, settings.PAGE_CACHE_SECONDS)
                self._label(response, "miss")
        return response

    @staticmethod
    def _label(response, outcome: str) -> None:
        # An internal detail: shown only to developers (and the tests of the cache).
        if settings.PAGE_CACHE_HEADER:
            response["X-Page-Cache"] = outcome

    @staticmethod
    def _cacheable_request(request) -> bool:
        if not settings.PAGE_CACHE_SECONDS or request.method not in ("GET", "HEAD"):
            return False
        if request.path.startswith(EXCLUDED_PREFIXES):
            return False
        if not has_staff_marker(request):  # no session, or one a client made up
            return True
        # Staff browsing the public site see fresh pages, once their session is confirmed.
        try:
            return not (request.user.is_authenticated and request.user.is_staff)
        except DatabaseError:  # sessions unreadable: the page cache may still answer
            return True

    @staticmethod
    def _cacheable_response(request, response) -> bool:
        return (
            response.status_code in (200, 301, 404, 410)
            and not response.streaming
            and not response.cookies
            and "Set-Cookie" not in response
            and "no-cache" not in response.get("Cache-Control", "")
            and "private" not in response.get("Cache-Control", "")
        )

    @staticmethod
    def _key(request, identity: str) -> str:
        """The page's address as the visitor asked for it: scheme, host, path and query, under
        the database it was built from and the current content version."""
        address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
        url = hashlib.sha256(address.encode("utf-8", "surrogateescape")).hexdigest()
        version = request_content_version(request)
        return f"gazette:page:{identity}:{version}:{request.method}:{url}"


def reads_query(*, parameters: tuple[str, ...] = (), filterset_class=None):
    """Declare on a function view the query parameters it reads, as a class-based view does
    with its ``query_parameters`` and ``filterset_class`` attributes."""

    def declare(view):
        view.__dict__.update(query_parameters=parameters, filterset_class=filterset_class)
        return view

    return declare


@functools.cache
def query_parameters(view) -> frozenset[str]:
    """The query parameters `view` reads: those it declares (``query_parameters``), its
    FilterSet's fields (a range filter's two inputs each), and ``page`` when it paginates."""
    view = getattr(view, "view_class", view)
    names = set(getattr(view, "query_parameters", ()))
    filterset_class = getattr(view, "filterset_class", None)
    if filterset_class is not None:
        for name, field in filterset_class().form.fields.items():
            suffixes = getattr(field.widget, "widgets_names", None) or [""]
            names.update(f"{name}{suffix}" for suffix in suffixes)
    if getattr(view, "paginate_by", None):
        names.add(getattr(view, "page_kwarg", "page"))
    return frozenset(names)


class CanonicalQueryMiddleware:
    """A public page asked for with query parameters it does not read is redirected to its
    address without them (keeping those it reads, in their order).

    Such parameters change nothing on the page but would make every URL a new page for the
    page cache (``?b=<random>`` turned a cached notice, 1,064 requests/s, into a fresh render
    each time, 20 requests/s). Tracking parameters (``?from=weixin``) go the same way."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or not request.GET:
            return self.get_response(request)
        if request.path.startswith(EXCLUDED_PREFIXES):
            return self.get_response(request)
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)
        allowed = query_parameters(match.func)
        if all(name in allowed for name in request.GET):
            return self.get_response(request)
        kept = [(k, v) for k, values in request.GET.lists() if k in allowed for v in values]
        target = request.path + (f"?{urlencode(kept)}" if kept else "")
        return HttpResponseRedirect(target)
