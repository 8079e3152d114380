"""Watchlists: traders, goods, origins and routes flagged by intelligence, with reason and expiry.

An entry matches an item when its value equals the item's field (for HS codes: is a prefix of
it; for routes ``DEPARTURE>OFFICE``, either side ``*``) and the item was lodged within the
entry's validity. Each match raises the risk score by the entry's weight, and sets the
``<kind>_watchlisted`` fields that profiles may use ("watchlisted seller and value over...").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from portcullis.engine.items import SMALL_FRAME, TIME


class WatchKind(StrEnum):
    IMPORTER = "importer"
    DECLARANT = "declarant"
    SELLER = "seller"
    COURIER = "courier"
    GOODS = "goods"  # an HS code prefix
    ORIGIN = "origin"  # a country of origin
    ROUTE = "route"  # DEPARTURE>OFFICE, either side may be *


_COLUMN = {
    WatchKind.IMPORTER: "importer",
    WatchKind.DECLARANT: "declarant",
    WatchKind.SELLER: "seller",
    WatchKind.COURIER: "courier",
    WatchKind.ORIGIN: "origin_country",
}
KINDS = tuple(kind.value for kind in WatchKind)
_FLAGS = {kind: f"{kind.value}_watchlisted" for kind in WatchKind}
_HIT_SCHEMA = {"row": pl.UInt32, "entry": pl.UInt32}


class WatchlistError(ValueError):
    """An entry the engine cannot use: ``field`` names what is wrong, ``detail`` says why
    (the message names the entry too)."""

    def __init__(self, code: str, field: str, detail: str) -> None:
        super().__init__(f"watchlist entry {code}: {detail}")
        self.field, self.detail = field, detail


@dataclass(frozen=True)
class WatchlistEntry:
    code: str
    kind: WatchKind
    value: str
    reason: str
    weight: float = 0.5  # 0..1, added to the risk score like a profile hit
    valid_from: datetime | None = None
    expires_at: datetime | None = None
    # An entry on a named list matches any of its values (``value`` then names the list).
    listed: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if not 0.0 <= self.weight <= 1.0:
            raise WatchlistError(self.code, "weight", "weight must be between 0 and 1")
        if not self.value.strip():
            raise WatchlistError(self.code, "value", "value must not be empty")
        if self.listed is not None and self.kind is WatchKind.ROUTE:
            raise WatchlistError(self.code, "named_list", "a route cannot be a named list")
        if self.kind is WatchKind.GOODS and not all(v.isdigit() for v in self.values):
            raise WatchlistError(self.code, "value", "goods must be HS code digits")
        if self.kind is WatchKind.ROUTE:
            departure, _, office = self.value.partition(">")
            if not departure or not office or self.value.count(">") != 1 or self.value == "*>*":
                raise WatchlistError(
                    self.code, "value", "a route is DEPARTURE>OFFICE, e.g. CN>30 or *>30"
                )

    @property
    def values(self) -> tuple[str, ...]:
        """What the entry matches: its value, or its named list's values."""
        return (self.value,) if self.listed is None else self.listed

    def in_force(self, at: datetime) -> bool:
        """Whether it applies to a declaration lodged at ``at`` (as ``hits`` decides)."""
        started = self.valid_from is None or self.valid_from <= at
        return started and (self.expires_at is None or at < self.expires_at)


def _match_keys(kind: WatchKind, prefix_lengths: set[int]) -> list[pl.Expr]:
    """Expressions giving, per item, the value(s) an entry of ``kind`` must equal."""
    if kind is WatchKind.GOODS:
        return [pl.col("hs_code").str.slice(0, length) for length in sorted(prefix_lengths)]
    if kind is WatchKind.ROUTE:
        departure, office = pl.col("country_of_departure"), pl.col("office")
        return [
            pl.concat_str(departure, pl.lit(">"), office),
            pl.concat_str(departure, pl.lit(">*")),
            pl.concat_str(pl.lit("*>"), office),
        ]
    return [pl.col(_COLUMN[kind])]


