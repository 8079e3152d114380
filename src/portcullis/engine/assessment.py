"""Assessing declarations: every signal, one risk score per item, one channel per declaration.

An item's risk score combines the model's probability with the weights of the profiles and
watchlist entries it hits, each read as an independent chance of a finding (noisy-OR):

    risk = 1 - (1 - model) × Π (1 - profile weight) × Π (1 - watchlist weight)

A declaration's risk score is that of its riskiest item, whose factors explain the decision.
The same code assesses one declaration from the API and a million items from a file. If a
signal cannot be computed, every declaration of the batch fails closed, with the reason.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import polars as pl

from portcullis.engine.catalogue import Catalogue
from portcullis.engine.channels import Channel
from portcullis.engine.conversion import at_rates, to_national
from portcullis.engine.features import FeatureContext, Features, build_features, context_fields
from portcullis.engine.features.calendar import FIELDS as CALENDAR_FIELDS
from portcullis.engine.features.derived import add_derived
from portcullis.engine.features.one import eligible
from portcullis.engine.features.table import Column
from portcullis.engine.items import declaration_starts, item_frame, per_item
from portcullis.engine.model.artifact import ModelArtifact
from portcullis.engine.model.explain import Factor, fields_to_describe, top_factors
from portcullis.engine.model.features import ModelInputs
from portcullis.engine.notes import decision_notes
from portcullis.engine.rules.profiles import ProfileSet
from portcullis.engine.schema import Declaration
from portcullis.engine.selectivity import (
    Draws,
    Policy,
    SelectionSeed,
    Signals,
    most_severe,
    select_channels,
)
from portcullis.engine.single_assessment import OneAssessment, assess_one

Explain = Literal["selected", "all", "none"]
_DRAW_AHEAD = 10_000  # declarations; below this a second thread costs more than it saves
Floats = npt.NDArray[np.float64]


class SignalFailure(Exception):
    """A signal could not be computed; the message says which and why."""


@dataclass(frozen=True)
class Versions:
    model: str | None
    profiles: str
    policy: str
    seed: str  # fingerprint of the selection seed

    def to_dict(self) -> dict[str, str | None]:
        return {
            "model": self.model,
            "profiles": self.profiles,
            "policy": self.policy,
            "seed": self.seed,
        }


@dataclass
class StoredInputs:
    """What a decision stored to be replayed: the context fields of each item and the
    watchlist entries it matched (columns declaration_id, line_no, entry, kind, reason,
    weight), as they were when first assessed."""

    context: pl.DataFrame
    watchlist_hits: pl.DataFrame


@dataclass
class Assessment:
    """The engine's verdict on a batch of declarations.

    ``declarations``: one row each, in order: declaration_id, office, channel, reason,
    risk_score, model_score, revenue_at_stake, top_line_no, failure, u_random, u_explore.
    ``items``: declaration_id, line_no, model_score, risk_score, revenue_at_stake.
    ``profile_hits``: declaration_id, line_no, profile (code), version, weight, channel,
    mandatory, selected. ``watchlist_hits``: declaration_id, line_no, entry (code), kind,
    reason, weight. ``factors``: for the declarations explained, its top item's factors."""

    declarations: pl.DataFrame
    items: pl.DataFrame
    profile_hits: pl.DataFrame
    watchlist_hits: pl.DataFrame
    factors: dict[str, list[Factor]]
    versions: Versions
    features: Features | None = None
    context_names: tuple[str, ...] = ()
    # What a decision must say besides its reason: items left unvalued for want of a rate.
    notes: dict[str, list[str]] = field(default_factory=dict)

    def channel_mix(self) -> dict[str, int]:
        counts = dict(self.declarations.group_by("channel").len().iter_rows())
        return {c.value: int(counts.get(c.value, 0)) for c in Channel}

    def declaration_records(self) -> list[dict[str, Any]]:
        """One dict per declaration (the columns of ``declarations``), in order."""
        return list(self.declarations.iter_rows(named=True))

    def item_records(self) -> list[dict[str, Any]]:
        return list(self.items.iter_rows(named=True))

    def profile_hit_records(self) -> list[dict[str, Any]]:
        return list(self.profile_hits.iter_rows(named=True))

    def watchlist_hit_records(self) -> list[dict[str, Any]]:
        return list(self.watchlist_hits.iter_rows(named=True))

    def context(self) -> list[dict[str, Any]]:
        """Each item's context fields as plain values (None for null), to store."""
        if self.features is None:
            return [{} for _ in range(self.items.height)]
        positions = np.arange(self.features.height)
        return self.features.rows(positions, self.context_names)


