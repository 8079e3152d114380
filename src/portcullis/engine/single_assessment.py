"""One declaration assessed in plain Python: the submission path's twin of ``RiskEngine.assess``.

For a declaration lodged after all of history (a live submission), the same decision as the
batch path gives a frame of that one declaration: the same features (``features.one``), the
same profile hits (``rules.single``), the same model score, risk, channel, revenue at stake,
factors and notes, and the same inputs stored to replay it. Without a Polars call, which costs
tens of microseconds whatever the size, what is left is the work itself. A property test
holds the two paths to the same decision over random declarations, profiles and watchlists.
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt

from portcullis.engine.channels import Channel
from portcullis.engine.conversion import lodging_day
from portcullis.engine.features.one import OneDeclaration
from portcullis.engine.model.explain import Factor, fields_to_describe, top_factors
from portcullis.engine.notes import CHEAP_RATIO, cheap_item_note
from portcullis.engine.schema import Declaration
from portcullis.engine.selectivity import most_severe, select_channel

if TYPE_CHECKING:
    from portcullis.engine.assessment import RiskEngine, Versions

Explain = Literal["selected", "all", "none"]
_NOTE_FIELDS = (
    "line_no", "unit_value", "ref_unit_value", "value_ratio", "valuation_basis",
    "invoice_value", "currency", "rate_applied",
)  # fmt: skip


@dataclass
class OneAssessment:
    """The engine's verdict on one declaration, as records: what ``Assessment`` holds in
    frames, read the same way (``declaration_records`` and the rest)."""

    declaration: dict[str, Any]
    items: list[dict[str, Any]]
    profile_hits: list[dict[str, Any]]
    watchlist_hits: list[dict[str, Any]]
    factors: dict[str, list[Factor]]
    notes: dict[str, list[str]]
    versions: Versions
    item_context: list[dict[str, Any]]

    def declaration_records(self) -> list[dict[str, Any]]:
        return [self.declaration]

    def item_records(self) -> list[dict[str, Any]]:
        return self.items

    def profile_hit_records(self) -> list[dict[str, Any]]:
        return self.profile_hits

    def watchlist_hit_records(self) -> list[dict[str, Any]]:
        return self.watchlist_hits

    def context(self) -> list[dict[str, Any]]:
        return self.item_context


def _or_none(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def assess_one(engine: RiskEngine, declaration: Declaration, explain: Explain) -> OneAssessment:
    """The decision on ``declaration``, lodged after all of the engine's history (see
    ``features.one.eligible``), as ``engine.assess`` would make it."""
    from portcullis.engine.assessment import SignalFailure, reason_of

    declaration_id = declaration.declaration_id
    u_random, u_explore = engine.seed.draw(declaration_id)
    one: OneDeclaration | None = None
    matrix: npt.NDArray[np.float64] | None = None
    failure: str | None = None
    try:
        one = OneDeclaration(declaration, engine.context)
        if engine.model is None:
            raise SignalFailure(engine.model_problem or "no model is active")
        matrix = engine.model.spec.one(one.rows)
        probability = engine.model.predict(matrix)
        scores = probability.tolist()
        if not all(map(math.isfinite, scores)):
            raise SignalFailure("the model gave a score that is not a number")
        for row, score in zip(one.rows, scores, strict=True):
            row["model_score"] = score  # profiles may read it
    except Exception as error:  # any fault fails closed, with its reason
        one, matrix, failure = None, None, reason_of(error)
    count = len(declaration.items)
    lines = [item.line_no for item in declaration.items]
    hits: list[tuple[int, int]] = []
    listed: list[tuple[int, int]] = []
    selected: list[bool] = []
    table = engine.profiles.table()
    if one is not None:
        hits = engine.profiles.row_index(engine.catalogue).hits(one.rows)
        listed = one.watchlist_hits
        selected = [_selected(engine, table, profile, declaration_id) for _, profile in hits]
        model = probability
        aeo = bool(one.rows[0]["importer_aeo"]) if one.rows else False
    else:
        model = np.full(count, np.nan)
        aeo = False
    entries = engine.context.watchlist.entries
    risk = _risk(
        model,
        [(row, float(table["weight"][profile])) for row, profile in hits],
        [(row, entries[entry].weight) for row, entry in listed],
        count,
    )
    top = int(np.argmax(risk)) if count else 0
    mandatory = most_severe(
        [
            str(table["channel"][profile])
            for (_, profile), chosen in zip(hits, selected, strict=True)
            if chosen
        ]
    )
    channel, reason = select_channel(
        declaration.office,
        float(risk[top]),
        float(model[top]),
        aeo,
        mandatory,
        failure,
        engine.policy,
        (u_random, u_explore),
    )
    stopped = channel != Channel.GREEN.value
    revenue = np.full(count, np.nan)
    artifact = engine.model
    if stopped and matrix is not None and artifact is not None and artifact.revenue_booster:
        expected = artifact.predict_revenue(matrix, model)
        if expected is not None:
            revenue = expected
    total = [math.nan]
    if stopped and count:
        with np.errstate(invalid="ignore"):
            total = np.add.reduceat(revenue, np.array([0])).tolist()
    explained = one is not None and (explain == "all" or (explain == "selected" and stopped))
    factors: dict[str, list[Factor]] = {}
    if explained and one is not None and matrix is not None and artifact is not None:
        if not engine._describe:
            engine._describe = fields_to_describe(artifact)
        described = {name: one.rows[top][name] for name in engine._describe}
        (factors[declaration_id],) = top_factors(artifact, matrix[[top]], [described])
    notes = _notes(one, declaration, engine, explained)
    return OneAssessment(
        declaration={
            "declaration_id": declaration_id,
            "office": declaration.office,
            "channel": channel,
            "reason": reason,
            "risk_score": None if failure is not None else float(risk[top]),
            "model_score": _or_none(model[top]) if count else None,
            "revenue_at_stake": _or_none(total[0]) if count else None,
            "top_line_no": lines[top] if count else None,
            "failure": failure,
            "u_random": u_random,
            "u_explore": u_explore,
        },
        items=[
            {
                "declaration_id": declaration_id,
                "line_no": lines[row],
                "model_score": _or_none(model[row]),
                "risk_score": None if failure is not None else float(risk[row]),
                "revenue_at_stake": _or_none(revenue[row]),
            }
            for row in range(count)
        ],
        profile_hits=[
            {
                "declaration_id": declaration_id,
                "line_no": lines[row],
                "profile": str(table["code"][profile]),
                "version": int(table["version"][profile]),
                "weight": float(table["weight"][profile]),
                "channel": str(table["channel"][profile]),
                "mandatory": bool(table["mandatory"][profile]),
                "selected": chosen,
            }
            for (row, profile), chosen in zip(hits, selected, strict=True)
        ],
        watchlist_hits=[
            {
                "declaration_id": declaration_id,
                "line_no": lines[row],
                "entry": entries[entry].code,
                "kind": entries[entry].kind.value,
                "reason": entries[entry].reason,
                "weight": entries[entry].weight,
            }
            for row, entry in listed
        ],
        factors=factors,
        notes={declaration_id: notes} if notes else {},
        versions=engine.versions,
        item_context=_context(one, engine, count),
    )


def _selected(
    engine: RiskEngine, table: dict[str, npt.NDArray[Any]], profile: int, declaration_id: str
) -> bool:
    """A mandatory profile's hit selects its share of declarations by a keyed draw."""
    if not table["mandatory"][profile]:
        return False
    share = float(table["selection_pct"][profile])
    if share >= 100:
        return True
    code = str(table["code"][profile])
    return engine.seed.uniform("profile", code, declaration_id) * 100 < share


