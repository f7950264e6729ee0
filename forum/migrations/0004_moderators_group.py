"""The Moderators group and its permissions (data migration).

A moderator is a member of this group (or a superuser). The list is copied here on purpose: a migration
must not change meaning when forum.moderators changes later; add a new migration for new permissions.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Moderators"
PERMISSIONS = [
    ("forum", "post", "hide_post"),
    ("forum", "post", "view_post_history"),
    ("forum", "thread", "lock_thread"),
    ("forum", "thread", "move_thread"),
    ("forum", "flag", "review_flags"),
    ("forum", "moderationevent", "view_audit_log"),
    ("forum", "moderationevent", "suspend_member"),
    # Read access in the Django admin, for moderators who are also staff.
    ("forum", "category", "view_category"),
    ("forum", "thread", "view_thread"),
    ("forum", "post", "view_post"),
    ("forum", "postrevision", "view_postrevision"),
    ("forum", "flag", "view_flag"),
    ("forum", "reaction", "view_reaction"),
    ("forum", "moderationevent", "view_moderationevent"),
]


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations run (post_migrate); make sure they exist now.
    forum_config = apps.get_app_config("forum")
    forum_config.models_module = True
    create_permissions(forum_config, apps=apps, verbosity=0)

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    for app_label, model, codename in PERMISSIONS:
        permission = Permission.objects.get(
            content_type__app_label=app_label, content_type__model=model, codename=codename
        )
        group.permissions.add(permission)


def delete_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("forum", "0003_search_indexes"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