@dataclass
class RiskEngine:
    """Everything an assessment depends on, compiled and loaded once, used many times."""

    catalogue: Catalogue
    context: FeatureContext
    profiles: ProfileSet
    policy: Policy
    seed: SelectionSeed
    model: ModelArtifact | None = None
    # Explanation is TreeSHAP, by far the costliest step per item: by default only the
    # declarations that are not released green are explained.
    explain: Explain = "selected"
    # Why there is no model, when one should be there (its files are missing, say).
    model_problem: str = ""
    _describe: list[str] = field(default_factory=list, init=False, repr=False)
    _context_names: tuple[str, ...] = field(default=(), init=False, repr=False)

    @property
    def versions(self) -> Versions:
        return Versions(
            self.model.version if self.model else None,
            self.profiles.version,
            self.policy.version,
            self.seed.fingerprint,
        )

    def prepare(self) -> None:
        """Build now what the profiles' first single declaration would build (the windows
        over history they read): a serving process calls it before taking the engine."""
        self.context.compliance.windows.prepare(self.profiles.fields())

    def context_fields(self) -> tuple[str, ...]:
        if not self._context_names:
            self._context_names = context_fields(self.catalogue)
        return self._context_names

    @property
    def _national(self) -> str | None:
        rates = self.context.rates
        return rates.national if rates is not None else None

    def features(
        self,
        items: pl.DataFrame,
        stored: StoredInputs | None = None,
        starts: npt.NDArray[np.int64] | None = None,
    ) -> Features:
        """Every field of ``items`` but the model score: computed now, or, to replay, read
        from what a decision stored."""
        if stored is None:
            return build_features(items, self.context, starts)
        names = [n for n in self.context_fields() if n in stored.context.columns]
        # A window over history or a calendar field is stored only when something read it;
        # any other is made again when read, point in time (with today's holidays).
        # Decisions made before conversion stored no rate: today's book stands in.
        windows, calendar = self.context.compliance.windows, self.context.calendar
        remade = (set(windows.names()) | set(CALENDAR_FIELDS)) - set(names)
        missing = sorted(set(self.context_fields()) - set(names) - remade - {"rate_applied"})
        if missing:
            raise SignalFailure(f"the stored inputs lack {', '.join(missing)}")
        keys = ["declaration_id", "line_no"]
        aligned = items.select(keys).join(
            stored.context, on=keys, how="left", maintain_order="left"
        )
        if "rate_applied" in names:
            converted = at_rates(items, aligned.get_column("rate_applied"))
        else:
            converted = to_national(items, self.context.rates)
        frame = add_derived(converted, one_declaration=starts is not None and len(starts) == 1)
        columns: dict[str, Column] = {name: aligned.get_column(name) for name in names}
        made = {
            **windows.fields(frame, declaration_starts(frame) if starts is None else starts),
            **calendar.fields(frame),
        }
        columns.update((name, column) for name, column in made.items() if name in remade)
        features = Features(frame, columns)
        features.watchlist_hits = _rows_of(frame, stored.watchlist_hits)
        return features

    def assess(
        self,
        items: pl.DataFrame,
        stored: StoredInputs | None = None,
        explain: Explain | None = None,
    ) -> Assessment:
        """Assess the declarations in ``items`` (an item frame, each declaration's items
        together)."""
        segments = declaration_starts(items)
        ids = items.get_column("declaration_id").gather(segments).to_list()
        # The random draws are keyed hashes made in Python, one per declaration: for a big
        # batch they run on a second thread while Polars and LightGBM (which release the
        # interpreter) build features and score.
        with ThreadPoolExecutor(max_workers=1) as pool, _short_switches(len(ids) > _DRAW_AHEAD):
            draws = pool.submit(self.seed.draws, ids) if len(ids) > _DRAW_AHEAD else None
            try:
                features = self.features(items, stored, segments)
                inputs = self._score(features)
                failure = None
            except Exception as error:  # any fault fails closed, with its reason
                features, inputs, failure = None, None, reason_of(error)
            made = draws.result() if draws is not None else self.seed.draws(ids)
        return self._decide(
            items, segments, ids, made, features, inputs, failure, explain or self.explain
        )

    def assess_declaration(
        self, declaration: Declaration, explain: Explain | None = None
    ) -> Assessment | OneAssessment:
        """Assess one declaration: in plain Python when it was lodged after all of history
        (a live submission: ``single_assessment``), else as a frame of one."""
        if eligible(declaration, self.context):
            return assess_one(self, declaration, explain or self.explain)
        return self.assess(item_frame([declaration], with_outcomes=False), explain=explain)

    # -- steps -----------------------------------------------------------------------------

    def _score(self, features: Features) -> ModelInputs:
        """Adds model_score; returns the model's inputs, for revenue and explanations."""
        if self.model is None:
            raise SignalFailure(self.model_problem or "no model is active")
        inputs = self.model.spec.inputs(features)
        probability = np.empty(inputs.height)
        for start, stop, matrix in inputs.chunks():
            probability[start:stop] = self.model.predict(matrix)
        if not np.all(np.isfinite(probability)):
            raise SignalFailure("the model gave a score that is not a number")
        features.add("model_score", probability)
        return inputs

    def _decide(
        self,
        items: pl.DataFrame,
        segments: npt.NDArray[np.int64],
        declaration_ids: list[str],
        draws: Draws,
        features: Features | None,
        inputs: ModelInputs | None,
        failure: str | None,
        explain: Explain,
    ) -> Assessment:
        ids = items.get_column("declaration_id")
        lines = items.get_column("line_no")
        starts = segments
        offices = items.get_column("office").gather(starts).to_list()
        if features is not None:
            profile_hits = self._profile_hits(features, ids, lines)
            watchlist_hits = self._watchlist_hits(features, ids, lines)
            model = features.numbers("model_score")
            aeo = features.numbers("importer_aeo").astype(bool)
        else:
            profile_hits, watchlist_hits = _EMPTY_PROFILE_HITS, _EMPTY_WATCHLIST_HITS
            model = np.full(items.height, np.nan)
            aeo = np.zeros(items.height, dtype=bool)
        risk = _risk(model, profile_hits, watchlist_hits, items.height)
        top = _top_rows(risk, starts, items.height)
        mandatory = _mandatory(profile_hits)
        signals = Signals(
            declaration_id=declaration_ids,
            office=offices,
            risk_score=risk[top],
            model_score=model[top],
            importer_aeo=aeo[top],
            mandatory_channel=_per_declaration(mandatory, declaration_ids),
            failure=[failure] * len(declaration_ids),
        )
        selection = select_channels(signals, self.policy, self.seed, draws)
        stopped = selection.stopped
        revenue = self._revenue(inputs, model, starts, stopped)
        with np.errstate(invalid="ignore"):
            declaration_revenue = np.add.reduceat(revenue, starts) if len(starts) else revenue[:0]
        declarations = pl.DataFrame(
            [
                pl.Series("declaration_id", declaration_ids, dtype=pl.String),
                pl.Series("office", offices, dtype=pl.String),
                pl.Series("channel", selection.channel, dtype=pl.String),
                pl.Series("reason", selection.reason, dtype=pl.String),
                _numbers(
                    "risk_score", signals.risk_score if failure is None else None, len(starts)
                ),
                _numbers("model_score", signals.model_score, len(starts)),
                _numbers("revenue_at_stake", declaration_revenue, len(starts)),
                lines.gather(top).alias("top_line_no"),
                pl.Series("failure", signals.failure, dtype=pl.String),
                pl.Series("u_random", selection.u_random, dtype=pl.Float64),
                pl.Series("u_explore", selection.u_explore, dtype=pl.Float64),
            ]
        )
        item_scores = pl.DataFrame(
            [
                ids,
                lines,
                _numbers("model_score", model, items.height),
                _numbers("risk_score", risk if failure is None else None, items.height),
                _numbers("revenue_at_stake", revenue, items.height),
            ]
        )
        factors: dict[str, list[Factor]] = {}
        notes: dict[str, list[str]] = {}
        if features is not None and explain != "none":
            chosen = np.flatnonzero(stopped) if explain == "selected" else np.arange(len(starts))
            explained = [declaration_ids[k] for k in chosen]
            if inputs is not None:
                factors = self._factors(features, inputs, top[chosen], explained)
            notes = decision_notes(features, set(explained), self._national)
        elif features is not None:
            notes = decision_notes(features, set(), self._national)
        return Assessment(
            declarations,
            item_scores,
            _without_row(profile_hits),
            _without_row(watchlist_hits),
            factors,
            self.versions,
            features,
            self.context_fields(),
            notes,
        )

    def _profile_hits(self, features: Features, ids: pl.Series, lines: pl.Series) -> pl.DataFrame:
        hits = self.profiles.hits(features)
        if hits.height == 0:
            return _EMPTY_PROFILE_HITS
        rows = hits.get_column("row")
        which = hits.get_column("profile").to_numpy()
        table = self.profiles.table()
        mandatory = table["mandatory"][which]
        # A mandatory profile selects its share of hits by a keyed draw on the declaration.
        selected = mandatory.copy()
        partial = np.flatnonzero(mandatory & (table["selection_pct"][which] < 100))
        if len(partial):
            hit_ids = ids.gather(rows.gather(partial)).to_list()
            codes = table["code"][which[partial]].tolist()
            shares = table["selection_pct"][which[partial]].tolist()
            selected[partial] = [
                self.seed.uniform("profile", code, declaration_id) * 100 < share
                for code, declaration_id, share in zip(codes, hit_ids, shares, strict=True)
            ]
        return pl.DataFrame(
            {
                "row": rows,
                "declaration_id": ids.gather(rows),
                "line_no": lines.gather(rows),
                "profile": table["code"][which],
                "version": table["version"][which],
                "weight": table["weight"][which],
                "channel": table["channel"][which],
                "mandatory": mandatory,
                "selected": selected,
            },
            schema=_PROFILE_HIT_SCHEMA,
        )

    def _watchlist_hits(self, features: Features, ids: pl.Series, lines: pl.Series) -> pl.DataFrame:
        hits = features.watchlist_hits
        if hits is None or hits.height == 0:
            return _EMPTY_WATCHLIST_HITS
        if "code" in hits.columns:  # replayed: stored with their codes and weights
            row_keys = pl.DataFrame(
                {
                    "row": np.arange(len(ids), dtype=np.uint32),
                    "declaration_id": ids,
                    "line_no": lines,
                }
            )
            joined = hits.join(row_keys, on="row", how="left")
            return joined.select(
                "row",
                "declaration_id",
                "line_no",
                pl.col("code").alias("entry"),
                "kind",
                "reason",
                "weight",
            ).cast(pl.Schema(_WATCHLIST_HIT_SCHEMA))
        entries = self.context.watchlist.entries
        positions = hits.get_column("entry").to_list()
        return pl.DataFrame(
            {
                "row": hits.get_column("row"),
                "declaration_id": ids.gather(hits.get_column("row")),
                "line_no": lines.gather(hits.get_column("row")),
                "entry": [entries[e].code for e in positions],
                "kind": [entries[e].kind.value for e in positions],
                "reason": [entries[e].reason for e in positions],
                "weight": [entries[e].weight for e in positions],
            },
            schema=_WATCHLIST_HIT_SCHEMA,
        )

    def _revenue(
        self,
        inputs: ModelInputs | None,
        probability: Floats,
        starts: npt.NDArray[np.int64],
        stopped: npt.NDArray[np.bool_],
    ) -> Floats:
        """Expected revenue at stake of each item of the declarations selected for control
        (NaN elsewhere, and everywhere when the model has no revenue part): estimating it
        for everything released would cost as much as scoring, for figures nobody reads."""
        revenue = np.full(len(probability), np.nan)
        if inputs is None or self.model is None or self.model.revenue_booster is None:
            return revenue
        sizes = np.diff(np.append(starts, len(probability)))
        rows = np.flatnonzero(np.repeat(stopped, sizes))
        if len(rows):
            expected = self.model.predict_revenue(inputs.rows(rows), probability[rows])
            if expected is not None:
                revenue[rows] = expected
        return revenue

    def _factors(
        self,
        features: Features,
        inputs: ModelInputs,
        rows: npt.NDArray[np.int64],
        ids: list[str],
    ) -> dict[str, list[Factor]]:
        """The factors of each declaration's riskiest item (``rows``)."""
        if self.model is None or len(rows) == 0:
            return {}
        if not self._describe:
            self._describe = fields_to_describe(self.model)
        explained = top_factors(self.model, inputs.rows(rows), features.rows(rows, self._describe))
        return dict(zip(ids, explained, strict=True))


