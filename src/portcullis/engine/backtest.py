"""Backtesting profiles: what a proposed profile (or set) would have selected over a period
of history, and what was found among those of its hits that were inspected.

Features are point in time: the declared and derived fields of each item, and, only when a
criterion reads them, its context fields (reference prices fitted on the history before the
period, trader compliance from the outcomes known when it was lodged). Workload is counted
per office and day: the declarations hit, and how many the profiles' selection percentages
would send to control (expected: hits × selection %, the draw itself being secret). Finding
rate and revenue count the hits with a known outcome, so they share the bias of past
selection (a profile targeting what was rarely inspected has few outcomes to judge by: the
number inspected is always shown beside the rate)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import polars as pl

from portcullis.engine.catalogue import Catalogue
from portcullis.engine.features import FeatureContext, Features, build_features
from portcullis.engine.features.calendar import Calendar
from portcullis.engine.features.compliance import ComplianceHistory, ComplianceSettings
from portcullis.engine.features.derived import add_derived
from portcullis.engine.features.valuation import ReferencePrices
from portcullis.engine.measurement import share
from portcullis.engine.revenue import revenue_expr
from portcullis.engine.rules.profiles import ProfileSet

DECLARED_GROUPS = frozenset({"declaration", "item", "derived"})


@dataclass(frozen=True)
class ProfileFigures:
    code: str
    hits: int  # declarations hit
    selected: float  # expected selections (hits × selection %)
    inspected: int
    findings: int
    revenue: float
    overlap: int  # of its hits, declarations the existing profiles also hit

    @property
    def finding_rate(self) -> float | None:
        return share(self.findings, self.inspected)

    @property
    def overlap_share(self) -> float | None:
        return share(self.overlap, self.hits)


@dataclass
class BacktestResult:
    start: datetime
    end: datetime
    declarations: int  # lodged in the period
    profiles: list[ProfileFigures]
    total: ProfileFigures  # the proposal as a whole (a declaration counts once)
    workload: pl.DataFrame  # office, day, hit, selected
    seconds: dict[str, float] = field(default_factory=dict)

    def busiest(self) -> dict[str, Any] | None:
        if self.workload.height == 0:
            return None
        row = self.workload.sort("selected", "hit", descending=True).row(0, named=True)
        return {**row, "day": row["day"].isoformat()}

    def workload_by_office(self) -> pl.DataFrame:
        """Per office: days with a hit, mean and highest expected selections a day."""
        days = max(1, (self.end - self.start).days)
        return (
            self.workload.group_by("office")
            .agg(
                pl.col("hit").sum().alias("hit"),
                pl.col("selected").sum().alias("selected"),
                pl.col("selected").max().alias("busiest_day"),
            )
            .with_columns((pl.col("selected") / days).alias("per_day"))
            .sort("selected", descending=True)
        )

    def offices(self) -> list[dict[str, Any]]:
        return self.workload_by_office().to_dicts()

    def to_dict(self) -> dict[str, Any]:
        def figures(p: ProfileFigures) -> dict[str, Any]:
            return {
                "code": p.code,
                "hits": p.hits,
                "selected": round(p.selected, 1),
                "inspected": p.inspected,
                "findings": p.findings,
                "finding_rate": p.finding_rate,
                "revenue": round(p.revenue, 2),
                "overlap": p.overlap,
                "overlap_share": p.overlap_share,
            }

        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "declarations": self.declarations,
            "total": figures(self.total),
            "profiles": [figures(p) for p in self.profiles],
            "workload_by_office": self.offices(),
            "busiest_office_day": self.busiest(),
            "seconds": self.seconds,
        }


def context_groups(profiles: ProfileSet, catalogue: Catalogue) -> set[str]:
    """The groups of context fields the criteria read (none: declared and derived only)."""
    return {
        catalogue.fields[name].group
        for name in profiles.fields()
        if name in catalogue.fields and catalogue.fields[name].group not in DECLARED_GROUPS
    }


def needs_context(profiles: ProfileSet, catalogue: Catalogue) -> bool:
    return bool(context_groups(profiles, catalogue) - {"calendar"})  # no history needed


def compliance_settings(fields: set[str]) -> ComplianceSettings:
    """Default settings keeping only the subjects and activity counts of ``fields``: each
    subject's point-in-time history over a million declarations costs seconds to build."""
    default = ComplianceSettings()
    subjects = tuple(
        s for s in default.subjects if {f"{s.name}_finding_rate", f"{s.name}_inspections"} & fields
    )
    activity = tuple(t for t in default.activity if f"{t}_declarations" in fields)
    return replace(default, subjects=subjects, activity=activity)


