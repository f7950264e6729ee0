"""Writing some fields of many existing rows at once, where Django has no fast way to.

QuerySet.bulk_update builds a CASE per field and row, which grows slow on PostgreSQL
(../shared/reference/measurements.md), and an upsert through bulk_create has to carry every column of the
row. update_rows sends one `UPDATE … FROM` per chunk of rows, and the rows need only hold the fields being
written: on PostgreSQL from one array per column (`unnest`), on SQLite (3.33 and later) from a VALUES list.
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
    key_field = meta.get_field(key)
    every = [key_field, *(meta.get_field(name) for name in fields)]
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    # Only names and types from the model's own metadata go into the statement; the values are parameters.
    if connection.vendor == "postgresql":
        _update_postgresql(table, key_field, every, objs)
        return
    # SQLite: VALUES columns are untyped and always named column1, column2, ...
    row = "(" + ", ".join(["%s"] * len(every)) + ")"
    names = [f"column{i + 1}" for i in range(len(every))]
    assignments = ", ".join(
        f"{quote(f.column)} = v.{name}" for f, name in zip(every[1:], names[1:], strict=True)
    )
    with connection.cursor() as cursor:
        for start in range(0, len(objs), ROWS_PER_STATEMENT):
            chunk = objs[start : start + ROWS_PER_STATEMENT]
            cursor.execute(
                f"UPDATE {table} SET {assignments} "  # noqa: S608
                f"FROM (VALUES {', '.join([row] * len(chunk))}) AS v "
                f"WHERE {table}.{quote(key_field.column)} = v.{names[0]}",
                [f.get_db_prep_save(getattr(obj, f.attname), connection) for obj in chunk for f in every],
            )


def _update_postgresql(table: str, key_field, every: list, objs: Sequence) -> None:
    """The rows as one JSON parameter, read back as typed columns by jsonb_to_recordset: psycopg parses a
    query with thousands of placeholders, and escapes arrays of JSON text, far more slowly than it sends
    one document."""
    quote = connection.ops.quote_name
    columns = ", ".join(f"{quote(f.column)} {f.db_type(connection)}" for f in every)
    assignments = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in every[1:])
    key = quote(key_field.column)
    with connection.cursor() as cursor:
        for start in range(0, len(objs), ROWS_PER_STATEMENT):
            rows = [
                {f.column: _json_value(getattr(obj, f.attname)) for f in every}
                for obj in objs[start : start + ROWS_PER_STATEMENT]
            ]
            cursor.execute(
                f"UPDATE {table} SET {assignments} "  # noqa: S608
                f"FROM jsonb_to_recordset(CAST(%s AS jsonb)) AS v ({columns}) WHERE {table}.{key} = v.{key}",
                [json.dumps(rows)],
            )


def _json_value(value):
    """A field's value as JSON: times as ISO 8601 text (PostgreSQL reads them back by the column's type)."""
    return value.isoformat() if isinstance(value, date) else value