# -- helpers ---------------------------------------------------------------------------------


def _risk(
    model: Floats, profile_hits: pl.DataFrame, watchlist_hits: pl.DataFrame, height: int
) -> Floats:
    """Noisy-OR of the model probability and the weights of every hit, per item."""
    keep = np.zeros(height)  # sum of log(1 - weight)
    for hits in (profile_hits, watchlist_hits):
        if hits.height:
            weights = np.minimum(hits.get_column("weight").to_numpy(), 1 - 1e-12)
            np.add.at(keep, hits.get_column("row").to_numpy(), np.log1p(-weights))
    return 1.0 - (1.0 - np.nan_to_num(model)) * np.exp(keep)


def _top_rows(risk: Floats, starts: npt.NDArray[np.int64], height: int) -> npt.NDArray[np.int64]:
    """The first row with the highest risk in each declaration."""
    if len(starts) == 0:
        return starts
    highest = per_item(np.maximum.reduceat(risk, starts), starts, height)
    candidates = np.where(risk == highest, np.arange(height), height)
    return np.minimum.reduceat(candidates, starts).astype(np.int64)


def _mandatory(profile_hits: pl.DataFrame) -> dict[str, str]:
    """Per declaration, the most severe channel among its selected mandatory hits."""
    chosen: dict[str, list[str]] = {}
    if profile_hits.height:
        selected = profile_hits.filter(pl.col("selected"))
        for declaration_id, channel in selected.select("declaration_id", "channel").iter_rows():
            chosen.setdefault(declaration_id, []).append(channel)
    return {d: c for d, channels in chosen.items() if (c := most_severe(channels)) is not None}


