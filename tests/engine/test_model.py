"""The model: time-ordered training, a registry folder that survives intact, readable factors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from portcullis.engine.features import build_features
from portcullis.engine.model.artifact import ArtifactError, ModelArtifact
from portcullis.engine.model.explain import describe, fields_to_describe, top_factors
from portcullis.engine.model.training import TrainingError, TrainingSettings, train_model
from tests.engine.risk import history, later_declarations, trained


def test_training_records_what_it_was_trained_on_and_how_it_did() -> None:
    model, _ = trained()
    meta = model.metadata
    assert meta["training"]["items"] > 0
    assert meta["training"]["findings"] > 0
    assert meta["training"]["from"] < meta["training"]["to"]
    validation = meta["validation"]
    # Held out: the latest part of the training period, after everything fitted on.
    assert validation["from"] >= meta["training"]["from"]
    assert set(validation["precision_at"]) == {"1", "2", "5", "10"}
    assert validation["roc_auc"] > 0.6  # the planted patterns are learnable
    assert meta["revenue_model"] is True  # synthetic outcomes carry duties
    assert model.version.startswith("m-")


def _training_frame() -> pl.DataFrame:
    _, context = trained()
    return build_features(history(), context).polars()


def test_training_is_reproducible() -> None:
    model, context = trained()
    again = train_model(_training_frame(), model.prices, TrainingSettings(max_rounds=40))
    assert again.version == model.version
    matrix = model.matrix(build_features(later_declarations(), context))
    assert np.array_equal(again.predict(matrix), model.predict(matrix))


def test_too_little_or_one_sided_data_cannot_train() -> None:
    model, _ = trained()
    frame = _training_frame()
    with pytest.raises(TrainingError, match="at least"):
        train_model(frame.head(50), model.prices)
    with pytest.raises(TrainingError, match="same outcome"):
        train_model(frame.with_columns(pl.lit(False).alias("finding")), model.prices)


def test_an_artifact_round_trips_and_refuses_tampering(tmp_path: Path) -> None:
    model, context = trained()
    folder = model.save(tmp_path / model.version)
    loaded = ModelArtifact.load(folder)
    features = build_features(later_declarations(), context)
    matrix = model.matrix(features)
    assert loaded.version == model.version
    assert np.array_equal(loaded.predict(loaded.matrix(features)), model.predict(matrix))
    assert loaded.metadata == json.loads(json.dumps(model.metadata))

    model_file = folder / "model.txt"
    model_file.write_text(model_file.read_text().replace("tree", "tree ", 1))
    with pytest.raises(ArtifactError, match="altered"):
        ModelArtifact.load(folder)
    with pytest.raises(ArtifactError, match=r"meta\.json"):
        ModelArtifact.load(tmp_path / "nothing-here")


def test_factors_name_features_and_their_values_in_words() -> None:
    model, context = trained()
    features = build_features(later_declarations(), context)
    rows = np.arange(20)
    factors = top_factors(
        model, model.matrix(features)[rows], features.rows(rows, fields_to_describe(model))
    )
    assert len(factors) == 20
    for explained in factors:
        assert 1 <= len(explained) <= 5
        sizes = [abs(f.contribution) for f in explained]
        assert sizes == sorted(sizes, reverse=True)
        assert all(f.text and "_" not in f.text.split(" ")[0] for f in explained)


@pytest.mark.parametrize(
    ("feature", "row", "text"),
    [
        (
            "importer_finding_rate",
            {"importer_finding_rate": 0.4213, "importer_inspections": 14.0},
            "importer finding rate 0.42 over 14 inspections",
        ),
        (
            "importer_finding_rate",
            {"importer_finding_rate": 0.2, "importer_inspections": 0.0},
            "importer has no inspection history",
        ),
        (
            "value_ratio",
            {"value_ratio": 0.12, "valuation_z": -3.14},
            "unit value 12% of reference (robust z -3.1)",
        ),
        ("valuation_z", {"value_ratio": None}, "no reference price"),
        ("importer_declarations", {"importer_declarations": 0.0}, "new importer"),
        ("seller_declarations", {"seller_declarations": None}, "seller not given"),
        ("origin_country", {"origin_country": "CN"}, "origin CN"),
        (
            "hs6_origin_finding_rate",
            {"hs6_origin_finding_rate": 0.5, "hs6_origin_inspections": 3.0},
            "HS6 × origin finding rate 0.50 over 3 inspections",
        ),
        (
            "log_customs_value",
            {"customs_value": 1234567.0, "currency": "KRW"},
            "customs value 1,234,567 KRW",
        ),
        ("log_net_mass", {"net_mass_kg": 12.5}, "net mass 12.5 kg"),
        ("tax_rate", {"tax_rate": 8.0}, "duty rate 8%"),
        ("tax_rate", {"tax_rate": None}, "tax rate unknown"),
    ],
)
def test_describe(feature: str, row: dict, text: str) -> None:
    assert describe(feature, row) == text
