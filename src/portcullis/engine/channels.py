"""Control channels and the reasons a declaration is given one."""

from __future__ import annotations

from enum import StrEnum


class Channel(StrEnum):
    """GREEN release · YELLOW documentary check · RED physical inspection · BLUE post-clearance
    audit. ``severity`` orders them for combining item results into a declaration's channel."""

    GREEN = "green"
    BLUE = "blue"
    YELLOW = "yellow"
    RED = "red"

    @property
    def severity(self) -> int:
        return _SEVERITY[self]


_SEVERITY = {Channel.GREEN: 0, Channel.BLUE: 1, Channel.YELLOW: 2, Channel.RED: 3}


class Reason(StrEnum):
    """Why a declaration got its channel: the step of the selectivity policy that decided."""

    MANDATORY_PROFILE = "mandatory_profile"  # a mandatory targeting profile hit
    RISK = "risk"  # the risk score reached the office's threshold
    RANDOM = "random"  # the random compliance-measurement sample
    EXPLORATION = "exploration"  # an uncertain item inspected so the model keeps learning
    AEO_FACILITATION = "aeo_facilitation"  # an AEO's risk selection moved to audit after release
    AUDIT_BAND = "audit_band"  # risk high enough for post-clearance audit, not for a stop
    LOW_RISK = "low_risk"  # nothing selected it
    SIGNAL_FAILURE = "signal_failure"  # a signal could not be computed: held, never released

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Reason.MANDATORY_PROFILE: "mandatory targeting profile",
    Reason.RISK: "risk score above the office threshold",
    Reason.RANDOM: "random compliance sample",
    Reason.EXPLORATION: "exploration of an uncertain case",
    Reason.AEO_FACILITATION: "AEO facilitation: audit after release instead of a stop",
    Reason.AUDIT_BAND: "risk score in the post-clearance audit band",
    Reason.LOW_RISK: "low risk",
    Reason.SIGNAL_FAILURE: "a risk signal failed: held for a documentary check",
}
