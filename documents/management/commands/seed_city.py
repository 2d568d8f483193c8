import importlib

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from documents.city import current
from documents.models import Unit


class Command(BaseCommand):
    help = (
        "Seed the units of the city profile (GAZETTE_CITY, documents/cities/<name>.toml) with "
        "their aliases: new ones are added, existing ones get the profile's short name and kind. "
        "Migrations do this once; run it again after editing the profile."
    )

    def handle(self, *args, **options):
        profile = current()
        before = Unit.objects.count()
        seeding = importlib.import_module("documents.migrations.0003_seed_units")
        with transaction.atomic():
            seeding.seed(apps, None)
        added = Unit.objects.count() - before
        self.stdout.write(
            f"{profile.name}：城市配置中的 {len(profile.units)} 个单位已写入（新增 {added} 个）。"
        )
