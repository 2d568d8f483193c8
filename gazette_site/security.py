"""Request-level protections: the client's address, Permissions-Policy, rate limits, admin CSP.

The Content-Security-Policy itself comes from django-csp (CONTENT_SECURITY_POLICY in settings);
the login lockout from django-axes, which asks `client_ip` for the address, so lockouts and rate
limits agree on who the client is.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
import random
import time
from functools import cache

from csp.middleware import CSPMiddleware
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import DatabaseError, connection
from django.http import HttpResponseNotAllowed
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import Resolver404, resolve
from psycopg import sql

from gazette_site.models import RateCounter

# --- The client's address -----------------------------------------------------------------------


UNIX_SOCKET = "unix"  # in TRUSTED_PROXIES: connections over gunicorn's Unix socket


@cache
def _trusted_networks(proxies: tuple[str, ...]) -> tuple[ipaddress._BaseNetwork, ...]:
    return tuple(
        ipaddress.ip_network(proxy, strict=False) for proxy in proxies if proxy != UNIX_SOCKET
    )


def _address(text: str) -> ipaddress._BaseAddress | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_ip(request) -> str:
    """The address of the client that sent `request`.

    REMOTE_ADDR, unless the connection came from one of settings.TRUSTED_PROXIES
    (DJANGO_TRUSTED_PROXIES): an address or network of a proxy, or ``unix`` for a connection
    over gunicorn's Unix socket (which has no address, and which only the proxy can open). Then
    X-Forwarded-For is read from the right, skipping our own proxies, and the first address
    that is not one of them is the client. Addresses further left were written by the client
    itself and prove nothing, so a visitor cannot pick the address it is counted under.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = tuple(settings.TRUSTED_PROXIES)
    trusted = _trusted_networks(proxies)
    remote_address = _address(remote)
    if remote_address is None:
        from_proxy = UNIX_SOCKET in proxies and (remote == "" or remote.startswith("/"))
    else:
        from_proxy = any(remote_address in net for net in trusted)
    if not from_proxy:
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


class LoginForm(AdminAuthenticationForm):
    """The admin's log-in form, refusing a user name longer than any user's before it reaches
    authentication (and django-axes, whose attempt log holds 255 characters: a 256-character
    name was a 500)."""

    def clean_username(self):
        username = self.cleaned_data.get("username") or ""
        limit = get_user_model()._meta.get_field("username").max_length or 150  # Django's
        if len(username) > limit:
            raise forms.ValidationError(
                f"用户名最多 {limit} 个字符，请检查后重新输入。", code="too_long"
            )
        return username


# --- Staff sessions -----------------------------------------------------------------------------

STAFF_COOKIE = "gazette_staff"
_staff_signer = signing.TimestampSigner(salt="gazette_site.security.staff-marker")


def _session_token(session_key: str) -> str:
    return hashlib.sha256(session_key.encode()).hexdigest()[:32]


def has_staff_marker(request) -> bool:
    """Whether `request` carries the signed marker of a staff session for the session cookie it
    sends: checked without the database, so that a made-up session cookie costs nothing (the
    page cache answers it as it answers anyone). The session itself is still read and checked
    before a staff member is shown anything fresh."""
    marker = request.COOKIES.get(STAFF_COOKIE)
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not marker or not session_key:
        return False
    try:
        token = _staff_signer.unsign(marker, max_age=settings.SESSION_COOKIE_AGE)
    except signing.BadSignature:
        return False
    return hmac.compare_digest(token, _session_token(session_key))


class StaffSessionMiddleware:
    """Keeps a staff session alive, and marks it for the page cache.

    Every request of a signed-in user moves the session's idle expiry forward (as
    SESSION_SAVE_EVERY_REQUEST would, without its flaw: Django saves, and so creates, a session
    for any cookie a client makes up, a database row per request). A staff session also gets
    the signed marker `has_staff_marker` checks; it goes when the session does."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or not session.accessed:
            return response  # nothing was read of the session, so nothing is known of the user
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and session.session_key:
            session.modified = True  # saved with a new expiry by SessionMiddleware
            if user.is_staff:
                response.set_cookie(
                    STAFF_COOKIE,
                    _staff_signer.sign(_session_token(session.session_key)),
                    secure=settings.SESSION_COOKIE_SECURE or None,
                    httponly=True,
                    samesite=settings.SESSION_COOKIE_SAMESITE,
                )
                return response
        if STAFF_COOKIE in request.COOKIES:
            response.delete_cookie(STAFF_COOKIE, samesite=settings.SESSION_COOKIE_SAMESITE)
        return response


# --- Headers ------------------------------------------------------------------------------------


class SecurityHeadersMiddleware:
    """Headers Django 5.2 has no setting for, on every response: Permissions-Policy (the
    portal uses no camera, microphone, location…: settings.PERMISSIONS_POLICY) and
    Cross-Origin-Resource-Policy (no other site may embed our pages, scripts or files)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.permissions = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        if self.permissions:
            response.setdefault("Permissions-Policy", self.permissions)
        response.setdefault("Cross-Origin-Resource-Policy", settings.CROSS_ORIGIN_RESOURCE_POLICY)
        return response


