from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = "公报与文件"
    default_auto_field = "django.db.models.BigAutoField"
