"""GIN expression indexes for full-text search, on PostgreSQL only (SQLite searches with LIKE).

The expressions match what forum.selectors builds with SearchVector(..., config="english"), so the
planner can use them.
"""

from django.db import migrations

INDEXES = {
    "forum_post_body_search": ("forum_post", "body"),
    "forum_thread_title_search": ("forum_thread", "title"),
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (table, column) in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
            f"USING gin (to_tsvector('english'::regconfig, COALESCE({column}, '')))"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("forum", "0002_seed_keys_and_permissions")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
