"""A new declaration and its decision written in one statement: the submission's lean path.

Everything a first submission writes is known before anything is written: the declaration
and its items, the decision, the declaration's current decision, the profile hits, the hit
profiles' new members and counters, the audit event and the clearance system's event. On
PostgreSQL it all goes in one statement of data-modifying ``WITH`` parts, each reading the
ids the earlier ones return:
one parse and one round trip instead of twenty statements, which cost more in the server's
and the driver's work per statement than in the writing. Elsewhere (SQLite, in process)
the same rows are written one table at a time.

A declaration id stored before makes the statement fail on its unique constraint, and
nothing of it is kept (one statement is atomic on its own, so outside a caller's transaction
it runs without a BEGIN and a COMMIT of its own); the caller takes the general path, which
says whether it is the same declaration again or another one (storing).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection, models

from portcullis.web.audit.models import AuditEvent
from portcullis.web.bulk import bulk_insert, reserve_ids, statement_for
from portcullis.web.declarations.models import Declaration, Item
from portcullis.web.events.models import Event
from portcullis.web.profiles.models import Profile, ProfileDeclaration
from portcullis.web.scoring.models import CurrentDecision, Decision, ProfileHit

# What the statement's parts call the ids returned before them.
_DECLARATION, _DECISION = "(SELECT id FROM d)", "(SELECT id FROM c)"


@dataclass(frozen=True)
class Fresh:
    """The rows of one new declaration and its decision (foreign keys to each other left
    out: the writer fills them)."""

    declaration: dict[str, Any]
    items: list[dict[str, Any]]
    decision: dict[str, Any]
    current: dict[str, Any]  # CurrentDecision
    hits: list[dict[str, Any]]  # ProfileHit: profile_version_id, line_no, selected
    profiles: list[int]  # the profiles hit (each counts the declaration once)
    event: dict[str, Any]  # the audit event; its object is the decision
    outbox: dict[str, Any]  # the clearance system's event (events.outbox)

    @property
    def lodged_at(self) -> datetime:
        lodged: datetime = self.declaration["lodged_at"]
        return lodged


def write_fresh(fresh: Fresh) -> tuple[int, int]:
    """Store ``fresh`` inside the caller's transaction; (declaration pk, decision pk).
    IntegrityError when its declaration id is stored already."""
    if connection.vendor == "postgresql":
        return _one_statement(fresh)
    return _table_by_table(fresh)


def _one_statement(fresh: Fresh) -> tuple[int, int]:
    parts: list[str] = []
    params: list[Any] = []

    def part(name: str, sql: str, values: list[Any]) -> None:
        parts.append(f"{name} AS ({sql})")
        params.extend(values)

    part("d", *_insert(Declaration, [fresh.declaration], {}, returning=True))
    part("i", *_insert(Item, fresh.items, {"declaration_id": _DECLARATION}))
    part("c", *_insert(Decision, [fresh.decision], {"declaration_id": _DECLARATION}, True))
    refs = {"declaration_id": _DECLARATION, "decision_id": _DECISION}
    part("k", *_insert(CurrentDecision, [fresh.current], refs))
    if fresh.hits:
        part("h", *_insert(ProfileHit, fresh.hits, {"decision_id": _DECISION}))
    if fresh.profiles:
        members = [{"profile_id": p, "lodged_at": fresh.lodged_at} for p in fresh.profiles]
        part("m", *_insert(ProfileDeclaration, members, {"declaration_id": _DECLARATION}))
        part("p", *_counted(fresh))
    part("a", *_insert(AuditEvent, [fresh.event], {"object_id": f"{_DECISION}::text"}))
    part("o", *_insert(Event, [fresh.outbox], refs))
    sql = "WITH " + ",\n".join(parts) + f"\nSELECT {_DECLARATION}, {_DECISION}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        declaration_pk, decision_pk = cursor.fetchone()
    return int(declaration_pk), int(decision_pk)


def _insert(
    model: type[models.Model],
    rows: Sequence[dict[str, Any]],
    refs: dict[str, str],
    returning: bool = False,
) -> tuple[str, list[Any]]:
    """INSERT of ``rows`` (values as the bulk writer converts them), the ``refs`` columns
    given as SQL read from an earlier part."""
    statement = statement_for(model, tuple(dict.fromkeys((*rows[0], *refs))))
    shape = ", ".join(refs.get(name, "%s") for name in statement.names)
    params: list[Any] = []
    for row in rows:
        values = statement.values({**row, **dict.fromkeys(refs)})
        params.extend(
            v for name, v in zip(statement.names, values, strict=True) if name not in refs
        )
    sql = (
        f"INSERT INTO {statement.table} ({statement.columns}) "  # noqa: S608 (Django's names)
        f"VALUES {', '.join([f'({shape})'] * len(rows))}"
    )
    return (sql + " RETURNING id" if returning else sql), params


def _counted(fresh: Fresh) -> tuple[str, list[Any]]:
    """The hit profiles count one more declaration, lodged then (profiles.figures)."""
    table = connection.ops.quote_name(Profile._meta.db_table)
    sql = (
        f"UPDATE {table} SET hits = hits + 1, "  # noqa: S608 (Django's names)
        "first_hit_lodged_at = LEAST(COALESCE(first_hit_lodged_at, %s), %s), "
        "last_hit_lodged_at = GREATEST(COALESCE(last_hit_lodged_at, %s), %s) "
        "WHERE id = ANY(%s)"
    )
    lodged = fresh.lodged_at
    return sql, [lodged, lodged, lodged, lodged, sorted(fresh.profiles)]


def _table_by_table(fresh: Fresh) -> tuple[int, int]:
    """The same rows, a table at a time (SQLite: in process, no round trips to save)."""
    from portcullis.web.profiles.figures import add_hits

    (declaration_pk,) = reserve_ids(Declaration, 1)
    (decision_pk,) = reserve_ids(Decision, 1)
    bulk_insert(Declaration, [{"id": declaration_pk, **fresh.declaration}])
    bulk_insert(Item, [{"declaration_id": declaration_pk, **item} for item in fresh.items])
    bulk_insert(Decision, [{"id": decision_pk, "declaration_id": declaration_pk, **fresh.decision}])
    bulk_insert(
        CurrentDecision,
        [{**fresh.current, "declaration_id": declaration_pk, "decision_id": decision_pk}],
    )
    if fresh.hits:
        bulk_insert(ProfileHit, [{"decision_id": decision_pk, **hit} for hit in fresh.hits])
    if fresh.profiles:
        bulk_insert(
            ProfileDeclaration,
            [
                {"profile_id": p, "declaration_id": declaration_pk, "lodged_at": fresh.lodged_at}
                for p in fresh.profiles
            ],
        )
        add_hits({p: [fresh.lodged_at] for p in fresh.profiles})
    bulk_insert(AuditEvent, [{**fresh.event, "object_id": str(decision_pk)}])
    bulk_insert(
        Event, [{**fresh.outbox, "declaration_id": declaration_pk, "decision_id": decision_pk}]
    )
    return declaration_pk, decision_pk
