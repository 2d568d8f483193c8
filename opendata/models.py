"""The bulk downloads (/data/): one row a file, with what a downloader checks it by."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Download(models.Model):
    """A generated archive: the whole published archive (`year` None) or one year, as JSON
    Lines or CSV, zipped. Rebuilt when an issue is published or corrected."""

    class Format(models.TextChoices):
        JSONL = "jsonl", "JSON Lines"
        CSV = "csv", "CSV"

    year = models.PositiveSmallIntegerField(_("年份"), null=True, blank=True)
    format = models.CharField(_("格式"), max_length=8, choices=Format)
    name = models.CharField(_("文件名"), max_length=80, unique=True)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    notices = models.PositiveIntegerField(_("文件数"))
    generated_at = models.DateTimeField(_("生成时间"))

    class Meta:
        verbose_name = _("批量下载文件")
        verbose_name_plural = _("批量下载文件")
        ordering = [models.F("year").desc(nulls_first=True), "format"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "format"], name="download_year_format", nulls_distinct=False
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("opendata:download", args=[self.name])


class SubscriptionRequest(models.Model):
    """One request for an alert, for the abuse limits only: keyed hashes of the address and of
    the client address, kept for a day."""

    email_key = models.CharField(max_length=64, db_index=True)
    client_key = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("订阅申请记录")
        verbose_name_plural = _("订阅申请记录")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M}"


class SubscriptionQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)


class Subscription(models.Model):
    """An e-mail alert for a search: the address (kept for this alone, never shown), the
    search's parameters as the search page reads them, and the secret its links carry.
    Active once confirmed (double opt-in); deleted, not flagged, when its owner unsubscribes."""

    email = models.EmailField(_("电子邮箱"), max_length=254)
    query = models.JSONField(_("检索条件"), default=dict)
    label = models.CharField(_("说明"), max_length=300)
    token = models.CharField(_("令牌"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    last_sent_at = models.DateTimeField(_("上次发送"), null=True, blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("邮件订阅")
        verbose_name_plural = _("邮件订阅")
        constraints = [models.UniqueConstraint(fields=["email", "query"], name="subscription_once")]

    def __str__(self) -> str:
        return self.label
