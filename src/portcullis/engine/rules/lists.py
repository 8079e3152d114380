"""Named lists: sets of codes kept as reference data and named in criteria.

``origin_country in list HIGH_RISK_ORIGINS`` reads the version of the list the profile set
was compiled with, so a change to the list is a new version, a new profile set and a
decision that names both. A list has a validity of its own: outside it, it holds nothing
for the declaration (``in list`` is false, ``not in list`` true), judged at the declaration's
lodging time like a profile's own validity, so a backtest sees what was in force then.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

import polars as pl

from portcullis.engine.items import TIME

CODE = re.compile(r"^[A-Z][A-Z0-9_]{1,39}$")  # a name the profile language reads as one word
MAX_VALUES = 100_000
# A list of more values than this is not used to narrow the profiles a batch evaluates: one
# evaluation per value would cost more than one over the whole batch.
MAX_ANCHOR_VALUES = 100


class NamedListError(ValueError):
    pass


@dataclass(frozen=True)
class NamedList:
    """One version of a named list, as the engine uses it (frozen once recorded)."""

    code: str
    version: int
    values: frozenset[str]
    valid_from: datetime | None = None
    expires_at: datetime | None = None

    def __post_init__(self) -> None:
        if not CODE.match(self.code):
            raise NamedListError(
                f"list name {self.code[:50]!r}: capital letters, digits and _, starting with a "
                "letter, 2 to 40 characters (e.g. HIGH_RISK_ORIGINS)"
            )
        if len(self.values) > MAX_VALUES:
            raise NamedListError(f"list {self.code}: at most {MAX_VALUES:,} values")
        if self.valid_from and self.expires_at and self.expires_at <= self.valid_from:
            raise NamedListError(f"list {self.code}: expires_at must come after valid_from")

    @property
    def key(self) -> str:
        return f"{self.code}@v{self.version}"

    def in_force(self) -> pl.Expr | None:
        """True for items lodged within the list's validity (None: it has no bounds)."""
        bounds = []
        if self.valid_from is not None:
            bounds.append(pl.col("lodged_at") >= pl.lit(self.valid_from, dtype=TIME))
        if self.expires_at is not None:
            bounds.append(pl.col("lodged_at") < pl.lit(self.expires_at, dtype=TIME))
        if not bounds:
            return None
        return bounds[0] if len(bounds) == 1 else bounds[0] & bounds[1]


Lists = Mapping[str, NamedList]


def by_code(lists: Iterable[NamedList]) -> dict[str, NamedList]:
    return {named.code: named for named in lists}
