"""Compliance history: smoothed rates, point in time, and no leakage from the future."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl
import pytest

from portcullis.engine.features import Features
from portcullis.engine.features.compliance import ComplianceHistory, ComplianceSettings
from portcullis.engine.features.derived import add_derived
from portcullis.engine.items import declaration_starts, known_at
from tests.engine.risk import frame, history, item

DAY = timedelta(days=1)
T = datetime(2024, 3, 10, 12, 0, tzinfo=UTC)
FIELDS = (
    "importer_finding_rate",
    "importer_inspections",
    "hs6_finding_rate",
    "hs6_origin_inspections",
    "importer_declarations",
)


def figures(past: pl.DataFrame, items: pl.DataFrame) -> list[dict]:
    derived = add_derived(items)
    features = Features(derived, ComplianceHistory(add_derived(past)).fields(derived))
    columns = {name: features.series(name).to_list() for name in features.columns}
    return [{name: values[row] for name, values in columns.items()} for row in range(items.height)]


def outcome(declaration_id: str, lodged: datetime, finding: bool, **fields) -> dict:
    return item(
        declaration_id, lodged_at=lodged, finding=finding, known_at=known_at(lodged, None), **fields
    )


PAST = [
    outcome("H1", T - 5 * DAY, True),
    outcome("H2", T - 4 * DAY, False),
    outcome("H3", T - 3 * DAY, True, importer="IMP2"),
]


def test_a_declaration_sees_only_outcomes_known_before_it() -> None:
    target = item("NEW", lodged_at=T)
    before = figures(frame(*PAST), frame(target))[0]

    # Outcomes known later (a declaration lodged after, or the same day, or an inspection
    # recorded after the target was lodged) change nothing.
    future = [
        outcome("F1", T + DAY, True),
        outcome("F2", T - timedelta(hours=2), True),  # same day: known the next day
        item("F3", lodged_at=T - 2 * DAY, finding=True, known_at=T + timedelta(minutes=1)),
    ]
    after = figures(frame(*PAST, *future, target), frame(target))[0]
    for name in FIELDS[:-1]:
        assert after[name] == pytest.approx(before[name]), name

    # ... while one recorded before it does.
    known = item("K1", lodged_at=T - 2 * DAY, finding=True, known_at=T - timedelta(minutes=1))
    sees = figures(frame(*PAST, known, target), frame(target))[0]
    assert sees["importer_inspections"] == before["importer_inspections"] + 1
    assert sees["importer_finding_rate"] > before["importer_finding_rate"]


def test_no_leakage_in_a_whole_history() -> None:
    """Every item's figures equal those computed from the outcomes known before it alone."""
    data = history()
    sample = data.unique("declaration_id", keep="first").sort("lodged_at").gather_every(97)
    everything = figures(data, sample)
    for row, target in enumerate(sample.iter_rows(named=True)):
        past = data.filter(pl.col("known_at") <= target["lodged_at"])
        earlier = data.filter(pl.col("lodged_at") < target["lodged_at"]).with_columns(
            pl.lit(None, dtype=pl.Boolean).alias("finding")
        )
        alone = figures(pl.concat([past, earlier]), frame(target))[0]
        for name in FIELDS:
            assert everything[row][name] == pytest.approx(alone[name]), (
                target["declaration_id"],
                name,
            )


def test_a_newcomer_gets_the_overall_rate() -> None:
    settings = ComplianceSettings()
    past = [outcome(f"H{i}", T - (i + 1) * DAY, i % 4 == 0, importer=f"OLD{i}") for i in range(40)]
    new = figures(frame(*past), frame(item("NEW", lodged_at=T, importer="NOBODY")))[0]
    findings, outcomes = 10, 40
    prior = (findings + settings.base_rate * settings.base_strength) / (
        outcomes + settings.base_strength
    )
    assert new["importer_inspections"] == 0
    assert new["importer_finding_rate"] == pytest.approx(prior)
    assert new["importer_declarations"] == 0


def test_rates_are_shrunk_towards_the_prior() -> None:
    past = [outcome(f"H{i}", T - (i + 1) * DAY, True, importer="BAD") for i in range(3)]
    past += [outcome(f"G{i}", T - (i + 1) * DAY, False, importer=f"OK{i}") for i in range(30)]
    bad = figures(frame(*past), frame(item("NEW", lodged_at=T, importer="BAD")))[0]
    assert 0.3 < bad["importer_finding_rate"] < 1.0  # three findings out of three, but only three


def test_header_subjects_count_a_declaration_once_and_goods_count_items() -> None:
    lodged = T - 3 * DAY
    two_items = [
        outcome("H1", lodged, True, line_no=1, hs_code="870323"),
        outcome("H1", lodged, True, line_no=2, hs_code="870323"),
    ]
    seen = figures(frame(*two_items), frame(item("NEW", lodged_at=T)))[0]
    assert seen["importer_inspections"] == 1
    assert seen["hs6_origin_inspections"] == 2


