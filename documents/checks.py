"""System checks of the documents app (``manage.py check --database default``; ``migrate``
runs them too before it migrates)."""

from django.core.checks import Tags, Warning, register
from django.db import DatabaseError


@register(Tags.database)
def notices_without_an_index_row(app_configs, databases=None, **kwargs):
    """Notices the search cannot find because they have no index row.

    The index is derived data that migrations never compute with the indexing code (a later
    version of it would not match the schema of their time): a migration that changes what the
    index holds does it in SQL (0007, 0009) or, when SQL cannot (0020, impact tiers), drops
    the rows; a database from before the index (0005) or such a migration keeps its notices
    unindexed until ``rebuild_search_index --missing`` is run, which ``make migrate`` does
    after every migrate."""
    if not databases or "default" not in databases:
        return []
    from documents.models import Notice

    try:
        missing = Notice.objects.filter(search_entry__isnull=True).count()
    except DatabaseError:  # not migrated yet: nothing to say before the schema exists
        return []
    if not missing:
        return []
    return [
        Warning(
            f"{missing} 件文件没有检索索引，检索找不到它们。",
            hint="运行 python manage.py rebuild_search_index --missing 补建。",
            id="documents.W001",
        )
    ]
