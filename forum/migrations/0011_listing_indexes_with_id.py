"""Listing indexes that end with the id, as every list orders by (time, id).

Without the id, PostgreSQL reads every row that shares the last time on a page before it can stop (an
incremental sort): thousands when a bulk import or a clock gave many posts the same time, and search's
"newest matches" read all of them. The new indexes are built before the old ones go.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("forum", "0010_rate_window")]

    operations = [
        migrations.AddIndex(
            model_name="post",
            index=models.Index(fields=["thread", "created_at", "id"], name="post_thread_created_idx"),
        ),
        migrations.AddIndex(
            model_name="post",
            index=models.Index(fields=["created_at", "id"], name="post_created_idx"),
        ),
        migrations.AddIndex(
            model_name="thread",
            index=models.Index(fields=["last_posted_at", "id"], name="thread_last_posted_idx"),
        ),
        migrations.AddIndex(
            model_name="thread",
            index=models.Index(fields=["category", "last_posted_at", "id"], name="thread_category_last_idx"),
        ),
        migrations.RemoveIndex(model_name="post", name="forum_post_thread__a619d5_idx"),
        migrations.RemoveIndex(model_name="thread", name="forum_threa_categor_c0bb46_idx"),
        migrations.AlterField(model_name="post", name="created_at", field=models.DateTimeField()),
        migrations.AlterField(model_name="thread", name="last_posted_at", field=models.DateTimeField()),
    ]
