"""One declaration in plain Python decides as a frame of one does: the same channel, reason,
scores, hits, factors, notes and stored inputs, over random declarations, profile sets,
watchlists, currencies and calendars (the single-declaration path of issue 16)."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portcullis.engine.assessment import RiskEngine
from portcullis.engine.channels import Channel
from portcullis.engine.conversion import RateBook
from portcullis.engine.features import Calendar, FeatureContext, default_catalogue
from portcullis.engine.items import item_frame
from portcullis.engine.rates import Rate
from portcullis.engine.rules.lists import NamedList, by_code
from portcullis.engine.rules.profiles import Profile, ProfileSet
from portcullis.engine.schema import Declaration
from portcullis.engine.selectivity import Policy
from portcullis.engine.single_assessment import OneAssessment, assess_one
from portcullis.engine.watchlist import WatchKind, Watchlist, WatchlistEntry
from tests.engine.risk import SEED, T0, engine, history, trained

AFTER = T0 + timedelta(days=400)  # after every declaration and outcome of history()
LISTS = by_code(
    [
        NamedList("RISKY", 2, frozenset({"CN", "VN", "UA"})),
        NamedList("LATER", 1, frozenset({"US", "DE"}), valid_from=AFTER + timedelta(days=2)),
    ]
)
CRITERIA = [
    'hs_chapter == "84" or origin_country in list RISKY',
    "valuation_z < -1 and customs_value > 1000",
    "importer_finding_rate > 0.2 or seller_inspections >= 3",
    "is_new_importer or declaration_value > 20000",
    "importer_declarations_30d > 2 and importer_chapter_value_90d >= 0",
    "importer_days_since_first > 100",
    "lodged_on_weekend or lodged_hour >= 20",
    "lodged_on_holiday",
    'currency == "EUR" and declared_rate_ratio < 0.95',
    "watchlist_hits >= 1 or seller_watchlisted",
    'description contains word "parts" or seller_name contains any case "trading"',
    "unit_value / ref_unit_value < 0.5",
    "origin_country in list LATER and not departure_is_origin",
    "importer_aeo and item_count > 2",
    "hs6_origin_inspections == 0 and value_ratio is null",
    'national_line starts with "8703" or rate_applied is null',
    "model_score > 0.5",
]
CURRENCIES = ["USD", "EUR", "KRW", "GBP"]  # GBP has no rate in the book: unvalued items


@cache
def _history_facts() -> tuple[list[str], list[str], list[str], list[str]]:
    frame = history()
    importers = frame.get_column("importer").unique().sort().to_list()[:40]
    busiest = frame.group_by("importer").len().sort("len", descending=True).get_column("importer")
    codes = frame.get_column("hs_code").unique().sort().to_list()[:60]
    sellers = frame.get_column("seller").drop_nulls().unique().sort().to_list()[:20]
    return [*busiest.head(5).to_list(), *importers, "IMP-NEW"], codes, sellers, ["10", "11", "12"]


BOOK = RateBook(
    "KRW",
    [
        Rate("USD", date(2024, 1, 1), None, Decimal("1350.5"), "TEST"),
        Rate("EUR", date(2024, 1, 1), date(2025, 3, 1), Decimal("1480.25"), "TEST"),
    ],
)
CALENDAR = Calendar("Asia/Seoul", frozenset({date(2025, 2, 10), date(2025, 2, 14)}))


@cache
def _base() -> RiskEngine:
    return engine(aeo=frozenset())


def _engine(profiles: list[Profile], watchlist: Watchlist, aeo: frozenset[str]) -> RiskEngine:
    base = _base()
    model, context = trained()
    catalogue = default_catalogue()
    features = FeatureContext(model.prices, context.compliance, watchlist, aeo, BOOK, CALENDAR)
    return RiskEngine(
        catalogue,
        features,
        ProfileSet.compile(profiles, catalogue, LISTS),
        base.policy,
        SEED,
        model,
    )


@st.composite
def declarations(draw: st.DrawFn) -> Declaration:
    importers, codes, sellers, offices = _history_facts()
    at = AFTER + timedelta(minutes=draw(st.integers(0, 60 * 24 * 50)))
    items = []
    for line in range(1, draw(st.integers(1, 6)) + 1):
        code = draw(st.sampled_from(codes))
        items.append(
            {
                "line_no": line,
                "hs_code": code + draw(st.sampled_from(["", "", "1000"])),
                "origin_country": draw(st.sampled_from(["CN", "VN", "US", "DE", "UA", "KR"])),
                "net_mass_kg": draw(st.sampled_from(["0", "0.5", "12.25", "800", "25000"])),
                "customs_value": draw(st.sampled_from(["0", "3.5", "120", "9800.75", "250000"])),
                "currency": draw(st.sampled_from(CURRENCIES)),
                "tax_rate": draw(st.sampled_from([None, "0", "8"])),
                "description": draw(st.sampled_from([None, "Spare parts", "Cotton shirts"])),
            }
        )
    return Declaration.model_validate(
        {
            "declaration_id": f"ONE-{draw(st.integers(0, 10**9))}",
            "lodged_at": at,
            "office": draw(st.sampled_from(offices)),
            "declarant": "DCL00001",
            "importer": draw(st.sampled_from(importers)),
            "seller": draw(st.sampled_from([None, *sellers])),
            "seller_name": draw(st.sampled_from([None, "Global Trading Co", "Acme"])),
            "country_of_departure": draw(st.sampled_from([None, "CN", "US"])),
            "exchange_rate": draw(st.sampled_from([None, "1200", "1350.5"])),
            "items": items,
        }
    )


@st.composite
def profile_sets(draw: st.DrawFn) -> list[Profile]:
    chosen = draw(st.lists(st.sampled_from(CRITERIA), min_size=0, max_size=6, unique=True))
    profiles = []
    for number, criteria in enumerate(chosen):
        mandatory = draw(st.booleans())
        profiles.append(
            Profile(
                f"P{number}",
                1,
                criteria,
                weight=draw(st.sampled_from([0.0, 0.2, 0.5, 1.0])),
                mandatory=mandatory,
                channel=draw(st.sampled_from(list(Channel))),
                selection_pct=draw(st.sampled_from([100.0, 50.0, 10.0])),
                offices=draw(st.sampled_from([(), ("10",), ("11", "12")])),
                valid_from=draw(st.sampled_from([None, AFTER + timedelta(days=5)])),
            )
        )
    return profiles


@st.composite
def watchlists(draw: st.DrawFn) -> Watchlist:
    importers, codes, sellers, _ = _history_facts()
    options = [
        WatchlistEntry("W-IMP", WatchKind.IMPORTER, importers[0], "known undervaluer", 0.3),
        WatchlistEntry("W-SEL", WatchKind.SELLER, sellers[0], "counterfeits", 0.4),
        WatchlistEntry("W-GDS", WatchKind.GOODS, codes[0][:4], "chapter risk", 0.2),
        WatchlistEntry("W-ORG", WatchKind.ORIGIN, "CN", "origin", 0.1),
        WatchlistEntry("W-RTE", WatchKind.ROUTE, "CN>*", "route", 0.25),
        WatchlistEntry("W-OFF", WatchKind.ROUTE, "*>11", "office route", 0.15),
        WatchlistEntry(
            "W-LATE", WatchKind.ORIGIN, "US", "later", 0.5, valid_from=AFTER + timedelta(days=9)
        ),
        WatchlistEntry("W-LST", WatchKind.ORIGIN, "RISKY", "listed", 0.05, listed=("VN", "UA")),
    ]
    return Watchlist(draw(st.lists(st.sampled_from(options), unique_by=lambda e: e.code)))


def _close(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-15)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _same(one: OneAssessment, batch: Any) -> None:
    assert _close(one.declaration_records(), batch.declaration_records())
    assert _close(one.item_records(), batch.item_records())
    batch_hits = [{k: v for k, v in h.items() if k != "row"} for h in batch.profile_hit_records()]
    assert one.profile_hit_records() == batch_hits
    batch_listed = [
        {k: v for k, v in h.items() if k != "row"} for h in batch.watchlist_hit_records()
    ]
    assert one.watchlist_hit_records() == batch_listed
    assert one.notes == batch.notes
    assert one.factors.keys() == batch.factors.keys()
    for key, factors in one.factors.items():
        theirs = batch.factors[key]
        assert [(f.feature, f.text) for f in factors] == [(f.feature, f.text) for f in theirs]
        assert _close([f.contribution for f in factors], [f.contribution for f in theirs])
    assert _close(one.context(), batch.context())
    assert one.versions == batch.versions


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    declaration=declarations(),
    profiles=profile_sets(),
    watchlist=watchlists(),
    aeo=st.booleans(),
    explain=st.sampled_from(["selected", "all", "none"]),
)
def test_one_declaration_in_plain_python_decides_as_a_frame_of_one_does(
    declaration: Declaration, profiles: list[Profile], watchlist: Watchlist, aeo: bool, explain: str
) -> None:
    risk = _engine(profiles, watchlist, frozenset({declaration.importer}) if aeo else frozenset())
    batch = risk.assess(item_frame([declaration], with_outcomes=False), explain=explain)  # type: ignore[arg-type]
    one = assess_one(risk, declaration, explain)  # type: ignore[arg-type]
    _same(one, batch)


def test_a_declaration_lodged_within_history_goes_the_batch_way() -> None:
    risk = _engine([], Watchlist(), frozenset())
    (row,) = history().head(1).iter_rows(named=True)
    early = Declaration.model_validate(
        {
            "declaration_id": "EARLY",
            "lodged_at": row["lodged_at"],
            "office": "10",
            "declarant": "DCL00001",
            "importer": row["importer"],
            "items": [
                {
                    "hs_code": "851713",
                    "origin_country": "CN",
                    "net_mass_kg": "1",
                    "customs_value": "10",
                    "currency": "USD",
                }
            ],
        }
    )
    assert not isinstance(risk.assess_declaration(early), OneAssessment)
    late = early.model_copy(update={"lodged_at": AFTER})
    assert isinstance(risk.assess_declaration(late), OneAssessment)


def test_a_fault_fails_closed_as_the_batch_path_does(monkeypatch: pytest.MonkeyPatch) -> None:
    risk = _engine([], Watchlist(), frozenset())
    declaration = _late("FAULT")
    monkeypatch.setattr(
        type(risk.model), "predict", lambda self, matrix: (_ for _ in ()).throw(OSError("gone"))
    )
    one = assess_one(risk, declaration, "selected")
    batch = risk.assess(item_frame([declaration], with_outcomes=False))
    _same(one, batch)
    assert one.declaration["failure"] == "OSError: gone"
    assert one.declaration["channel"] == Policy().failure_channel.value


def test_without_a_model_nothing_is_released_on_this_path_either() -> None:
    risk = replace(_engine([], Watchlist(), frozenset()), model=None)
    one = assess_one(risk, _late("NOMODEL"), "selected")
    assert one.declaration["channel"] != "green"
    assert one.declaration["failure"] == "no model is active"


def _late(declaration_id: str) -> Declaration:
    importers, codes, _, _ = _history_facts()
    return Declaration.model_validate(
        {
            "declaration_id": declaration_id,
            "lodged_at": AFTER + timedelta(days=3),
            "office": "10",
            "declarant": "DCL00001",
            "importer": importers[0],
            "items": [
                {
                    "hs_code": codes[0],
                    "origin_country": "CN",
                    "net_mass_kg": "100",
                    "customs_value": "2500",
                    "currency": "USD",
                }
            ],
        }
    )


_ = datetime  # the strategies build datetimes through timedelta arithmetic
