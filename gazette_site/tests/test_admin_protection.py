"""The admin's protections: login lockout, staff sessions that end when left idle, uploads checked
by content, and admin saves that are all or nothing."""

import datetime
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from documents.models import Issue, Notice
from documents.tests.factories import (
    EDITOR,
    PASSWORD,
    add_inline_rows,
    admin_form_data,
    form_errors,
    make_issue,
    make_notice,
    make_staff_user,
)

ROOT = Path(__file__).resolve().parents[2]
LOGIN = "/admin/login/?next=/admin/"


def log_in(client, username, password, address="203.0.113.7"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def logged_in(client) -> bool:
    return client.get("/admin/").status_code == 200


# --- Login lockout -----------------------------------------------------------------------------


@pytest.mark.login_lockout
def test_five_wrong_passwords_lock_the_login_with_a_clear_message(client, db):
    make_staff_user(username="bianji")
    for attempt in range(4):
        response = log_in(client, "bianji", "wrong-password")
        assert response.status_code == 200, attempt  # the login form again, with its error
    response = log_in(client, "bianji", "wrong-password")
    assert response.status_code == 429
    page = response.content.decode()
    assert "登录已锁定" in page
    assert "30 分钟" in page
    assert response["Retry-After"] == str(30 * 60)

    # Locked: even the right password does not get in.
    response = log_in(client, "bianji", PASSWORD)
    assert response.status_code == 429
    assert not logged_in(client)


@pytest.mark.login_lockout
def test_the_lock_ends_after_the_cool_off(client, db):
    make_staff_user(username="bianji")
    for _attempt in range(5):
        log_in(client, "bianji", "wrong-password")
    assert log_in(client, "bianji", PASSWORD).status_code == 429
    # Half an hour later (the attempts are dated back rather than waited for).
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=31))
    response = log_in(client, "bianji", PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


@pytest.mark.login_lockout
def test_a_lock_holds_one_user_name_from_one_address_only(client, db):
    make_staff_user(username="bianji")
    make_staff_user(username="shenhe")
    for _attempt in range(5):
        log_in(client, "bianji", "wrong-password", address="203.0.113.7")
    # A colleague at the same address, and the same user elsewhere, still log in.
    assert log_in(client, "shenhe", PASSWORD, address="203.0.113.7").status_code == 302
    client.logout()
    assert log_in(client, "bianji", PASSWORD, address="198.51.100.20").status_code == 302


@pytest.mark.login_lockout
def test_a_successful_login_clears_earlier_failures(client, db):
    make_staff_user(username="bianji")
    for _attempt in range(4):
        log_in(client, "bianji", "wrong-password")
    assert log_in(client, "bianji", PASSWORD).status_code == 302
    client.logout()
    for _attempt in range(4):
        log_in(client, "bianji", "wrong-password")
    assert log_in(client, "bianji", PASSWORD).status_code == 302


def test_lockout_and_session_lengths_come_from_the_environment():
    code = (
        "from django.conf import settings; "
        "print(settings.AXES_COOLOFF_TIME.total_seconds(), settings.SESSION_COOKIE_AGE, "
        "settings.AXES_FAILURE_LIMIT)"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "gazette_site.settings",
            "DJANGO_LOGIN_COOLOFF_MINUTES": "5",
            "DJANGO_SESSION_IDLE_MINUTES": "15",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["300.0", "900", "5"], result.stderr


# --- Staff sessions ----------------------------------------------------------------------------


def test_a_staff_session_ends_after_inactivity(client, db, settings):
    client.force_login(make_staff_user(groups=[EDITOR]))
    assert logged_in(client)
    # Nothing for longer than SESSION_COOKIE_AGE: the stored session has expired.
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


def test_every_request_moves_the_idle_expiry_forward(client, db, settings):
    client.force_login(make_staff_user(groups=[EDITOR]))
    Session.objects.update(expire_date=timezone.now() + datetime.timedelta(minutes=1))
    response = client.get("/admin/")
    assert response.status_code == 200
    remaining = Session.objects.get().expire_date - timezone.now()
    assert remaining > datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)
    assert settings.SESSION_COOKIE_AGE <= 60 * 60  # idle means minutes, not Django's two weeks
    # The cookie itself lasts only as long as the browser is open.
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert (cookie["max-age"], cookie["expires"]) == ("", "")
    assert cookie["httponly"] is True


# --- Uploaded PDFs -----------------------------------------------------------------------------


@pytest.fixture
def editor(client, db):
    user = make_staff_user(groups=[EDITOR])
    client.force_login(user)
    return user


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def issue_form(client, issue, pdf):
    url = reverse("admin:documents_issue_change", args=[issue.pk])
    data = admin_form_data(client.get(url), pdf=pdf)
    return client.post(url, data)


PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("gazette.pdf", b"<html><script>alert(1)</script></html>"),  # named .pdf, is HTML
        ("gazette.pdf", b"PK\x03\x04 a zip file"),
        ("gazette.pdf", b""),
        ("gazette.pdf", b"  %PDF-1.7 with junk before the header"),
    ],
)
def test_an_upload_that_is_not_a_pdf_is_refused_with_a_chinese_message(
    client, editor, media_root, name, content
):
    issue = make_issue(year=2022, number=5)  # numbers the admin form accepts (1–99)
    response = issue_form(client, issue, SimpleUploadedFile(name, content))
    assert response.status_code == 200
    errors = form_errors(response)
    on_pdf = [message for field, message in errors.where if field == "pdf"]
    assert on_pdf, errors
    assert all("文件" in message for message in on_pdf), on_pdf  # says what is wrong, in Chinese
    issue.refresh_from_db()
    assert not issue.pdf
    assert not list(media_root.rglob("*.pdf"))


