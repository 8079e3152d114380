"""Figures of a risk ranking: precision and recall at an inspection rate, and ROC-AUC."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl

from portcullis.engine.revenue import revenue_expr

RATES = (1, 2, 5, 10)  # inspection rates (percent of items) reported by default

Floats = npt.NDArray[np.float64]


def top_share(scores: Floats, percent: float) -> npt.NDArray[np.intp]:
    """Indexes of the ``percent`` % highest scores (at least one), ties broken by position so
    that the same scores always select the same items."""
    count = max(1, round(len(scores) * percent / 100))
    order = np.lexsort((np.arange(len(scores)), -scores))
    return order[:count]


def precision_at(labels: Floats, scores: Floats, percent: float) -> float:
    """Share of findings among the ``percent`` % of items with the highest scores."""
    if len(labels) == 0:
        return float("nan")
    return float(labels[top_share(scores, percent)].mean())


def recall_at(labels: Floats, scores: Floats, percent: float) -> float:
    """Share of all findings caught by inspecting the ``percent`` % highest scores."""
    total = labels.sum()
    if total == 0:
        return float("nan")
    return float(labels[top_share(scores, percent)].sum() / total)


def roc_auc(labels: Floats, scores: Floats) -> float:
    """Probability that a random finding outranks a random compliant item (ties count half)."""
    positives = labels == 1
    n_pos, n_neg = int(positives.sum()), int((~positives).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores))
    sorted_scores = scores[order]
    # Average ranks over ties (1-based).
    _, first, counts = np.unique(sorted_scores, return_index=True, return_counts=True)
    average = first + (counts + 1) / 2.0
    ranks[order] = np.repeat(average, counts)
    return float((ranks[positives].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def ranking_report(
    labels: Floats, scores: Floats, rates: tuple[int, ...] = RATES
) -> dict[str, object]:
    """Precision and recall at each rate (keys "1", "2", ...) and ROC-AUC."""
    return {
        "precision_at": {str(r): precision_at(labels, scores, r) for r in rates},
        "recall_at": {str(r): recall_at(labels, scores, r) for r in rates},
        "roc_auc": roc_auc(labels, scores),
        "items": len(labels),
        "findings": int(labels.sum()),
    }


def item_revenue(frame: pl.DataFrame) -> Floats:
    """Revenue found on each item: the declaration's finding revenue (engine.revenue) shared
    by customs value (a compliant or unknown item has none), as the revenue model learns it."""
    share = pl.col("customs_value") / pl.col("customs_value").sum().over("declaration_id")
    amount = (revenue_expr() * share.fill_nan(0)).fill_null(0).fill_nan(0)
    return frame.select(amount.cast(pl.Float64)).to_series().to_numpy()


def revenue_at(revenue: Floats, scores: Floats, percent: float) -> float:
    """Revenue found on the ``percent`` % of items with the highest scores."""
    if len(revenue) == 0:
        return 0.0
    return float(revenue[top_share(scores, percent)].sum())
