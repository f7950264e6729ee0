import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """One counter table for the per-minute limits on writes that leave no row to count (draft saves, follow
    changes). The draft-save counters are not copied: each covers at most the current minute."""

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("forum", "0009_stored_search_vector"),
    ]

    operations = [
        migrations.CreateModel(
            name="RateWindow",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "action",
                    models.CharField(
                        choices=[("draft_save", "Draft saves"), ("follow", "Follow changes")], max_length=20
                    ),
                ),
                ("started_at", models.DateTimeField()),
                ("count", models.PositiveIntegerField(default=0)),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["user", "action"],
                "constraints": [
                    models.UniqueConstraint(fields=("user", "action"), name="one_rate_window_per_action")
                ],
            },
        ),
        migrations.DeleteModel(name="DraftSaveWindow"),
    ]