def test_a_pdf_over_the_size_cap_is_refused(client, editor, media_root):
    issue = make_issue(year=2022, number=5)  # numbers the admin form accepts (1–99)
    # The cap made tiny rather than a 50 MB upload: the check is the same.
    with mock.patch("documents.validators.MAX_PDF_BYTES", len(PDF) - 1):
        response = issue_form(client, issue, SimpleUploadedFile("big.pdf", PDF))
    assert "过大" in " ".join(form_errors(response))
    issue.refresh_from_db()
    assert not issue.pdf


def test_a_pdf_is_stored_under_media_named_after_the_issue(client, editor, media_root, settings):
    issue = make_issue(year=2022, number=5)
    response = issue_form(client, issue, SimpleUploadedFile("<evil>.html", PDF))
    assert response.status_code == 302, form_errors(response)
    issue.refresh_from_db()
    assert issue.pdf.name == "issues/xianning-gazette-2022-05.pdf"
    stored = Path(issue.pdf.path)
    assert stored.is_relative_to(media_root)
    assert not stored.is_relative_to(settings.STATIC_ROOT)
    assert stored.read_bytes() == PDF


def test_a_published_issue_s_pdf_is_served_as_a_safe_download(client, db, media_root):
    issue = make_issue(year=2022, number=5, published=True)
    issue.pdf.save("whatever.pdf", SimpleUploadedFile("x.pdf", PDF))
    page = client.get(issue.get_absolute_url()).content.decode()
    assert 'href="/issues/2022/5/pdf/"' in page
    assert "/media/" not in page

    response = client.get("/issues/2022/5/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="xianning-gazette-2022-05.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


def test_a_draft_issue_s_pdf_is_not_served(client, db, media_root):
    issue = make_issue(year=2022, number=6)
    issue.pdf.save("draft.pdf", SimpleUploadedFile("x.pdf", PDF))
    assert client.get("/issues/2022/6/pdf/").status_code == 404
    # Nor under the upload's own address: nothing serves MEDIA_URL.
    assert client.get(f"/media/{issue.pdf.name}").status_code == 404


# --- All or nothing ----------------------------------------------------------------------------


def snapshot() -> tuple:
    return (
        Issue.objects.count(),
        Notice.objects.count(),
        Issue.history.count(),
        Notice.history.count(),
        sorted(Notice.objects.values_list("title", flat=True)),
        sorted(Issue.objects.values_list("address", flat=True)),
    )


@pytest.mark.django_db(transaction=True)
def test_a_failure_while_saving_inlines_leaves_nothing_of_the_save(client):
    """The admin saves an issue and its table of contents in one transaction: when the database
    fails at the second new notice, the issue's own change and the first notice are gone too,
    and the editor gets the friendly 503 page, not a traceback."""
    client.force_login(make_staff_user(groups=[EDITOR]))
    issue = make_issue(year=2022, number=5)  # numbers the admin form accepts (1–99)
    make_notice(issue=issue, title="已有的文件", order=1)
    before = snapshot()

    url = reverse("admin:documents_issue_change", args=[issue.pk])
    data = admin_form_data(client.get(url), address="咸宁市新地址")
    add_inline_rows(
        data,
        "notices",
        {"order": 2, "title": "新文件一", "issuer": "咸宁市人民政府"},
        {"order": 3, "title": "新文件二", "issuer": "咸宁市人民政府"},
    )
    original_save = Notice.save
    saved = []

    def save_then_fail(self, *args, **kwargs):
        if self.title == "新文件二":
            raise OperationalError("server closed the connection unexpectedly")
        original_save(self, *args, **kwargs)
        saved.append(self.title)

    with mock.patch.object(Notice, "save", save_then_fail):
        response = client.post(url, data)

    assert response.status_code != 200, form_errors(response)  # the form was valid
    assert saved == ["新文件一"]  # the failure came midway, after a row was written
    assert response.status_code == 503
    assert "服务暂时不可用" in response.content.decode()
    assert snapshot() == before
