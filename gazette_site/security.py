"""Request-level protections: the client's address, Permissions-Policy, rate limits, admin CSP.

The Content-Security-Policy itself comes from django-csp (CONTENT_SECURITY_POLICY in settings);
the login lockout from django-axes, which asks `client_ip` for the address, so lockouts and rate
limits agree on who the client is.
"""

from __future__ import annotations

import ipaddress
import math
import time
from functools import cache

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.contrib import admin
from django.core.cache import caches
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import Resolver404, resolve

# --- The client's address -----------------------------------------------------------------------


@cache
def _trusted_networks(proxies: tuple[str, ...]) -> tuple[ipaddress._BaseNetwork, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _address(text: str) -> ipaddress._BaseAddress | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_ip(request) -> str:
    """The address of the client that sent `request`.

    REMOTE_ADDR, unless it is one of settings.TRUSTED_PROXIES (DJANGO_TRUSTED_PROXIES): then
    X-Forwarded-For is read from the right, skipping our own proxies, and the first address
    that is not one of them is the client. Addresses further left were written by the client
    itself and prove nothing, so a visitor cannot pick the address it is counted under.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = _trusted_networks(tuple(settings.TRUSTED_PROXIES))
    remote_address = _address(remote)
    if remote_address is None or not any(remote_address in net for net in trusted):
        return remote
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            break  # a malformed hop: trust nothing to its left
        if not any(address in net for net in trusted):
            return str(address)
    return remote


# --- Login lockout ------------------------------------------------------------------------------


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out login: the admin's look, in Chinese, with the cool-off
    (also as Retry-After)."""
    cool_off = settings.AXES_COOLOFF_TIME.total_seconds()
    context = {
        **admin.site.each_context(request),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": math.ceil(cool_off / 60),
    }
    response = render(request, "registration/locked_out.html", context, status=429)
    response["Retry-After"] = str(math.ceil(cool_off))
    return response


# --- Headers ------------------------------------------------------------------------------------


class PermissionsPolicyMiddleware:
    """Permissions-Policy on every response: the portal uses no camera, microphone, location…

    Django 5.2 has no setting for this header; settings.PERMISSIONS_POLICY lists the features.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.setdefault("Permissions-Policy", self.header)
        return response


class GazetteCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin's one relaxation.

    A few admin templates carry `style="…"` attributes (django-simple-history's history page,
    the import preview), so under /admin/ inline style *attributes* are allowed
    (style-src-attr): they cannot run script, and the admin escapes what it shows like every
    page. Scripts stay 'self' only everywhere: Django's admin has no inline script (its
    constants travel in data- attributes), and test_browser_security proves Chromium reports
    no violation in the change forms, inlines and select2 autocompletes.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path_info.startswith(settings.ADMIN_PATH_PREFIX):
            parts.update = {**(parts.update or {}), **settings.CSP_ADMIN_UPDATE}
        return parts


# --- Rate limits --------------------------------------------------------------------------------

# View name → bucket. Each bucket is counted separately per client address.
RATE_LIMITED_VIEWS = {
    "documents:search": "search",
    "projects:project_csv": "export",
    "documents:notice_table_csv": "export",
}
WINDOW_SECONDS = 60


def _bucket(request) -> str | None:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    return RATE_LIMITED_VIEWS.get(match.view_name)


class RateLimitMiddleware:
    """At most settings.RATE_LIMIT_PER_MINUTE requests a minute per client address to search and
    to the CSV exports; beyond that a 429 page saying when to try again.

    A fixed one-minute window counted in the shared cache (every gunicorn worker sees the same
    count). The file cache's add/incr are not atomic across processes, so under a burst a few
    requests more than the limit may pass: the limit stops scrapers and floods, it is not a quota.
    Placed before the page cache, so cached answers count too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.RATE_LIMIT_PER_MINUTE
        bucket = _bucket(request) if limit > 0 else None
        if bucket is None:
            return self.get_response(request)
        now = time.time()
        window = math.floor(now / WINDOW_SECONDS)
        key = f"gazette:rate:{bucket}:{client_ip(request)}:{window}"
        store = caches[settings.RATE_LIMIT_CACHE_ALIAS]
        store.add(key, 0, timeout=WINDOW_SECONDS + 5)
        try:
            count = store.incr(key)
        except ValueError:  # expired between add and incr
            store.set(key, 1, timeout=WINDOW_SECONDS + 5)
            count = 1
        if count <= limit:
            return self.get_response(request)
        retry_after = max(1, math.ceil((window + 1) * WINDOW_SECONDS - now))
        response = TemplateResponse(
            request,
            "429.html",
            {"retry_after": retry_after, "limit": limit, "bucket": bucket},
            status=429,
        )
        response["Retry-After"] = str(retry_after)
        response["Cache-Control"] = "no-store"
        return response.render()
