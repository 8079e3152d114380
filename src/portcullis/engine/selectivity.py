"""The selectivity policy: signals in, one channel and one reason out per declaration.

The steps, in order; the first that applies decides (DESIGN.md, "Select"):

1. signal failure     -> the policy's failure channel (never an automatic green)
2. mandatory profile  -> the most severe channel among mandatory profiles selected
3. risk               -> RED / YELLOW when the risk score reaches the office's thresholds
                         (for an AEO importer with facilitation on, see step 6)
4. random sample      -> the random channel, for unbiased compliance measurement
5. exploration        -> an uncertain case (model probability in the exploration band),
                         so that the model keeps learning where it is unsure
6. AEO facilitation   -> an AEO importer whose score reached the YELLOW threshold is audited
                         after release (BLUE) rather than stopped
7. audit band         -> BLUE when the score reaches the audit threshold
8. low risk           -> GREEN

A policy is data (rates, thresholds, switches), versioned by the hash of its content. Random
choices are deterministic: a keyed hash of the declaration id under a secret seed, so the same
declaration under the same policy always gets the same channel, and nobody without the seed
can predict which will be sampled.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass, field, replace
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from portcullis.engine.channels import Channel, Reason

DEFAULT_OFFICE = "*"


class PolicyError(ValueError):
    pass


@dataclass(frozen=True)
class Rates:
    """Target shares of declarations selected by risk, per channel."""

    red: float = 0.03
    yellow: float = 0.02
    blue: float = 0.02

    def __post_init__(self) -> None:
        if min(self.red, self.yellow, self.blue) < 0 or self.red + self.yellow + self.blue > 1:
            raise PolicyError("rates must be non-negative and add up to at most 1")


@dataclass(frozen=True)
class Thresholds:
    """Risk score cut-offs: at or above ``red`` is RED, and so on down."""

    red: float = 1.01  # above any score: nothing is selected until calibrated
    yellow: float = 1.01
    blue: float = 1.01
    calibrated_on: int = 0  # declarations whose scores set them


@dataclass(frozen=True)
class Policy:
    rates: dict[str, Rates] = field(default_factory=lambda: {DEFAULT_OFFICE: Rates()})
    thresholds: dict[str, Thresholds] = field(
        default_factory=lambda: {DEFAULT_OFFICE: Thresholds()}
    )
    random_rate: float = 0.01
    random_channel: Channel = Channel.RED
    exploration_rate: float = 0.02  # share of uncertain declarations inspected
    exploration_band: tuple[float, float] = (0.35, 0.65)  # model probability deemed uncertain
    exploration_channel: Channel = Channel.YELLOW
    aeo_facilitation: bool = True
    failure_channel: Channel = Channel.YELLOW
    name: str = "default"

    def __post_init__(self) -> None:
        if DEFAULT_OFFICE not in self.rates or DEFAULT_OFFICE not in self.thresholds:
            raise PolicyError(f"rates and thresholds need a default entry ({DEFAULT_OFFICE!r})")
        for share in (self.random_rate, self.exploration_rate):
            if not 0 <= share <= 1:
                raise PolicyError("random_rate and exploration_rate must be between 0 and 1")
        low, high = self.exploration_band
        if not 0 <= low <= high <= 1:
            raise PolicyError("exploration_band must be (low, high) within 0..1")
        if self.failure_channel is Channel.GREEN:
            raise PolicyError("a failure must never release goods: failure_channel cannot be green")

    def thresholds_for(self, office: str) -> Thresholds:
        return self.thresholds.get(office, self.thresholds[DEFAULT_OFFICE])

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["exploration_band"] = list(self.exploration_band)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Policy:
        try:
            return cls(
                rates={office: Rates(**r) for office, r in data["rates"].items()},
                thresholds={office: Thresholds(**t) for office, t in data["thresholds"].items()},
                random_rate=float(data["random_rate"]),
                random_channel=Channel(data["random_channel"]),
                exploration_rate=float(data["exploration_rate"]),
                exploration_band=(
                    float(data["exploration_band"][0]),
                    float(data["exploration_band"][1]),
                ),
                exploration_channel=Channel(data["exploration_channel"]),
                aeo_facilitation=bool(data["aeo_facilitation"]),
                failure_channel=Channel(data["failure_channel"]),
                name=str(data.get("name", "default")),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise PolicyError(f"not a valid policy: {error}") from None

    @cached_property
    def version(self) -> str:
        """The hash of the policy's content: equal content, equal version."""
        text = json.dumps(self.to_dict(), sort_keys=True)
        return "p-" + hashlib.sha256(text.encode()).hexdigest()[:12]


