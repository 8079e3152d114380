"""A trained model version: the boosters, the feature spec, the reference prices it was
trained with, and its metadata; saved as a folder of plain files and loaded back intact.

Folder layout: ``model.txt`` (LightGBM's text format), ``revenue.txt`` (optional),
``prices-<level>.parquet``, and ``meta.json`` (version, metadata, feature spec, and the
SHA-256 of every other file, checked on load).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import lightgbm as lgb
import numpy as np
import numpy.typing as npt
import polars as pl

from portcullis.engine.features.table import Features
from portcullis.engine.features.valuation import ReferencePrices
from portcullis.engine.items import SMALL_FRAME
from portcullis.engine.model.features import FeatureSpec

FORMAT = 1


class ArtifactError(ValueError):
    """A model folder that is missing, incomplete, altered or of an unknown format."""


@dataclass
class ModelArtifact:
    version: str
    booster: lgb.Booster
    revenue_booster: lgb.Booster | None
    spec: FeatureSpec
    prices: ReferencePrices
    metadata: dict[str, Any] = field(default_factory=dict)

    def matrix(self, features: Features | pl.DataFrame) -> npt.NDArray[np.float64]:
        return self.spec.matrix(features)

    def predict(self, matrix: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Probability of a finding for each row of the input matrix."""
        if matrix.shape[0] == 0:
            return np.zeros(0)
        return np.asarray(
            self.booster.predict(matrix, num_threads=_threads(matrix)), dtype=np.float64
        )

    def predict_revenue(
        self, matrix: npt.NDArray[np.float64], probability: npt.NDArray[np.float64]
    ) -> npt.NDArray[np.float64] | None:
        """Expected revenue at stake: probability × predicted revenue of a finding (None when
        the model was trained without revenue)."""
        if self.revenue_booster is None:
            return None
        if matrix.shape[0] == 0:
            return np.zeros(0)
        predicted = self.revenue_booster.predict(matrix, num_threads=_threads(matrix))
        amount = np.expm1(np.asarray(predicted, dtype=np.float64))
        return probability * np.maximum(amount, 0.0)

    def contributions(self, matrix: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """TreeSHAP contributions (LightGBM's pred_contrib) of each feature to each row's
        log-odds; the last column is the base value."""
        if matrix.shape[0] == 0:
            return np.zeros((0, len(self.spec.names) + 1))
        contributions = self.booster.predict(
            matrix, pred_contrib=True, num_threads=_threads(matrix)
        )
        return np.asarray(contributions, dtype=np.float64)

    # -- files -----------------------------------------------------------------------------

    def save(self, folder: Path) -> Path:
        """Write the artifact into ``folder`` (created; must not hold another version)."""
        folder.mkdir(parents=True, exist_ok=True)
        files: dict[str, bytes] = {"model.txt": self.booster.model_to_string().encode()}
        if self.revenue_booster is not None:
            files["revenue.txt"] = self.revenue_booster.model_to_string().encode()
        for name, data in files.items():
            (folder / name).write_bytes(data)
        for level, frame in self.prices.to_frames().items():
            frame.write_parquet(folder / f"prices-{level}.parquet")
        checksums = {
            path.name: _sha256(path)
            for path in sorted(folder.iterdir())
            if path.name != "meta.json"
        }
        meta = {
            "format": FORMAT,
            "version": self.version,
            "metadata": self.metadata,
            "features": self.spec.to_dict(),
            "files": checksums,
        }
        (folder / "meta.json").write_text(
            json.dumps(meta, indent=2, sort_keys=True), encoding="utf-8"
        )
        return folder

    @staticmethod
    def verify(folder: Path) -> dict[str, Any]:
        """The version's metadata, once every file it lists is there with its checksum;
        ArtifactError otherwise (a file missing, altered or of another format)."""
        meta_path = folder / "meta.json"
        try:
            meta: dict[str, Any] = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise ArtifactError(
                f"{folder}: no readable meta.json ({error.__class__.__name__})"
            ) from None
        if meta.get("format") != FORMAT:
            raise ArtifactError(f"{folder}: unknown model format {meta.get('format')!r}")
        for name, expected in meta.get("files", {}).items():
            path = folder / name
            if not path.is_file() or _sha256(path) != expected:
                raise ArtifactError(f"{folder}: {name} is missing or was altered")
        return meta

    @classmethod
    def load(cls, folder: Path) -> ModelArtifact:
        meta = cls.verify(folder)
        booster = lgb.Booster(model_str=(folder / "model.txt").read_text(encoding="utf-8"))
        revenue_path = folder / "revenue.txt"
        revenue = (
            lgb.Booster(model_str=revenue_path.read_text(encoding="utf-8"))
            if "revenue.txt" in meta["files"]
            else None
        )
        frames = {
            path.stem.removeprefix("prices-"): pl.read_parquet(path)
            for path in sorted(folder.glob("prices-*.parquet"))
        }
        return cls(
            meta["version"],
            booster,
            revenue,
            FeatureSpec.from_dict(meta["features"]),
            ReferencePrices.from_frames(frames),
            meta["metadata"],
        )


def _threads(matrix: npt.NDArray[np.float64]) -> int:
    """One thread for a few rows (waking a thread pool costs more than the work), else
    LightGBM's default (0: every core)."""
    return 1 if matrix.shape[0] <= SMALL_FRAME else 0


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()
