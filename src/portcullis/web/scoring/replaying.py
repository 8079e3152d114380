"""Replaying a stored decision: the same declaration, the same inputs, the same versions.

The declaration is read back from storage; the context its items were judged with (their
compliance and valuation figures and watchlist hits) comes from the decision itself, since
history has moved on; the model, profile set and policy are the versions it names. The
replay says whether it reached the same channel, reason and score."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from portcullis.engine.assessment import RiskEngine, StoredInputs
from portcullis.engine.features import FeatureContext, default_catalogue, empty_context
from portcullis.engine.items import item_frame
from portcullis.engine.rules.profiles import ProfileSet
from portcullis.engine.schema import Declaration as CanonicalDeclaration
from portcullis.web.declarations.models import DeclarationRevision
from portcullis.web.profiles.compiled import engine_profile
from portcullis.web.reference.lists import as_lists
from portcullis.web.scoring import registry
from portcullis.web.scoring.history import stored_items
from portcullis.web.scoring.models import Decision
from portcullis.web.scoring.policies import policy_of, selection_seed


class ReplayError(ValueError):
    """The decision cannot be replayed (its seed or model is gone); the message says why."""


@dataclass(frozen=True)
class Replay:
    decision: Decision
    channel: str
    reason: str
    risk_score: float | None

    @property
    def same(self) -> bool:
        return (
            self.channel == self.decision.channel
            and self.reason == self.decision.reason
            and _close(self.risk_score, self.decision.risk_score)
        )


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= 1e-6


def replay(decision: Decision) -> Replay:
    seed = selection_seed()
    if seed.fingerprint != decision.seed_fingerprint:
        raise ReplayError(
            "the selection seed has changed since this decision; random selections cannot "
            "be replayed without the seed it was made with"
        )
    model = None
    if decision.model_version is not None:
        try:
            model = registry.load(decision.model_version.version)
        except ValueError as error:
            raise ReplayError(f"model {decision.model_version.version}: {error}") from None
    members = decision.profile_set.members.select_related("profile")
    lists = as_lists(decision.profile_set.lists.select_related("named_list"))
    profiles = ProfileSet.compile([engine_profile(v) for v in members], default_catalogue(), lists)
    prices = model.prices if model else empty_context().prices
    engine = RiskEngine(
        default_catalogue(),
        FeatureContext(prices, empty_context().compliance),
        profiles,
        policy_of(decision.policy_version),
        seed,
        model,
    )
    items = _judged_items(decision)
    declaration_id = items.get_column("declaration_id")[0] if items.height else ""
    context = pl.DataFrame(decision.inputs).with_columns(
        pl.lit(declaration_id).alias("declaration_id")
    )
    hits = pl.DataFrame(
        decision.watchlist_hits,
        schema={
            "line_no": pl.Int32,
            "entry": pl.String,
            "kind": pl.String,
            "reason": pl.String,
            "weight": pl.Float64,
        },
    ).with_columns(pl.lit(declaration_id).alias("declaration_id"))
    stored = StoredInputs(_typed(context, items), hits)
    result = engine.assess(items, stored=stored, explain="none").declarations.row(0, named=True)
    return Replay(decision, result["channel"], result["reason"], result["risk_score"])


def _judged_items(decision: Decision) -> pl.DataFrame:
    """The declaration's items as the decision saw them: the stored declaration, or the
    revision it was when an amendment has replaced it since."""
    revision = DeclarationRevision.objects.filter(
        declaration_id=decision.declaration_id, version=decision.declaration_version
    ).first()
    if revision is None:
        return stored_items([decision.declaration_id]).drop("_pk")
    content = CanonicalDeclaration.model_validate(revision.content)
    return item_frame([content], with_outcomes=False)


def _typed(context: pl.DataFrame, items: pl.DataFrame) -> pl.DataFrame:
    """Stored JSON values in the engine's types (true/false fields stay Boolean)."""
    if context.height == 0:
        return items.select("declaration_id", "line_no")
    return context.with_columns(pl.col("line_no").cast(pl.Int32))
