from django.apps import AppConfig
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_migrate


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = "公报与文件"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The search index is derived data: after `migrate` (when the schema matches the code
        # again) notices that have no index row yet get one. A migration that changes what
        # the index holds does it in SQL (0007, 0009), or empties the rows it changes: never
        # by calling the indexing code, whose later versions it would not match.
        post_migrate.connect(_index_missing_notices, sender=self)


def _index_missing_notices(sender, using: str = DEFAULT_DB_ALIAS, verbosity: int = 1, **kwargs):
    if using != DEFAULT_DB_ALIAS:  # the index is written through the default connection
        return
    from documents.search import rebuild_index

    indexed = rebuild_index(missing_only=True)
    if indexed and verbosity:
        print(f"已为 {indexed} 件文件补建检索索引。")
