"""On PostgreSQL, keep each post's search vector in a stored generated column, indexed with GIN.

0003 indexed the expression to_tsvector(body): enough to find matches, but ranking them recomputed the
vector from the text of every match (a second or more per search at a million posts). The stored column is
computed once per write; the body index of 0003 is rebuilt on it under the same name. SQLite searches with
LIKE and has neither.
"""

from django.db import migrations

FORWARD = [
    "ALTER TABLE forum_post ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('english'::regconfig, COALESCE(body, ''))) STORED",
    "DROP INDEX IF EXISTS forum_post_body_search",
    "CREATE INDEX forum_post_body_search ON forum_post USING gin (search_vector)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS forum_post_body_search",
    "ALTER TABLE forum_post DROP COLUMN IF EXISTS search_vector",
    "CREATE INDEX forum_post_body_search ON forum_post "
    "USING gin (to_tsvector('english'::regconfig, COALESCE(body, '')))",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("forum", "0008_post_reply_to")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False)]
