"""Builders for risk-engine tests: small synthetic histories, a trained engine, tiny frames."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import polars as pl

from portcullis.engine.assessment import RiskEngine
from portcullis.engine.features import FeatureContext, default_catalogue
from portcullis.engine.features.compliance import ComplianceHistory
from portcullis.engine.features.derived import add_derived
from portcullis.engine.features.valuation import ReferencePrices
from portcullis.engine.items import SCHEMA
from portcullis.engine.model.artifact import ModelArtifact
from portcullis.engine.model.training import TrainingSettings, train_model
from portcullis.engine.rules.profiles import Profile, ProfileSet
from portcullis.engine.selectivity import Policy, SelectionSeed, calibrate
from portcullis.engine.synthetic import SyntheticSettings, generate
from portcullis.engine.watchlist import Watchlist

SEED = SelectionSeed(b"test-seed-0123456789abcdef")
T0 = datetime(2024, 1, 1, tzinfo=UTC)


def item(declaration_id: str = "D1", line_no: int = 1, **fields: Any) -> dict[str, Any]:
    """One row of an item frame; any field may be overridden."""
    row: dict[str, Any] = {
        "declaration_id": declaration_id,
        "lodged_at": T0 + timedelta(days=10),
        "office": "10",
        "procedure": "40",
        "process_type": "B",
        "import_use": "21",
        "payment_type": "11",
        "transport_mode": "1",
        "declarant": "DCL1",
        "importer": "IMP1",
        "seller": "SEL1",
        "courier": None,
        "country_of_departure": "CN",
        "line_no": line_no,
        "hs_code": "870323",
        "origin_country": "CN",
        "origin_indicator": None,
        "net_mass_kg": 1000.0,
        "quantity": None,
        "quantity_unit": None,
        "customs_value": 10000.0,
        "currency": "USD",
        "tax_type": "A",
        "tax_rate": 8.0,
        "duty": None,
        "finding": None,
        "finding_type": None,
        "critical": None,
        "additional_duties": None,
        "known_at": None,
    }
    row.update(fields)
    row.setdefault("invoice_value", row["customs_value"])  # declared in the national currency
    return row


def frame(*rows: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=SCHEMA)


@cache
def history(declarations: int = 10_000, seed: int = 0) -> pl.DataFrame:
    """A year of synthetic declarations, all inspected."""
    return generate(SyntheticSettings(declarations=declarations, seed=seed, days=365))


@cache
def later_declarations(declarations: int = 600, seed: int = 1) -> pl.DataFrame:
    """Declarations lodged after ``history()``, to assess."""
    return generate(
        SyntheticSettings(
            declarations=declarations,
            seed=seed,
            start=(T0 + timedelta(days=400)).date(),
            days=30,
            population=10_000,  # the world of history()
        )
    )


@cache
def trained() -> tuple[ModelArtifact, FeatureContext]:
    data = add_derived(history())
    prices = ReferencePrices.fit(data)
    context = FeatureContext(prices, ComplianceHistory(data))
    from portcullis.engine.features import build_features

    features = build_features(history(), context).polars()
    model = train_model(features, prices, TrainingSettings(max_rounds=40))
    return model, context


def engine(
    profiles: list[Profile] | None = None,
    watchlist: Watchlist | None = None,
    policy: Policy | None = None,
    aeo: frozenset[str] = frozenset(),
    with_model: bool = True,
) -> RiskEngine:
    model, context = trained()
    catalogue = default_catalogue()
    context = FeatureContext(model.prices, context.compliance, watchlist or Watchlist(), aeo)
    risk = RiskEngine(
        catalogue,
        context,
        ProfileSet.compile(profiles or [], catalogue),
        policy or Policy(),
        SEED,
        model if with_model else None,
    )
    if policy is None and with_model:
        scored = risk.assess(later_declarations(), explain="none").declarations
        risk.policy = calibrate(Policy(), scored.select("office", "risk_score"))
    return risk
