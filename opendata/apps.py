from django.apps import AppConfig


class OpenDataConfig(AppConfig):
    name = "opendata"
    verbose_name = "开放数据"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib import admin
        from django_tasks_db.models import DBTaskResult

        from documents.signals import public_content_changed
        from opendata.tasks import after_publication

        public_content_changed.connect(after_publication, dispatch_uid="opendata-downloads")
        # The queue is an operator's concern (its rows, in English, are in the database and
        # the worker's log), not the editors' admin.
        if admin.site.is_registered(DBTaskResult):
            admin.site.unregister(DBTaskResult)
