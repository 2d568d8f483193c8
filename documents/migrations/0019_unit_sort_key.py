"""Units in pinyin order: the sort key of each unit's name (documents.pinyin), stored with
the unit and computed here for the units already written (the seeded ones included)."""

import documents.pinyin
from django.db import migrations


def fill(apps, schema_editor):
    documents.pinyin.fill_pinyin_keys(apps.get_model("documents", "Unit"))


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0018_notice_signer"),
    ]

    operations = [
        migrations.AddField(
            model_name="unit",
            name="sort_key",
            field=documents.pinyin.PinyinKeyField(
                blank=True,
                db_collation="C",
                db_index=True,
                editable=False,
                max_length=255,
                source="full_name",
                verbose_name="排序键",
                without_city=True,
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
