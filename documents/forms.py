import hashlib
import re

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from documents.limits import MAX_IMPORT_BYTES, MEGABYTE

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def import_store_path(digest: str):
    return settings.MEDIA_ROOT / "imports" / f"{digest}.txt"


class IssueImportForm(forms.Form):
    """Step 1 of the admin import: the issue's file (PDF, Word, web page or text), read by
    content, not by name (`documents.importer.sources`)."""

    file = forms.FileField(
        label=_("公报文件"),
        help_text=_(
            "公报的 PDF、Word（.docx）、保存的网页（网络版或政府信息公开页面）"
            f"或纯文本（UTF-8 或 GB18030 编码），不超过 {MAX_IMPORT_BYTES // MEGABYTE} MB。"
            "按内容识别格式，与文件名无关。"
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.source_name = str(upload.name or "")[:255]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("文件过大：不能超过 %(limit)d MB。") % {"limit": MAX_IMPORT_BYTES // MEGABYTE}
            )
        data = upload.read()
        if not data.strip():
            raise forms.ValidationError(_("文件是空的。"))
        return data

    def store(self) -> str:
        """Keep the upload outside every static path until the import is confirmed."""
        data = self.cleaned_data["file"]
        digest = hashlib.sha256(data).hexdigest()
        path = import_store_path(digest)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return digest


class IssueImportConfirmForm(forms.Form):
    """Step 2: confirm the import of a stored upload, named by its SHA-256."""

    digest = forms.CharField(widget=forms.HiddenInput)
    source_name = forms.CharField(widget=forms.HiddenInput, required=False, max_length=255)

    def clean_digest(self):
        digest = self.cleaned_data["digest"]
        if not _SHA256.match(digest) or not import_store_path(digest).exists():
            raise forms.ValidationError(_("上传的文件已失效，请重新上传。"))
        return digest

    def data_bytes(self) -> bytes:
        return import_store_path(self.cleaned_data["digest"]).read_bytes()