@contextmanager
def _short_switches(wanted: bool) -> Iterator[None]:
    """While the hashing thread runs, hand the interpreter back to the main thread every
    half millisecond rather than every five: each return from a Polars call waits for it."""
    if not wanted:
        yield
        return
    previous = sys.getswitchinterval()
    sys.setswitchinterval(0.0005)
    try:
        yield
    finally:
        sys.setswitchinterval(previous)


def _per_declaration(chosen: dict[str, str], ids: list[str]) -> list[str | None]:
    if not chosen:
        return [None] * len(ids)
    return [chosen.get(i) for i in ids]


def _rows_of(frame: pl.DataFrame, stored: pl.DataFrame) -> pl.DataFrame:
    """Stored watchlist hits with the row each refers to in ``frame``."""
    keys = frame.select("declaration_id", "line_no").with_row_index("row")
    return stored.join(keys, on=["declaration_id", "line_no"], how="inner").select(
        "row", pl.col("entry").alias("code"), "kind", "reason", "weight"
    )


def _numbers(name: str, values: Floats | None, height: int) -> pl.Series:
    """A float column with NaN (and no values at all) as null."""
    if values is None:
        return pl.Series(name, [None] * height, dtype=pl.Float64)
    return pl.Series(name, values, dtype=pl.Float64, nan_to_null=True)


