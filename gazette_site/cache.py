"""Whole-page cache for the public site, cleared whenever published content may have changed.

Anonymous GET requests to public pages are answered from the cache. Every key carries the
current *content version*; publishing, withdrawing, importing or any admin save bumps the
version, so all cached pages become stale at once without having to know which pages showed
what. The version lives in the same shared cache, so every gunicorn worker sees a bump at once.
"""

from __future__ import annotations

import hashlib
import pickle
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import caches
from django.db import transaction

VERSION_KEY = "gazette:content-version"
EXCLUDED_PREFIXES = ("/admin/", "/healthz", "/readyz", "/static/", "/media/")
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


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self._cacheable_request(request):
            return self.get_response(request)
        key = self._key(request)
        cached = _local_pages.get(key)
        if cached is None:
            cached = _cache().get(key)
            if cached is not None:
                _local_pages.set(key, cached, settings.PAGE_CACHE_SECONDS)
        if cached is not None:
            cached["X-Page-Cache"] = "hit"
            return cached
        response = self.get_response(request)
        if self._cacheable_response(request, response):
            if hasattr(response, "render") and callable(response.render):
                response.render()
            _cache().set(key, response, settings.PAGE_CACHE_SECONDS)
            _local_pages.set(key, response, settings.PAGE_CACHE_SECONDS)
            response["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def _cacheable_request(request) -> bool:
        if not settings.PAGE_CACHE_SECONDS or request.method not in ("GET", "HEAD"):
            return False
        if request.path.startswith(EXCLUDED_PREFIXES):
            return False
        # Staff browsing the public site (and anyone logged in) see fresh pages.
        return settings.SESSION_COOKIE_NAME not in request.COOKIES

    @staticmethod
    def _cacheable_response(request, response) -> bool:
        return (
            response.status_code in (200, 301, 404)
            and not response.streaming
            and not response.cookies
            and "Set-Cookie" not in response
            and "no-cache" not in response.get("Cache-Control", "")
            and "private" not in response.get("Cache-Control", "")
        )

    @staticmethod
    def _key(request) -> str:
        url = hashlib.sha256(request.get_full_path().encode("utf-8", "surrogateescape")).hexdigest()
        return f"gazette:page:{content_version()}:{request.method}:{url}"
