"""What a page says about itself to crawlers, share sheets and phones: its canonical address,
its 栏目 (the gov.cn page metadata), the QR code of its address, and the values microdata and
links need in the forms their standards give (schema.org's legal force, tel: numbers)."""

from __future__ import annotations

import functools
import re
from urllib.parse import urlencode

import segno
from django import template
from django.utils.safestring import SafeString, mark_safe

from documents.models import Validity
from gazette_site.cache import query_parameters

register = template.Library()

# The 栏目 each public page belongs to (政府网站 ColumnName), as the main navigation names it.
COLUMNS = {
    "documents:home": "首页",
    "documents:issue_archive": "往期公报",
    "documents:issue_year": "往期公报",
    "documents:issue_detail": "往期公报",
    "documents:notice_detail": "往期公报",
    "documents:search": "文件检索",
    "documents:unit_list": "责任单位",
    "documents:unit_detail": "责任单位",
    "projects:project_list": "项目清单",
    "projects:task_list": "重点任务",
    "documents:group_list": "领导小组",
}

IN_FORCE = "https://schema.org/InForce"
NOT_IN_FORCE = "https://schema.org/NotInForce"

PHONE_NUMBER = re.compile(r"\+?[0-9][0-9 ()-]*[0-9]")


@register.simple_tag(takes_context=True)
def canonical_url(context) -> str:
    """The page's absolute address with only the query parameters that change what it shows:
    those its view reads (the rule CanonicalQueryMiddleware redirects by, so tracking
    parameters are gone already), without empty ones, in a fixed order."""
    request = context["request"]
    match = request.resolver_match
    reads = query_parameters(match.func) if match else frozenset()
    kept = sorted(
        (name, value)
        for name, values in request.GET.lists()
        if name in reads
        for value in values
        if value.strip()
    )
    query = f"?{urlencode(kept)}" if kept else ""
    return request.build_absolute_uri(f"{request.path}{query}")


@register.simple_tag(takes_context=True)
def column_name(context) -> str:
    """The page's 栏目 ("" for a page outside the navigation, such as an error page)."""
    match = context["request"].resolver_match
    return COLUMNS.get(match.view_name, "") if match else ""


@register.filter
def legal_force(validity: str) -> str:
    """schema.org's LegalForceStatus of a notice's current validity (有效: InForce; 已失效 and
    已废止: NotInForce)."""
    return IN_FORCE if validity == Validity.IN_FORCE else NOT_IN_FORCE


@register.filter
def tel_href(phone: str) -> str:
    """tel: link of a printed phone number (0715-8126116 → tel:0715-8126116); "" when the
    text is not one number, so that the page prints it without a link."""
    phone = (phone or "").strip()
    if not PHONE_NUMBER.fullmatch(phone):
        return ""
    return "tel:" + re.sub(r"[ ()]", "", phone)


@register.simple_tag
def qr_svg(url: str, label: str = "本页网址的二维码") -> SafeString:
    """The QR code of `url` as an SVG element to write into the page: no script, no image
    request, so the page's CSP allows it as it is. Made once per address in each process."""
    return _qr_svg(url, label)


@functools.lru_cache(maxsize=1024)
def _qr_svg(url: str, label: str) -> SafeString:
    code = segno.make(url, micro=False)
    # segno writes only its own markup (the title escaped), so the SVG is safe as it is.
    return mark_safe(code.svg_inline(scale=4, border=4, dark="#000", light="#fff", title=label))


class CaptureNode(template.Node):
    child_nodelists = ("nodelist",)

    def __init__(self, nodelist: template.NodeList, name: str):
        self.nodelist = nodelist
        self.name = name

    def render(self, context) -> str:
        context[self.name] = mark_safe(self.nodelist.render(context).strip())
        return ""


@register.tag
def capture(parser, token) -> CaptureNode:
    """{% capture as page_title %}{% block title %}…{% endblock title %}{% endcapture %}: what
    the enclosed template renders, kept in a variable so the page can print it more than once
    (the <title> and og:title; a block itself renders only once)."""
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("Usage: {% capture as name %}…{% endcapture %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])
