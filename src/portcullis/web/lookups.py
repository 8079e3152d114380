"""``field__any=[...]``: ``IN`` for the thousands of keys a batch or an import asks about.

Django's ``__in`` prepares every value through the field and writes a placeholder for each;
psycopg then parses a statement of thousands of placeholders, a new one for every length.
An import of the KCS file spent most of a second doing that. ``__any`` sends the keys as
they are: on PostgreSQL as one array (``= ANY(%s)``, one statement text whatever the count),
elsewhere as ``IN`` with a placeholder each but no preparation. Only for integer columns
(primary and foreign keys), whose values every driver takes as they are."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import models
from django.db.models import Lookup


class AnyOf(Lookup):  # type: ignore[type-arg]
    lookup_name = "any"
    prepare_rhs = False

    def get_prep_lookup(self) -> list[int]:
        return [int(value) for value in self.rhs]

    def _sql(self, compiler: Any, connection: Any, postgresql: bool) -> tuple[str, list[Any]]:
        if not self.rhs:
            raise EmptyResultSet
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if postgresql:
            return f"{lhs} = ANY(%s::bigint[])", [*lhs_params, self.rhs]
        return f"{lhs} IN ({', '.join(['%s'] * len(self.rhs))})", [*lhs_params, *self.rhs]

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        return self._sql(compiler, connection, postgresql=False)

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        return self._sql(compiler, connection, postgresql=True)


def register() -> None:
    models.IntegerField.register_lookup(AnyOf)
    models.ForeignKey.register_lookup(AnyOf)
