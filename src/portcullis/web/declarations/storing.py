"""Storing validated declarations exactly once: the one write path of every channel.

A declaration id is stored once. The same content again is "unchanged" (nothing written);
different content under a stored id is a "conflict", reported with the fields that differ and
never written over. The caller's transaction holds everything one call stores: two writers
storing the same new id make one of them fail on the unique constraint, and the use case
runs its transaction again, which then finds the id stored (usecases.transactions).

Outcomes a file carries are not stored here: they are inspection results, recorded by the
inspections use case in the same transaction."""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Callable, MutableMapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.contrib.auth.models import User
from django.db import connection
from django.utils import timezone

from portcullis.engine.canonical import canonical_dict, differing_fields
from portcullis.engine.schema import Declaration as Canonical
from portcullis.engine.schema import Item as CanonicalItem
from portcullis.engine.schema import TraderRole
from portcullis.engine.validation import ValidDeclaration
from portcullis.web.bulk import bulk_insert, get_or_create_many, reserve_ids, select_where_in
from portcullis.web.declarations.models import Declaration, DeclarationRevision, ImportBatch, Item
from portcullis.web.declarations.stored import (
    HEADER_COLUMNS,
    ITEM_COLUMNS,
    stored_declaration,
)
from portcullis.web.reference.models import Office
from portcullis.web.traders.models import Trader


def _as_stored(model: type[Declaration | Item], names: tuple[str, ...]) -> list[tuple[str, Any]]:
    """(column, what "not given" is stored as): "" for text columns, which are never NULL
    (Django's convention), None for the others."""
    fields = [model._meta.get_field(name) for name in names]
    return [
        (name, None if getattr(f, "null", False) else "")
        for name, f in zip(names, fields, strict=True)
    ]


_HEADER_COLUMNS = _as_stored(Declaration, HEADER_COLUMNS)
_ITEM_COLUMNS = _as_stored(Item, ITEM_COLUMNS)


class Outcome(StrEnum):
    STORED = "stored"
    UNCHANGED = "unchanged"
    CONFLICT = "conflict"


@dataclass(frozen=True)
class StoreResult:
    outcome: Outcome
    pk: int | None = None  # the stored declaration this id refers to
    differing_fields: tuple[str, ...] = ()  # for a conflict
    earlier_index: int | None = None  # the same id came earlier in this call, at this index


@dataclass
class _Known:
    """What an id already stands for: a stored row, or an earlier declaration of this call."""

    content_hash: str
    canonical: Callable[[], dict[str, Any]]
    pk: int | None = None
    index: int | None = None
    duplicates: list[int] = field(default_factory=list)


Ids = MutableMapping[tuple[str, ...], int]


@dataclass
class PartyIds:
    """Ids of offices and traders already looked up, kept across the calls of one import
    (or, for submissions, of one process).

    Neither is ever deleted (declarations protect them), so an id once seen stays right;
    only ids from committed transactions are kept: each attempt reads through to the kept
    ones and writes the ids it finds apart (``attempt``, no copy of what is kept), and they
    join the kept ones once its transaction commits (``keep``)."""

    offices: Ids = field(default_factory=dict)
    traders: Ids = field(default_factory=dict)

    def attempt(self) -> PartyIds:
        return PartyIds(ChainMap({}, self.offices), ChainMap({}, self.traders))

    def keep(self, attempt: PartyIds) -> None:
        for kept, tried in ((self.offices, attempt.offices), (self.traders, attempt.traders)):
            kept.update(tried.maps[0] if isinstance(tried, ChainMap) else tried)

    def forget(self) -> None:
        """After a failed attempt: one of the ids may have been the problem. New maps
        rather than emptied ones: an attempt running in another thread keeps reading the
        ids it has already checked are there."""
        self.offices = {}
        self.traders = {}


