"""The site's own table: request counters for the rate limits (gazette_site.security)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RateCounter(models.Model):
    """Requests of one client address to one bucket in the current one-minute window.

    Counted by one ``INSERT … ON CONFLICT … RETURNING`` statement, atomic across every worker
    (the file cache's add-then-increment let 117 of 200 parallel searches through a limit of
    60). An unlogged table: counters need no crash safety and skip the write-ahead log."""

    bucket = models.CharField(_("类别"), max_length=16)
    client = models.CharField(_("客户端地址"), max_length=64)
    window_start = models.BigIntegerField(_("计数窗口"))
    hits = models.PositiveIntegerField(_("请求次数"))

    class Meta:
        verbose_name = _("访问计数")
        verbose_name_plural = _("访问计数")
        constraints = [
            models.UniqueConstraint(fields=["bucket", "client"], name="ratecounter_bucket_client")
        ]
        indexes = [models.Index(fields=["window_start"], name="ratecounter_window")]

    def __str__(self):
        return f"{self.bucket} {self.client}: {self.hits}"
