"""Writing some fields of many existing rows at once, where Django has no fast way to.

QuerySet.bulk_update builds a CASE per field and row, which grows slow on PostgreSQL (minutes for a
large batch without batch_size), and an upsert through bulk_create has to carry every column of the
row. update_rows sends one `UPDATE … FROM` per chunk of rows, and the rows need only hold the fields being
written: on PostgreSQL the rows travel as one JSON parameter read back by `jsonb_to_recordset` (psycopg
parses a statement with thousands of placeholders far more slowly than it sends one document); on SQLite
(3.33 and later) as a VALUES list.
"""

import json
from collections.abc import Sequence
from datetime import date

from django.db import connection

ROWS_PER_STATEMENT = 500


def update_rows(model, key: str, fields: Sequence[str], objs: Sequence) -> None:
    """Write `fields` of each object to the existing row whose `key` equals the object's."""
    if not objs:
        return
    meta = model._meta
    every = [meta.get_field(key), *(meta.get_field(name) for name in fields)]
    # Only names and types from the model's own metadata go into the statement; the values are parameters.
    statement = _postgresql_statement if connection.vendor == "postgresql" else _sqlite_statement
    with connection.cursor() as cursor:
        for start in range(0, len(objs), ROWS_PER_STATEMENT):
            cursor.execute(
                *statement(
                    connection.ops.quote_name(meta.db_table), every, objs[start : start + ROWS_PER_STATEMENT]
                )
            )


def _postgresql_statement(table: str, every: list, chunk: Sequence) -> tuple[str, list]:
    quote = connection.ops.quote_name
    columns = ", ".join(f"{quote(f.column)} {f.db_type(connection)}" for f in every)
    assignments = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in every[1:])
    key = quote(every[0].column)
    rows = [{f.column: _json_value(getattr(obj, f.attname)) for f in every} for obj in chunk]
    return (
        f"UPDATE {table} SET {assignments} "  # noqa: S608
        f"FROM jsonb_to_recordset(CAST(%s AS jsonb)) AS v ({columns}) WHERE {table}.{key} = v.{key}",
        [json.dumps(rows)],
    )


def _sqlite_statement(table: str, every: list, chunk: Sequence) -> tuple[str, list]:
    # VALUES columns are untyped and always named column1, column2, ...
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = v.column{i + 2}" for i, f in enumerate(every[1:]))
    row = "(" + ", ".join(["%s"] * len(every)) + ")"
    key = quote(every[0].column)
    return (
        f"UPDATE {table} SET {assignments} "  # noqa: S608
        f"FROM (VALUES {', '.join([row] * len(chunk))}) AS v WHERE {table}.{key} = v.column1",
        [f.get_db_prep_save(getattr(obj, f.attname), connection) for obj in chunk for f in every],
    )


def _json_value(value):
    """A field's value as JSON: times as ISO 8601 text (PostgreSQL reads them back by the column's type)."""
    return value.isoformat() if isinstance(value, date) else value
