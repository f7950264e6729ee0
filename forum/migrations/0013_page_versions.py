"""Versions the whole-page cache keys on (forum.page_cache), moved on by the database itself.

Triggers rather than Python: every way a row is written (services, QuerySet.update, bulk_create, the admin,
a COPY, a manual fix in psql) moves the version, so a cached page can never outlive a change it shows.
- forum_thread.page_version: +1 on every update of the thread row (never back, even from a stale save), and
  on every insert, update or delete of its posts or their reactions (posts' tags: analysis 0008).
- forum_membersversion (one row): +1 when a member joins, leaves, or changes their username, display name,
  conditions or active state.
PostgreSQL takes statement-level triggers (one update per statement, so a COPY of 20,000 posts costs one),
locking the threads in id order so that two writers never deadlock; SQLite, for local use, row-level ones.
"""

from django.db import migrations, models

from core.migration_sql import run_sql_for_vendor

POSTGRESQL = [
    """
    CREATE FUNCTION forum_thread_page_version_up() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.page_version := OLD.page_version + 1;
        RETURN NEW;
    END $$""",
    """
    CREATE TRIGGER forum_thread_page_version BEFORE UPDATE ON forum_thread
    FOR EACH ROW EXECUTE FUNCTION forum_thread_page_version_up()""",
    """
    CREATE FUNCTION forum_threads_touch(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM 1 FROM forum_thread WHERE id = ANY(ids) ORDER BY id FOR NO KEY UPDATE;
        UPDATE forum_thread SET page_version = page_version + 1 WHERE id = ANY(ids);
    END $$""",
    # Posts carry their thread; reactions (and tags) name a post.
    """
    CREATE FUNCTION forum_posts_touch_threads() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            PERFORM forum_threads_touch(ARRAY(SELECT DISTINCT thread_id FROM new_rows));
        ELSIF TG_OP = 'UPDATE' THEN
            PERFORM forum_threads_touch(
                ARRAY(SELECT thread_id FROM new_rows UNION SELECT thread_id FROM old_rows));
        ELSE
            PERFORM forum_threads_touch(ARRAY(SELECT DISTINCT thread_id FROM old_rows));
        END IF;
        RETURN NULL;
    END $$""",
    """
    CREATE FUNCTION forum_post_rows_touch_threads() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            PERFORM forum_threads_touch(ARRAY(
                SELECT DISTINCT p.thread_id FROM forum_post p WHERE p.id IN (SELECT post_id FROM new_rows)));
        ELSIF TG_OP = 'UPDATE' THEN
            PERFORM forum_threads_touch(ARRAY(
                SELECT DISTINCT p.thread_id FROM forum_post p
                WHERE p.id IN (SELECT post_id FROM new_rows UNION SELECT post_id FROM old_rows)));
        ELSE
            PERFORM forum_threads_touch(ARRAY(
                SELECT DISTINCT p.thread_id FROM forum_post p WHERE p.id IN (SELECT post_id FROM old_rows)));
        END IF;
        RETURN NULL;
    END $$""",
    # A transition table serves one event per trigger, hence three triggers per table.
    """CREATE TRIGGER forum_post_pages_ins AFTER INSERT ON forum_post REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION forum_posts_touch_threads()""",
    """CREATE TRIGGER forum_post_pages_upd AFTER UPDATE ON forum_post
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION forum_posts_touch_threads()""",
    """CREATE TRIGGER forum_post_pages_del AFTER DELETE ON forum_post REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION forum_posts_touch_threads()""",
    """CREATE TRIGGER forum_reaction_pages_ins AFTER INSERT ON forum_reaction REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION forum_post_rows_touch_threads()""",
    """CREATE TRIGGER forum_reaction_pages_upd AFTER UPDATE ON forum_reaction
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION forum_post_rows_touch_threads()""",
    """CREATE TRIGGER forum_reaction_pages_del AFTER DELETE ON forum_reaction REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION forum_post_rows_touch_threads()""",
    """
    CREATE FUNCTION forum_members_version_up() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE forum_membersversion SET version = version + 1 WHERE id = 1;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER forum_members_version_ins_del AFTER INSERT OR DELETE ON accounts_user
    FOR EACH ROW EXECUTE FUNCTION forum_members_version_up()""",
    """CREATE TRIGGER forum_members_version_upd AFTER UPDATE ON accounts_user FOR EACH ROW
    WHEN (OLD.username IS DISTINCT FROM NEW.username OR OLD.display_name IS DISTINCT FROM NEW.display_name
          OR OLD.conditions IS DISTINCT FROM NEW.conditions OR OLD.is_active IS DISTINCT FROM NEW.is_active)
    EXECUTE FUNCTION forum_members_version_up()""",
]

POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS forum_thread_page_version ON forum_thread",
    *(f"DROP TRIGGER IF EXISTS forum_post_pages_{op} ON forum_post" for op in ("ins", "upd", "del")),
    *(f"DROP TRIGGER IF EXISTS forum_reaction_pages_{op} ON forum_reaction" for op in ("ins", "upd", "del")),
    "DROP TRIGGER IF EXISTS forum_members_version_ins_del ON accounts_user",
    "DROP TRIGGER IF EXISTS forum_members_version_upd ON accounts_user",
    "DROP FUNCTION IF EXISTS forum_members_version_up()",
    "DROP FUNCTION IF EXISTS forum_post_rows_touch_threads()",
    "DROP FUNCTION IF EXISTS forum_posts_touch_threads()",
    "DROP FUNCTION IF EXISTS forum_threads_touch(bigint[])",
    "DROP FUNCTION IF EXISTS forum_thread_page_version_up()",
]

_SQLITE_TOUCH = "UPDATE forum_thread SET page_version = page_version + 1 WHERE id IN ({ids});"
_SQLITE_POST_OF = "SELECT thread_id FROM forum_post WHERE id IN ({ids})"
_SQLITE_MEMBERS_UP = "UPDATE forum_membersversion SET version = version + 1 WHERE id = 1;"

SQLITE = [
    # SQLite cannot assign NEW: a second update puts a version that did not move on past the old one (SQLite
    # does not fire a trigger from inside itself, and the check stops a loop where it would).
    """CREATE TRIGGER forum_thread_page_version AFTER UPDATE ON forum_thread
    FOR EACH ROW WHEN NEW.page_version <= OLD.page_version
    BEGIN UPDATE forum_thread SET page_version = OLD.page_version + 1 WHERE id = NEW.id; END""",
    f"""CREATE TRIGGER forum_post_pages_ins AFTER INSERT ON forum_post
    BEGIN {_SQLITE_TOUCH.format(ids="NEW.thread_id")} END""",
    f"""CREATE TRIGGER forum_post_pages_upd AFTER UPDATE ON forum_post
    BEGIN {_SQLITE_TOUCH.format(ids="OLD.thread_id, NEW.thread_id")} END""",
    f"""CREATE TRIGGER forum_post_pages_del AFTER DELETE ON forum_post
    BEGIN {_SQLITE_TOUCH.format(ids="OLD.thread_id")} END""",
    f"""CREATE TRIGGER forum_reaction_pages_ins AFTER INSERT ON forum_reaction
    BEGIN {_SQLITE_TOUCH.format(ids=_SQLITE_POST_OF.format(ids="NEW.post_id"))} END""",
    f"""CREATE TRIGGER forum_reaction_pages_upd AFTER UPDATE ON forum_reaction
    BEGIN {_SQLITE_TOUCH.format(ids=_SQLITE_POST_OF.format(ids="OLD.post_id, NEW.post_id"))} END""",
    f"""CREATE TRIGGER forum_reaction_pages_del AFTER DELETE ON forum_reaction
    BEGIN {_SQLITE_TOUCH.format(ids=_SQLITE_POST_OF.format(ids="OLD.post_id"))} END""",
    f"""CREATE TRIGGER forum_members_version_ins AFTER INSERT ON accounts_user
    BEGIN {_SQLITE_MEMBERS_UP} END""",
    f"""CREATE TRIGGER forum_members_version_del AFTER DELETE ON accounts_user
    BEGIN {_SQLITE_MEMBERS_UP} END""",
    f"""CREATE TRIGGER forum_members_version_upd AFTER UPDATE ON accounts_user FOR EACH ROW
    WHEN OLD.username IS NOT NEW.username OR OLD.display_name IS NOT NEW.display_name
      OR OLD.conditions IS NOT NEW.conditions OR OLD.is_active IS NOT NEW.is_active
    BEGIN {_SQLITE_MEMBERS_UP} END""",
]

SQLITE_REVERSE = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in (
        "forum_thread_page_version",
        *(f"forum_post_pages_{op}" for op in ("ins", "upd", "del")),
        *(f"forum_reaction_pages_{op}" for op in ("ins", "upd", "del")),
        "forum_members_version_ins",
        "forum_members_version_del",
        "forum_members_version_upd",
    )
]


def _first_members_version(apps, schema_editor):
    apps.get_model("forum", "MembersVersion").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [
        ("forum", "0012_count_indexes"),
        ("accounts", "0002_research_consent"),
    ]

    operations = [
        migrations.AddField(
            model_name="thread",
            name="page_version",
            field=models.PositiveBigIntegerField(db_default=0, default=0, editable=False),
        ),
        migrations.CreateModel(
            name="MembersVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("version", models.PositiveBigIntegerField(db_default=0, default=0)),
            ],
        ),
        migrations.RunPython(_first_members_version, migrations.RunPython.noop),
        migrations.RunPython(
            run_sql_for_vendor({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            run_sql_for_vendor({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        ),
    ]