def store_declarations(
    declarations: Sequence[ValidDeclaration],
    *,
    source: Declaration.Source,
    batch: ImportBatch | None = None,
    party_ids: PartyIds | None = None,
    received_by: User | None = None,
) -> list[StoreResult]:
    """One result per declaration, in order; call inside a transaction. ``party_ids`` saves
    looking up, again, the offices and traders an earlier call of the same import already
    found (the caller keeps them once the transaction commits)."""
    assert connection.in_atomic_block, "store declarations inside the use case's transaction"
    return _store(declarations, source, batch, party_ids or PartyIds(), received_by)


def _store(
    declarations: Sequence[ValidDeclaration],
    source: Declaration.Source,
    batch: ImportBatch | None,
    party_ids: PartyIds,
    received_by: User | None,
) -> list[StoreResult]:
    ids = {valid.declaration.declaration_id for valid in declarations}
    stored = select_where_in(
        Declaration, ["declaration_id", "content_hash", "id"], {}, "declaration_id", ids
    )
    known: dict[str, _Known] = {
        declaration_id: _Known(content_hash, _stored_canonical(pk), pk=pk)
        for declaration_id, content_hash, pk in stored
    }
    results: list[StoreResult | None] = [None] * len(declarations)
    new: list[int] = []
    for index, valid in enumerate(declarations):
        declaration_id = valid.declaration.declaration_id
        seen = known.get(declaration_id)
        if seen is None:
            known[declaration_id] = _Known(
                valid.content_hash, _canonical(valid.declaration), index=index
            )
            new.append(index)
        elif seen.content_hash == valid.content_hash:
            results[index] = StoreResult(Outcome.UNCHANGED, seen.pk, earlier_index=seen.index)
            seen.duplicates.append(index)
        else:
            differing = differing_fields(seen.canonical(), canonical_dict(valid.declaration))
            results[index] = StoreResult(
                Outcome.CONFLICT, seen.pk, tuple(differing), earlier_index=seen.index
            )
            seen.duplicates.append(index)

    pks = _insert([declarations[index] for index in new], source, batch, party_ids, received_by)
    for index, pk in zip(new, pks, strict=True):
        results[index] = StoreResult(Outcome.STORED, pk)
        entry = known[declarations[index].declaration.declaration_id]
        for duplicate in entry.duplicates:  # now that the first one has its row
            previous = results[duplicate]
            assert previous is not None
            results[duplicate] = StoreResult(
                previous.outcome, pk, previous.differing_fields, previous.earlier_index
            )
    assert all(result is not None for result in results)
    return results  # type: ignore[return-value]


def _stored_canonical(pk: int) -> Callable[[], dict[str, Any]]:
    return lambda: canonical_dict(stored_declaration(pk))


def _canonical(declaration: Canonical) -> Callable[[], dict[str, Any]]:
    return lambda: canonical_dict(declaration)


def _resolve(
    known: Ids,
    model: type[Office | Trader],
    key_fields: tuple[str, ...],
    keys: set[tuple[str, ...]],
    defaults: dict[str, Any],
) -> Ids:
    missing = {key for key in keys if key not in known}
    if missing:
        known.update(get_or_create_many(model, key_fields, missing, defaults))
    return known


def _content_columns(
    declarations: Sequence[ValidDeclaration], party_ids: PartyIds, now: datetime
) -> list[dict[str, Any]]:
    """The columns each declaration's content sets (offices and traders looked up, and
    created when new): what storing and amending write alike."""
    parties = [valid.declaration.traders() for valid in declarations]
    offices = _resolve(
        party_ids.offices,
        Office,
        ("code",),
        {(valid.declaration.office,) for valid in declarations},
        {"name": ""},
    )
    traders = _resolve(
        party_ids.traders,
        Trader,
        ("role", "code"),
        {(role.value, code) for party in parties for role, code in party.items()},
        {"name": "", "aeo_status": Trader.AeoStatus.NONE.value, "first_seen_at": now},
    )
    columns = []
    for valid, codes in zip(declarations, parties, strict=True):
        declaration = valid.declaration
        party = {role: traders[(role.value, code)] for role, code in codes.items()}
        columns.append(
            {
                "lodged_at": declaration.lodged_at,
                "office_id": offices[(declaration.office,)],
                **_values(declaration, _HEADER_COLUMNS),
                "declarant_id": party[TraderRole.DECLARANT],
                "importer_id": party[TraderRole.IMPORTER],
                "seller_id": party.get(TraderRole.SELLER),
                "courier_id": party.get(TraderRole.COURIER),
                "hs_edition": valid.hs_edition,
                "content_hash": valid.content_hash,
            }
        )
    return columns