def period_features(
    history: pl.DataFrame,
    start: datetime,
    end: datetime,
    groups: set[str],
    fields: set[str] | None = None,
    calendar: Calendar | None = None,
) -> tuple[pl.DataFrame, Features]:
    """The items lodged in [start, end) and their features (``history``: an item frame,
    declarations' items together, covering at least the period). Only the context the
    criteria read is built (``fields``: the fields they read; None: all of its groups):
    trader history over a million declarations is most of the time. The calendar fields
    are read in ``calendar`` (default: UTC, no holidays)."""
    calendar = calendar or Calendar()
    period = history.filter(pl.col("lodged_at").is_between(start, end, closed="left"))
    if not groups - {"calendar"}:
        frame = add_derived(period)
        return period, Features(frame, calendar.fields(frame))
    before = add_derived(history.filter(pl.col("lodged_at") < start))
    prices = ReferencePrices.fit(before)
    if not groups - {"valuation", "calendar"}:
        frame = add_derived(period)
        return period, Features(frame, {**prices.fields(frame), **calendar.fields(frame)})
    known = add_derived(history.filter(pl.col("lodged_at") < end))
    settings = None if fields is None else compliance_settings(fields)
    compliance = ComplianceHistory(known, settings)
    context = FeatureContext(prices, compliance, calendar=calendar)
    return period, build_features(period, context)


def backtest(
    period: pl.DataFrame,
    features: Features,
    proposal: ProfileSet,
    existing: ProfileSet | None = None,
    existing_features: Features | None = None,
) -> tuple[list[ProfileFigures], ProfileFigures, pl.DataFrame]:
    """Per-profile and whole-proposal figures, and the workload by office and day."""
    declarations = period.select(
        "declaration_id", "office", pl.col("lodged_at").dt.date().alias("day"), "finding"
    ).with_columns(pl.int_range(pl.len()).alias("row"))
    outcomes = (
        period.with_columns(revenue_expr())
        .group_by("declaration_id")
        .agg(
            pl.col("finding").first(),
            pl.col("revenue").first().fill_null(0).alias("duties"),
        )
        .with_columns(pl.when(pl.col("finding")).then(pl.col("duties")).otherwise(0.0))
    )
    table = proposal.table()
    codes = pl.Series("code", table["code"], dtype=pl.String)
    pct = pl.Series("pct", table["selection_pct"], dtype=pl.Float64)
    raw = proposal.hits(features)
    hits = (
        raw.with_columns(
            codes.gather(raw.get_column("profile")).alias("code"),
            pct.gather(raw.get_column("profile")).alias("pct"),
        )
        .join(declarations, on="row")
        .unique(["declaration_id", "code"])
    )
    already: set[str] = set()
    if existing is not None and len(existing):
        seen = existing.hits(existing_features or features).get_column("row")
        already = set(declarations.get_column("declaration_id").gather(seen).unique().to_list())
    per_declaration = hits.group_by("declaration_id", "office", "day").agg(
        pl.col("pct").max() / 100
    )
    profiles = [
        _figures(code, group, outcomes, already)
        for (code,), group in sorted(hits.group_by("code"), key=lambda g: str(g[0][0]))
    ]
    total = _figures("all", per_declaration.rename({"pct": "share"}), outcomes, already)
    workload = (
        per_declaration.group_by("office", "day")
        .agg(pl.len().alias("hit"), pl.col("pct").sum().alias("selected"))
        .sort("office", "day")
    )
    return profiles, total, workload


def _figures(
    code: str, hits: pl.DataFrame, outcomes: pl.DataFrame, already: set[str]
) -> ProfileFigures:
    declared = hits.unique("declaration_id")
    selected = (
        float(declared.get_column("share").sum())
        if "share" in declared.columns
        else float((declared.get_column("pct") / 100).sum())
    )
    known = declared.select("declaration_id").join(outcomes, on="declaration_id")
    inspected = known.filter(pl.col("finding").is_not_null())
    ids = declared.get_column("declaration_id").to_list()
    return ProfileFigures(
        code=code,
        hits=declared.height,
        selected=selected,
        inspected=inspected.height,
        findings=int(inspected.get_column("finding").sum()),
        revenue=float(inspected.get_column("duties").sum()),
        overlap=sum(1 for i in ids if i in already),
    )


def run_backtest(
    history: pl.DataFrame,
    start: datetime,
    end: datetime,
    proposal: ProfileSet,
    catalogue: Catalogue,
    existing: ProfileSet | None = None,
    calendar: Calendar | None = None,
) -> BacktestResult:
    """Backtest ``proposal`` over [start, end) of ``history``; ``existing``: the active
    profiles, for the overlap; ``calendar``: the installation's (for the calendar fields)."""
    clock = time.perf_counter()
    groups = context_groups(proposal, catalogue)
    fields = set(proposal.fields())
    if existing is not None:
        groups |= context_groups(existing, catalogue)
        fields |= set(existing.fields())
    period, features = period_features(history, start, end, groups, fields, calendar)
    built = time.perf_counter()
    profiles, total, workload = backtest(period, features, proposal, existing)
    done = time.perf_counter()
    return BacktestResult(
        start=start,
        end=end,
        declarations=period.get_column("declaration_id").n_unique(),
        profiles=profiles,
        total=total,
        workload=workload,
        seconds={"features": round(built - clock, 3), "profiles": round(done - built, 3)},
    )
