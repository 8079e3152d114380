"""The selectivity policy: step order, determinism, calibration, and never a green by fault."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portcullis.engine.channels import Channel, Reason
from portcullis.engine.selectivity import (
    Policy,
    PolicyError,
    Rates,
    SelectionSeed,
    Signals,
    Thresholds,
    calibrate,
    select_channel,
    select_channels,
)

SEED = SelectionSeed(b"0123456789abcdef0123")
# Thresholds: RED from 0.9, YELLOW from 0.8, BLUE from 0.6. Nothing random unless asked.
POLICY = Policy(
    thresholds={"*": Thresholds(red=0.9, yellow=0.8, blue=0.6)},
    random_rate=0.0,
    exploration_rate=0.0,
)


def decide(policy: Policy = POLICY, **signal: object) -> tuple[str, str]:
    values = {
        "declaration_id": "D1",
        "office": "10",
        "risk_score": 0.1,
        "model_score": 0.1,
        "importer_aeo": False,
        "mandatory_channel": None,
        "failure": None,
        **signal,
    }
    selection = select_channels(
        Signals(
            declaration_id=[values["declaration_id"]],
            office=[values["office"]],
            risk_score=np.array([values["risk_score"]], dtype=float),
            model_score=np.array([values["model_score"]], dtype=float),
            importer_aeo=np.array([values["importer_aeo"]]),
            mandatory_channel=[values["mandatory_channel"]],
            failure=[values["failure"]],
        ),
        policy,
        SEED,
    )
    return selection.channel[0], selection.reason[0]


@pytest.mark.parametrize(
    ("signal", "expected"),
    [
        ({}, (Channel.GREEN, Reason.LOW_RISK)),
        ({"risk_score": 0.95}, (Channel.RED, Reason.RISK)),
        ({"risk_score": 0.85}, (Channel.YELLOW, Reason.RISK)),
        ({"risk_score": 0.7}, (Channel.BLUE, Reason.AUDIT_BAND)),
        (
            {"risk_score": 0.95, "mandatory_channel": "yellow"},
            (Channel.YELLOW, Reason.MANDATORY_PROFILE),
        ),
        (
            {"risk_score": 0.95, "failure": "boom", "mandatory_channel": "red"},
            (Channel.YELLOW, Reason.SIGNAL_FAILURE),
        ),
        ({"risk_score": 0.95, "importer_aeo": True}, (Channel.BLUE, Reason.AEO_FACILITATION)),
        ({"risk_score": 0.7, "importer_aeo": True}, (Channel.BLUE, Reason.AUDIT_BAND)),
        ({"risk_score": 0.1, "importer_aeo": True}, (Channel.GREEN, Reason.LOW_RISK)),
        ({"risk_score": float("nan")}, (Channel.GREEN, Reason.LOW_RISK)),
    ],
)
def test_the_first_step_that_applies_decides(
    signal: dict, expected: tuple[Channel, Reason]
) -> None:
    assert decide(**signal) == (expected[0].value, expected[1].value)


def test_aeo_facilitation_can_be_switched_off() -> None:
    strict = Policy(
        thresholds=POLICY.thresholds, random_rate=0, exploration_rate=0, aeo_facilitation=False
    )
    assert decide(strict, risk_score=0.95, importer_aeo=True) == ("red", "risk")


def test_random_and_exploration_come_after_risk_and_before_facilitation() -> None:
    always = Policy(thresholds=POLICY.thresholds, random_rate=1.0, exploration_rate=1.0)
    assert decide(always, risk_score=0.95) == ("red", "risk")
    assert decide(always, risk_score=0.1) == ("red", "random")
    explore = Policy(thresholds=POLICY.thresholds, random_rate=0.0, exploration_rate=1.0)
    assert decide(explore, model_score=0.5) == ("yellow", "exploration")
    assert decide(explore, model_score=0.05) == ("green", "low_risk")  # certain: not explored
    assert decide(explore, model_score=0.5, risk_score=0.95, importer_aeo=True) == (
        "yellow",
        "exploration",
    )


def test_random_selection_is_deterministic_and_near_its_rate() -> None:
    policy = Policy(thresholds=POLICY.thresholds, random_rate=0.05, exploration_rate=0.0)
    ids = [f"D{i}" for i in range(20_000)]
    signals = Signals(
        ids,
        ["10"] * len(ids),
        np.zeros(len(ids)),
        np.zeros(len(ids)),
        np.zeros(len(ids), bool),
        [None] * len(ids),
        [None] * len(ids),
    )
    first = select_channels(signals, policy, SEED)
    again = select_channels(signals, policy, SelectionSeed(b"0123456789abcdef0123"))
    assert first.channel == again.channel
    share = sum(r == "random" for r in first.reason) / len(ids)
    assert 0.045 < share < 0.055
    other = select_channels(signals, policy, SelectionSeed(b"another-secret-seed!"))
    assert other.channel != first.channel  # a different secret samples differently


def test_the_seed_is_never_shown() -> None:
    seed = SelectionSeed(b"super-secret-value-123")
    assert "super-secret" not in repr(seed)
    assert "super-secret" not in seed.fingerprint
    assert seed.fingerprint == SelectionSeed(b"super-secret-value-123").fingerprint
    with pytest.raises(PolicyError):
        SelectionSeed(b"short")


def test_calibration_selects_the_target_rates_per_office() -> None:
    rng = np.random.default_rng(0)
    scores = pl.DataFrame(
        {
            "office": ["10"] * 5000 + ["11"] * 5000 + ["12"] * 50,
            "risk_score": np.r_[rng.random(5000), rng.random(5000) ** 3, rng.random(50)],
        }
    )
    policy = calibrate(
        Policy(rates={"*": Rates(red=0.03, yellow=0.02, blue=0.05), "11": Rates(0.1, 0.0, 0.0)}),
        scores,
    )
    for office, red_share in (("10", 0.03), ("11", 0.10)):
        values = scores.filter(pl.col("office") == office).get_column("risk_score").to_numpy()
        cut = policy.thresholds_for(office)
        assert (values >= cut.red).mean() == pytest.approx(red_share, abs=0.002)
    ten = scores.filter(pl.col("office") == "10").get_column("risk_score").to_numpy()
    assert (
        (ten >= policy.thresholds_for("10").yellow) & (ten < policy.thresholds_for("10").red)
    ).mean() == pytest.approx(0.02, abs=0.002)
    assert "12" not in policy.thresholds  # too few declarations: uses all offices' thresholds
    assert policy.thresholds_for("12") == policy.thresholds["*"]


def test_a_policy_is_versioned_data() -> None:
    again = Policy.from_dict(POLICY.to_dict())
    assert again == POLICY
    assert again.version == POLICY.version
    changed = Policy.from_dict({**POLICY.to_dict(), "random_rate": 0.02})
    assert changed.version != POLICY.version


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"failure_channel": "green"}, "never release"),
        ({"random_rate": 2}, "between 0 and 1"),
        ({"exploration_band": [0.8, 0.2]}, "exploration_band"),
        ({"rates": {"10": {"red": 0.1, "yellow": 0.1, "blue": 0.1}}}, "default entry"),
        ({"rates": {"*": {"red": 0.9, "yellow": 0.2, "blue": 0.1}}}, "add up to at most 1"),
        ({"random_channel": "purple"}, "not a valid policy"),
    ],
)
def test_invalid_policies_are_refused(change: dict, says: str) -> None:
    with pytest.raises(PolicyError, match=says):
        Policy.from_dict({**POLICY.to_dict(), **change})


@settings(max_examples=300, deadline=None)
@given(
    risk=st.one_of(st.floats(0, 1), st.just(float("nan")), st.sampled_from([0.6, 0.8, 0.9])),
    model=st.one_of(st.floats(0, 1), st.just(float("nan")), st.sampled_from([0.35, 0.65])),
    aeo=st.booleans(),
    facilitation=st.booleans(),
    mandatory=st.sampled_from([None, "red", "yellow", "blue", "green"]),
    failure=st.sampled_from([None, "boom"]),
    office=st.sampled_from(["10", "11"]),
    draws=st.tuples(st.floats(0, 0.999), st.floats(0, 0.999)),
    rates=st.tuples(st.sampled_from([0.0, 0.01, 0.5]), st.sampled_from([0.0, 0.02, 0.5])),
)
def test_one_declaration_in_plain_python_gets_the_batch_channel(
    risk, model, aeo, facilitation, mandatory, failure, office, draws, rates
) -> None:
    policy = Policy(
        thresholds={
            "*": Thresholds(red=0.9, yellow=0.8, blue=0.6),
            "11": Thresholds(red=0.7, yellow=0.5, blue=0.3),
        },
        random_rate=rates[0],
        exploration_rate=rates[1],
        aeo_facilitation=facilitation,
    )
    batch = select_channels(
        Signals(
            ["D1"],
            [office],
            np.array([risk]),
            np.array([model]),
            np.array([aeo]),
            [mandatory],
            [failure],
        ),
        policy,
        SEED,
        (np.array([draws[0]]), np.array([draws[1]])),
    )
    one = select_channel(office, risk, model, aeo, mandatory, failure, policy, draws)
    assert one == (batch.channel[0], batch.reason[0])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=35), min_size=1, max_size=5))
def test_one_id_draws_what_a_batch_of_ids_draws(ids: list[str]) -> None:
    randoms, explores = SEED.draws(ids)
    assert [SEED.draw(i) for i in ids] == list(
        zip(randoms.tolist(), explores.tolist(), strict=True)
    )
