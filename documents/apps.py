from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = "公报与文件"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from documents import checks  # noqa: F401 (registers the system checks)
