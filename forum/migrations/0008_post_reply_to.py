import django.db.models.deletion
from django.db import migrations, models


def replies_answer_their_parent(apps, schema_editor):
    # Which reply an existing reply answered was not recorded; its top-level post is the honest guess.
    Post = apps.get_model("forum", "Post")
    Post.objects.filter(parent__isnull=False, reply_to__isnull=True).update(reply_to=models.F("parent"))


class Migration(migrations.Migration):
    dependencies = [
        ("forum", "0007_thread_moderation_permissions"),
    ]

    operations = [
        migrations.AddField(
            model_name="post",
            name="reply_to",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="forum.post",
            ),
        ),
        migrations.RunPython(replies_answer_their_parent, migrations.RunPython.noop),
    ]
