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


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern for ``multiple``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


MAX_DOCUMENTS = 20  # files a form takes at once


class AddDocumentsForm(forms.Form):
    """Single documents for one issue (Word, PDF, web page or text, several at once): each is
    read by content and must state this issue or none."""

    documents = MultipleFileField(
        label=_("文件"),
        help_text=_(
            "一件或多件文件（最多 %(n)d 件）：Word（.docx）、PDF、保存的网页（如政府信息公开页面）"
            "或纯文本，每件不超过 %(mb)d MB。"
        )
        % {"n": MAX_DOCUMENTS, "mb": MAX_IMPORT_BYTES // MEGABYTE},
    )

    def clean_documents(self):
        uploads = self.cleaned_data["documents"]
        if len(uploads) > MAX_DOCUMENTS:
            raise forms.ValidationError(_("一次最多上传 %(n)d 件文件。") % {"n": MAX_DOCUMENTS})
        files = []
        for upload in uploads:
            name = str(upload.name or "")[:255]
            if upload.size > MAX_IMPORT_BYTES:
                raise forms.ValidationError(
                    _("%(name)s 过大：不能超过 %(limit)d MB。")
                    % {"name": name, "limit": MAX_IMPORT_BYTES // MEGABYTE}
                )
            data = upload.read()
            if not data.strip():
                raise forms.ValidationError(_("%(name)s 是空文件。") % {"name": name})
            files.append((name, data))
        return files

    def store(self) -> list[tuple[str, str]]:
        """Keep the uploads outside every static path until the import is confirmed:
        (file name, SHA-256) for each."""
        stored = []
        for name, data in self.cleaned_data["documents"]:
            digest = hashlib.sha256(data).hexdigest()
            path = import_store_path(digest)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            stored.append((name, digest))
        return stored


class AddDocumentsConfirmForm(forms.Form):
    """Step 2: the stored uploads, each named by its SHA-256 and file name."""

    digests = forms.CharField(widget=forms.HiddenInput)
    names = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        digests = self.cleaned_data.get("digests", "").split(",")
        names = self.cleaned_data.get("names", "").split("/")
        if (
            not digests
            or len(digests) > MAX_DOCUMENTS
            or not all(_SHA256.match(d) and import_store_path(d).exists() for d in digests)
        ):
            raise forms.ValidationError(_("上传的文件已失效，请重新上传。"))
        names += [""] * (len(digests) - len(names))
        self.files_data = [
            (name[:255], import_store_path(digest).read_bytes())
            for name, digest in zip(names, digests, strict=False)
        ]
        return self.cleaned_data


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
