"""The parser's structure kept with the text: the import stores it, the notice page shows it
(every chapter, section, article, heading, attachment and table with its id), /d/<number>/<id>/
links into the page, and a body staff edit gets its structure again by the parser's rules."""

import re
from pathlib import Path
from urllib.parse import quote

import pytest
from django.urls import reverse

from documents.models import Notice
from documents.services import issue_import
from documents.tests.factories import (
    EDITOR,
    admin_form_data,
    form_errors,
    make_attachment,
    make_notice,
    make_staff_user,
)

pytestmark = pytest.mark.django_db

ARTICLES = (Path(__file__).parent / "importer" / "fixtures" / "articles-issue.txt").read_bytes()
NUMBER = "咸政发〔2023〕9号"


def import_articles(*, publish: bool) -> Notice:
    issue_import(data=ARTICLES, publish=publish)
    return Notice.objects.get(doc_number=NUMBER)


def ids(body: str) -> list[str]:
    return re.findall(r'\bid="([^"]+)"', body)


def test_the_import_stores_what_the_parser_found_each_line_to_be():
    notice = import_articles(publish=False)
    lines = notice.body.split("\n")
    assert len(notice.structure) == len(lines)
    found = dict(zip(lines, notice.structure, strict=True))
    assert found["咸宁市古树名木保护办法"] == {"kind": "title"}
    assert found["第二章 保护和管理"] == {"kind": "chapter", "number": "第二章", "anchor": "第二章"}
    assert found["第三条 古树名木按照下列标准认定："] == {
        "kind": "article",
        "number": "第三条",
        "anchor": "第三条",
    }
    assert found["（一）树龄在一百年以上的树木；"]["anchor"] == "第三条-（一）"
    assert [entry["kind"] for entry in notice.structure].count("section") == 2
    attachment = notice.attachments.get()
    assert [entry.get("anchor") for entry in attachment.structure] == [
        "一",
        "一-（一）",
        "一-（二）",
        "二",
        None,
    ]
    # Importing the same text again changes nothing, the structure included.
    versions = notice.history.count()
    issue_import(data=ARTICLES)
    notice.refresh_from_db()
    assert notice.history.count() == versions


def test_the_page_gives_every_chapter_section_article_heading_and_attachment_its_id(client):
    notice = import_articles(publish=True)
    body = client.get(notice.get_absolute_url()).content.decode()
    for anchor in [
        "第一章",
        "第一条",
        "第二章",
        "第二章-第一节",
        "第三条",
        "第三条-（一）",
        "第三条-（二）",
        "第五条",
        "附件",
        "附件-一",
        "附件-一-（二）",
        "附件-二",
    ]:
        assert f'id="{anchor}"' in body, anchor
    assert len(ids(body)) == len(set(ids(body)))
    # The layout the printed page has: the letter, the signature, the enclosed rules' title,
    # chapters and sections as headings under it, articles with their number in bold.
    signature = body.index('class="signature"')
    assert body.index("现将《咸宁市古树名木保护办法》") < signature
    assert signature < body.index(
        '<h3 class="enclosed-title" id="印发文件">咸宁市古树名木保护办法</h3>'
    )
    assert '<h4 class="block-chapter" id="第二章">第二章 保护和管理</h4>' in body
    assert '<h5 class="block-section" id="第二章-第一节">第一节 认定</h5>' in body
    assert '<p class="block-article" id="第三条"><strong class="run-in">第三条</strong>' in body
    # An article's items are its text, however short: not headings.
    assert '<p id="第三条-（二）">（二）具有重要历史价值或者纪念意义的树木。</p>' in body


def test_the_page_shows_the_stored_structure_not_a_guess_from_the_text(client):
    body = "请遵照执行。\n实施细则\n一、总体要求\n坚持依法管理。"
    structure = [
        {"kind": "paragraph"},
        {"kind": "title"},  # no line above names it: only the stored structure says so
        {"kind": "heading1", "number": "一、", "anchor": "一"},
        {"kind": "paragraph"},
    ]
    notice = make_notice(published=True, body=body, structure=structure)
    page = client.get(notice.get_absolute_url()).content.decode()
    assert '<h3 class="enclosed-title" id="印发文件">实施细则</h3>' in page
    assert '<h4 class="block-heading1" id="一">一、总体要求</h4>' in page


def test_a_body_stored_without_its_structure_is_read_by_the_parsers_rules(client):
    notice = make_notice(published=True, body="第一章 总则\n第一条 为了规范管理，制定本办法。")
    make_attachment(notice=notice, label="附件2", body="一、甲\n（一）乙。")
    assert notice.structure == []
    page = client.get(notice.get_absolute_url()).content.decode()
    for anchor in ["第一章", "第一条", "附件2", "附件2-一", "附件2-一-（一）"]:
        assert f'id="{anchor}"' in page, anchor


@pytest.mark.parametrize(
    ("typed", "anchor"),
    [
        ("咸政发[2023]9号/第三条", "第三条"),
        ("咸政发（2023）9号/第3条", "第三条"),
        ("咸政发2023年第9号/第二章-第一节", "第二章-第一节"),
        ("咸政发〔2023〕9号/附件", "附件"),
    ],
)
def test_a_permalink_to_an_article_redirects_into_the_page(client, typed, anchor):
    notice = import_articles(publish=True)
    response = client.get(f"/d/{typed}/")
    assert response.status_code == 302
    assert response["Location"] == f"{notice.get_absolute_url()}#{quote(anchor)}"
    assert response["Location"].isascii()


def test_a_permalink_to_a_missing_article_or_notice_is_not_found(client):
    notice = import_articles(publish=True)
    assert client.get("/d/咸政发〔2023〕9号/第九十九条/").status_code == 404
    assert client.get("/d/咸政发〔2023〕99号/第一条/").status_code == 404
    assert client.get("/d/不是字号/第一条/").status_code == 404
    # The notice's own permalink is unchanged.
    assert client.get("/d/咸政发[2023]9号/")["Location"] == notice.get_absolute_url()


def test_a_body_edited_in_the_admin_gets_its_structure_by_the_parsers_rules(client):
    client.force_login(make_staff_user(groups=[EDITOR]))
    notice = import_articles(publish=False)
    attachment = notice.attachments.get()
    url = reverse("admin:documents_notice_change", args=[notice.pk])
    data = admin_form_data(client.get(url))
    data["body"] = data["body"].replace(
        "第五条 本办法", "第五条 古树名木保护经费列入财政预算。\n第六条 本办法"
    )
    data["attachments-0-body"] = "三、档案管理\n" + data["attachments-0-body"]
    response = client.post(url, data)
    assert response.status_code == 302, form_errors(response)

    notice.refresh_from_db()
    attachment.refresh_from_db()
    assert len(notice.structure) == len(notice.body.split("\n"))
    anchors = [entry.get("anchor") for entry in notice.structure]
    assert anchors[-3:] == ["第五条", "第六条", None]
    assert notice.structure[1] == {"kind": "title"}  # the enclosed title is kept
    assert attachment.structure[0] == {"kind": "heading1", "number": "三、", "anchor": "三"}
    assert len(attachment.structure) == len(attachment.body.split("\n"))
