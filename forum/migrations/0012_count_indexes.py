"""Partial indexes for the counts thread lists and the index page show: counted from the index alone."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("forum", "0011_listing_indexes_with_id")]

    operations = [
        migrations.AddIndex(
            model_name="post",
            index=models.Index(
                condition=models.Q(is_deleted=False, is_hidden=False), fields=["thread"], name="post_public_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="thread",
            index=models.Index(condition=models.Q(is_hidden=False), fields=["category"], name="thread_visible_idx"),
        ),
    ]
