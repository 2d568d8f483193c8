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
def time_element(value: datetime.date | None) -> str:
    """{{ issue.published_on|time_element }} → <time datetime="2022-11-16">2022年11月16日</time>."""
    if not value:
        return ""
    return format_html('<time datetime="{}">{}</time>', value.isoformat(), chinese_date(value))
