"""A post's tag is on its thread's page: writing one moves the thread's page_version (see forum 0013, whose
functions these triggers call), so the whole-page cache never shows an old tag."""

from django.db import migrations

POSTGRESQL = [
    """CREATE TRIGGER analysis_posttag_pages_ins AFTER INSERT ON analysis_posttag
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION forum_post_rows_touch_threads()""",
    """CREATE TRIGGER analysis_posttag_pages_upd AFTER UPDATE ON analysis_posttag
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION forum_post_rows_touch_threads()""",
    """CREATE TRIGGER analysis_posttag_pages_del AFTER DELETE ON analysis_posttag
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION forum_post_rows_touch_threads()""",
]
POSTGRESQL_REVERSE = [
    f"DROP TRIGGER IF EXISTS analysis_posttag_pages_{op} ON analysis_posttag" for op in ("ins", "upd", "del")
]

_TOUCH = (
    "UPDATE forum_thread SET page_version = page_version + 1 "
    "WHERE id IN (SELECT thread_id FROM forum_post WHERE id IN ({ids}));"
)
SQLITE = [
    f"CREATE TRIGGER analysis_posttag_pages_ins AFTER INSERT ON analysis_posttag "
    f"BEGIN {_TOUCH.format(ids='NEW.post_id')} END",
    f"CREATE TRIGGER analysis_posttag_pages_upd AFTER UPDATE ON analysis_posttag "
    f"BEGIN {_TOUCH.format(ids='OLD.post_id, NEW.post_id')} END",
    f"CREATE TRIGGER analysis_posttag_pages_del AFTER DELETE ON analysis_posttag "
    f"BEGIN {_TOUCH.format(ids='OLD.post_id')} END",
]
SQLITE_REVERSE = [f"DROP TRIGGER IF EXISTS analysis_posttag_pages_{op}" for op in ("ins", "upd", "del")]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise RuntimeError(f"No page-version triggers for {schema_editor.connection.vendor}.")
        for sql in statements:
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("analysis", "0007_study_claim_certainty_background"),
        ("forum", "0013_page_versions"),
    ]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        ),
    ]
