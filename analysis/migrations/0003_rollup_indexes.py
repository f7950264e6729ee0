"""Indexes for the dashboard reads at a million posts.

- The drill-down lists newest first within a month range: month now leads created_at in the index.
- On PostgreSQL only, the rollup's two read paths become covering indexes (INCLUDE the counts), so the
  dashboard's queries are index-only scans. SQLite has no INCLUDE; there the plain indexes stay.
"""

from django.db import migrations, models

COVERED = "category_id, outcome, posts, author_confirmed, moderator_labelled"


def covering_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS outcomerollup_cond")
    schema_editor.execute(
        "CREATE INDEX outcomerollup_cond ON analysis_outcomerollup (scope, condition, intervention, month) "
        f"INCLUDE ({COVERED})"
    )
    schema_editor.execute(
        "CREATE INDEX outcomerollup_slice ON analysis_outcomerollup (scope, intervention, condition, month) "
        f"INCLUDE ({COVERED})"
    )


def plain_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS outcomerollup_slice")
    schema_editor.execute("DROP INDEX IF EXISTS outcomerollup_cond")
    schema_editor.execute(
        "CREATE INDEX outcomerollup_cond ON analysis_outcomerollup (scope, condition, intervention, month)"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("analysis", "0002_dashboard_rollups_and_study_claims"),
        ("forum", "0004_moderators_group"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="factrow", name="factrow_drill"),
        migrations.AddIndex(
            model_name="factrow",
            index=models.Index(
                fields=["intervention", "outcome", "-month", "-created_at", "-post"],
                name="factrow_drill_month",
            ),
        ),
        migrations.RunPython(covering_indexes, plain_indexes, elidable=False),
    ]
