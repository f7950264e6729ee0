"""Raw SQL in migrations that differs by database (triggers: PostgreSQL's and SQLite's are written apart)."""

from collections.abc import Callable


def run_sql_for_vendor(statements_by_vendor: dict[str, list[str]]) -> Callable:
    """A RunPython function running the statements written for the migrating database; one with none
    written for it stops the migration rather than leave it without them."""

    def run(apps, schema_editor) -> None:
        vendor = schema_editor.connection.vendor
        if vendor not in statements_by_vendor:
            raise RuntimeError(f"No SQL written for {vendor} in this migration.")
        for sql in statements_by_vendor[vendor]:
            schema_editor.execute(sql, params=None)

    return run
