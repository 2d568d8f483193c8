"""Search over published notices.

This first version answers document-number queries exactly and matches other text with a
plain substring filter; the tokenised, indexed full-text engine replaces the text part.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Q

from documents.docnumbers import DocNumberError, parse_doc_number
from documents.models import Notice

MAX_QUERY_LENGTH = 200
PAGE_SIZE = 20


@dataclass
class SearchResult:
    query: str
    message: str = ""
    redirect_to: Notice | None = None
    page: Page | None = None
    doc_number: str | None = None
    citing: list[Notice] = field(default_factory=list)


def clean_query(raw: str) -> str:
    """Drop control characters and cap the length, so any input gives a normal page."""
    text = "".join(ch for ch in (raw or "") if ch.isprintable() or ch == " ")
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


def search_notices(raw: str, *, page: str | int | None = None) -> SearchResult:
    query = clean_query(raw)
    result = SearchResult(query=query)
    if not query:
        result.message = "请输入发文字号或关键词。"
        return result
    published = Notice.objects.published().select_related("issue")
    try:
        number = parse_doc_number(query)
    except DocNumberError:
        number = None
    if number is not None:
        result.doc_number = number.canonical
        match = published.filter(doc_number=number.canonical).first()
        if match is not None:
            result.redirect_to = match
            return result
        result.citing = list(published.filter(citations__doc_number=number.canonical).distinct())
        result.message = f"本站未收录发文字号为 {number.canonical} 的文件。"
        return result
    condition = Q()
    for term in query.split(" "):
        condition &= (
            Q(title__icontains=term)
            | Q(body__icontains=term)
            | Q(doc_number__icontains=term)
            | Q(attachments__body__icontains=term)
        )
    matches = published.filter(condition).distinct().order_by("-issue__published_on", "order")
    result.page = Paginator(matches, PAGE_SIZE).get_page(page)
    if not result.page.paginator.count:
        result.message = f"没有找到包含“{query}”的文件。"
    return result
