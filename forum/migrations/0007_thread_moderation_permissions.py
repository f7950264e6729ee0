"""Give the Moderators group the thread permissions added in 0006 (data migration).

The list is copied here on purpose, as in 0004: a migration must not change meaning later.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Moderators"
PERMISSIONS = [
    ("forum", "thread", "hide_thread"),
    ("forum", "thread", "edit_thread_title"),
]


def _permissions(apps):
    # Permissions are normally created after all migrations run (post_migrate); make sure they exist now.
    forum_config = apps.get_app_config("forum")
    forum_config.models_module = True
    create_permissions(forum_config, apps=apps, verbosity=0)
    Permission = apps.get_model("auth", "Permission")
    return [
        Permission.objects.get(
            content_type__app_label=app_label, content_type__model=model, codename=codename
        )
        for app_label, model, codename in PERMISSIONS
    ]


def grant(apps, schema_editor):
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name=GROUP_NAME)
    group.permissions.add(*_permissions(apps))


def revoke(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).first()
    if group is not None:
        group.permissions.remove(*_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("forum", "0006_thread_hiding"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