def _row_can_match(
    row: dict[str, str | None], values: dict[WatchKind, set[str]], prefix_lengths: set[int]
) -> bool:
    """The Python twin of ``_match_keys`` for one item (a necessary condition only: the
    matching itself, validity included, is one Polars join for every frame size)."""
    for kind, known in values.items():
        if kind is WatchKind.GOODS:
            code = row["hs_code"] or ""
            if any(code[:length] in known for length in prefix_lengths):
                return True
        elif kind is WatchKind.ROUTE:
            departure, office = row["country_of_departure"], row["office"]
            routes = {f"{departure}>{office}", f"{departure}>*", f"*>{office}"}
            if departure is None:
                routes = {f"*>{office}"}
            if routes & known:
                return True
        elif row[_COLUMN[kind]] in known:
            return True
    return False


def _row_keys(
    row: dict[str, Any], kinds: tuple[WatchKind, ...], prefix_lengths: set[int]
) -> list[tuple[WatchKind, str]]:
    """The Python twin of ``_match_keys``: the values an entry of each kind must equal for
    one item (a part missing makes no key, as concatenating a null does)."""
    keys: list[tuple[WatchKind, str]] = []
    for kind in kinds:
        if kind is WatchKind.GOODS:
            code = row["hs_code"]
            if code is not None:
                keys.extend((kind, code[:length]) for length in sorted(prefix_lengths))
        elif kind is WatchKind.ROUTE:
            departure, office = row["country_of_departure"], row["office"]
            if departure is not None and office is not None:
                keys.append((kind, f"{departure}>{office}"))
            if departure is not None:
                keys.append((kind, f"{departure}>*"))
            if office is not None:
                keys.append((kind, f"*>{office}"))
        elif (value := row[_COLUMN[kind]]) is not None:
            keys.append((kind, value))
    return keys


