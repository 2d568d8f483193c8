"""The city profile's places as the importer matches them (documents.city): the counties and
development zones, their short forms, and the words a unit's name may start with. Built once a
profile, so a test can switch cities with ``city.using``."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from documents import city

__all__ = ["Places", "places"]

_PLACE_SUFFIX_RE = re.compile(r"(?:省|市|自治区|特别行政区)$")


@dataclass(frozen=True)
class Places:
    counties: tuple[str, ...]  # 咸安区 … (the county-level governments' places)
    places: tuple[str, ...]  # counties, then zones: where a project can be
    short_names: dict[str, str]  # 咸安 → 咸安区, 高新区 → 咸宁高新区
    county_government_re: re.Pattern[str]  # 咸安区人民政府 → 咸安区
    zone_administrations: dict[str, str]  # 咸宁高新区管委会 → 咸宁高新区
    place_in_name_re: re.Pattern[str]  # a place (or its short form) inside a project's name
    unit_start_re: re.Pattern[str]  # what a unit's name starts with: 市, 省, 咸宁, 湖北, 咸安区 …

    def zone_of(self, unit: str) -> str | None:
        """The zone a unit administers: 咸宁高新区管委会 (or 管理委员会) → 咸宁高新区."""
        name = unit.replace("管理委员会", "管委会")
        return self.zone_administrations.get(name)


def places() -> Places:
    return _build(city.current())


@functools.cache
def _build(profile: city.CityProfile) -> Places:
    counties = profile.counties
    short = profile.short_places
    alternatives = sorted([*profile.places, *short], key=len, reverse=True)
    county_names = "|".join(map(re.escape, counties)) or "(?!)"
    province = _PLACE_SUFFIX_RE.sub("", profile.province)
    starts = ["市", "省", "县", "各", profile.short_name, province, "中国", "国家", "团市委"]
    starts += [*counties, *(name[:2] for name in counties), *(z.name for z in profile.zones)]
    return Places(
        counties=counties,
        places=profile.places,
        short_names=short,
        county_government_re=re.compile(rf"^({county_names})(?:人民)?政府$"),
        zone_administrations=dict(profile.zone_administrations),
        place_in_name_re=re.compile("|".join(map(re.escape, alternatives)) or "(?!)"),
        unit_start_re=re.compile(
            "^(?:" + "|".join(map(re.escape, sorted(set(starts), key=len, reverse=True))) + ")"
        ),
    )
