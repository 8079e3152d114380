"""Writing many rows fast: COPY on PostgreSQL, one multi-row statement elsewhere.

Rows are plain dicts {field attname: value}; no model instances are built, no signals sent,
no defaults applied (every column to be written must be given). Django's bulk_create spends
most of its time building instances and compiling each value: this path is several times
faster for the same rows. Declaration ids are reserved before the rows are written, so that
items and inspections can point at their declaration without a round trip per row."""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Sequence
from typing import Any, TypeVar

import orjson
from django.db import connection, models
from django.db.models import signals
from django.db.models.base import ModelState

Row = dict[str, Any]
M = TypeVar("M", bound=models.Model)
_SQLITE_MAX_PARAMETERS = 30_000  # it allows 32,766 per statement
_MEMO_SIZE = 10_000
# Field types whose Python values every driver takes as they are.
_NATIVE_FIELDS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.ForeignKey,
    models.DecimalField,  # Django registers Decimal with sqlite3; psycopg knows it
)


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` fresh primary keys for ``model``, safe against concurrent writers.

    Must run inside the transaction that inserts the rows: on SQLite that transaction holds
    the write lock (IMMEDIATE mode) from its start, so nobody can take the same ids."""
    if count <= 0:
        return []
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        if not connection.in_atomic_block:
            raise RuntimeError("reserve_ids must run inside a transaction")
        quoted_table, quoted_column = (connection.ops.quote_name(n) for n in (table, column))
        # AUTOINCREMENT never reuses ids, even of deleted rows: sqlite_sequence remembers.
        # (Only Django's own table and column names are put into the SQL text.)
        sql = (
            "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "  # noqa: S608
            f"COALESCE((SELECT MAX({quoted_column}) FROM {quoted_table}), 0))"
        )
        cursor.execute(sql, [table])
        start = int(cursor.fetchone()[0]) + 1
        return list(range(start, start + count))


def _converter(field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
    """How a Python value becomes a driver value, where the driver cannot take it as it is."""
    if isinstance(field, _NATIVE_FIELDS):
        return None
    if isinstance(field, models.JSONField):
        return _json_text  # text either way: jsonb on PostgreSQL, JSON text on SQLite
    if connection.vendor == "postgresql" and isinstance(field, models.DateTimeField):
        return None  # psycopg writes aware datetimes itself
    if isinstance(field, models.UUIDField):  # each one new: nothing to remember
        return None if connection.vendor == "postgresql" else _uuid_hex
    memo: dict[Any, Any] = {}  # a chunk holds few distinct dates and times

    def convert(value: Any) -> Any:
        if value not in memo:
            if len(memo) >= _MEMO_SIZE:  # statements are kept between calls: stay small
                memo.clear()
            memo[value] = field.get_db_prep_save(value, connection)
        return memo[value]

    return convert


def _uuid_hex(value: Any) -> str:
    return str(value.hex)  # as Django stores a UUID where there is no UUID type


def _json_text(value: Any) -> str:
    """JSON text, made by orjson: a batch's decisions carry tens of thousands of JSON
    values, and the standard library took a tenth of the batch's time to write them.
    Floats keep their shortest exact form, as json.dumps writes them."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


@functools.cache
def _statement(model: type[models.Model], names: tuple[str, ...], vendor: str) -> _Statement:
    """The statement for these columns, built once per process (a single-row insert spends
    more time building it than writing)."""
    return _Statement(model, names)


def statement_for(model: type[models.Model], names: tuple[str, ...]) -> _Statement:
    """The columns ``names`` (attnames) of ``model``, quoted, with each value's converter."""
    return _statement(model, names, connection.vendor)


class _Statement:
    """Columns, and how to turn each row into driver values."""

    def __init__(self, model: type[models.Model], names: tuple[str, ...]) -> None:
        self.names = list(names)
        by_attname = {field.attname: field for field in model._meta.concrete_fields}
        self.fields = fields = [by_attname[name] for name in self.names]
        self.converters = [_converter(field) for field in fields]
        self.table = connection.ops.quote_name(model._meta.db_table)
        self.columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
        self.placeholders = ", ".join(["%s"] * len(fields))

    def values(self, row: Row) -> list[Any]:
        return [
            row[name] if convert is None or row[name] is None else convert(row[name])
            for name, convert in zip(self.names, self.converters, strict=True)
        ]


def instances(model: type[M], rows: Sequence[Row]) -> list[M]:
    """Model instances of rows just written (every concrete field given), marked as stored.

    Built as ``Model.from_db`` would build them, minus the keyword machinery and the
    init signals when nothing listens to them (a batch's 10,000 decisions took half a
    second through ``__init__``)."""
    names = [field.attname for field in model._meta.concrete_fields]
    alias = connection.alias
    if signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model):
        return [model.from_db(alias, names, [row[name] for name in names]) for row in rows]
    made = []
    for row in rows:
        instance = model.__new__(model)
        instance.__dict__.update({name: row[name] for name in names})
        instance._state = ModelState()
        instance._state.adding, instance._state.db = False, alias
        made.append(instance)
    return made


def bulk_insert(model: type[models.Model], rows: Sequence[Row]) -> None:
    """Insert rows, all with the same keys. A duplicate key fails the transaction."""
    if not rows:
        return
    statement = _statement(model, tuple(rows[0]), connection.vendor)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            copy_sql = f"COPY {statement.table} ({statement.columns}) FROM STDIN"
            # The raw psycopg cursor: wrap its errors as Django's (IntegrityError, ...).
            with connection.wrap_database_errors, cursor.cursor.copy(copy_sql) as copy:
                for row in rows:
                    copy.write_row(statement.values(row))
        else:
            cursor.executemany(
                f"INSERT INTO {statement.table} ({statement.columns}) "  # noqa: S608  # Django's names
                f"VALUES ({statement.placeholders})",
                [statement.values(row) for row in rows],
            )


def insert_missing(model: type[models.Model], rows: Sequence[Row]) -> None:
    """Insert rows, silently skipping those whose unique key is already taken (by an
    earlier row or by a concurrent writer)."""
    if not rows:
        return
    statement = _statement(model, tuple(rows[0]), connection.vendor)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One array per column: a handful of parameters however many rows.
            arrays = ", ".join(f"%s::{field.db_type(connection)}[]" for field in statement.fields)
            cursor.execute(
                f"INSERT INTO {statement.table} ({statement.columns}) "  # noqa: S608  # Django's names
                f"SELECT * FROM unnest({arrays}) ON CONFLICT DO NOTHING",
                [list(column) for column in zip(*map(statement.values, rows), strict=True)],
            )
            return
        per_batch = max(1, _SQLITE_MAX_PARAMETERS // len(statement.names))
        for start in range(0, len(rows), per_batch):
            batch = rows[start : start + per_batch]
            values = ", ".join([f"({statement.placeholders})"] * len(batch))
            cursor.execute(
                f"INSERT OR IGNORE INTO {statement.table} ({statement.columns}) VALUES {values}",  # noqa: S608
                [value for row in batch for value in statement.values(row)],
            )


def select_where_in(
    model: type[models.Model],
    columns: Sequence[str],
    match: Row,
    in_column: str,
    values: Collection[Any],
) -> list[tuple[Any, ...]]:
    """``columns`` of the rows matching ``match`` exactly and with ``in_column`` among
    ``values`` (thousands of them: one array parameter on PostgreSQL, where psycopg would
    otherwise parse a statement with thousands of placeholders)."""
    if not values:
        return []
    quote = connection.ops.quote_name
    by_attname = {field.attname: field for field in model._meta.concrete_fields}
    conditions = [f"{quote(by_attname[name].column)} = %s" for name in match]
    in_sql = quote(by_attname[in_column].column)
    parameters: list[Any] = list(match.values())
    if connection.vendor == "postgresql":
        conditions.append(f"{in_sql} = ANY(%s)")
        parameters.append(list(values))
    else:
        conditions.append(f"{in_sql} IN ({', '.join(['%s'] * len(values))})")
        parameters.extend(values)
    sql = (
        f"SELECT {', '.join(quote(by_attname[name].column) for name in columns)} "  # noqa: S608
        f"FROM {quote(model._meta.db_table)} WHERE {' AND '.join(conditions)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, parameters)
        return [tuple(row) for row in cursor.fetchall()]


def rows_where_in(
    model: type[models.Model], columns: Sequence[str], in_column: str, values: Collection[Any]
) -> list[tuple[Any, ...]]:
    """``select_where_in`` with each value as the ORM gives it (SQLite returns dates and
    times as text to a raw cursor; PostgreSQL's driver already gives the ORM's values)."""
    if connection.vendor == "postgresql":
        return select_where_in(model, columns, {}, in_column, values)
    chosen = model._default_manager.filter(**{f"{in_column}__in": list(values)})
    return list(chosen.values_list(*columns))


def delete_where_in(model: type[models.Model], in_column: str, values: Collection[Any]) -> None:
    """Delete the rows with ``in_column`` among ``values``, in one statement and with no
    signals or cascades (for tables nothing refers to)."""
    if not values:
        return
    if connection.vendor != "postgresql":
        model._default_manager.filter(**{f"{in_column}__in": list(values)})._raw_delete(
            connection.alias
        )
        return
    quote = connection.ops.quote_name
    by_attname = {field.attname: field for field in model._meta.concrete_fields}
    column = quote(by_attname[in_column].column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {quote(model._meta.db_table)} WHERE {column} = ANY(%s)",  # noqa: S608
            [list(values)],
        )


def get_or_create_many(
    model: type[models.Model],
    key_fields: tuple[str, ...],
    keys: set[tuple[str, ...]],
    defaults: Row,
) -> dict[tuple[str, ...], int]:
    """Primary keys of the rows with these natural keys, creating the missing ones with
    ``defaults`` for their other columns. Safe when another process creates the same rows
    at the same time: creation skips the conflict and the rows are read back."""
    if not keys:
        return {}

    def fetch(wanted: set[tuple[str, ...]]) -> dict[tuple[str, ...], int]:
        # One query per value of the leading key fields, so the unique index serves it.
        groups: dict[tuple[str, ...], set[str]] = {}
        for key in wanted:
            groups.setdefault(key[:-1], set()).add(key[-1])
        found = {}
        for prefix, last_values in groups.items():
            match = dict(zip(key_fields[:-1], prefix, strict=True))
            rows = select_where_in(model, [*key_fields, "id"], match, key_fields[-1], last_values)
            for row in rows:
                found[tuple(row[:-1])] = row[-1]
        return found

    found = fetch(keys)
    missing = keys - found.keys()
    if missing:
        insert_missing(
            model,
            [{**dict(zip(key_fields, key, strict=True)), **defaults} for key in sorted(missing)],
        )
        found.update(fetch(missing))
    return found
