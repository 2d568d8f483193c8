"""Seed the units named in the gazette, from the city profile (documents/cities/*.toml): full
name, short name, kind and the other names (variants and known misprints) they are printed
under. The importer matches names through these; a name it cannot match creates a unit
flagged for review. ``manage.py seed_city`` runs the same seeding again after the profile
changes."""

from django.db import migrations


def _units():
    """The city profile's seeded units (documents/cities/<city>.toml; documents.city)."""
    from documents.city import current

    return [(u.full_name, u.short_name, u.kind, list(u.aliases)) for u in current().units]


def seed(apps, schema_editor):
    Unit = apps.get_model("documents", "Unit")
    UnitAlias = apps.get_model("documents", "UnitAlias")
    for full_name, short_name, kind, aliases in _units():
        unit, _ = Unit.objects.update_or_create(
            full_name=full_name, defaults={"short_name": short_name, "kind": kind}
        )
        for alias in aliases:
            UnitAlias.objects.get_or_create(name=alias, defaults={"unit": unit})


def unseed(apps, schema_editor):
    Unit = apps.get_model("documents", "Unit")
    names = [row[0] for row in _units()]
    Unit.objects.filter(full_name__in=names, needs_review=False).delete()


class Migration(migrations.Migration):
    dependencies = [("documents", "0002_initial")]
    operations = [migrations.RunPython(seed, unseed)]
