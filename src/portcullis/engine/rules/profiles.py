"""Targeting profiles: analyst-written criteria with a weight, a channel and a selection rate.

A profile set compiles every active profile once and evaluates them together over an item
frame, looking only at the items a profile can match (see ``index``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import polars as pl

from portcullis.engine.catalogue import Catalogue
from portcullis.engine.channels import Channel
from portcullis.engine.features.table import Features
from portcullis.engine.items import TIME
from portcullis.engine.rules.compiler import Anchor, Threshold, best_anchor, compile_criteria
from portcullis.engine.rules.index import IndexEntry, ProfileIndex
from portcullis.engine.rules.lists import Lists
from portcullis.engine.rules.syntax import Node

if TYPE_CHECKING:
    from portcullis.engine.rules.single import RowIndex


@dataclass(frozen=True)
class Profile:
    """One version of a targeting profile, as the engine uses it (frozen once published)."""

    code: str  # stable across versions
    version: int
    criteria: str
    name: str = ""
    channel: Channel = Channel.RED
    weight: float = 0.5  # 0..1: how much a hit adds to the risk score
    selection_pct: float = 100.0  # share of hits the profile selects (deterministic)
    mandatory: bool = False  # a selected hit decides the channel, whatever the score
    risk_category: str = ""
    rationale: str = ""  # why analysts target this: shown to officers
    offices: tuple[str, ...] = ()  # scope: empty means every office
    valid_from: datetime | None = None
    valid_to: datetime | None = None

    def __post_init__(self) -> None:
        if not 0.0 <= self.weight <= 1.0:
            raise ValueError(f"profile {self.code}: weight must be between 0 and 1")
        if not 0.0 <= self.selection_pct <= 100.0:
            raise ValueError(f"profile {self.code}: selection_pct must be between 0 and 100")

    @property
    def key(self) -> str:
        return f"{self.code}@v{self.version}"


@dataclass(frozen=True)
class CompiledProfile:
    profile: Profile
    expression: pl.Expr
    fields: tuple[str, ...]
    anchors: tuple[Anchor, ...]  # necessary conditions the index checks (see compiler)
    thresholds: tuple[Threshold, ...]
    lists: tuple[str, ...] = ()  # the named list versions its criteria read (code@vN)
    tree: Node | None = None  # the parsed criteria (for the single-declaration path)

    @property
    def anchor(self) -> Anchor | None:
        return best_anchor(self.anchors)


def compile_profile(
    profile: Profile, catalogue: Catalogue, lists: Lists | None = None
) -> CompiledProfile:
    """The profile's criteria with its scope and validity folded in. ProfileError if the
    criteria are not valid (an unknown named list among them)."""
    compiled = compile_criteria(profile.criteria, catalogue, lists)
    expression = compiled.expression  # null already counts as no hit
    fields = list(compiled.fields)
    anchors = compiled.anchors
    if profile.offices:
        expression = expression & pl.col("office").is_in(list(profile.offices)).fill_null(False)
        fields.append("office")
        anchors = (*anchors, Anchor("office", profile.offices))
    if profile.valid_from is not None:
        expression = expression & (pl.col("lodged_at") >= pl.lit(profile.valid_from, dtype=TIME))
        fields.append("lodged_at")
    if profile.valid_to is not None:
        expression = expression & (pl.col("lodged_at") < pl.lit(profile.valid_to, dtype=TIME))
        fields.append("lodged_at")
    return CompiledProfile(
        profile,
        expression,
        tuple(dict.fromkeys(fields)),
        anchors,
        compiled.thresholds,
        compiled.lists,
        compiled.tree,
    )


@dataclass
class ProfileSet:
    """The active profiles, compiled. ``version`` names exactly which profile versions are in
    it, so a decision can say what it was assessed against."""

    profiles: list[CompiledProfile] = field(default_factory=list)
    # What the criteria were compiled against: the single-declaration path compiles its
    # plain Python twin of each with the same (rules.single).
    catalogue: Catalogue | None = None
    named_lists: Lists | None = None

    def __post_init__(self) -> None:
        self._table: dict[str, npt.NDArray[Any]] | None = None
        self._rows: RowIndex | None = None
        self._index = ProfileIndex(
            [IndexEntry(p.expression, p.fields, p.anchors, p.thresholds) for p in self.profiles]
        )

    @classmethod
    def compile(
        cls, profiles: list[Profile], catalogue: Catalogue, lists: Lists | None = None
    ) -> ProfileSet:
        ordered = sorted(profiles, key=lambda p: (p.code, p.version))
        return cls([compile_profile(p, catalogue, lists) for p in ordered], catalogue, lists)

    @property
    def lists(self) -> tuple[str, ...]:
        """Every named list version the profiles read (code@vN), sorted."""
        return tuple(sorted({key for p in self.profiles for key in p.lists}))

    @cached_property
    def version(self) -> str:
        """Names the profile versions and the list versions they read: a new version of a
        list is a new profile set. (A set that reads no list keeps the name it always had.)"""
        keys = [p.profile.key for p in self.profiles]
        if self.lists:
            keys.append(f"lists:{','.join(self.lists)}")
        return hashlib.sha256(json.dumps(keys).encode()).hexdigest()[:16]

    def __len__(self) -> int:
        return len(self.profiles)

    def table(self) -> dict[str, npt.NDArray[Any]]:
        """Each profile's settings as arrays, by position (for turning hits into rows)."""
        if self._table is None:
            profiles = [p.profile for p in self.profiles]
            self._table = {
                "code": np.array([p.code for p in profiles], dtype=object),
                "version": np.array([p.version for p in profiles], dtype=np.int64),
                "weight": np.array([p.weight for p in profiles], dtype=np.float64),
                "channel": np.array([p.channel.value for p in profiles], dtype=object),
                "mandatory": np.array([p.mandatory for p in profiles], dtype=bool),
                "selection_pct": np.array([p.selection_pct for p in profiles], dtype=np.float64),
            }
        return self._table

    def fields(self) -> set[str]:
        return self._index.fields

    def row_index(self, catalogue: Catalogue) -> RowIndex:
        """The set as plain Python functions of one item's fields (made on first use: a
        process that assesses only batches never needs it)."""
        if self._rows is None:
            from portcullis.engine.rules.single import RowIndex

            self._rows = RowIndex(self.profiles, self.catalogue or catalogue, self.named_lists)
        return self._rows

    def hits(self, features: Features | pl.DataFrame) -> pl.DataFrame:
        """(row, profile): every item row each profile hits, profile being the position in
        ``profiles``. Rows in order, profiles in order within a row."""
        if isinstance(features, pl.DataFrame):
            features = Features(features)
        return self._index.hits(features)
