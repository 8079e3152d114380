"""Assessing declarations: channels with reasons, replayed exactly, failing closed."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from portcullis.engine.assessment import StoredInputs
from portcullis.engine.channels import Channel, Reason
from portcullis.engine.rules.profiles import Profile
from portcullis.engine.selectivity import Policy, Thresholds
from portcullis.engine.watchlist import WatchKind, Watchlist, WatchlistEntry
from tests.engine.risk import engine, later_declarations

PROFILES = [
    Profile(
        "CARS-CN",
        1,
        'hs_chapter == "87" and origin_country == "CN"',
        weight=0.4,
        name="Cars from China",
    ),
    Profile(
        "BIG-NEW",
        2,
        "is_new_importer and declaration_value > 50000",
        weight=0.3,
        mandatory=True,
        channel=Channel.YELLOW,
    ),
    Profile("HALF", 1, 'currency == "EUR"', mandatory=True, channel=Channel.RED, selection_pct=50),
]


def test_every_declaration_gets_one_channel_with_its_reason() -> None:
    risk = engine(PROFILES)
    items = later_declarations()
    result = risk.assess(items)
    declarations = result.declarations
    assert (
        declarations.get_column("declaration_id").to_list()
        == items.get_column("declaration_id").unique(maintain_order=True).to_list()
    )
    assert set(declarations.get_column("channel")) <= {c.value for c in Channel}
    assert set(declarations.get_column("reason")) <= {r.value for r in Reason}
    mix = result.channel_mix()
    assert mix["green"] > mix["red"] > 0
    # Every declaration not released is explained by its riskiest item's factors.
    stopped = (
        declarations.filter(pl.col("channel") != "green").get_column("declaration_id").to_list()
    )
    assert set(result.factors) == set(stopped)
    assert all(result.factors[d] for d in stopped)
    assert result.versions.model
    assert result.versions.profiles
    assert result.versions.policy
    assert result.items.height == items.height


def test_profile_and_watchlist_hits_raise_the_risk_and_are_recorded() -> None:
    items = later_declarations()
    watchlist = Watchlist(
        [WatchlistEntry("W-CN", WatchKind.ORIGIN, "CN", "transshipment hub", weight=0.5)]
    )
    plain = engine().assess(items).items
    flagged_engine = engine(PROFILES, watchlist, policy=Policy())
    flagged = flagged_engine.assess(items)
    hits = flagged.profile_hits
    assert set(hits.get_column("profile")) >= {"CARS-CN", "HALF"}
    cn = items.get_column("origin_country") == "CN"
    raised = (
        flagged.items.get_column("risk_score").to_numpy()
        > plain.get_column("risk_score").to_numpy() + 1e-9
    )
    assert raised[cn.to_numpy()].all()
    assert flagged.watchlist_hits.filter(pl.col("entry") == "W-CN").height == int(cn.sum())
    assert set(flagged.watchlist_hits.get_column("reason")) == {"transshipment hub"}


def test_mandatory_profiles_decide_and_select_at_their_rate() -> None:
    result = engine(PROFILES).assess(later_declarations())
    euro = result.profile_hits.filter(pl.col("profile") == "HALF").unique("declaration_id")
    share = euro.get_column("selected").mean()
    assert 0.3 < share < 0.7  # half, give or take
    chosen = euro.filter(pl.col("selected")).get_column("declaration_id")
    decided = result.declarations.filter(pl.col("declaration_id").is_in(chosen.implode()))
    assert set(decided.get_column("reason")) == {"mandatory_profile"}
    assert set(decided.get_column("channel")) == {"red"}


def test_one_at_a_time_gives_what_the_batch_gives() -> None:
    risk = engine(PROFILES, Watchlist([WatchlistEntry("W", WatchKind.SELLER, "SEL0000001", "x")]))
    # A trader's declarations earlier in a batch count as activity, which one declaration sent
    # alone does not have: give each declaration traders of its own.
    items = later_declarations().head(400)
    own = pl.col("declaration_id")
    subset = items.with_columns(
        pl.concat_str(pl.col(t), pl.lit("-"), own) for t in ("importer", "declarant", "seller")
    )
    batch = risk.assess(subset)
    for declaration_id in (
        subset.get_column("declaration_id").unique(maintain_order=True).to_list()[:100]
    ):
        one = risk.assess(subset.filter(pl.col("declaration_id") == declaration_id))
        expected = batch.declarations.filter(pl.col("declaration_id") == declaration_id)
        assert (
            one.declarations.select("channel", "reason", "top_line_no").rows()
            == expected.select("channel", "reason", "top_line_no").rows()
        )
        assert one.declarations.get_column("risk_score")[0] == pytest.approx(
            expected.get_column("risk_score")[0]
        )


def test_a_stored_decision_replays_to_the_same_channel() -> None:
    risk = engine(
        PROFILES, Watchlist([WatchlistEntry("W", WatchKind.ORIGIN, "VN", "intel", weight=0.6)])
    )
    items = later_declarations()
    first = risk.assess(items)
    stored = StoredInputs(
        context=pl.concat(
            [items.select("declaration_id", "line_no"), pl.DataFrame(first.context())],
            how="horizontal",
        ),
        watchlist_hits=first.watchlist_hits,
    )
    # History moves on (the watchlist changes, outcomes arrive): a replay uses what was known.
    risk.context.watchlist = Watchlist()
    risk.context.compliance = engine().context.compliance
    replay = risk.assess(items, stored=stored)
    columns = ["declaration_id", "channel", "reason", "top_line_no"]
    assert replay.declarations.select(columns).rows() == first.declarations.select(columns).rows()
    assert np.allclose(
        replay.declarations.get_column("risk_score").to_numpy(),
        first.declarations.get_column("risk_score").to_numpy(),
    )
    assert replay.factors.keys() == first.factors.keys()


def test_a_replay_without_its_inputs_fails_closed() -> None:
    risk = engine()
    items = later_declarations().head(5)
    stored = StoredInputs(
        items.select("declaration_id", "line_no"), engine().assess(items).watchlist_hits
    )
    result = risk.assess(items, stored=stored)
    assert set(result.declarations.get_column("reason")) == {"signal_failure"}
    assert "stored inputs lack" in result.declarations.get_column("failure")[0]


def test_without_a_model_nothing_is_released() -> None:
    result = engine(with_model=False, policy=Policy()).assess(later_declarations())
    declarations = result.declarations
    assert set(declarations.get_column("channel")) == {Policy().failure_channel.value}
    assert set(declarations.get_column("reason")) == {"signal_failure"}
    assert set(declarations.get_column("failure")) == {"no model is active"}
    assert declarations.get_column("risk_score").null_count() == declarations.height


def test_a_model_fault_fails_closed_with_its_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    risk = engine(
        policy=Policy(thresholds={"*": Thresholds(0.0, 0.0, 0.0)}, failure_channel=Channel.RED)
    )

    def broken(*args: object, **kwargs: object) -> np.ndarray:
        raise MemoryError("out of memory while scoring")

    monkeypatch.setattr(risk.model.booster, "predict", broken)
    result = risk.assess(later_declarations().head(30))
    assert set(result.declarations.get_column("channel")) == {"red"}
    assert (
        result.declarations.get_column("failure")[0] == "MemoryError: out of memory while scoring"
    )


def test_a_score_that_is_not_a_number_fails_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    risk = engine()
    monkeypatch.setattr(
        risk.model.booster, "predict", lambda matrix, **_: np.full(len(matrix), np.nan)
    )
    result = risk.assess(later_declarations().head(30))
    assert set(result.declarations.get_column("reason")) == {"signal_failure"}
    assert "not a number" in result.declarations.get_column("failure")[0]


def test_items_of_a_declaration_must_be_together() -> None:
    items = later_declarations().head(6)
    shuffled = pl.concat([items.tail(3), items.head(3), items.tail(3)])
    with pytest.raises(ValueError, match="next to each other"):
        engine().assess(shuffled)


def test_assessments_are_reproducible() -> None:
    items = later_declarations()
    first, second = engine(PROFILES).assess(items), engine(PROFILES).assess(items)
    assert first.declarations.equals(second.declarations)
