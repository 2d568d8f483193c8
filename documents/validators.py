"""Checks of uploaded files by their content, never by their name."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from documents.limits import MAX_PDF_BYTES, MEGABYTE

PDF_MAGIC = b"%PDF-"


def validate_pdf(value) -> None:
    """An issue's PDF: a file that starts with `%PDF-`, at most MAX_PDF_BYTES.

    Only a new upload is read; a file already stored passed this check when it came in. The
    header must be at the very start (readers tolerate junk before it, which is how files that
    are both HTML and PDF are built)."""
    if getattr(value, "_committed", True):
        return
    if value.size is not None and value.size > MAX_PDF_BYTES:
        raise ValidationError(
            _("PDF 文件过大：不能超过 %(limit)d MB。"),
            code="pdf_too_large",
            params={"limit": MAX_PDF_BYTES // MEGABYTE},
        )
    value.seek(0)
    head = value.read(len(PDF_MAGIC))
    value.seek(0)
    if head != PDF_MAGIC:
        raise ValidationError(
            _("这不是 PDF 文件：请上传公报的 PDF 版（文件内容须以 %PDF- 开头）。"),
            code="not_a_pdf",
        )
