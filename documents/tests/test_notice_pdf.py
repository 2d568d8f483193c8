"""The PDF of a notice (/notices/<id>/pdf/): only of published notices, with what the paper
copy must carry, typeset once per content version. One small notice keeps WeasyPrint cheap."""

import datetime
import io
import re

import pdfplumber
import pytest
from django.urls import reverse

import documents.pdf
from documents.pdf import column_widths
from documents.tests.factories import NoticeFactory, make_issue
from gazette_site.cache import content_changed

pytestmark = pytest.mark.django_db

TITLE = "咸宁市人民政府办公室关于印发测试打印文件管理办法的通知"


@pytest.fixture
def notice():
    return NoticeFactory.create(
        published=True,
        title=TITLE,
        doc_number="咸政办发〔2022〕77号",
        issuer="咸宁市人民政府办公室",
        signed_on=datetime.date(2022, 7, 15),
        addressees="各县、市、区人民政府，市政府各部门",
        body="为规范测试打印文件管理，现将有关事项通知如下。\n一、总体要求\n按时报送。",
    )


def squashed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_text(content: bytes) -> str:
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        return squashed("".join(page.extract_text() or "" for page in pdf.pages))


@pytest.mark.page_cache
def test_a_published_notice_downloads_as_a_pdf_with_what_the_paper_must_carry(
    client, notice, monkeypatch, django_capture_on_commit_callbacks
):
    renders = []
    render = documents.pdf.render_notice_pdf

    def counted(*args, **kwargs):
        renders.append(1)
        return render(*args, **kwargs)

    monkeypatch.setattr(documents.pdf, "render_notice_pdf", counted)
    url = reverse("documents:notice_pdf", args=[notice.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    content = b"".join(response.streaming_content)
    assert content.startswith(b"%PDF-")
    text = pdf_text(content)
    for printed in [
        TITLE,
        "咸政办发〔2022〕77号",
        "各县、市、区人民政府，市政府各部门：",
        "咸宁市人民政府办公室2022年7月15日",  # the signature and its date
        f"http://testserver/notices/{notice.pk}/",
        "—1—",
    ]:
        assert printed in text

    again = client.get(url)
    assert b"".join(again.streaming_content) == content
    assert len(renders) == 1  # the second came from the cache

    notice.title = "咸宁市人民政府办公室关于印发更正后的测试文件的通知"
    notice.save()
    with django_capture_on_commit_callbacks(execute=True):
        content_changed()  # as the admin's save does
    changed = pdf_text(b"".join(client.get(url).streaming_content))
    assert "更正后的测试文件" in changed
    assert len(renders) == 2


def test_only_published_notices_have_a_pdf(client):
    draft = NoticeFactory.create(issue=make_issue())
    for pk in [draft.pk, draft.pk + 1000]:
        assert client.get(reverse("documents:notice_pdf", args=[pk])).status_code == 404


def test_the_notice_page_links_its_pdf_and_offers_to_print(client, notice):
    body = client.get(notice.get_absolute_url()).content.decode()
    assert f'href="{reverse("documents:notice_pdf", args=[notice.pk])}"' in body
    assert re.search(r'<button type="button" class="[^"]*print-button[^"]*" hidden>', body)


def test_columns_of_short_values_keep_them_on_one_line_and_the_rest_share_the_width():
    header = ["序号", "项目名称", "建设内容", "完成时限", "责任单位"]
    rows = [
        ["1", "咸宁市测试项目", "建设内容" * 60, "2025年", "市发改委"],
        ["2", "咸宁市另一个测试项目名称", "建设" * 40, "持续推进", "市发改委、市财政局、市住建局"],
    ]
    widths = column_widths(header, rows)
    assert sum(widths) == pytest.approx(100, abs=0.1)

    def fits(column: int, chars: int) -> bool:
        width = widths[column] / 100 * documents.pdf.TEXT_WIDTH_PT
        return width >= chars * documents.pdf.TABLE_FONT_PT + documents.pdf.CELL_EXTRA_PT - 0.1

    assert fits(0, 2) and fits(3, 4)  # 序号, 持续推进: on one line
    assert not fits(2, 60)  # the long text wraps …
    assert widths[2] > widths[1] > widths[0]  # … in the widest column
