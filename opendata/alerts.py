"""E-mail alerts for any search: subscribe (double opt-in), send what a publication brought,
unsubscribe in one click. Sending runs in the task queue (opendata.tasks), never in the
request; every limit and refusal has a Chinese message."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from documents.feeds import describe_search
from documents.models import Notice, Unit
from documents.search import SearchFilters, clean_query, search_notices, searching_on
from opendata.models import Subscription, SubscriptionRequest

# Abuse limits (README, "Open data").
CONFIRMATIONS_PER_ADDRESS_PER_HOUR = 3
REQUESTS_PER_CLIENT_PER_HOUR = 10
SUBSCRIPTIONS_PER_ADDRESS = 20
MAX_PAGES = 10  # pages of 20 hits read for one alert (200 notices: more is a wider search)
SEARCH_KEYS = ("q", *SearchFilters.PARAMETERS)
UNIT_KEY = "unit"  # a unit page's alert: the notices giving that unit a role (as its feed)


class SubscriptionRefused(ValueError):
    """The request cannot be taken; the message says why, in Chinese."""


def query_of(params) -> dict[str, str]:
    """The search parameters a subscription keeps: those the search page reads, non-empty,
    without control characters (a line break would end up in the mails' subject)."""
    cleaned = {k: clean_query(str(params.get(k) or ""))[:200] for k in SEARCH_KEYS}
    query = {k: v for k, v in cleaned.items() if v}
    unit = alert_unit({UNIT_KEY: str(params.get(UNIT_KEY) or "")})
    if unit is not None:
        query[UNIT_KEY] = str(unit.pk)
    return query


def alert_unit(query) -> Unit | None:
    """The public unit a query names by its id (``unit``), if it names one."""
    value = str(query.get(UNIT_KEY) or "")
    if not value.isascii() or not value.isdigit() or len(value) > 9:
        return None
    return Unit.objects.public().filter(pk=int(value)).first()


def describe(query: dict[str, str]) -> str:
    """The alert's search in words (the feeds' own wording): 检索 “绿化”，发文机关：…"""
    words = describe_search(query)
    unit = alert_unit(query)
    if unit is not None:
        return (f"{unit.display_name}的文件" + ("中检索 " + words if words else ""))[:300]
    return ("检索 " + words if words else "全部新文件")[:300]


def keyed(address: str) -> str:
    """A keyed hash: what the abuse limits count by, without keeping the address itself."""
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


def _clean_email(raw: str) -> str:
    email = (raw or "").strip()
    if any(c in email for c in "\r\n\0") or len(email) > 254:
        raise SubscriptionRefused("电子邮箱地址无效。")
    try:
        validate_email(email)
    except ValidationError as error:
        raise SubscriptionRefused("电子邮箱地址无效，请检查后重新输入。") from error
    local, _, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}"


def subscribe(*, email: str, params, client_address: str) -> Subscription:
    """Record an unconfirmed alert and queue its confirmation mail. Refused: an invalid
    address, too many requests from one client or for one address, too many alerts."""
    from opendata.tasks import send_confirmation

    email = _clean_email(email)
    query = query_of(params)
    now = timezone.now()
    SubscriptionRequest.objects.filter(at__lt=now - datetime.timedelta(days=1)).delete()
    recent = SubscriptionRequest.objects.filter(at__gte=now - datetime.timedelta(hours=1))
    client, mailbox = keyed(client_address), keyed(email.lower())
    if recent.filter(client_key=client).count() >= REQUESTS_PER_CLIENT_PER_HOUR:
        raise SubscriptionRefused("本网络地址在一小时内申请订阅过多，请稍后再试。")
    # Every request counts, refused or not, repeated or not: no flooding a mailbox.
    SubscriptionRequest.objects.create(email_key=mailbox, client_key=client)
    if recent.filter(email_key=mailbox).count() > CONFIRMATIONS_PER_ADDRESS_PER_HOUR:
        raise SubscriptionRefused("该邮箱在一小时内已申请多次，请先查收确认邮件，稍后再试。")
    if Subscription.objects.filter(email=email).count() >= SUBSCRIPTIONS_PER_ADDRESS:
        raise SubscriptionRefused(
            f"每个邮箱最多订阅 {SUBSCRIPTIONS_PER_ADDRESS} 项，请先退订不再需要的订阅。"
        )
    existing = Subscription.objects.filter(email=email, query=query).first()
    if existing is not None and existing.confirmed_at:
        return existing  # already active: nothing to confirm again
    subscription = existing or Subscription(
        email=email, query=query, label=describe(query), token=secrets.token_urlsafe(32)
    )
    try:
        with transaction.atomic():
            subscription.save()
            transaction.on_commit(lambda: send_confirmation.enqueue(subscription.pk))
    except IntegrityError as error:  # the same request at the same moment
        raise SubscriptionRefused("该订阅已在办理中，请查收确认邮件。") from error
    return subscription


def _absolute(path: str) -> str:
    return settings.GAZETTE_PUBLIC_BASE_URL.rstrip("/") + path


def _mail(subscription: Subscription, subject: str, template: str, context: dict):
    unsubscribe = _absolute(reverse("opendata:unsubscribe", args=[subscription.token]))
    context = {
        **context,
        "subscription": subscription,
        "unsubscribe_url": unsubscribe,
        "gazette_name": settings.GAZETTE_NAME,
    }
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"opendata/mail/{template}.txt", context),
        to=[subscription.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    return message


def confirmation_mail(subscription: Subscription):
    confirm = _absolute(reverse("opendata:confirm", args=[subscription.token]))
    return _mail(
        subscription,
        f"请确认订阅：{settings.GAZETTE_NAME} · {subscription.label}"[:150],
        "confirm",
        {"confirm_url": confirm},
    )


@dataclass
class Alert:
    subscription: Subscription
    notices: list[Notice]


def matching(subscription: Subscription, notice_ids: set[int]) -> list[Notice]:
    """Which of `notice_ids` the subscription's search finds (the search page's own search)."""
    params = QueryDict(mutable=True)
    params.update(subscription.query)
    filters = SearchFilters.from_params(params)
    query = subscription.query.get("q", "")
    if UNIT_KEY in subscription.query:
        unit = alert_unit(subscription.query)
        if unit is None:  # merged or withdrawn since: nothing can be its
            return []
        notices = Notice.objects.published().for_unit(unit).filter(pk__in=notice_ids)
        notice_ids = set(notices.values_list("pk", flat=True))
    if not query and not filters.active:
        return list(Notice.objects.filter(pk__in=notice_ids).order_by("order"))
    found: list[Notice] = []
    for page in range(1, MAX_PAGES + 1):
        with searching_on("default"):  # the notices just published, never a replica's lag
            result = search_notices(query, filters=filters, sort="date", page=page)
        if result.redirect_to is not None:
            return [result.redirect_to] if result.redirect_to.pk in notice_ids else []
        if result.page is None:
            break
        found += [hit.notice for hit in result.page.hits if hit.notice.pk in notice_ids]
        if not result.page.has_next:
            break
    return found


def alert_mail(alert: Alert):
    notices = [(n, _absolute(n.get_absolute_url())) for n in alert.notices]
    return _mail(
        alert.subscription,
        f"{settings.GAZETTE_NAME}：{len(notices)} 件新文件符合“{alert.subscription.label}”"[:150],
        "alert",
        {"notices": notices},
    )
