"""What pages say about themselves (documents/templatetags/page_meta.py): the canonical address,
the gov.cn and Open Graph meta tags, schema.org Legislation microdata on notice pages, the QR
code to share a notice, and the footer's contact links."""

import datetime
from typing import cast

import lxml.html
import pytest
from django.conf import settings

from documents.models import Notice, Unit
from documents.templatetags.page_meta import qr_svg
from documents.tests.factories import make_issue, make_notice
from documents.tests.sample import (
    PLAN_NUMBER,
    sample_for_the_module,  # noqa: F401 (the `sample` fixture, imported once for the module)
)
from gazette_site.tests.test_security import InlineCodeFinder

pytestmark = pytest.mark.django_db

HOST = "http://testserver"


def html(client, url: str) -> lxml.html.HtmlElement:
    response = client.get(url)
    assert response.status_code == 200, url
    return lxml.html.fromstring(response.content.decode())


def nodes(element: lxml.html.HtmlElement, path: str) -> list[lxml.html.HtmlElement]:
    return cast(list[lxml.html.HtmlElement], element.xpath(path))


def head_meta(page: lxml.html.HtmlElement) -> dict[str, str]:
    """<meta name=…> and <meta property=…> of the page's head, by name."""
    return {
        meta.get("name") or meta.get("property"): meta.get("content")
        for meta in page.head.iter("meta")
        if meta.get("name") or meta.get("property")
    }


def canonical(page: lxml.html.HtmlElement) -> str:
    (link,) = nodes(page.head, "link[@rel='canonical']")
    return link.get("href")


def public_pages(sample) -> list[str]:
    notice = Notice.objects.get(doc_number=PLAN_NUMBER)
    unit = Unit.objects.public().order_by("pk").first()
    assert unit is not None
    return [
        "/",
        "/issues/",
        "/issues/2022/",
        sample.get_absolute_url(),
        notice.get_absolute_url(),
        "/search/?q=%E9%80%9A%E7%9F%A5",  # 通知
        "/units/",
        unit.get_absolute_url(),
        "/groups/",
        "/projects/",
        "/tasks/",
    ]


def test_every_page_type_names_its_canonical_address(client, sample):
    for url in public_pages(sample):
        assert canonical(html(client, url)) == f"{HOST}{url}", url


def test_the_canonical_address_leaves_out_what_does_not_change_the_page(client, sample):
    # Tracking parameters are redirected away; empty filters and the parameters' order are not
    # another page.
    response = client.get("/search/?q=通知&utm_source=weixin&spm=a2c4g", follow=True)
    query = "q=%E9%80%9A%E7%9F%A5"
    assert canonical(lxml.html.fromstring(response.content)) == f"{HOST}/search/?{query}"
    page = html(client, "/search/?sort=date&issuer=&q=通知")
    assert canonical(page) == f"{HOST}/search/?{query}&sort=date"


def test_pages_carry_the_gov_cn_and_open_graph_tags(client, sample):
    meta = head_meta(html(client, "/issues/"))
    assert meta["SiteName"] == settings.GAZETTE_NAME
    assert meta["ColumnName"] == "往期公报"
    assert meta["og:site_name"] == settings.GAZETTE_NAME
    assert meta["og:title"] == f"往期公报 · {settings.GAZETTE_NAME}"
    assert meta["og:type"] == "website"
    assert meta["og:url"] == f"{HOST}/issues/"
    assert meta["og:description"] == meta["description"] != ""
    assert head_meta(html(client, "/projects/"))["ColumnName"] == "项目清单"


def test_a_notice_page_carries_the_article_tags(client, sample):
    notice = Notice.objects.get(doc_number=PLAN_NUMBER)
    meta = head_meta(html(client, notice.get_absolute_url()))
    assert meta["ArticleTitle"] == notice.title
    # Printed on 16 November 2022, imported later: dated by the printed date.
    assert meta["PubDate"] == "2022-11-16 00:00"
    assert meta["ContentSource"] == notice.issuer == "咸宁市人民政府办公室"
    assert meta["og:type"] == "article"
    assert meta["og:title"] == f"{notice.title} · {settings.GAZETTE_NAME}"
    assert meta["og:url"] == f"{HOST}{notice.get_absolute_url()}"
    assert meta["og:description"] == f"{notice.title}（{PLAN_NUMBER}）"


def microdata(element: lxml.html.HtmlElement) -> dict[str, object]:
    """The properties of the microdata item `element` (HTML's microdata model: an itemprop
    belongs to its nearest itemscope; values from content, href, datetime or the text)."""
    properties: dict[str, object] = {}
    for node in element.iterdescendants():
        name = node.get("itemprop")
        scope = next(a for a in node.iterancestors() if a.get("itemscope") is not None)
        if name is None or scope is not element:
            continue
        if node.get("itemscope") is not None:
            value: object = {"@type": node.get("itemtype"), **microdata(node)}
        elif node.tag == "meta":
            value = node.get("content")
        elif node.tag in ("a", "link"):
            value = node.get("href")
        elif node.tag == "time":
            value = node.get("datetime")
        else:
            value = node.text_content().strip()
        properties[name] = value
    return properties


def legislation(page: lxml.html.HtmlElement) -> dict[str, object]:
    (item,) = nodes(page, "//*[@itemtype='https://schema.org/Legislation']")
    return microdata(item)


def test_a_notice_page_is_described_as_legislation(client, sample):
    notice = Notice.objects.get(doc_number=PLAN_NUMBER)
    assert notice.signed_on
    item = legislation(html(client, notice.get_absolute_url()))
    assert item == {
        "name": notice.title,
        "url": f"{HOST}{notice.get_absolute_url()}",
        "legislationIdentifier": PLAN_NUMBER,
        "legislationPassedBy": {
            "@type": "https://schema.org/GovernmentOrganization",
            "name": "咸宁市人民政府办公室",
        },
        "legislationDate": notice.signed_on.isoformat(),
        "isPartOf": sample.get_absolute_url(),
        "legislationLegalForce": "https://schema.org/InForce",
    }


def test_a_notice_no_longer_in_force_says_so(client, sample):
    issue = make_issue(published=True, year=2016, published_on=datetime.date(2016, 3, 1))
    notice = make_notice(issue=issue, valid_years=2)  # expired in 2018
    item = legislation(html(client, notice.get_absolute_url()))
    assert item["legislationLegalForce"] == "https://schema.org/NotInForce"


def test_a_notice_page_has_a_qr_code_of_its_address_to_share_and_no_script(client, sample):
    notice = Notice.objects.get(doc_number=PLAN_NUMBER)
    body = client.get(notice.get_absolute_url()).content.decode()
    page = lxml.html.fromstring(body)
    (section,) = nodes(page, "//section[h2='分享到微信']")
    (svg,) = nodes(section, ".//svg")
    assert nodes(svg, ".//path") and svg.findtext("title") == "本页网址的二维码"
    expected = lxml.html.fragment_fromstring(str(qr_svg(f"{HOST}{notice.get_absolute_url()}")))
    assert lxml.html.tostring(svg) == lxml.html.tostring(expected)
    finder = InlineCodeFinder()
    finder.feed(body)
    assert finder.found == []


def test_the_footer_links_the_phone_and_the_mailbox(client, sample):
    (footer,) = nodes(html(client, "/"), "//footer")
    masthead = settings.GAZETTE_MASTHEAD
    (phone,) = nodes(footer, f".//a[@href='tel:{masthead['phone']}']")
    (mail,) = nodes(footer, f".//a[@href='mailto:{masthead['email']}']")
    assert (phone.text, mail.text) == (masthead["phone"], masthead["email"])