def _without_row(hits: pl.DataFrame) -> pl.DataFrame:
    # Rebuilt from its columns: DataFrame.drop goes through the query planner, which costs
    # more than the whole of some single-declaration steps.
    return pl.DataFrame([column for column in hits.get_columns() if column.name != "row"])


def reason_of(error: Exception) -> str:
    """A failure's reason in one line, for the decision it holds."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    if isinstance(error, SignalFailure):
        return text
    return f"{type(error).__name__}: {text}"[:300]


_PROFILE_HIT_SCHEMA: dict[str, pl.DataType] = {
    "row": pl.UInt32(),
    "declaration_id": pl.String(),
    "line_no": pl.Int32(),
    "profile": pl.String(),
    "version": pl.Int64(),
    "weight": pl.Float64(),
    "channel": pl.String(),
    "mandatory": pl.Boolean(),
    "selected": pl.Boolean(),
}
_WATCHLIST_HIT_SCHEMA: dict[str, pl.DataType] = {
    "row": pl.UInt32(),
    "declaration_id": pl.String(),
    "line_no": pl.Int32(),
    "entry": pl.String(),
    "kind": pl.String(),
    "reason": pl.String(),
    "weight": pl.Float64(),
}


_EMPTY_PROFILE_HITS = pl.DataFrame(schema=_PROFILE_HIT_SCHEMA)
_EMPTY_WATCHLIST_HITS = pl.DataFrame(schema=_WATCHLIST_HIT_SCHEMA)
