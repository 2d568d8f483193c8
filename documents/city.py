"""The city profile: what the portal and its importer know about the city whose gazette they
publish — its name and province, its counties and development zones, the issuers and their
agency codes, the seeded units with the other names they are printed under, and the gazette's
name and standing masthead.

One TOML file a city (``documents/cities/<name>.toml``), chosen by ``GAZETTE_CITY`` in the
environment (a name, or a path to a file); 咸宁市 when unset. Nothing else in the code names the
city, so the same importer serves another city's gazette. Pure Python, no Django: the parser
reads it too.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

__all__ = ["CityProfile", "SeedUnit", "Zone", "current", "load_profile", "using"]

PROFILES = Path(__file__).resolve().parent / "cities"
DEFAULT = "xianning"
_NAME_RE = re.compile(r"^[a-z][a-z0-9_-]{0,40}$")


class ProfileError(ValueError):
    """The profile file is missing or malformed; the message says which and why."""


@dataclass(frozen=True)
class SeedUnit:
    full_name: str
    short_name: str
    kind: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Zone:
    """A development zone: its name, the short names it is printed under, and the unit that
    administers it (咸宁高新区 / 高新区 / 咸宁高新区管委会)."""

    name: str
    aliases: tuple[str, ...] = ()
    administration: str = ""


@dataclass(frozen=True)
class Issuer:
    name: str
    codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class CityProfile:
    name: str  # 咸宁市
    short_name: str  # 咸宁
    province: str  # 湖北省
    government: str  # 咸宁市人民政府
    gazette_name: str
    gazette_name_en: str = ""
    masthead: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    counties: tuple[str, ...] = ()
    zones: tuple[Zone, ...] = ()
    issuers: tuple[Issuer, ...] = ()
    units: tuple[SeedUnit, ...] = ()

    @cached_property
    def places(self) -> tuple[str, ...]:
        """Counties, then zones: the places a project list locates projects in."""
        return (*self.counties, *(zone.name for zone in self.zones))

    @cached_property
    def short_places(self) -> dict[str, str]:
        """Place names as tables abbreviate them: 咸安 → 咸安区, 高新区 → 咸宁高新区."""
        names = {county[:2]: county for county in self.counties}
        for zone in self.zones:
            names.update(dict.fromkeys(zone.aliases, zone.name))
        return names

    @cached_property
    def zone_administrations(self) -> dict[str, str]:
        """The unit that speaks for each zone: 咸宁高新区管委会 → 咸宁高新区."""
        return {zone.administration: zone.name for zone in self.zones if zone.administration}

    @cached_property
    def home_places(self) -> dict[str, str]:
        """What 市 and 省 alone stand for in a name (市政府令, 省人民政府令)."""
        return {"市": self.name, "省": self.province}


def _strings(value, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ProfileError(f"{where} 应为字符串列表")
    return tuple(value)


def _text(table: dict, key: str, where: str, *, required: bool = True) -> str:
    value = table.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise ProfileError(f"{where}.{key} 必须填写（文本）")
    return value.strip()


def load_profile(source: str | Path) -> CityProfile:
    """Read a profile: a name under documents/cities/ (``xianning``) or a path to a file."""
    path = Path(source)
    if isinstance(source, str) and _NAME_RE.match(source):
        path = PROFILES / f"{source}.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ProfileError(f"找不到城市配置文件 {path}：{error.strerror or error}") from error
    except tomllib.TOMLDecodeError as error:
        raise ProfileError(f"城市配置文件 {path} 格式有误：{error}") from error
    city, gazette = data.get("city", {}), data.get("gazette", {})
    units = []
    for position, unit in enumerate(data.get("units", []), start=1):
        where = f"units[{position}]"
        units.append(
            SeedUnit(
                full_name=_text(unit, "full_name", where),
                short_name=_text(unit, "short_name", where),
                kind=_text(unit, "kind", where),
                aliases=_strings(unit.get("aliases", []), f"{where}.aliases"),
            )
        )
    return CityProfile(
        name=_text(city, "name", "city"),
        short_name=_text(city, "short_name", "city"),
        province=_text(city, "province", "city"),
        government=_text(city, "government", "city"),
        gazette_name=_text(gazette, "name", "gazette"),
        gazette_name_en=_text(gazette, "name_en", "gazette", required=False),
        masthead={k: str(v) for k, v in gazette.get("masthead", {}).items()},
        counties=tuple(_text(c, "name", "counties") for c in data.get("counties", [])),
        zones=tuple(
            Zone(
                name=_text(zone, "name", "zones"),
                aliases=_strings(zone.get("aliases", []), "zones.aliases"),
                administration=_text(zone, "administration", "zones", required=False),
            )
            for zone in data.get("zones", [])
        ),
        issuers=tuple(
            Issuer(_text(i, "name", "issuers"), _strings(i.get("codes", []), "issuers.codes"))
            for i in data.get("issuers", [])
        ),
        units=tuple(units),
    )


_override: CityProfile | None = None
_loaded: dict[str, CityProfile] = {}


def current() -> CityProfile:
    """The profile in use: the one `using` set, else ``GAZETTE_CITY``'s (read once)."""
    if _override is not None:
        return _override
    source = os.environ.get("GAZETTE_CITY", "").strip() or DEFAULT
    if source not in _loaded:
        _loaded[source] = load_profile(source)
    return _loaded[source]


@contextmanager
def using(profile: CityProfile) -> Iterator[CityProfile]:
    """Use `profile` inside the block (tests of another city's gazette)."""
    global _override
    previous, _override = _override, profile
    try:
        yield profile
    finally:
        _override = previous