def _insert(
    declarations: Sequence[ValidDeclaration],
    source: Declaration.Source,
    batch: ImportBatch | None,
    party_ids: PartyIds,
    received_by: User | None,
) -> list[int]:
    if not declarations:
        return []
    now = timezone.now()
    pks = reserve_ids(Declaration, len(declarations))
    rows: list[dict[str, Any]] = []
    items: list[dict[str, Any]] = []
    for pk, (row, item_rows) in zip(
        pks, new_rows(declarations, source, batch, party_ids, received_by, now), strict=True
    ):
        rows.append({"id": pk, **row})
        items.extend({"declaration_id": pk, **item} for item in item_rows)
    bulk_insert(Declaration, rows)
    bulk_insert(Item, items)
    return pks


def new_rows(
    declarations: Sequence[ValidDeclaration],
    source: Declaration.Source,
    batch: ImportBatch | None,
    party_ids: PartyIds,
    received_by: User | None,
    now: datetime,
) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Each declaration's row and its items' rows, as first stored (primary keys and the
    items' reference to their declaration left to the writer)."""
    contents = _content_columns(declarations, party_ids, now)
    made = []
    for valid, content in zip(declarations, contents, strict=True):
        declaration = valid.declaration
        row = {
            "declaration_id": declaration.declaration_id,
            **content,
            "source": source.value,
            "batch_id": batch.pk if batch else None,
            "received_at": now,
            "version": 1,
            "received_by_id": getattr(received_by, "pk", None),
        }
        made.append((row, [_values(item, _ITEM_COLUMNS) for item in declaration.items]))
    return made


def _values(source: Canonical | CanonicalItem, columns: list[tuple[str, Any]]) -> dict[str, Any]:
    # The model's fields from its __dict__ (pydantic keeps them there): a batch reads
    # hundreds of thousands, and attribute access cost more than writing them.
    given = source.__dict__
    values = {}
    for name, not_given in columns:
        value = given[name] if name in given else getattr(source, name)
        values[name] = not_given if value is None else value
    return values


def _item(declaration_pk: int, item: CanonicalItem) -> dict[str, Any]:
    return {"declaration_id": declaration_pk, **_values(item, _ITEM_COLUMNS)}


def replace_content(row: Declaration, valid: ValidDeclaration, received_by: User | None) -> int:
    """Amend a stored declaration (locked by the caller): what it was is kept as a revision,
    the new content takes its place under the next version number, which is returned."""
    now = timezone.now()
    previous = stored_declaration(row.pk)
    DeclarationRevision.objects.create(
        declaration=row,
        version=row.version,
        content=canonical_dict(previous),
        content_hash=row.content_hash,
        received_at=row.received_at,
        replaced_at=now,
        replaced_by=received_by if getattr(received_by, "pk", None) else None,
    )
    (content,) = _content_columns([valid], PartyIds(), now)
    version = row.version + 1
    Declaration.objects.filter(pk=row.pk).update(
        **content,
        received_at=now,
        received_by=received_by if getattr(received_by, "pk", None) else None,
        version=version,
    )
    Item.objects.filter(declaration_id=row.pk).delete()
    bulk_insert(Item, [_item(row.pk, item) for item in valid.declaration.items])
    return version
