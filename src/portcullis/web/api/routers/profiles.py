"""Targeting profiles: drafts, approval by another user, suspension, hit statistics."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from portcullis.web.api.auth import actor_of, signed_in
from portcullis.web.api.fields import Body, Flag, Moment, Number, Text
from portcullis.web.api.problems import ProblemOut
from portcullis.web.profiles.models import ProfileVersion
from portcullis.web.profiles.statistics import HitStatistics
from portcullis.web.usecases import profiles as usecases
from portcullis.web.usecases.profiles import ProfileView

router = Router(tags=["profiles"])
_ERRORS: dict[int, Any] = {
    401: ProblemOut, 403: ProblemOut, 404: ProblemOut, 409: ProblemOut, 422: ProblemOut
}  # fmt: skip

TargetChannel = Literal["yellow", "red", "blue"]


class SettingsIn(Body):
    criteria: Text | None = Field(None, max_length=10_000, description="see docs/profiles.md")
    rationale: Text | None = Field(None, max_length=5_000)
    risk_category: ProfileVersion.RiskCategory | None = None
    channel: TargetChannel | None = None
    weight: Number | None = Field(None, ge=0, le=1)
    selection_pct: Number | None = Field(None, ge=0, le=100)
    mandatory: Flag | None = None
    offices: list[Text] | None = Field(None, max_length=500)
    valid_from: Moment = None
    valid_to: Moment = None

    def changes(self) -> dict[str, Any]:
        return {k: v for k, v in self.dict(exclude_unset=True).items() if v is not None}


class ProfileIn(SettingsIn):
    name: Text = Field(min_length=1, max_length=200)
    criteria: Text = Field(min_length=1, max_length=10_000)  # type: ignore[assignment,unused-ignore]


class ReasonIn(Body):
    reason: Text = Field("", max_length=500)


class VersionOut(Schema):
    number: int
    status: str
    criteria: str
    rationale: str
    risk_category: str
    channel: str
    weight: float
    selection_pct: float
    mandatory: bool
    offices: list[str]
    valid_from: datetime | None
    valid_to: datetime | None
    author: str | None
    approver: str | None
    created_at: datetime
    submitted_at: datetime | None
    approved_at: datetime | None


class StatisticsOut(Schema):
    hits: int  # declarations hit, every version
    inspected: int
    findings: int
    finding_rate: float | None  # findings / inspected
    revenue: Decimal  # additional duties assessed on the findings
    last_hit: datetime | None  # lodging time of the latest declaration hit
    last_finding: datetime | None  # lodging time of the latest declaration with a finding
    needs_review: bool  # live PORTCULLIS_PROFILE_REVIEW_DAYS or more, no finding recorded in them


class ProfileOut(Schema):
    code: str
    name: str
    active_version: int | None
    statistics: StatisticsOut
    versions: list[VersionOut]  # newest first


def _version_out(version: ProfileVersion) -> VersionOut:
    return VersionOut(
        number=version.number,
        status=version.status,
        criteria=version.criteria,
        rationale=version.rationale,
        risk_category=version.risk_category,
        channel=version.channel,
        weight=version.weight,
        selection_pct=version.selection_pct,
        mandatory=version.mandatory,
        offices=[str(o) for o in version.offices or []],
        valid_from=version.valid_from,
        valid_to=version.valid_to,
        author=version.author.get_username() if version.author else None,
        approver=version.approver.get_username() if version.approver else None,
        created_at=version.created_at,
        submitted_at=version.submitted_at,
        approved_at=version.approved_at,
    )


def _statistics_out(figures: HitStatistics) -> StatisticsOut:
    return StatisticsOut(
        hits=figures.hits,
        inspected=figures.inspected,
        findings=figures.findings,
        finding_rate=figures.finding_rate,
        revenue=figures.revenue,
        last_hit=figures.last_hit,
        last_finding=figures.last_finding,
        needs_review=figures.needs_review,
    )


def _profile_out(view: ProfileView) -> ProfileOut:
    active = view.active
    return ProfileOut(
        code=view.profile.code,
        name=view.profile.name,
        active_version=active.number if active else None,
        statistics=_statistics_out(view.statistics),
        versions=[_version_out(v) for v in view.versions],
    )


def _read(request: HttpRequest, code: str) -> ProfileOut:
    return _profile_out(usecases.read_profile(actor_of(request), code))


@router.get(
    "",
    auth=signed_in(usecases.list_profiles),
    response={200: list[ProfileOut], 401: ProblemOut, 403: ProblemOut},
    summary="Every profile with its versions and hit statistics",
)
def list_profiles(request: HttpRequest) -> list[ProfileOut]:
    return [_profile_out(view) for view in usecases.list_profiles(actor_of(request))]


@router.post(
    "",
    auth=signed_in(usecases.create_profile),
    response={201: ProfileOut, **_ERRORS},
    summary="New profile (a draft)",
)
def create(request: HttpRequest, payload: ProfileIn) -> Status[ProfileOut]:
    changes = payload.changes()
    name = changes.pop("name")
    version = usecases.create_profile(actor_of(request), name, **changes)
    return Status(201, _read(request, version.profile.code))


@router.get(
    "/{code}",
    auth=signed_in(usecases.read_profile),
    response={200: ProfileOut, **_ERRORS},
    summary="One profile",
)
def read(request: HttpRequest, code: str) -> ProfileOut:
    return _read(request, code)


@router.post(
    "/{code}/versions",
    auth=signed_in(usecases.new_version),
    response={201: ProfileOut, **_ERRORS},
    summary="Start a new version (a draft, from the latest one with these changes)",
)
def new_version(request: HttpRequest, code: str, payload: SettingsIn) -> Status[ProfileOut]:
    usecases.new_version(actor_of(request), code, **payload.changes())
    return Status(201, _read(request, code))


@router.patch(
    "/{code}/versions/{number}",
    auth=signed_in(usecases.edit_draft),
    response={200: ProfileOut, **_ERRORS},
    summary="Edit a draft (whoever edits it may not approve it)",
)
def edit(request: HttpRequest, code: str, number: int, payload: SettingsIn) -> ProfileOut:
    usecases.edit_draft(actor_of(request), code, number, **payload.changes())
    return _read(request, code)


@router.post(
    "/{code}/versions/{number}/submit",
    auth=signed_in(usecases.submit),
    response={200: ProfileOut, **_ERRORS},
    summary="Submit a draft for approval",
)
def submit(request: HttpRequest, code: str, number: int, payload: ReasonIn) -> ProfileOut:
    usecases.submit(actor_of(request), code, number)
    return _read(request, code)


@router.post(
    "/{code}/versions/{number}/approve",
    auth=signed_in(usecases.approve),
    response={200: ProfileOut, **_ERRORS},
    summary="Approve a version pending approval (by nobody who wrote, edited or submitted it)",
)
def approve(request: HttpRequest, code: str, number: int, payload: ReasonIn) -> ProfileOut:
    usecases.approve(actor_of(request), code, number)
    return _read(request, code)


@router.post(
    "/{code}/versions/{number}/reject",
    auth=signed_in(usecases.reject),
    response={200: ProfileOut, **_ERRORS},
    summary="Reject a version pending approval",
)
def reject(request: HttpRequest, code: str, number: int, payload: ReasonIn) -> ProfileOut:
    usecases.reject(actor_of(request), code, number, payload.reason)
    return _read(request, code)


@router.post(
    "/{code}/versions/{number}/suspend",
    auth=signed_in(usecases.suspend),
    response={200: ProfileOut, **_ERRORS},
    summary="Suspend the active version",
)
def suspend(request: HttpRequest, code: str, number: int, payload: ReasonIn) -> ProfileOut:
    usecases.suspend(actor_of(request), code, number, payload.reason)
    return _read(request, code)