# Public pages only read; the admin also writes. TRACE (which echoes a request back, cookies
# included) and the rest answer 405 everywhere.
PUBLIC_METHODS = ("GET", "HEAD")
ADMIN_METHODS = ("GET", "HEAD", "POST")
# Public pages that take a form: the e-mail alerts (subscribe, confirm, unsubscribe).
FORM_PREFIXES = ("/alerts/",)


class AllowedMethodsMiddleware:
    """405 Method Not Allowed (with Allow) for any method a page does not take."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        admin_path = request.path_info.startswith(settings.ADMIN_PATH_PREFIX)
        form_path = request.path_info.startswith(FORM_PREFIXES)
        allowed = ADMIN_METHODS if admin_path or form_path else PUBLIC_METHODS
        if request.method in allowed:
            return self.get_response(request)
        response = HttpResponseNotAllowed(allowed)
        response["Cache-Control"] = "no-store"
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
    "documents:issue_year_csv": "export",
    # A notice's PDF holds a worker 1–3 s when it is not cached yet.
    "documents:notice_pdf": "pdf",
}
WINDOW_SECONDS = 60
# One statement, atomic across workers: a new client or a new window starts at 1.
COUNT_HIT = sql.SQL(
    """
    INSERT INTO {table} (bucket, client, window_start, hits) VALUES (%s, %s, %s, 1)
    ON CONFLICT (bucket, client) DO UPDATE SET
        hits = CASE WHEN {table}.window_start = EXCLUDED.window_start
                    THEN {table}.hits + 1 ELSE 1 END,
        window_start = EXCLUDED.window_start
    RETURNING hits
    """
).format(table=sql.Identifier(RateCounter._meta.db_table))
FORGET_OLD = sql.SQL("DELETE FROM {table} WHERE window_start < %s").format(
    table=sql.Identifier(RateCounter._meta.db_table)
)
# After this share of new windows, counters of clients not seen for a window are deleted.
PRUNE_CHANCE = 0.01


def count_hit(bucket: str, client: str, window: int) -> int:
    """Count one request of `client` to `bucket` in `window`; the count so far, this one
    included. Counted in PostgreSQL's autocommit, outside any transaction of the request."""
    with connection.cursor() as cursor:
        cursor.execute(COUNT_HIT, [bucket, client[:64], window])
        hits = cursor.fetchone()[0]
        if hits == 1 and random.random() < PRUNE_CHANCE:
            cursor.execute(FORGET_OLD, [window - 1])
    return hits


def over_limit(request, bucket: str, limit: int):
    """None while `request`'s client has made at most `limit` requests to `bucket` this
    minute; beyond that, the 429 page saying when to try again.

    When the database cannot count (an outage), the request passes: the page it asks for
    then answers from the page cache, or with the 503 page."""
    now = time.time()
    window = math.floor(now / WINDOW_SECONDS)
    try:
        hits = count_hit(bucket, client_ip(request), window)
    except DatabaseError:
        return None
    if hits <= limit:
        return None
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


def _bucket(request) -> str | None:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    return RATE_LIMITED_VIEWS.get(match.view_name)


class RateLimitMiddleware:
    """At most settings.RATE_LIMIT_PER_MINUTE requests a minute per client address to search and
    to the CSV exports; beyond that a 429 page saying when to try again.

    A fixed one-minute window counted atomically in PostgreSQL (``count_hit``): of any number
    of parallel requests, exactly the limit pass. Placed before the page cache, so cached
    answers count too. (Other pages' cache misses have a limit of their own, in
    gazette_site.cache.)
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.RATE_LIMIT_PER_MINUTE
        bucket = _bucket(request) if limit > 0 else None
        if bucket is None:
            return self.get_response(request)
        return over_limit(request, bucket, limit) or self.get_response(request)
