"""Chinese names in pinyin order, the order a reader looks a name up in.

PostgreSQL compares Chinese text by character code, which follows no reading: 市住建局 (住 is
U+4F4F) comes before 市医保局 (医, U+533B) and 市财政局 (财, U+8D22). The pinyin a name is read in
is its sort key: pypinyin reads it phrase by phrase, so that a polyphone is read as the word it
is in (银行 yin hang, 重庆 chong qing, 市长 shi zhang). The key is stored with each row
(`PinyinKeyField`) and computed when the row is written, so that lists sort in the database
with an index and no page computes a key.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from django.db import models
from pypinyin import Style, lazy_pinyin, load_phrases_dict

from documents import city

KEY_LENGTH = 255
_READING_LENGTH = 200  # of the syllables: names alike that far are ordered by their tones

# Readings pypinyin's phrase dictionary lacks in the names of units: the 行 of a bank is háng.
_PHRASES = {
    "人行": [["rén"], ["háng"]],
    "支行": [["zhī"], ["háng"]],
    "农发行": [["nóng"], ["fā"], ["háng"]],
}
_NOT_KEY = re.compile(r"[^a-z0-9]+")
# 市 at the start of a unit's name stands for the city (市医保局), except in the word 市场.
_CITY_WORD = re.compile(r"^市(?!场)")


@functools.cache
def _load_phrases() -> None:
    load_phrases_dict(_PHRASES)


@functools.lru_cache(maxsize=4096)
def sort_key(text: str) -> str:
    """The key `text` sorts by: its syllables without tones, then the tones for names read
    alike (实验 shi2 yan4 before 试验 shi4 yan4). Compared as bytes (the C collation): the
    space between syllables sorts before any letter, so 西安 (xi an) comes before 先 (xian),
    and the tab before the tones puts a name before the longer names it begins. Latin letters
    and digits are kept (5G, lower-cased), punctuation is not."""
    _load_phrases()
    text = unicodedata.normalize("NFKC", text or "").lower()
    plain = lazy_pinyin(text, style=Style.NORMAL)
    toned = lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True)
    syllables, tones = [], []
    for syllable, with_tone in zip(plain, toned, strict=True):
        letters = _NOT_KEY.sub("", syllable)
        if letters:
            syllables.append(letters)
            tones.append(with_tone[len(syllable) :] if with_tone.startswith(syllable) else "")
    if not syllables:
        return ""
    return f"{' '.join(syllables)[:_READING_LENGTH]}\t{''.join(tones)}"[:KEY_LENGTH]


def name_without_city(name: str) -> str:
    """A unit's name without the city's own name before it, which every department of the city
    shares and nobody looks a unit up by: 咸宁市医疗保障局 and 市医保局 are sorted as 医疗保障局
    and 医保局, among the 市直部门 where the directory lists them, not under X and S. 咸宁市市场
    监督管理局 keeps its 市场."""
    profile = city.current()
    for prefix in (profile.name, profile.short_name):
        if prefix and name.startswith(prefix) and len(name) > len(prefix):
            return name[len(prefix) :]
    stripped = _CITY_WORD.sub("", name)
    return stripped or name


class PinyinKeyField(models.CharField):
    """The pinyin sort key of the model's field `source` (of the unit's name without the city,
    with `without_city`), never edited by hand: set from the source whenever the row is
    written. Django calls a field's pre_save for save(), create() and bulk_create() alike (as
    it does for auto_now), so the importer's bulk inserts of a new issue's rows fill it too;
    save(update_fields=…) writes only the fields it names, so the model's save() adds the
    key to them (`with_pinyin_keys`). A QuerySet.update() of the source bypasses both: there
    is none."""

    def __init__(self, *args: Any, source: str = "name", without_city: bool = False, **kwargs):
        self.source = source
        self.without_city = without_city
        kwargs.setdefault("max_length", KEY_LENGTH)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("db_index", True)
        kwargs.setdefault("db_collation", "C")  # byte order: see sort_key()
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        if self.without_city:
            kwargs["without_city"] = True
        return name, path, args, kwargs

    def key_of(self, text: str) -> str:
        return sort_key(name_without_city(text) if self.without_city else text)

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        key = self.key_of(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, key)
        return key


def with_pinyin_keys(
    instance: models.Model, update_fields: Iterable[str] | None
) -> frozenset[str] | None:
    """`update_fields` with the pinyin keys of the fields it names (None: every field)."""
    if update_fields is None:
        return None
    names = set(update_fields)
    for field in instance._meta.concrete_fields:
        if isinstance(field, PinyinKeyField) and field.source in names:
            names.add(field.name)
    return frozenset(names)


def fill_pinyin_keys(model: type[models.Model], *, batch_size: int = 500) -> None:
    """Compute the pinyin keys of every row of `model` (a data migration's historical model
    too): rows written before the key existed."""
    fields = [f for f in model._meta.concrete_fields if isinstance(f, PinyinKeyField)]
    rows = list(model._default_manager.all())
    for row in rows:
        for field in fields:
            field.pre_save(row, add=False)
    model._default_manager.bulk_update(rows, [f.name for f in fields], batch_size=batch_size)
