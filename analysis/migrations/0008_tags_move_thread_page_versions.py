"""A post's tag is on its thread's page: writing one moves the thread's page_version (see forum 0013, whose
functions these triggers call), so the whole-page cache never shows an old tag."""

from django.db import migrations

from core.migration_sql import run_sql_for_vendor

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


class Migration(migrations.Migration):
    dependencies = [
        ("analysis", "0007_study_claim_certainty_background"),
        ("forum", "0013_page_versions"),
    ]

    operations = [
        migrations.RunPython(
            run_sql_for_vendor({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            run_sql_for_vendor({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        ),
    ]
