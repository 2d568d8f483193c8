"""E-mail alerts end to end, through a real SMTP server (aiosmtpd on a free loopback port) and
the real task worker (``manage.py db_worker``): subscribe on the page, confirm by the link in
the mail received, publish an issue with a matching notice, receive one mail naming it,
unsubscribe by its link, publish again, receive nothing."""

from __future__ import annotations

import email
import io
import re
import socket
from email.message import EmailMessage
from email.policy import default as default_policy
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.test import Client
from django_tasks_db.models import DBTaskResult

from documents.models import Notice
from documents.services import issue_import, issue_publish
from documents.tests.sample import MINIMAL, MINIMAL_SECOND
from opendata.models import Subscription
from opendata.tasks import queue_alerts, send_alert

BASE_URL = "http://gazette.example.gov.cn"
READER = "reader@example.gov.cn"


class Mailbox:
    """aiosmtpd's handler: keeps every message the server accepts, as parsed e-mail."""

    def __init__(self):
        self.received: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        self.received.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def take(self) -> list[tuple[list[str], EmailMessage]]:
        taken, self.received = self.received, []
        return taken


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def mailbox(settings, tmp_path):
    """A real SMTP server on loopback, and Django's SMTP backend pointed at it."""
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.GAZETTE_PUBLIC_BASE_URL = BASE_URL
    settings.MEDIA_ROOT = tmp_path  # the bulk downloads a publication rebuilds
    yield box
    controller.stop()


def work() -> None:
    """What the worker does in production: run every task that is due, then stop."""
    call_command("db_worker", batch=True, no_startup_delay=True, stdout=io.StringIO())


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return part.get_content()


def link(text: str, kind: str) -> str:
    """The path of the one `kind` link (confirm, unsubscribe) in a mail's text."""
    [url] = re.findall(rf"{re.escape(BASE_URL)}/alerts/{kind}/[\w-]+/", text)
    return urlsplit(url).path


@pytest.mark.django_db(transaction=True)  # the worker closes the test's connection
def test_subscribe_confirm_receive_one_mail_unsubscribe_and_receive_nothing(client, mailbox):
    # Subscribe on the page: the request only queues the mail.
    response = client.post("/alerts/new/", {"email": READER, "q": "绿化"})
    assert response.status_code == 200 and "请查收确认邮件" in response.content.decode()
    assert not mailbox.received
    work()
    [(to, confirmation)] = mailbox.take()
    assert to == [READER] and "绿化" in confirmation["Subject"]

    # Confirm by the link in the mail, as its page does (a GET alone confirms nothing).
    confirm = link(text_of(confirmation), "confirm")
    page = client.get(confirm)
    assert page.status_code == 200 and '<form method="post">' in page.content.decode()
    assert Subscription.objects.get().confirmed_at is None
    assert client.post(confirm).status_code == 200
    assert Subscription.objects.get().confirmed_at is not None

    # Publish an issue with a matching notice: one mail, naming it.
    issue = issue_import(data=MINIMAL).issue
    assert issue is not None and not mailbox.received
    issue_publish(issue=issue)
    assert not mailbox.received  # publishing sends nothing itself: the worker does
    work()
    [(to, alert)] = mailbox.take()
    notice = Notice.objects.get(doc_number="咸政发〔2023〕3号")  # 城市绿化管理办法
    body = text_of(alert)
    assert to == [READER] and "1 件新文件" in alert["Subject"]
    assert notice.title in body and f"{BASE_URL}/notices/{notice.pk}/" in body
    others = Notice.objects.filter(issue=issue).exclude(pk=notice.pk)
    assert others and not [n for n in others if n.title in body]  # only what matches
    unsubscribe = link(body, "unsubscribe")
    # (The long header is folded, so its unfolded value may start with a space.)
    assert alert["List-Unsubscribe"].strip() == f"<{BASE_URL}{unsubscribe}>"
    assert alert["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # Unsubscribe by the link: its page, then the mail client's one-click POST (RFC 8058,
    # without a CSRF token).
    page = client.get(unsubscribe)
    assert page.status_code == 200 and "退订" in page.content.decode()
    one_click = Client(enforce_csrf_checks=True).post(
        unsubscribe,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert one_click.status_code == 200
    assert not Subscription.objects.exists()

    # Publish again: the alerts run, and nobody is left to write to.
    second = issue_import(data=MINIMAL_SECOND).issue
    assert second is not None
    issue_publish(issue=second)
    work()
    assert not mailbox.received
    fan_outs = DBTaskResult.objects.filter(task_path=queue_alerts.module_path)
    assert [r.status for r in fan_outs] == ["SUCCESSFUL", "SUCCESSFUL"]
    assert DBTaskResult.objects.filter(task_path=send_alert.module_path).count() == 1
