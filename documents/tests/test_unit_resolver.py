"""The importer's unit names: one unit whatever width or script a name is printed in."""

import pytest

from documents.importer.loader import LoadResult, UnitResolver
from documents.models import Unit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("printed", ["市發改委", "市 發改委", "市发改委", "咸寧市發展和改革委員會"])
def test_a_unit_printed_in_traditional_characters_is_the_unit(printed):
    unit = Unit.objects.named("市发改委").get()
    result = LoadResult()
    assert UnitResolver(result).resolve(printed) == unit
    assert result.units_created == []
