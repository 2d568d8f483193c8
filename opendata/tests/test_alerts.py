"""E-mail alerts for any search: double opt-in, one mail a publication, one-click unsubscribe,
abuse limits, hostile input."""

from __future__ import annotations

import smtplib
from unittest import mock

import pytest
from django.core import mail
from django_tasks_db.models import DBTaskResult

from documents.models import Notice
from documents.services import issue_import
from documents.tests.sample import MINIMAL
from opendata import alerts
from opendata.models import Subscription
from opendata.tasks import queue_alerts, send_alert, send_confirmation

pytestmark = pytest.mark.django_db


def ask(client, email: str, address: str = "198.51.100.1", **query):
    return client.post("/alerts/new/", {"email": email, **query}, REMOTE_ADDR=address)


def queued(task) -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=task.module_path).order_by("enqueued_at"))


def run(result: DBTaskResult):
    return result.task.call(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])


def test_subscribe_confirm_receive_and_unsubscribe_in_one_click(
    client, django_capture_on_commit_callbacks
):
    assert "电子邮箱" in client.get("/alerts/new/?q=绿化").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, "Reader@Example.GOV.cn", q="绿化")
    assert response.status_code == 200 and "请查收确认邮件" in response.content.decode()
    subscription = Subscription.objects.get()
    assert subscription.email == "Reader@example.gov.cn" and subscription.query == {"q": "绿化"}
    assert not mail.outbox  # sent by the worker, not the request
    [confirmation] = queued(send_confirmation)
    run(confirmation)
    [message] = mail.outbox
    assert message.to == ["Reader@example.gov.cn"] and "绿化" in message.subject
    assert f"/alerts/confirm/{subscription.token}/" in message.body
    unsubscribe_url = f"/alerts/unsubscribe/{subscription.token}/"
    assert message.extra_headers["List-Unsubscribe"].endswith(f"{unsubscribe_url}>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # Not confirmed yet: a publication sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        issue_import(data=MINIMAL, publish=True)
    for result in queued(queue_alerts):
        run(result)
    assert not [r for r in queued(send_alert) if run(r)]
    assert client.get(f"/alerts/confirm/{subscription.token}/").status_code == 200
    subscription.refresh_from_db()
    assert subscription.confirmed_at is None  # opening the link (a scanner) confirms nothing
    client.post(f"/alerts/confirm/{subscription.token}/")
    subscription.refresh_from_db()
    assert subscription.confirmed_at is not None

    mail.outbox.clear()
    notice = Notice.objects.get(doc_number="咸政发〔2023〕3号")  # 城市绿化管理办法
    assert send_alert.call(
        subscription.pk,
        [notice.pk, *Notice.objects.exclude(pk=notice.pk).values_list("pk", flat=True)],
    )
    [alert] = mail.outbox
    assert notice.title in alert.body and f"/notices/{notice.pk}/" in alert.body
    assert "退订" in alert.body

    # One click from the mail client: a POST without a CSRF token.
    strict = client.__class__(enforce_csrf_checks=True)
    assert strict.post(unsubscribe_url).status_code == 200
    assert not Subscription.objects.exists()  # the address is gone with it


def test_a_failing_mail_server_is_retried_later_and_never_slows_the_request(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, "reader@example.gov.cn", q="绿化")
    [confirmation] = queued(send_confirmation)
    with mock.patch(
        "django.core.mail.EmailMultiAlternatives.send", side_effect=smtplib.SMTPException("down")
    ):
        assert run(confirmation) is False
    retries = queued(send_confirmation)
    assert len(retries) == 2 and retries[1].args_kwargs["kwargs"]["attempt"] == 1
    assert retries[1].run_after is not None


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("not-an-address", "电子邮箱地址无效"),
        ("a@example.com\r\nBcc: victim@example.com", "电子邮箱地址无效"),
        ("x" * 300 + "@example.com", "电子邮箱地址无效"),
        ("", "电子邮箱地址无效"),
    ],
)
def test_hostile_addresses_are_refused_with_a_message(client, email, message):
    response = ask(client, email, q="绿化")
    assert response.status_code == 400 and message in response.content.decode()
    assert not Subscription.objects.exists()


