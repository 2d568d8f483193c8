"""Small text helpers shared by the models, the importer and the pages."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_SPACES = re.compile(r"[\s\u3000\u00a0]+")

HEADING_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("chapter", re.compile(r"^第[一二三四五六七八九十百零〇]+章(\s|$)")),
    ("article", re.compile(r"^第[一二三四五六七八九十百零〇]+条(\s|$)")),
    ("heading1", re.compile(r"^[一二三四五六七八九十]+、")),
    ("heading2", re.compile(r"^[（(][一二三四五六七八九十]+[)）]")),
    ("heading3", re.compile(r"^\d{1,2}[.．、](?!\d)")),
]


def normalize_person_name(name: str) -> str:
    """`杨 军` → `杨军`: two-character names are typeset with a padding space."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", name or ""))


def collapse_spaces(text: str) -> str:
    return _SPACES.sub(" ", text or "").strip()


@dataclass(frozen=True)
class Block:
    kind: str  # "chapter", "article", "heading1", "heading2", "heading3" or "paragraph"
    text: str


def body_blocks(text: str) -> list[Block]:
    """Split a stored body (one paragraph per line) into blocks with their heading level."""
    blocks = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        kind = next((k for k, pattern in HEADING_PATTERNS if pattern.match(line)), "paragraph")
        blocks.append(Block(kind=kind, text=line))
    return blocks
