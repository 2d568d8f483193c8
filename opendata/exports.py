"""Writing the bulk downloads: every published notice with its issue, attachments, tables,
citations and structured items, as JSON Lines and as CSV (UTF-8 with BOM, for Excel), zipped,
for the whole archive and for each year.

Files are written row by row into a temporary file and renamed into place, so a download in
progress never sees half a file and memory stays flat whatever the archive's size; the SHA-256
is computed over the written zip."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from documents.models import Notice
from opendata.models import Download

CSV_COLUMNS = [
    "id",
    "doc_number",
    "title",
    "kind",
    "normative",
    "issuer",
    "signed_on",
    "effective_on",
    "expires_on",
    "validity",
    "issue_year",
    "issue_number",
    "issue_total_number",
    "issue_published_on",
    "page",
    "index_number",
    "topic",
    "url",
]
# Every key of a JSON Lines record, in order (CSV_COLUMNS are the flat ones); the data dictionary
# describes each from the API's schema (opendata.dictionary.bulk_fields).
RECORD_KEYS = (
    *CSV_COLUMNS[:6],
    "signer",
    "addressees",
    *CSV_COLUMNS[6:],
    "body",
    "attachments",
    "tables",
    "citations",
)
# The keys of the records a record's lists hold, each the API field of the same name.
NESTED_KEYS = {
    "attachments": ("label", "title", "body"),
    "tables": ("order", "title", "header", "rows"),
    "citations": ("kind", "doc_number", "cited_title"),
}
BATCH = 200  # notices read a query at a time


def downloads_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "data"


def _notices(year: int | None):
    notices = Notice.objects.published().with_validity().select_related("issue")
    if year is not None:
        notices = notices.filter(issue__year=year)
    return notices.prefetch_related("attachments", "tables", "citations").order_by(
        "issue__year", "issue__number", "order"
    )


def _record(notice: Notice, base_url: str) -> dict:
    issue = notice.issue
    return {
        "id": notice.pk,
        "doc_number": notice.doc_number,
        "title": notice.title,
        "kind": notice.kind,
        "normative": notice.normative,
        "issuer": notice.issuer,
        "signer": notice.signer,
        "addressees": notice.addressees,
        "signed_on": notice.signed_on.isoformat() if notice.signed_on else None,
        "effective_on": notice.effective_on.isoformat() if notice.effective_on else None,
        "expires_on": notice.expires_on.isoformat() if notice.expires_on else None,
        "validity": getattr(notice, "current_validity", notice.validity),
        "issue_year": issue.year,
        "issue_number": issue.number,
        "issue_total_number": issue.total_number,
        "issue_published_on": issue.published_on.isoformat(),
        "page": notice.page,
        "index_number": notice.index_number,
        "topic": notice.topic,
        "url": base_url.rstrip("/") + notice.get_absolute_url(),
        "body": notice.body,
        "attachments": [
            {"label": a.label, "title": a.title, "body": a.body} for a in notice.attachments.all()
        ],
        "tables": [
            {"order": t.order, "title": t.title, "header": t.header, "rows": t.rows}
            for t in notice.tables.all()
        ],
        "citations": [
            {"kind": c.kind, "doc_number": c.doc_number, "cited_title": c.cited_title}
            for c in notice.citations.all()
        ],
    }


def _records(year: int | None, base_url: str) -> Iterator[dict]:
    for notice in _notices(year).iterator(chunk_size=BATCH):
        yield _record(notice, base_url)


def _write_zip(path: Path, member: str, lines: Iterator[str]) -> tuple[int, str]:
    """Write `lines` into a zip at `path` (atomically); return its size and SHA-256."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
    try:
        with (
            os.fdopen(handle, "wb") as raw,
            zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED) as archive,
            archive.open(member, "w", force_zip64=True) as entry,
        ):
            text = io.TextIOWrapper(entry, encoding="utf-8", newline="")
            for line in lines:
                text.write(line)
            text.flush()
            text.detach()
        digest = hashlib.sha256()
        with open(temporary, "rb") as written:
            for chunk in iter(lambda: written.read(1 << 20), b""):
                digest.update(chunk)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path.stat().st_size, digest.hexdigest()


def _jsonl(records: Iterator[dict]) -> Iterator[str]:
    for record in records:
        yield json.dumps(record, ensure_ascii=False) + "\n"


def _csv(records: Iterator[dict]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"  # BOM: Excel opens UTF-8 as such only with it
    writer.writerow(CSV_COLUMNS)
    for record in records:
        writer.writerow(["" if record[c] is None else record[c] for c in CSV_COLUMNS])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def file_name(year: int | None, format: str) -> str:
    scope = str(year) if year is not None else "all"
    return f"xianning-gazette-{scope}.{format}.zip"


def rebuild_downloads(base_url: str | None = None) -> list[Download]:
    """Write every download again (the archive, each year with published notices) and record
    it; files of years no longer published are removed."""
    base_url = base_url or settings.GAZETTE_PUBLIC_BASE_URL
    years = sorted(set(Notice.objects.published().values_list("issue__year", flat=True)))
    scopes: list[int | None] = [None, *years]
    written: list[Download] = []
    now = timezone.now()
    for year in scopes:
        count = _notices(year).count()
        for format, encode in ((Download.Format.JSONL, _jsonl), (Download.Format.CSV, _csv)):
            name = file_name(year, format)
            member = name.removesuffix(".zip")
            size, sha256 = _write_zip(
                downloads_dir() / name, member, encode(_records(year, base_url))
            )
            row, _ = Download.objects.update_or_create(
                year=year,
                format=format,
                defaults={
                    "name": name,
                    "size": size,
                    "sha256": sha256,
                    "notices": count,
                    "generated_at": now,
                },
            )
            written.append(row)
    with transaction.atomic():
        stale = Download.objects.exclude(pk__in=[row.pk for row in written])
        for row in stale:
            (downloads_dir() / row.name).unlink(missing_ok=True)
        stale.delete()
    return written