def calibrate(policy: Policy, scores: pl.DataFrame, min_declarations: int = 200) -> Policy:
    """The policy with thresholds set so that, on ``scores`` (columns ``office`` and
    ``risk_score``, one row per recent declaration), each office would select its target
    rates. Offices with fewer than ``min_declarations`` use the thresholds of all offices."""

    def cut_offs(values: pl.Series, rates: Rates) -> Thresholds:
        def quantile(share: float) -> float:
            if share <= 0:
                return 1.01
            return float(values.quantile(1 - share, interpolation="higher") or 1.01)

        return Thresholds(
            red=quantile(rates.red),
            yellow=quantile(rates.red + rates.yellow),
            blue=quantile(rates.red + rates.yellow + rates.blue),
            calibrated_on=len(values),
        )

    if scores.height == 0:
        raise PolicyError("no scores to calibrate thresholds on")
    default_rates = policy.rates[DEFAULT_OFFICE]
    thresholds = {DEFAULT_OFFICE: cut_offs(scores.get_column("risk_score"), default_rates)}
    for office, group in scores.group_by("office"):
        values = group.get_column("risk_score")
        if len(values) >= min_declarations:
            rates = policy.rates.get(str(office[0]), default_rates)
            thresholds[str(office[0])] = cut_offs(values, rates)
    return replace(policy, thresholds=thresholds)


@dataclass(frozen=True)
class SelectionSeed:
    """The secret behind random selections. Only its fingerprint is ever stored or shown."""

    secret: bytes

    def __post_init__(self) -> None:
        if len(self.secret) < 16:
            raise PolicyError("the selection seed must be at least 16 bytes")

    @cached_property
    def fingerprint(self) -> str:
        return hashlib.blake2b(self.secret, digest_size=6, person=b"seed-id").hexdigest()

    def uniform(self, purpose: str, *parts: str) -> float:
        """A number in [0, 1) fixed by the seed, the purpose and the parts."""
        digest = hashlib.blake2b(
            "\x1f".join(parts).encode(),
            key=self.secret[:64],
            digest_size=8,
            person=purpose.encode()[:16],
        ).digest()
        return (int.from_bytes(digest, "big") >> 11) / 2**53

    def draws(self, ids: list[str]) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """For each declaration id, two independent numbers in [0, 1): the random-sample draw
        and the exploration draw, from one keyed hash (a million ids take about a second)."""
        key = self.secret[:64]
        digests = b"".join(
            hashlib.blake2b(i.encode(), key=key, digest_size=16, person=b"selection").digest()
            for i in ids
        )
        words = np.frombuffer(digests, dtype=">u8").reshape(len(ids), 2)
        # The top 53 bits: exactly representable, so never rounded up to 1.
        numbers = (words >> np.uint64(11)).astype(np.float64) / 2.0**53
        return numbers[:, 0], numbers[:, 1]

    def draw(self, declaration_id: str) -> tuple[float, float]:
        """``draws`` of one declaration id, in plain Python (the same two numbers)."""
        digest = hashlib.blake2b(
            declaration_id.encode(), key=self.secret[:64], digest_size=16, person=b"selection"
        ).digest()
        return (
            (int.from_bytes(digest[:8], "big") >> 11) / 2**53,
            (int.from_bytes(digest[8:], "big") >> 11) / 2**53,
        )

    def __repr__(self) -> str:  # never show the secret in logs or tracebacks
        return f"SelectionSeed(fingerprint={self.fingerprint!r})"


@dataclass
class Signals:
    """What the policy decides on, one entry per declaration."""

    declaration_id: list[str]
    office: list[str]
    risk_score: npt.NDArray[np.float64]  # the highest item risk score
    model_score: npt.NDArray[np.float64]  # model probability of that item (NaN: none)
    importer_aeo: npt.NDArray[np.bool_]
    mandatory_channel: list[str | None]  # most severe channel of selected mandatory hits
    failure: list[str | None]  # why a signal failed


@dataclass
class Selection:
    channel: list[str]
    reason: list[str]
    u_random: npt.NDArray[np.float64]  # the deterministic draws behind the random steps
    u_explore: npt.NDArray[np.float64]
    stopped: npt.NDArray[np.bool_]  # not released green


Draws = tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]


