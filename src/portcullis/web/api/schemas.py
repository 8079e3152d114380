"""Response shapes shared by several routers: a decision and its reasons."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any, Literal

from django.http import HttpResponse
from ninja import Field, Schema
from ninja.renderers import JSONRenderer

from portcullis.engine.channels import Reason
from portcullis.web.profiles.models import ProfileSetVersion, ProfileVersion
from portcullis.web.scoring.models import Decision, ModelVersion, PolicyVersion

ChannelName = Literal["green", "yellow", "red", "blue"]


class ProfileHitOut(Schema):
    profile: str  # PRF-0001
    version: int
    line_no: int
    selected: bool  # a mandatory profile's hit that decided the channel


class WatchlistHitOut(Schema):
    line_no: int
    entry: str
    kind: str
    reason: str
    weight: float


class FactorOut(Schema):
    feature: str
    text: str
    contribution: float


class ItemScoreOut(Schema):
    line_no: int
    model_score: float | None = None
    risk_score: float | None = None
    revenue_at_stake: float | None = None


class VersionsOut(Schema):
    model: str | None
    profile_set: str
    policy: str
    seed_fingerprint: str


class DecisionOut(Schema):
    id: int
    declaration_id: str
    declaration_version: int
    channel: ChannelName
    reason: str
    reason_text: str
    risk_score: float | None
    model_score: float | None
    revenue_at_stake: float | None
    top_line_no: int | None
    failure: str | None
    profile_hits: list[ProfileHitOut]
    watchlist_hits: list[WatchlistHitOut]
    factors: list[FactorOut]
    notes: list[str] = Field(
        description="what else the decision says: items left unvalued for want of an "
        "exchange rate on the lodging day"
    )
    items: list[ItemScoreOut]
    versions: VersionsOut
    assessed_at: datetime


# Versions never change once stored: each process looks each one up once.
@lru_cache(maxsize=4096)
def _profile_version(pk: int) -> tuple[str, int]:
    version = ProfileVersion.objects.select_related("profile").get(pk=pk)
    return version.profile.code, version.number


@lru_cache(maxsize=256)
def _model(pk: int) -> str:
    return ModelVersion.objects.values_list("version", flat=True).get(pk=pk)


@lru_cache(maxsize=256)
def _policy(pk: int) -> str:
    return PolicyVersion.objects.values_list("version", flat=True).get(pk=pk)


@lru_cache(maxsize=1024)
def _profile_set(pk: int) -> str:
    return ProfileSetVersion.objects.values_list("version", flat=True).get(pk=pk)


def decision_out(decision: Decision, declaration_id: str) -> DecisionOut:
    """``decision`` with its profile hits in ``hits`` (as the submitting service leaves
    them), or read from the database."""
    return DecisionOut(**decision_data(decision, declaration_id))


def decision_data(decision: Decision, declaration_id: str) -> dict[str, Any]:
    """The decision as ``DecisionOut`` holds it, as plain values: what a submission answers
    with straight away, without building and checking the schema's objects (a test holds
    the two to the same)."""
    hits = getattr(decision, "hits", None)
    if hits is None:
        hits = list(decision.profile_hits.all())
    return {
        "id": decision.pk,
        "declaration_id": declaration_id,
        "declaration_version": decision.declaration_version,
        "channel": decision.channel,
        "reason": decision.reason,
        "reason_text": str(Reason(decision.reason).label),
        "risk_score": decision.risk_score,
        "model_score": decision.model_score,
        "revenue_at_stake": decision.revenue_at_stake,
        "top_line_no": decision.top_line_no,
        "failure": decision.failure or None,
        "profile_hits": [
            {
                "profile": _profile_version(hit.profile_version_id)[0],
                "version": _profile_version(hit.profile_version_id)[1],
                "line_no": hit.line_no,
                "selected": hit.selected,
            }
            for hit in sorted(hits, key=lambda h: (h.line_no, h.profile_version_id))
        ],
        "watchlist_hits": [
            {name: hit[name] for name in ("line_no", "entry", "kind", "reason", "weight")}
            for hit in decision.watchlist_hits
        ],
        "factors": [
            {name: factor[name] for name in ("feature", "text", "contribution")}
            for factor in decision.factors
        ],
        "notes": list(decision.notes),
        "items": [
            {
                "line_no": score["line_no"],
                **{k: score.get(k) for k in ("model_score", "risk_score", "revenue_at_stake")},
            }
            for score in decision.item_scores
        ],
        "versions": {
            "model": _model(decision.model_version_id) if decision.model_version_id else None,
            "profile_set": _profile_set(decision.profile_set_id),
            "policy": _policy(decision.policy_version_id),
            "seed_fingerprint": decision.seed_fingerprint,
        },
        "assessed_at": decision.assessed_at,
    }


_RENDERER = JSONRenderer()


def answer(data: dict[str, Any], status: int) -> HttpResponse:
    """``data`` (plain values, as a response schema dumps them) rendered as the API renders
    every answer."""
    return HttpResponse(
        _RENDERER.render(None, data, response_status=status),  # type: ignore[arg-type]
        status=status,
        content_type=f"{_RENDERER.media_type}; charset={_RENDERER.charset}",
    )
