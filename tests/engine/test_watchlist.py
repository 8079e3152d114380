"""Watchlists: what an entry matches, for how long, and the same on every path."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import polars as pl
import pytest

from portcullis.engine.features.derived import add_derived
from portcullis.engine.watchlist import WatchKind, Watchlist, WatchlistEntry, WatchlistError
from tests.engine.risk import frame, item

T = datetime(2024, 1, 11, tzinfo=UTC)


def matched(watchlist: Watchlist, *rows: dict) -> list[tuple[int, str]]:
    hits = watchlist.hits(add_derived(frame(*rows)))
    return [(row, watchlist.entries[entry].code) for row, entry in hits.iter_rows()]


@pytest.mark.parametrize(
    ("kind", "value", "row"),
    [
        (WatchKind.IMPORTER, "IMP9", {"importer": "IMP9"}),
        (WatchKind.DECLARANT, "DCL9", {"declarant": "DCL9"}),
        (WatchKind.SELLER, "SEL9", {"seller": "SEL9"}),
        (WatchKind.COURIER, "CUR9", {"courier": "CUR9"}),
        (WatchKind.GOODS, "8703", {"hs_code": "870323"}),
        (WatchKind.ORIGIN, "vn", {"origin_country": "VN"}),
        (WatchKind.ROUTE, "KH>10", {"country_of_departure": "KH", "office": "10"}),
        (WatchKind.ROUTE, "KH>*", {"country_of_departure": "KH", "office": "99"}),
        (WatchKind.ROUTE, "*>10", {"country_of_departure": None, "office": "10"}),
    ],
)
def test_each_kind_matches_its_field(kind: WatchKind, value: str, row: dict) -> None:
    watchlist = Watchlist([WatchlistEntry("W1", kind, value, "intelligence report 7")])
    assert matched(
        watchlist,
        item("A", **row),
        item(
            "B",
            importer="X",
            declarant="X",
            seller="X",
            hs_code="610910",
            origin_country="DE",
            office="20",
            country_of_departure="DE",
        ),
    ) == [(0, "W1")]


def test_entries_apply_only_while_valid() -> None:
    watchlist = Watchlist(
        [
            WatchlistEntry("OLD", WatchKind.IMPORTER, "IMP1", "expired", expires_at=T),
            WatchlistEntry(
                "NOW",
                WatchKind.IMPORTER,
                "IMP1",
                "current",
                valid_from=T,
                expires_at=T + timedelta(days=1),
            ),
        ]
    )
    assert matched(
        watchlist, item("A", lodged_at=T - timedelta(seconds=1)), item("B", lodged_at=T)
    ) == [(0, "OLD"), (1, "NOW")]


def test_flags_and_counts_for_profiles() -> None:
    watchlist = Watchlist(
        [
            WatchlistEntry("W1", WatchKind.SELLER, "SEL1", "counterfeits"),
            WatchlistEntry("W2", WatchKind.ORIGIN, "CN", "transshipment"),
        ]
    )
    flags = watchlist.flag_columns(
        add_derived(frame(item("A"), item("B", seller="SEL2", origin_country="DE")))
    )
    assert flags["seller_watchlisted"].tolist() == [True, False]
    assert flags["origin_watchlisted"].tolist() == [True, False]
    assert flags["watchlist_hits"].tolist() == [2.0, 0.0]


def test_a_batch_and_its_rows_one_by_one_match_the_same_entries() -> None:
    rng = np.random.default_rng(3)
    rows = [
        item(
            f"D{i}",
            importer=f"IMP{rng.integers(0, 30)}",
            hs_code=str(rng.choice(["870323", "610910", "851712"])),
            origin_country=str(rng.choice(["CN", "VN", "DE"])),
            country_of_departure=str(rng.choice(["CN", "KH"])),
            office=str(rng.choice(["10", "11"])),
            lodged_at=T + timedelta(hours=int(rng.integers(-48, 48))),
        )
        for i in range(400)
    ]
    watchlist = Watchlist(
        [
            WatchlistEntry("A", WatchKind.IMPORTER, "IMP3", "x"),
            WatchlistEntry("B", WatchKind.GOODS, "61", "x", valid_from=T),
            WatchlistEntry("C", WatchKind.ROUTE, "KH>11", "x", expires_at=T + timedelta(hours=10)),
            WatchlistEntry("D", WatchKind.ORIGIN, "VN", "x"),
        ]
    )
    batch = matched(watchlist, *rows)
    one_by_one = [(i, code) for i, row in enumerate(rows) for _, code in matched(watchlist, row)]
    assert batch == one_by_one
    assert batch


@pytest.mark.parametrize(
    ("kind", "value", "weight", "says"),
    [
        (WatchKind.IMPORTER, "IMP1", 1.5, "weight"),
        (WatchKind.IMPORTER, " ", 0.5, "empty"),
        (WatchKind.GOODS, "87A", 0.5, "digits"),
        (WatchKind.ROUTE, "CN-10", 0.5, "DEPARTURE>OFFICE"),
        (WatchKind.ROUTE, "*>*", 0.5, "DEPARTURE>OFFICE"),
    ],
)
def test_bad_entries_are_refused(kind: WatchKind, value: str, weight: float, says: str) -> None:
    with pytest.raises(WatchlistError, match=says):
        WatchlistEntry("W", kind, value, "r", weight)


def test_an_empty_watchlist_costs_nothing() -> None:
    assert Watchlist().hits(add_derived(frame(item("A")))).height == 0
    assert pl.DataFrame().height == 0
