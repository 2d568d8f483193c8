"""Tests of the gazette parser (documents.importer), which needs no database.

Run them without Django: ``pytest -p no:django documents/tests/importer``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[3]
HERE = Path(__file__).resolve().parent
EXPECTED = HERE / "expected"
FIXTURES = HERE / "fixtures"

# The sample issue (2022年第5号): the repository's copy, else the shared one beside the checkout.
SAMPLE_CANDIDATES = (
    REPOSITORY / "documents" / "demo" / "xianning-2022-05.txt",
    REPOSITORY.parent / "shared" / "gazettes" / "xianning-2022-05.txt",
)


def sample_path() -> Path:
    """Where the sample issue is (the repository copy first)."""
    for path in SAMPLE_CANDIDATES:
        if path.is_file():
            return path
    raise FileNotFoundError(
        "找不到样例公报 xianning-2022-05.txt：" + "，".join(map(str, SAMPLE_CANDIDATES))
    )


def sample_text() -> str:
    return sample_path().read_text(encoding="utf-8")


_LINE_PREFIX_RE = re.compile(r"^第\d+行[：\s]")


def without_lines(report: dict) -> dict:
    """A report without the line numbers it gives (notices' lines, warnings' line prefixes):
    what a text changed only by where its lines fall still has to match."""
    report = json.loads(json.dumps(report, default=str))
    report["warnings"] = [_LINE_PREFIX_RE.sub("", warning) for warning in report["warnings"]]
    for notice in report["notices"]:
        notice.pop("line", None)
        for warning in notice["warnings"]:
            warning.pop("line", None)
    return report