def test_control_characters_in_the_search_never_reach_a_mail_header(
    client, django_capture_on_commit_callbacks
):
    hostile = {"q": "绿化\r\nBcc: victim@example.com", "issuer": "\x00"}
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, "reader@example.gov.cn", **hostile)
    assert response.status_code == 200
    subscription = Subscription.objects.get()
    assert subscription.query == {"q": "绿化 Bcc: victim@example.com"}  # no issuer left
    [confirmation] = queued(send_confirmation)
    assert run(confirmation) is True
    [message] = mail.outbox
    assert "\n" not in message.subject and "\r" not in message.subject
    assert message.to == ["reader@example.gov.cn"] and not message.bcc


def test_abuse_limits_per_address_per_client_and_per_mailbox(client):
    for n in range(alerts.CONFIRMATIONS_PER_ADDRESS_PER_HOUR):
        assert (
            ask(client, "same@example.com", address=f"203.0.113.{n}", q=f"词{n}").status_code == 200
        )
    refused = ask(client, "same@example.com", address="203.0.113.99", q="另一个词")
    assert refused.status_code == 400 and "一小时内已申请多次" in refused.content.decode()
    # The same request again and again counts too (no mail bombing by repeating it).
    for n in range(alerts.REQUESTS_PER_CLIENT_PER_HOUR):
        assert ask(
            client, f"r{n % 2}@example.org", address="198.51.100.9", q="绿化"
        ).status_code in (200, 400)
    flood = ask(client, "late@example.com", address="198.51.100.9", q="抗旱")
    assert flood.status_code == 400 and "申请订阅过多" in flood.content.decode()
    Subscription.objects.all().delete()
    subs = [
        Subscription(email="many@example.com", query={"q": f"词{n}"}, label="x", token=f"t{n}")
        for n in range(alerts.SUBSCRIPTIONS_PER_ADDRESS)
    ]
    Subscription.objects.bulk_create(subs)
    too_many = ask(client, "many@example.com", address="192.0.2.50", q="再一个")
    assert too_many.status_code == 400 and "最多订阅" in too_many.content.decode()


def test_addresses_are_never_shown(client):
    ask(client, "secret@example.com", q="绿化")
    token = Subscription.objects.get().token
    for url in (f"/alerts/confirm/{token}/", f"/alerts/unsubscribe/{token}/", "/data/"):
        assert "secret@example.com" not in client.get(url).content.decode()
    assert client.get("/alerts/confirm/" + "x" * 80 + "/").status_code == 404


def test_a_unit_pages_alert_lists_the_notices_giving_the_unit_a_role(client):
    """The unit page's alert follows the unit as its feed does (a project, a task, a seat),
    not the notices that merely print its name."""
    from documents.tests.factories import (
        NoticeFactory,
        make_group,
        make_membership,
        make_project,
        make_responsibility,
        make_unit,
    )

    unit = make_unit(full_name="咸宁市提醒测试局", short_name="市提醒局")
    with_project = NoticeFactory.create(published=True)
    make_responsibility(project=make_project(notice=with_project), unit=unit)
    with_seat = NoticeFactory.create(published=True)
    make_membership(group=make_group(notice=with_seat), unit=unit)
    naming_it = NoticeFactory.create(published=True, body="请市提醒局配合。")
    draft = NoticeFactory.create()
    make_responsibility(project=make_project(notice=draft), unit=unit)

    page = client.get(unit.get_absolute_url()).content.decode()
    assert f"/alerts/new/?unit={unit.pk}" in page
    form = client.get(f"/alerts/new/?unit={unit.pk}").content.decode()
    assert "市提醒局的文件" in form and f'value="{unit.pk}"' in form
    assert ask(client, "reader@example.gov.cn", unit=str(unit.pk)).status_code == 200
    subscription = Subscription.objects.get()
    assert subscription.query == {"unit": str(unit.pk)}
    candidates = {with_project.pk, with_seat.pk, naming_it.pk, draft.pk}
    assert set(alerts.matching(subscription, candidates)) == {with_project, with_seat}
    # With a search too: the unit's notices that the search finds.
    subscription.query = {"unit": str(unit.pk), "q": "不存在的词语"}
    assert alerts.matching(subscription, candidates) == []


@pytest.mark.parametrize("unit", ["abc", "999999999", "1e3", "１２", "-1"])
def test_an_alert_for_a_unit_that_does_not_exist_is_a_404(client, unit):
    assert client.get(f"/alerts/new/?unit={unit}").status_code == 404
    assert ask(client, "reader@example.gov.cn", unit=unit).status_code == 404
    assert not Subscription.objects.exists()
