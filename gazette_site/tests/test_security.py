"""Security headers, the Content-Security-Policy, and pages that need no inline script or style."""

from html.parser import HTMLParser
from typing import cast

import pytest

pytestmark = pytest.mark.django_db


def csp_directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    directives = {}
    for part in policy.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


PUBLIC_PAGES = [
    "/",
    "/issues/",
    "/issues/2022/",
    "/issues/2022/5/",
    "/notices/{notice}/",
    "/units/",
    "/units/{unit}/",
    "/projects/",
    "/tasks/",
    "/groups/",
    "/search/?q=第一段",
    "/search/?q=项目&year=2022",
    "/no-such-page/",
]


def public_pages(ids) -> list[str]:
    return [url.format(**ids) for url in PUBLIC_PAGES]


def test_every_public_page_sends_the_security_headers(client, published):
    for url in public_pages(published):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response["X-Frame-Options"] == "DENY", url
        assert response["Referrer-Policy"] == "same-origin", url
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", url
        assert "camera=()" in response["Permissions-Policy"], url
        assert "geolocation=()" in response["Permissions-Policy"], url
        directives = csp_directives(response)
        assert directives["script-src"] == ["'self'"], url
        assert directives["style-src"] == ["'self'"], url
        assert directives["frame-ancestors"] == ["'none'"], url
        assert directives["object-src"] == ["'none'"], url
        assert "'unsafe-inline'" not in response["Content-Security-Policy"], url
        assert "'unsafe-eval'" not in response["Content-Security-Policy"], url


@pytest.mark.page_cache
def test_a_page_from_the_page_cache_has_the_headers_too(client, published):
    client.get("/issues/")
    response = client.get("/issues/")
    assert response["X-Page-Cache"] == "hit"
    assert csp_directives(response)["script-src"] == ["'self'"]
    assert "Permissions-Policy" in response


def test_the_admin_keeps_scripts_to_its_own_files(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/admin/documents/issue/add/")
    assert response.status_code == 200
    directives = csp_directives(response)
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    # Only inline style *attributes*, which Django's own admin templates use.
    assert directives["style-src-attr"] == ["'unsafe-inline'"]


class InlineCodeFinder(HTMLParser):
    """Everything a strict CSP would refuse: inline <script>, <style>, style="", on…="",
    javascript: links."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and not attrs.get("src"):
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style>")
        for name, value in attrs.items():
            if name == "style" or name.startswith("on"):
                self.found.append(f'{tag} {name}="{value}"')
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"{tag} {name}={value}")


def test_public_pages_need_no_inline_script_or_style(client, published):
    for url in public_pages(published):
        finder = InlineCodeFinder()
        finder.feed(client.get(url).content.decode())
        assert finder.found == [], url


def test_the_error_pages_need_no_inline_style(client, db):
    from django.template.backends.django import Template
    from django.template.loader import get_template

    for name in ["500.html", "503.html", "429.html", "404.html"]:
        source = cast(Template, get_template(name)).template.source
        finder = InlineCodeFinder()
        finder.feed(source)
        assert finder.found == [], name


def test_cookies_are_http_only_and_same_site(settings):
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert settings.CSRF_COOKIE_SAMESITE == "Lax"


def test_the_admin_login_page_sets_a_same_site_csrf_cookie(client):
    response = client.get("/admin/login/")
    cookie = response.cookies["csrftoken"]
    assert cookie["samesite"] == "Lax"
    assert cookie["httponly"] is True


def test_over_https_browsers_are_told_to_stay_on_https(client, settings):
    # The values DJANGO_SECURE_SSL=1 gives (test_settings checks that mapping).
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    response = client.get("/issues/", secure=True)
    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")
