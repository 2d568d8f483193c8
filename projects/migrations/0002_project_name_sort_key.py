"""Projects sorted by name in pinyin order: the sort key of each project's name
(documents.pinyin), stored with the project and computed here for those already written."""

import documents.pinyin
from django.db import migrations


def fill(apps, schema_editor):
    documents.pinyin.fill_pinyin_keys(apps.get_model("projects", "Project"))


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="project",
            name="name_sort_key",
            field=documents.pinyin.PinyinKeyField(
                blank=True,
                db_collation="C",
                db_index=True,
                editable=False,
                max_length=255,
                source="name",
                verbose_name="名称排序键",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