def _risk(
    model: npt.NDArray[np.float64],
    profile_hits: list[tuple[int, float]],
    watchlist_hits: list[tuple[int, float]],
    count: int,
) -> npt.NDArray[np.float64]:
    """Noisy-OR of the model probability and every hit's weight, as the batch path adds them
    (profile hits, then watchlist hits, each in row order)."""
    if not profile_hits and not watchlist_hits:  # nothing to add: exp(0) is exactly 1
        return 1.0 - (1.0 - _zero_nan(model))
    keep = np.zeros(count)
    for hits in (profile_hits, watchlist_hits):
        if hits:
            rows = np.array([row for row, _ in hits], dtype=np.int64)
            weights = np.minimum(np.array([w for _, w in hits], dtype=np.float64), 1 - 1e-12)
            np.add.at(keep, rows, np.log1p(-weights))
    result: npt.NDArray[np.float64] = 1.0 - (1.0 - _zero_nan(model)) * np.exp(keep)
    return result


def _zero_nan(model: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """``np.nan_to_num`` for scores that are finite or NaN, at a tenth of its cost."""
    return np.where(np.isnan(model), 0.0, model)


def _notes(
    one: OneDeclaration | None, declaration: Declaration, engine: RiskEngine, explained: bool
) -> list[str]:
    """Items left unvalued for want of a rate, then (when explained) items priced far below
    their reference: ``decision_notes`` for one declaration."""
    if one is None:
        return []
    notes = []
    for row in one.rows:
        if row["rate_applied"] is None and row["invoice_value"] is not None:
            day = lodging_day(declaration.lodged_at).isoformat()
            notes.append(
                f"item {row['line_no']}: no exchange rate for {row['currency']} on {day}, so "
                "it is not valued against the reference prices and no value threshold "
                "applies to it"
            )
    if explained:
        national = engine.context.rates.national if engine.context.rates is not None else None
        for row in one.rows:
            ratio = row["value_ratio"]
            if ratio is not None and ratio <= CHEAP_RATIO:
                fields = {name: row[name] for name in _NOTE_FIELDS}
                notes.append(cheap_item_note(fields, national))
    return notes


def _context(one: OneDeclaration | None, engine: RiskEngine, count: int) -> list[dict[str, Any]]:
    """Each item's context fields, to store with the decision: those made on demand only
    when something read them (as the batch path stores its on-demand columns)."""
    if one is None:
        return [{} for _ in range(count)]
    on_demand = one.on_demand() - set(one.made)
    names = [name for name in engine.context_fields() if name not in on_demand]
    values = operator.itemgetter(*names)
    return [dict(zip(names, values(row), strict=True)) for row in one.rows]
