"""Template filters of the portal: the gazette's date, in one place."""

import datetime

from django import template
from django.utils.html import format_html

from documents.text import chinese_date

register = template.Library()


@register.filter(name="chinese_date")
def chinese_date_filter(value: datetime.date | None) -> str:
    """{{ notice.signed_on|chinese_date }} → 2022年11月16日 ("" for no date)."""
    return chinese_date(value) if value else ""


@register.filter
def time_element(value: datetime.date | None, itemprop: str = "") -> str:
    """{{ issue.published_on|time_element }} → <time datetime="2022-11-16">2022年11月16日</time>;
    {{ notice.signed_on|time_element:"legislationDate" }} adds itemprop="legislationDate"
    (microdata reads a <time>'s datetime)."""
    if not value:
        return ""
    prop = format_html(' itemprop="{}"', itemprop) if itemprop else ""
    return format_html(
        '<time datetime="{}"{}>{}</time>', value.isoformat(), prop, chinese_date(value)
    )
