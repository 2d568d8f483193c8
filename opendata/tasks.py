"""Work that runs outside the request, in the task queue on the database (django-tasks; the
worker is ``manage.py db_worker``, which ``make run`` starts). A mail that fails is tried again
later (RETRY_DELAYS), so a slow or failing mail server never slows publishing."""

from __future__ import annotations

import datetime
import logging
import smtplib

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from opendata.exports import rebuild_downloads

log = logging.getLogger(__name__)

RETRY_DELAYS = (60, 300, 1800, 7200)  # seconds before the 2nd, 3rd, 4th and 5th attempt


@task()
def rebuild_downloads_task() -> int:
    """Regenerate the bulk downloads; returns how many files were written."""
    return len(rebuild_downloads())


def _send_or_retry(message, retry, *args, attempt: int) -> bool:
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        if attempt >= len(RETRY_DELAYS):
            log.error("邮件多次发送失败，已放弃：%s", error)
            raise
        delay = datetime.timedelta(seconds=RETRY_DELAYS[attempt])
        retry.using(run_after=timezone.now() + delay).enqueue(*args, attempt=attempt + 1)
        log.warning("邮件发送失败，%s 后重试：%s", delay, error)
        return False
    return True


@task()
def send_confirmation(subscription_id: int, attempt: int = 0) -> bool:
    from opendata.alerts import confirmation_mail
    from opendata.models import Subscription

    subscription = Subscription.objects.filter(pk=subscription_id).first()
    if subscription is None or subscription.confirmed_at:
        return False  # withdrawn or confirmed meanwhile
    message = confirmation_mail(subscription)
    return _send_or_retry(message, send_confirmation, subscription_id, attempt=attempt)


@task()
def send_alert(subscription_id: int, notice_ids: list[int], attempt: int = 0) -> bool:
    """One subscriber's mail for one publication: the new or corrected notices its search
    finds among `notice_ids` (none: no mail)."""
    from opendata.alerts import Alert, alert_mail, matching
    from opendata.models import Subscription

    subscription = Subscription.objects.confirmed().filter(pk=subscription_id).first()
    if subscription is None:
        return False
    notices = matching(subscription, set(notice_ids))
    if not notices:
        return False
    sent = _send_or_retry(
        alert_mail(Alert(subscription, notices)),
        send_alert,
        subscription_id,
        notice_ids,
        attempt=attempt,
    )
    if sent:
        Subscription.objects.filter(pk=subscription_id).update(last_sent_at=timezone.now())
    return sent


@task()
def queue_alerts(notice_ids: list[int]) -> int:
    """Fan out one task a confirmed subscription (each retried on its own)."""
    from opendata.models import Subscription

    ids = list(Subscription.objects.confirmed().values_list("pk", flat=True))
    for pk in ids:
        send_alert.enqueue(pk, notice_ids)
    return len(ids)


def after_publication(notice_ids: list[int] | None = None, **kwargs) -> None:
    """Called when an issue is published or corrected: the downloads are rebuilt and the
    alerts sent once the transaction has committed (a rolled-back publication does neither)."""
    transaction.on_commit(rebuild_downloads_task.enqueue)
    if notice_ids:
        transaction.on_commit(lambda: queue_alerts.enqueue(list(notice_ids)))
