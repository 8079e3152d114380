"""An offline experiment on files, no database: train on some, score another, report.

The test file's outcomes are hidden while its features are built (its declarations still
count as activity, as they would have been lodged), so its figures say how the model would
have ranked that period's declarations with what was known at the time. Features are point
in time throughout: a training item sees only the outcomes known before it was lodged.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from portcullis.engine import metrics
from portcullis.engine.checking import Accepted, check_file
from portcullis.engine.features import FeatureContext, build_features
from portcullis.engine.features.compliance import ComplianceHistory
from portcullis.engine.features.derived import add_derived
from portcullis.engine.features.valuation import ReferencePrices
from portcullis.engine.items import item_frame, without_outcomes
from portcullis.engine.model.training import TrainingSettings, train_model
from portcullis.engine.schema import Declaration
from portcullis.engine.validation import ValidationContext

Report = Callable[[str], None]


class EvaluationError(ValueError):
    """The files cannot make an experiment (no outcomes to measure against, ...)."""


@dataclass
class LoadedFile:
    path: Path
    items: pl.DataFrame
    declarations: int
    rejected: int
    problems: list[str] = field(default_factory=list)


def load_items(
    path: Path, fmt: str, encoding: str | None = None, report: Report | None = None
) -> LoadedFile:
    """Read and validate a file into an item frame; rejected records are counted and
    described (the first few), never silently dropped."""
    accepted: list[Declaration] = []
    rejected = 0
    problems: list[str] = []
    for chunk in check_file(path, fmt, encoding, ValidationContext(), 5000):
        for record in chunk.records:
            if isinstance(record, Accepted):
                accepted.append(record.valid.declaration)
            else:
                rejected += 1
                if len(problems) < 20:
                    problems.extend(rejection.line() for rejection in record)
    if report and rejected:
        report(f"{path.name}: {rejected:,} records rejected, e.g. {problems[0]}")
    return LoadedFile(path, item_frame(accepted), len(accepted), rejected, problems)


@dataclass
class Evaluation:
    train_items: int
    test_items: int
    test_findings: int
    seeds: list[dict[str, Any]]
    seconds: float
    model_trees: list[int]

    def summary(self) -> dict[str, Any]:
        """Mean over seeds of every figure, in the shape ``--json`` prints."""

        def mean(section: str) -> dict[str, float]:
            return {
                rate: statistics.fmean(seed[section][rate] for seed in self.seeds)
                for rate in self.seeds[0][section]
            }

        return {
            "precision_at": mean("precision_at"),
            "recall_at": mean("recall_at"),
            "roc_auc": statistics.fmean(seed["roc_auc"] for seed in self.seeds),
            "seeds": len(self.seeds),
            "train_items": self.train_items,
            "test_items": self.test_items,
            "test_findings": self.test_findings,
            "trees": self.model_trees,
            "seconds": round(self.seconds, 1),
        }


def feature_frames(
    train: pl.DataFrame, test: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame, ReferencePrices]:
    """Point-in-time features of the training and test items (test outcomes hidden)."""
    history = add_derived(pl.concat([train, without_outcomes(test)]))
    prices = ReferencePrices.fit(add_derived(train))
    context = FeatureContext(prices, ComplianceHistory(history))
    frame = build_features(pl.concat([train, test]), context).polars()
    return frame.head(train.height), frame.tail(test.height), prices


def evaluate(
    train: Sequence[pl.DataFrame],
    test: pl.DataFrame,
    seeds: int = 3,
    settings: TrainingSettings | None = None,
    progress: Report | None = None,
) -> Evaluation:
    """Train on ``train`` (item frames with outcomes), score ``test`` and measure the ranking
    against the test file's own outcomes, once per seed."""
    started = time.perf_counter()
    settings = settings or TrainingSettings()
    training = pl.concat(list(train))
    shared = (
        training.get_column("declaration_id")
        .unique()
        .is_in(test.get_column("declaration_id").unique().implode())
    )
    if shared.any():
        raise EvaluationError(
            f"{int(shared.sum()):,} declarations of the test file are also in the training "
            "files: an evaluation needs declarations the model has not seen"
        )
    repeated = training.select(pl.col("declaration_id").rle_id().n_unique()).item()
    if repeated != training.get_column("declaration_id").n_unique():
        raise EvaluationError("the training files hold the same declaration more than once")
    train_frame, test_frame, prices = feature_frames(training, test)
    labelled = test_frame.filter(pl.col("finding").is_not_null())
    if labelled.height == 0:
        raise EvaluationError("the test file has no inspection outcomes to measure against")
    labels = labelled.get_column("finding").cast(pl.Float64).to_numpy()
    results = []
    trees = []
    for seed in range(seeds):
        if progress:
            progress(f"training with seed {seed} ...")
        artifact = train_model(train_frame, prices, replace(settings, seed=seed))
        scores = artifact.predict(artifact.matrix(labelled))
        results.append(metrics.ranking_report(labels, np.asarray(scores)))
        trees.append(artifact.booster.num_trees())
    return Evaluation(
        train_items=training.height,
        test_items=test.height,
        test_findings=int(labels.sum()),
        seeds=results,
        seconds=time.perf_counter() - started,
        model_trees=trees,
    )
