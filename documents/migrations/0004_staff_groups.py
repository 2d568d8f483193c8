"""The two staff groups: 编辑 enter and change drafts; 审核发布 also publish and withdraw issues."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTENT_MODELS = {
    "documents": [
        "issue",
        "notice",
        "attachment",
        "table",
        "citation",
        "unit",
        "unitalias",
        "leadinggroup",
        "membership",
    ],
    "projects": ["project", "task", "responsibility"],
}
EDITOR = "编辑"
PUBLISHER = "审核发布"


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; these groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [
        f"{action}_{model}"
        for models in CONTENT_MODELS.values()
        for model in models
        for action in ("add", "change", "delete", "view")
    ]
    content = Permission.objects.filter(
        content_type__app_label__in=CONTENT_MODELS, codename__in=codenames
    )
    editor, _ = Group.objects.get_or_create(name=EDITOR)
    editor.permissions.set(content)
    publisher, _ = Group.objects.get_or_create(name=PUBLISHER)
    publisher.permissions.set(
        list(content)
        + list(
            Permission.objects.filter(content_type__app_label="documents", codename="publish_issue")
        )
    )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[EDITOR, PUBLISHER]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0003_seed_units"),
        ("projects", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_groups, remove_groups)]
