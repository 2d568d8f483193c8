"""What a response gets on its way out: compression, and the validators of a conditional GET.

The middleware order (settings.MIDDLEWARE) is what makes these work together: WhiteNoise answers
static files above them all (it serves their own precompressed copies); below it
PublicGZipMiddleware compresses what ConditionalGetMiddleware, below that, has given an ETag (the
MD5 of the page as rendered, which changes with every change of what it shows) and answered 304
when the browser already has it; below that again, ContentLastModifiedMiddleware dates the page
from the page cache's content version.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.middleware.gzip import GZipMiddleware, re_accepts_gzip
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from gazette_site.cache import EXCLUDED_PREFIXES, LOCAL_PAGES, LocalPages, content_changed_at

# Compressed public pages of this process, by the ETag of what was compressed: the page cache
# hands out the same page over and over, and compressing a 100 KB notice takes longer (3 ms and
# more) than serving it from the cache. The padding is then the same for each copy of a page,
# which only matters to a page with a secret, and those are not compressed at all.
_compressed = LocalPages(LOCAL_PAGES)
COMPRESSED_SECONDS = 3600  # a body named by its MD5 never goes stale; this only bounds its stay


class PublicGZipMiddleware(GZipMiddleware):
    """Django's GZipMiddleware, with its Heal-the-BREACH padding, for pages without a secret.

    BREACH recovers a secret from the compressed size of pages that also reflect what an
    attacker sends. Most public pages and the API hold no secret (no session; the search form
    is a GET), so they are compressed. Django's advice for pages with secrets is not to compress
    them, and so they are sent as they are: the admin's (CSRF tokens, unpublished drafts next to
    what staff typed into a search) and any other page that holds a CSRF token (a form that
    posts: Django marks the request when the page asks for the token)."""

    def process_response(self, request, response):
        if request.path.startswith(settings.ADMIN_PATH_PREFIX) or request.META.get(
            "CSRF_COOKIE_NEEDS_UPDATE"
        ):
            return response
        key = self._reuse_key(request, response)
        compressed = _compressed.get(key) if key else None
        if compressed is None:
            response = super().process_response(request, response)
            if key and response.get("Content-Encoding") == "gzip":
                _compressed.set(key, response.content, COMPRESSED_SECONDS)
            return response
        # What GZipMiddleware does with a body it has compressed.
        patch_vary_headers(response, ("Accept-Encoding",))
        response.content = compressed
        response["Content-Length"] = str(len(compressed))
        response["ETag"] = f"W/{response['ETag']}"
        response["Content-Encoding"] = "gzip"
        return response

    @staticmethod
    def _reuse_key(request, response) -> str | None:
        """What names a body to be compressed: its strong ETag (ConditionalGet's MD5 of it) and
        its length; None when it is not to be compressed, or has no such tag."""
        etag = response.get("ETag", "")
        if (
            not etag.startswith('"')
            or response.streaming
            or response.has_header("Content-Encoding")
            or not re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", ""))
        ):
            return None
        return f"{etag}:{len(response.content)}"


def last_modified(request) -> float:
    """When every public page last changed, as far as the server can tell: the last change of
    published content (gazette_site.cache), or the last midnight if later, since a notice's
    validity turns with the date (已失效 once its expiry has passed)."""
    midnight = datetime.datetime.combine(
        timezone.localdate(), datetime.time.min, tzinfo=timezone.get_current_timezone()
    )
    return max(content_changed_at(request), midnight.timestamp())


class ContentLastModifiedMiddleware:
    """Last-Modified on the public pages (those the page cache serves), so a browser or crawler
    asking If-Modified-Since is answered 304 until published content changes.

    The date is the same for every page (what changed where is not tracked, as for the page
    cache): a correction dates all pages, which is late, never early. It replaces a view's own
    (the feed and the sitemap date themselves by their newest entry, which a change elsewhere
    in them does not move). With it goes Cache-Control: no-cache, so that browsers ask each
    time rather than keep a page for a tenth of its age without asking, as a Last-Modified
    alone lets them (RFC 9111, heuristic freshness)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.method in ("GET", "HEAD")
            and response.status_code == 200
            and not response.streaming
            and not request.path.startswith(EXCLUDED_PREFIXES)
        ):
            response["Last-Modified"] = http_date(last_modified(request))
            if not response.has_header("Cache-Control"):
                patch_cache_control(response, no_cache=True)
        return response