def select_channels(
    signals: Signals, policy: Policy, seed: SelectionSeed, draws: Draws | None = None
) -> Selection:
    """The channel and reason of each declaration: the first step that applies decides.
    ``draws``: ``seed.draws`` of the declaration ids, if already made."""
    u_random, u_explore = draws if draws is not None else seed.draws(signals.declaration_id)
    cut = {office: policy.thresholds_for(office) for office in set(signals.office)}
    t_red = np.array([cut[o].red for o in signals.office], dtype=np.float64)
    t_yellow = np.array([cut[o].yellow for o in signals.office], dtype=np.float64)
    t_blue = np.array([cut[o].blue for o in signals.office], dtype=np.float64)
    score = np.nan_to_num(signals.risk_score, nan=-1.0)
    aeo = signals.importer_aeo & policy.aeo_facilitation
    low, high = policy.exploration_band
    model = signals.model_score
    uncertain = ~np.isnan(model) & (model >= low) & (model <= high)
    failed = np.array([f is not None for f in signals.failure], dtype=bool)
    mandatory = np.array([c is not None for c in signals.mandatory_channel], dtype=bool)
    steps = [
        (failed, policy.failure_channel.value, Reason.SIGNAL_FAILURE),
        (mandatory, None, Reason.MANDATORY_PROFILE),  # the profile's own channel
        (~aeo & (score >= t_red), Channel.RED.value, Reason.RISK),
        (~aeo & (score >= t_yellow), Channel.YELLOW.value, Reason.RISK),
        (u_random < policy.random_rate, policy.random_channel.value, Reason.RANDOM),
        (
            uncertain & (u_explore < policy.exploration_rate),
            policy.exploration_channel.value,
            Reason.EXPLORATION,
        ),
        (aeo & (score >= t_yellow), Channel.BLUE.value, Reason.AEO_FACILITATION),
        (score >= t_blue, Channel.BLUE.value, Reason.AUDIT_BAND),
    ]
    step = np.select(
        [condition for condition, _, _ in steps], list(range(len(steps))), default=len(steps)
    )
    channels = np.array([channel for _, channel, _ in steps] + [Channel.GREEN.value], dtype=object)
    reasons = np.array(
        [reason.value for _, _, reason in steps] + [Reason.LOW_RISK.value], dtype=object
    )
    chosen = channels[step]
    by_profile = step == 1  # the mandatory step: the profile's own channel
    chosen[by_profile] = np.array(signals.mandatory_channel, dtype=object)[by_profile]
    return Selection(
        channel=chosen.tolist(),
        reason=reasons[step].tolist(),
        u_random=u_random,
        u_explore=u_explore,
        stopped=chosen != Channel.GREEN.value,
    )


def select_channel(
    office: str,
    risk_score: float,
    model_score: float,
    importer_aeo: bool,
    mandatory_channel: str | None,
    failure: str | None,
    policy: Policy,
    draws: tuple[float, float],
) -> tuple[str, str]:
    """(channel, reason) of one declaration: ``select_channels``' steps for one, in plain
    Python (the single-declaration path; a property test holds the two together)."""
    u_random, u_explore = draws
    cut = policy.thresholds_for(office)
    score = -1.0 if math.isnan(risk_score) else risk_score
    aeo = importer_aeo and policy.aeo_facilitation
    low, high = policy.exploration_band
    uncertain = not math.isnan(model_score) and low <= model_score <= high
    if failure is not None:
        return policy.failure_channel.value, Reason.SIGNAL_FAILURE.value
    if mandatory_channel is not None:
        return mandatory_channel, Reason.MANDATORY_PROFILE.value
    if not aeo and score >= cut.red:
        return Channel.RED.value, Reason.RISK.value
    if not aeo and score >= cut.yellow:
        return Channel.YELLOW.value, Reason.RISK.value
    if u_random < policy.random_rate:
        return policy.random_channel.value, Reason.RANDOM.value
    if uncertain and u_explore < policy.exploration_rate:
        return policy.exploration_channel.value, Reason.EXPLORATION.value
    if aeo and score >= cut.yellow:
        return Channel.BLUE.value, Reason.AEO_FACILITATION.value
    if score >= cut.blue:
        return Channel.BLUE.value, Reason.AUDIT_BAND.value
    return Channel.GREEN.value, Reason.LOW_RISK.value


def most_severe(channels: list[str]) -> str | None:
    """The most severe of ``channels`` (None when there are none)."""
    return max(channels, key=lambda c: Channel(c).severity, default=None)


__all__ = [
    "DEFAULT_OFFICE",
    "Policy",
    "PolicyError",
    "Rates",
    "Selection",
    "SelectionSeed",
    "Signals",
    "Thresholds",
    "calibrate",
    "most_severe",
    "select_channel",
    "select_channels",
]
