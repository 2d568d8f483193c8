from django.apps import AppConfig
from django.db.models.signals import post_migrate


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = "公报与文件"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The search index is derived data: after `migrate` (when the schema matches the code
        # again) notices that have no index row yet get one. A migration that changes what
        # the index holds empties the rows it changes instead of recomputing them itself.
        post_migrate.connect(_index_missing_notices, sender=self)


def _index_missing_notices(sender, using: str = "default", **kwargs) -> None:
    from documents.search import index_missing_notices

    index_missing_notices(using=using, verbosity=kwargs.get("verbosity", 1))
