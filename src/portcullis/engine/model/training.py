"""Training the model on inspected items, with validation that respects time.

The last part of the training period (``validation_share`` of its items, by lodging time) is
held out: the model is fitted on what came before, stopped early when it no longer improves on
the held-out part, and scored there (these are the figures its registry entry shows). The
final model is then refitted on the whole period with that number of trees. Where outcomes
carry revenue (additional duties), a second model predicts the revenue of a finding.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import lightgbm as lgb
import numpy as np
import polars as pl

from portcullis.engine import drift, metrics
from portcullis.engine.features.valuation import ReferencePrices
from portcullis.engine.model.artifact import ModelArtifact
from portcullis.engine.model.features import FeatureSpec
from portcullis.engine.revenue import revenue_expr

MIN_TRAINING_ITEMS = 200
MIN_REVENUE_FINDINGS = 50  # findings with duties needed before a revenue model is attempted
REFERENCE_ITEMS = 200_000  # items of the training window its drift references are counted on


class TrainingError(ValueError):
    """The data cannot train a model (too few outcomes, only one class, ...)."""


@dataclass(frozen=True)
class TrainingSettings:
    # Chosen on KCS 2020 -> 2021-Q1 for precision at 5-10 % inspection rates with few enough
    # trees to score 200,000+ items a second on two cores (README, "Performance").
    learning_rate: float = 0.1
    num_leaves: int = 63
    max_depth: int = 8
    min_child_samples: int = 20
    feature_fraction: float = 0.8
    bagging_fraction: float = 0.8
    lambda_l2: float = 1.0
    max_rounds: int = 150
    early_stopping_rounds: int = 30
    validation_share: float = 0.15
    seed: int = 0
    threads: int = 0  # 0: LightGBM's default (all cores)

    def params(self, objective: str = "binary") -> dict[str, Any]:
        return {
            "objective": objective,
            "learning_rate": self.learning_rate,
            "num_leaves": self.num_leaves,
            "max_depth": self.max_depth,
            "min_child_samples": self.min_child_samples,
            "feature_fraction": self.feature_fraction,
            "bagging_fraction": self.bagging_fraction,
            "bagging_freq": 1,
            "lambda_l2": self.lambda_l2,
            "seed": self.seed,
            "deterministic": True,
            "force_col_wise": True,
            "num_threads": self.threads,
            "verbosity": -1,
        }


def labelled(frame: pl.DataFrame) -> pl.DataFrame:
    """The items whose declaration has a known outcome."""
    return frame.filter(pl.col("finding").is_not_null())


def _time_split(frame: pl.DataFrame, share: float) -> tuple[pl.DataFrame, pl.DataFrame]:
    ordered = frame.sort("lodged_at", maintain_order=True)
    cut = int(ordered.height * (1 - share))
    boundary = ordered.get_column("lodged_at")[cut]
    # Never split one day's items across the two parts.
    earlier = ordered.filter(pl.col("lodged_at") < boundary)
    later = ordered.filter(pl.col("lodged_at") >= boundary)
    return earlier, later


def _fit(
    spec: FeatureSpec,
    settings: TrainingSettings,
    train: pl.DataFrame,
    valid: pl.DataFrame | None,
    rounds: int,
) -> lgb.Booster:
    categorical = list(range(len(spec.categorical)))
    data = lgb.Dataset(
        spec.matrix(train),
        label=train.get_column("finding").cast(pl.Float64).to_numpy(),
        feature_name=spec.names,
        categorical_feature=categorical,
        free_raw_data=True,
    )
    callbacks: list[Callable[..., Any]] = []
    valid_sets = []
    if valid is not None:
        valid_sets = [
            lgb.Dataset(
                spec.matrix(valid),
                label=valid.get_column("finding").cast(pl.Float64).to_numpy(),
                reference=data,
            )
        ]
        callbacks.append(lgb.early_stopping(settings.early_stopping_rounds, verbose=False))
    params = {**settings.params(), "metric": "average_precision"}
    return lgb.train(
        params, data, num_boost_round=rounds, valid_sets=valid_sets, callbacks=callbacks
    )


def _revenue_model(
    spec: FeatureSpec, settings: TrainingSettings, frame: pl.DataFrame
) -> lgb.Booster | None:
    """log revenue of a finding per item (the declaration's finding revenue, engine.revenue,
    shared by item value)."""
    findings = frame.with_columns(revenue_expr()).filter(pl.col("revenue").is_not_null())
    if findings.height < MIN_REVENUE_FINDINGS:
        return None
    share = pl.col("customs_value") / pl.col("customs_value").sum().over("declaration_id")
    target = (pl.col("revenue") * share.fill_nan(0).fill_null(0)).log1p()
    data = lgb.Dataset(
        spec.matrix(findings),
        label=findings.select(target).to_series().to_numpy(),
        feature_name=spec.names,
        categorical_feature=list(range(len(spec.categorical))),
    )
    # Smaller than the finding model: amounts are noisy, and the estimate is a guide for
    # officers, not a ranking.
    params = {**settings.params("regression"), "num_leaves": 31, "max_depth": 6}
    return lgb.train(params, data, num_boost_round=min(60, settings.max_rounds))


def train_model(
    frame: pl.DataFrame,
    prices: ReferencePrices,
    settings: TrainingSettings | None = None,
    spec: FeatureSpec | None = None,
    *,
    notes: dict[str, Any] | None = None,
) -> ModelArtifact:
    """A model trained on the labelled items of ``frame`` (every catalogue feature built, point
    in time). ``prices`` are the reference prices the features were built with; they travel
    with the model."""
    settings = settings or TrainingSettings()
    data = labelled(frame)
    if data.height < MIN_TRAINING_ITEMS:
        raise TrainingError(
            f"only {data.height:,} inspected items; at least {MIN_TRAINING_ITEMS:,} are needed"
        )
    findings = int(data.get_column("finding").sum())
    if findings == 0 or findings == data.height:
        raise TrainingError("the inspected items all have the same outcome; nothing to learn")
    spec = (spec or FeatureSpec()).fitted(data)

    earlier, later = _time_split(data, settings.validation_share)
    validation: dict[str, Any] = {}
    rounds = settings.max_rounds
    if (
        earlier.height >= MIN_TRAINING_ITEMS
        and later.height
        and later.get_column("finding").n_unique() == 2
    ):
        held_out = _fit(spec, settings, earlier, later, settings.max_rounds)
        rounds = max(1, held_out.best_iteration or settings.max_rounds)
        scores = held_out.predict(spec.matrix(later), num_iteration=rounds)
        labels = later.get_column("finding").cast(pl.Float64).to_numpy()
        validation = {
            **metrics.ranking_report(labels, np.asarray(scores)),
            "from": later.get_column("lodged_at").min().isoformat(),  # type: ignore[union-attr]
            "to": later.get_column("lodged_at").max().isoformat(),  # type: ignore[union-attr]
        }
    booster = _fit(spec, settings, data, None, rounds)
    revenue = _revenue_model(spec, settings, data)

    model_text = booster.model_to_string()
    window = frame if frame.height <= REFERENCE_ITEMS else frame.sample(REFERENCE_ITEMS, seed=0)
    window_matrix = spec.matrix(window)
    window_scores = np.asarray(booster.predict(window_matrix), dtype=np.float64)
    reference = drift.references(window_matrix, spec.names, set(spec.categorical), window_scores)
    lodged = data.get_column("lodged_at")
    metadata: dict[str, Any] = {
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "training": {
            "from": lodged.min().isoformat(),  # type: ignore[union-attr]
            "to": lodged.max().isoformat(),  # type: ignore[union-attr]
            "items": data.height,
            "findings": findings,
        },
        "trees": booster.num_trees(),
        "settings": asdict(settings),
        "validation": validation,
        "revenue_model": revenue is not None,
        "lightgbm": lgb.__version__,
        # Every item of the window (inspected or not): live scoring sees the whole flow.
        "reference": reference,
        **(notes or {}),
    }
    digest = hashlib.sha256(model_text.encode())
    digest.update(repr(sorted(spec.to_dict().items())).encode())
    version = "m-" + digest.hexdigest()[:12]
    return ModelArtifact(version, booster, revenue, spec, prices, metadata)
