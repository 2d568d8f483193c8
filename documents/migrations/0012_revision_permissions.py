"""The staff groups' permissions on revisions, corrections and removed notices.

编辑 import (which makes revisions), look at them, edit their note and submit them; 审核发布
also publish or discard them and may reword a published correction (a revision is never deleted:
it is the record of what was proposed)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR = "编辑"
PUBLISHER = "审核发布"
EDITOR_CODENAMES = [
    "view_revision",
    "change_revision",
    "view_correction",
    "view_removednotice",
]
PUBLISHER_CODENAMES = [*EDITOR_CODENAMES, "change_correction"]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ((EDITOR, EDITOR_CODENAMES), (PUBLISHER, PUBLISHER_CODENAMES)):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="documents", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=[EDITOR, PUBLISHER]):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="documents", codename__in=PUBLISHER_CODENAMES
            )
        )


class Migration(migrations.Migration):
    dependencies = [("documents", "0011_revisions_and_review_states")]
    operations = [migrations.RunPython(grant, revoke)]
