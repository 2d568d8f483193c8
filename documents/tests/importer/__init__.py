"""Tests of the gazette parser (documents.importer), which needs no database.

Run them without Django: ``pytest -p no:django documents/tests/importer``.
"""

from __future__ import annotations

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