def test_the_snapshot_equals_point_in_time_for_declarations_after_history() -> None:
    data = history()
    after = data.filter(pl.col("lodged_at") > data.get_column("known_at").max()).head(0)
    later = data.head(40).with_columns(
        pl.col("lodged_at") + timedelta(days=500), pl.lit(None, dtype=pl.Boolean).alias("finding")
    )
    compliance = ComplianceHistory(add_derived(data))
    derived = add_derived(later)
    assert after.height == 0
    assert compliance.can_snapshot(derived)
    snapshot = compliance._snapshot(derived, declaration_starts(derived))
    point_in_time = compliance._point_in_time(derived)
    for name in snapshot:
        if name.endswith("_d"):
            continue  # activity: the snapshot also counts the batch's own earlier declarations
        assert snapshot[name] == pytest.approx(point_in_time[name], nan_ok=True), name


def test_declarations_earlier_in_a_batch_count_as_activity() -> None:
    batch = frame(
        item("B1", lodged_at=T, importer="IMPX"),
        item("B2", lodged_at=T + DAY, importer="IMPX"),
        item("B2", line_no=2, lodged_at=T + DAY, importer="IMPX"),
        item("B3", lodged_at=T + DAY, importer="IMPX"),  # same instant as B2: not earlier
        item("B4", lodged_at=T + 2 * DAY, importer="IMPX", seller=None),
    )
    seen = figures(frame(*PAST), batch)
    assert [row["importer_declarations"] for row in seen] == [0, 1, 1, 1, 3]
    assert [row["is_new_importer"] for row in seen] == [True, False, False, False, False]
    assert seen[-1]["is_new_seller"] is None  # no seller: neither new nor known


def test_a_national_tariff_line_keeps_its_own_record_and_an_hs6_code_has_none() -> None:
    # As for a missing seller: no record is 0 inspections and the overall (prior) rate.
    line = "8703231090"
    past = frame(
        outcome("N1", T - 5 * DAY, True, hs_code=line),
        outcome("N2", T - 4 * DAY, True, hs_code=line),
        outcome("N3", T - 3 * DAY, False, hs_code="8703231010"),  # another line, same HS6
    )
    later = frame(
        item("L1", lodged_at=T, hs_code=line),
        item("L2", lodged_at=T, hs_code="870323"),
    )
    snapshot = figures(past, later)
    assert [row["national_line_inspections"] for row in snapshot] == [2.0, 0.0]
    assert snapshot[0]["hs6_inspections"] == 3.0
    assert snapshot[0]["national_line_finding_rate"] > snapshot[0]["hs6_finding_rate"]
    in_history = figures(past, later.with_columns(pl.col("lodged_at") - 10 * DAY))
    assert [row["national_line_inspections"] for row in in_history] == [0.0, 0.0]


def test_the_national_line_example_runs_as_documented() -> None:
    from portcullis.engine.features import default_catalogue
    from portcullis.engine.rules.compiler import compile_criteria
    from tests.engine.test_profile_language import _documented_example

    criteria = _documented_example("## National tariff lines")
    assert criteria.startswith('national_line starts with "870323"')
    risky, clean = "8703231090", "8703231010"
    past = frame(
        outcome("N1", T - 5 * DAY, True, hs_code=risky),
        outcome("N2", T - 4 * DAY, True, hs_code=risky),
        outcome("N3", T - 5 * DAY, False, hs_code=clean),
        outcome("N4", T - 4 * DAY, False, hs_code=clean),
    )
    later = add_derived(
        frame(
            item("RISKY", lodged_at=T, hs_code=risky),
            item("CLEAN", lodged_at=T, hs_code=clean),
            item("HS6", lodged_at=T, hs_code="870323"),
        )
    )
    features = Features(later, ComplianceHistory(add_derived(past)).fields(later))
    compiled = compile_criteria(criteria, default_catalogue())
    hit = features.polars(compiled.fields).filter(compiled.expression)
    assert hit.get_column("declaration_id").to_list() == ["RISKY"]


def test_an_importer_declared_but_never_inspected_gets_the_prior_one_declaration_or_many():
    """Its finding counts are empty in the totals: none found, not unknown (a single
    declaration once got NaN here while a batch got the prior)."""
    past = frame(
        outcome("H1", T - 5 * DAY, True, importer="SEEN"),
        item("H2", lodged_at=T - 4 * DAY, importer="QUIET"),
    )
    one = figures(past, frame(item("N1", lodged_at=T, importer="QUIET")))[0]
    many = figures(past, frame(*(item(f"N{n}", lodged_at=T, importer="QUIET") for n in range(300))))
    assert one["importer_inspections"] == many[0]["importer_inspections"] == 0.0
    assert one["importer_finding_rate"] == pytest.approx(many[0]["importer_finding_rate"])
    assert one["importer_finding_rate"] is not None
    assert one["importer_declarations"] == 1.0
