"""Windows over history: the same figures by joins (a batch), by binary search (one
declaration at a time, each stored before the next) and by counting (brute force)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portcullis.engine.catalogue import DAYS_SINCE_FIRST, WINDOW_MEASURES, window_field
from portcullis.engine.features import Features, default_catalogue
from portcullis.engine.features.derived import add_derived
from portcullis.engine.features.windows import WINDOW_DAYS, WINDOW_SUBJECTS, HistoryWindows
from portcullis.engine.items import declaration_starts
from tests.engine.risk import frame, item

T0 = datetime(2024, 1, 1, tzinfo=UTC)
NAMES = [
    *(window_field(s.name, m, n) for s in WINDOW_SUBJECTS for n in WINDOW_DAYS for m in WINDOW_MEASURES),
    DAYS_SINCE_FIRST,
]  # fmt: skip


def declarations(seed: int, count: int, prefix: str, start: datetime, days: int) -> list[dict]:
    """``count`` random declarations of 1-3 items over ``days`` days (some at the same
    instant), few importers and sellers so that windows overlap."""
    rng = np.random.default_rng(seed)
    rows = []
    for number in range(count):
        # Whole hours, often the same one: ties at an instant must not count each other.
        lodged = start + timedelta(hours=int(rng.integers(0, days * 24 // 6)) * 6)
        importer = None if rng.random() < 0.05 else str(rng.choice(["I1", "I2", "I3"]))
        seller = None if rng.random() < 0.15 else str(rng.choice(["S1", "S2", "S3", "S4"]))
        for line in range(1, int(rng.integers(1, 4)) + 1):
            value = (
                None
                if rng.random() < 0.1
                else float(rng.choice([10.0, 250.1, 4000.07, 1e9 + 0.33]))
            )
            rows.append(
                item(
                    f"{prefix}{number}",
                    line,
                    lodged_at=lodged,
                    importer=importer,
                    seller=seller,
                    hs_code=str(rng.choice(["870323", "610910", "851712"])),
                    customs_value=value,
                    invoice_value=value,
                )
            )
    rows.sort(key=lambda row: (row["lodged_at"], row["declaration_id"], row["line_no"]))
    return rows


def computed(history: list[dict], batch: list[dict], prepared: bool = False) -> dict[str, list]:
    items = add_derived(frame(*batch))
    windows = HistoryWindows(add_derived(frame(*history)) if history else add_derived(frame()))
    if prepared:  # as a serving process does before its first request
        windows.prepare(NAMES)
    features = Features(items, windows.fields(items, declaration_starts(items)))
    return {name: features.series(name).to_list() for name in NAMES}


def counted(stream: list[dict], batch: list[dict]) -> dict[str, list]:
    """Each figure by looking at every declaration of ``stream``, the obvious way."""
    by_id: dict[str, list[dict]] = {}
    for row in stream:
        by_id.setdefault(row["declaration_id"], []).append(row)
    out: dict[str, list] = {name: [] for name in NAMES}
    for row in batch:
        t, importer, chapter = row["lodged_at"], row["importer"], row["hs_code"][:2]
        for days in WINDOW_DAYS:
            for subject in ("importer", "importer_chapter"):
                picked = []
                for rows in by_id.values():
                    first = rows[0]
                    if importer is None or first["importer"] != importer:
                        continue
                    if not (t - timedelta(days=days) <= first["lodged_at"] < t):
                        continue
                    if subject == "importer_chapter":
                        rows = [r for r in rows if r["hs_code"][:2] == chapter]
                    if rows:
                        picked.append(rows)
                figures = {
                    "declarations": len(picked),
                    "items": sum(len(rows) for rows in picked),
                    "sellers": len({r[0]["seller"] for r in picked} - {None}),
                    "value": round(
                        sum(r["customs_value"] or 0.0 for rows in picked for r in rows), 2
                    ),
                }
                for measure in WINDOW_MEASURES:
                    value = None if importer is None else float(figures[measure])
                    out[window_field(subject, measure, days)].append(value)
        if importer is None:
            out[DAYS_SINCE_FIRST].append(None)
        else:
            first = min(r[0]["lodged_at"] for r in by_id.values() if r[0]["importer"] == importer)
            out[DAYS_SINCE_FIRST].append(float((t - first) // timedelta(days=1)))
    return out


def one_by_one(history: list[dict], batch: list[dict], prepared: bool = False) -> dict[str, list]:
    """Each declaration alone, as the API sees it, stored before the next one comes."""
    out: dict[str, list] = {name: [] for name in NAMES}
    known = list(history)
    ids = list(dict.fromkeys(row["declaration_id"] for row in batch))
    for declaration_id in ids:
        rows = [row for row in batch if row["declaration_id"] == declaration_id]
        for name, values in computed(known, rows, prepared).items():
            out[name].extend(values)
        known.extend(rows)
    return out


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 100_000))
def test_a_batch_one_by_one_and_counting_agree(seed: int) -> None:
    history = declarations(seed, 60, "H", T0, 150)
    batch = declarations(seed + 1, 25, "B", T0 + timedelta(days=150), 40)
    expected = counted(history + batch, batch)
    assert computed(history, batch) == expected
    assert one_by_one(history, batch) == expected
    assert one_by_one(history, batch, prepared=True) == expected


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 100_000))
def test_point_in_time_over_history_itself(seed: int) -> None:
    """Training and backtests: the items are history; each sees only what came before."""
    history = declarations(seed, 80, "H", T0, 200)
    assert computed(history, history) == counted(history, history)


def test_the_figures_of_a_plain_case() -> None:
    history = [
        item("H1", lodged_at=T0, seller="S1", customs_value=100.0),
        item("H2", lodged_at=T0 + timedelta(days=20), seller="S2", customs_value=50.0),
        item("H2", 2, lodged_at=T0 + timedelta(days=20), seller="S2", hs_code="610910"),
        item("H3", lodged_at=T0 + timedelta(days=26), seller="S1", customs_value=7.0),
    ]
    batch = [item("N1", lodged_at=T0 + timedelta(days=30), hs_code="870390")]
    got = {name: values[0] for name, values in computed(history, batch).items()}
    # Day 30: the 7 days before it hold H3 only; the 30 days, all three (day 0 included).
    assert (got["importer_declarations_7d"], got["importer_value_7d"]) == (1, 7)
    assert got["importer_declarations_30d"] == 3
    assert got["importer_items_30d"] == 4
    assert got["importer_sellers_30d"] == 2
    assert got["importer_value_30d"] == 100 + 50 + 10_000 + 7
    # In chapter 87: H2's garments (chapter 61) are left out.
    assert got["importer_chapter_items_30d"] == 3
    assert got["importer_chapter_value_30d"] == 157
    assert got["importer_days_since_first"] == 30


def test_the_windows_example_runs_as_documented() -> None:
    from portcullis.engine.rules.profiles import Profile, ProfileSet
    from tests.engine.test_profile_language import _documented_example

    criteria = _documented_example("## Windows over history")
    assert criteria == "importer_days_since_first < 30 and importer_declarations_7d > 5"
    day = timedelta(days=1)
    week = [T0 + 100 * day - k * day for k in range(1, 7)]  # six in the week before day 100
    history = [
        *(item(f"NEW{k}", importer="NEW", lodged_at=t) for k, t in enumerate(week)),
        item("OLD0", importer="OLD", lodged_at=T0),
        *(item(f"OLD{k + 1}", importer="OLD", lodged_at=t) for k, t in enumerate(week)),
        *(item(f"FEW{k}", importer="FEW", lodged_at=t) for k, t in enumerate(week[:2])),
    ]
    now = T0 + 100 * day
    batch = [item(name, importer=name, lodged_at=now) for name in ("NEW", "OLD", "FEW")]
    items = add_derived(frame(*batch))
    windows = HistoryWindows(add_derived(frame(*history)))
    features = Features(items, windows.fields(items, declaration_starts(items)))
    profiles = ProfileSet.compile([Profile("P", 1, criteria)], default_catalogue())
    rows = profiles.hits(features).get_column("row").to_list()
    assert [batch[row]["declaration_id"] for row in rows] == ["NEW"]
