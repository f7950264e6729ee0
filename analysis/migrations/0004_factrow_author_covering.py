"""On PostgreSQL, the fact rows' per-member index carries what a member's reports are computed from, so
recomputing a prolific member's reports is an index-only scan (SQLite keeps the plain index)."""

from django.db import migrations


def covering(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS factrow_author")
    schema_editor.execute(
        "CREATE INDEX factrow_author ON analysis_factrow (author_id, intervention) "
        "INCLUDE (conf_level, source, outcome, created_at, post_id)"
    )


def plain(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS factrow_author")
    schema_editor.execute("CREATE INDEX factrow_author ON analysis_factrow (author_id, intervention)")


class Migration(migrations.Migration):
    dependencies = [("analysis", "0003_rollup_indexes")]

    operations = [migrations.RunPython(covering, plain, elidable=False)]