class Watchlist:
    """The entries in force, ready to match against item frames."""

    def __init__(self, entries: Sequence[WatchlistEntry] = ()) -> None:
        self.entries = list(entries)
        rows = [
            (
                position,
                entry.kind.value,
                value.upper() if entry.kind in (WatchKind.ORIGIN, WatchKind.ROUTE) else value,
                entry.valid_from,
                entry.expires_at,
            )
            for position, entry in enumerate(self.entries)
            for value in dict.fromkeys(entry.values)
        ]
        self._table = pl.DataFrame(
            rows,
            schema={
                "entry": pl.UInt32,
                "kind": pl.String,
                "value": pl.String,
                "valid_from": TIME,
                "expires_at": TIME,
            },
            orient="row",
        )
        self._values = {
            kind: set(
                self._table.filter(pl.col("kind") == kind.value).get_column("value").to_list()
            )
            for kind in WatchKind
        }
        self._prefix_lengths = {len(v) for v in self._values[WatchKind.GOODS]}
        self._series = {
            kind: pl.Series(sorted(values), dtype=pl.String)
            for kind, values in self._values.items()
        }

    def __len__(self) -> int:
        return len(self.entries)

    def hits(self, items: pl.DataFrame) -> pl.DataFrame:
        """(row, entry): each entry in force that matches each item row."""
        found = [pl.DataFrame(schema=_HIT_SCHEMA)]
        if not self.entries or items.height == 0:
            return found[0]
        keys = [
            (kind, key)
            for kind in WatchKind
            if self._values[kind]
            for key in _match_keys(kind, self._prefix_lengths)
        ]
        # A first pass says which items can match at all: for most declarations none can, and
        # that is then all the watchlist costs.
        candidates = self._candidates(items, keys)
        if not candidates.any():
            return found[0]
        rows = items.with_row_index("row").filter(pl.Series(candidates))
        for kind, key in keys:
            entries = self._table.filter(pl.col("kind") == kind.value)
            matched = (
                rows.select("row", "lodged_at", key.alias("key"))
                .join(entries, left_on="key", right_on="value")
                .filter(
                    (pl.col("valid_from").is_null() | (pl.col("valid_from") <= pl.col("lodged_at")))
                    & (
                        pl.col("expires_at").is_null()
                        | (pl.col("lodged_at") < pl.col("expires_at"))
                    )
                )
            )
            found.append(matched.select("row", "entry"))
        return pl.concat(found).unique().sort("row", "entry")

    def one(self, rows: list[dict[str, Any]]) -> list[tuple[int, int]]:
        """(row, entry) for one declaration's items (dicts), as ``hits`` finds them for a
        frame, in plain Python: sorted, each pair once."""
        if not self.entries:
            return []
        by_value = self._by_value
        found: set[tuple[int, int]] = set()
        for number, row in enumerate(rows):
            lodged = row["lodged_at"]
            for kind, value in _row_keys(row, self._kinds, self._prefix_lengths):
                for entry, valid_from, expires_at in by_value.get((kind, value), ()):
                    if (valid_from is None or valid_from <= lodged) and (
                        expires_at is None or lodged < expires_at
                    ):
                        found.add((number, entry))
        return sorted(found)

    @cached_property
    def _by_value(self) -> dict[tuple[WatchKind, str], list[tuple[int, Any, Any]]]:
        table: dict[tuple[WatchKind, str], list[tuple[int, Any, Any]]] = {}
        for entry, kind, value, valid_from, expires_at in self._table.iter_rows():
            table.setdefault((WatchKind(kind), value), []).append((entry, valid_from, expires_at))
        return table

    @cached_property
    def _kinds(self) -> tuple[WatchKind, ...]:
        return tuple(kind for kind in WatchKind if self._values[kind])

    def _candidates(
        self, items: pl.DataFrame, keys: list[tuple[WatchKind, pl.Expr]]
    ) -> npt.NDArray[np.bool_]:
        """Items whose fields equal (or, for goods, start with) some entry's value."""
        if items.height > SMALL_FRAME:
            mask = items.select(
                pl.any_horizontal(key.is_in(self._series[kind].implode()) for kind, key in keys)
            ).to_series()
            return mask.fill_null(False).to_numpy()
        # A few rows: plain set lookups, without building any Polars expression.
        values = {kind: self._values[kind] for kind in WatchKind if self._values[kind]}
        names = ["hs_code", "country_of_departure", "office", *_COLUMN.values()]
        columns = [items.get_column(name).to_list() for name in names]
        rows = (dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True))
        return np.array(
            [_row_can_match(row, values, self._prefix_lengths) for row in rows], dtype=bool
        )

    def one_flags(self, rows: list[dict[str, Any]], hits: list[tuple[int, int]]) -> None:
        """``watchlist_hits`` and ``<kind>_watchlisted`` of one declaration's items (in
        place), as ``flag_columns`` gives them."""
        cleared = dict.fromkeys(_FLAGS.values(), False)
        for row in rows:
            row["watchlist_hits"] = 0.0
            row.update(cleared)
        for number, entry in hits:
            row = rows[number]
            row["watchlist_hits"] += 1.0
            row[_FLAGS[self.entries[entry].kind]] = True

    def flag_columns(
        self, items: pl.DataFrame, hits: pl.DataFrame | None = None
    ) -> dict[str, npt.NDArray[np.float64] | npt.NDArray[np.bool_]]:
        """``<kind>_watchlisted`` and ``watchlist_hits`` for each item."""
        hits = self.hits(items) if hits is None else hits
        kind_of_entry = np.array([entry.kind.value for entry in self.entries] or [""], dtype=object)
        rows = hits.get_column("row").to_numpy()
        kinds = kind_of_entry[hits.get_column("entry").to_numpy()] if len(rows) else rows
        count = np.zeros(items.height)
        np.add.at(count, rows, 1.0)
        columns: dict[str, npt.NDArray[np.float64] | npt.NDArray[np.bool_]] = {
            "watchlist_hits": count
        }
        for kind in WatchKind:
            flag = np.zeros(items.height, dtype=bool)
            flag[rows[kinds == kind.value]] = True
            columns[f"{kind.value}_watchlisted"] = flag
        return columns
