"""The search index's table: written and read only by documents.search."""

from __future__ import annotations

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from documents.models.issues import Issue, Validity
from documents.models.notices import Notice


class SearchEntry(models.Model):
    """A notice as the search sees it: lexemes, normalised text, facet values.

    Written only by documents.search: index_notices (in the same transaction as the change it
    follows) and rebuild_index (a new table, swapped in); read only by documents.search.
    Drafts are indexed too: publishing an issue needs no reindex, because every search joins
    the live publication status of the issue."""

    notice = models.OneToOneField(
        Notice,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_entry",
        verbose_name=_("文件"),
    )
    issue = models.ForeignKey(
        Issue, on_delete=models.CASCADE, related_name="+", verbose_name=_("刊期")
    )
    year = models.PositiveSmallIntegerField(_("刊期年份"))
    issuer = models.CharField(_("发文机关"), max_length=100)
    agency_code = models.CharField(_("机关代字"), max_length=20, blank=True)
    doc_number = models.CharField(_("发文字号"), max_length=64, blank=True)
    validity = models.CharField(_("效力状态（人工）"), max_length=16, choices=Validity)
    expires_on = models.DateField(_("有效期至"), null=True, blank=True)
    signed_on = models.DateField(_("成文日期"), null=True, blank=True)
    date = models.DateField(_("排序日期"), help_text=_("成文日期，缺时用出版日期。"))
    has_projects = models.BooleanField(_("含项目清单"), default=False)
    has_tasks = models.BooleanField(_("含任务清单"), default=False)
    title_text = models.TextField(_("标题与字号（规范化）"), blank=True)
    heading_text = models.TextField(_("附件标题、机构与单位（规范化）"), blank=True)
    search_text = models.TextField(_("全文（规范化）"), blank=True)
    text = models.TextField(_("原文（供摘要）"), blank=True)
    vector = SearchVectorField(_("检索词"), null=True)
    overflow = models.BooleanField(
        _("超长文件"), default=False, help_text=_("检索词超出 tsvector 上限，按全文逐字匹配。")
    )
    indexed_at = models.DateTimeField(_("索引时间"))

    class Meta:
        verbose_name = _("检索索引")
        verbose_name_plural = _("检索索引")
        indexes = [
            GinIndex(fields=["vector"], name="searchentry_vector"),
            models.Index(
                fields=["notice"], condition=Q(overflow=True), name="searchentry_overflow"
            ),
            models.Index(fields=["-date", "-notice"], name="searchentry_date"),
        ]

    def __str__(self) -> str:
        return str(self.notice_id)
