"""Targeting profiles: drafts, approval by another user, suspension, hit statistics."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from portcullis.web.accounts.scopes import Scope
from portcullis.web.api import problems
from portcullis.web.api.auth import principal_of, scoped
from portcullis.web.api.fields import Moment, Text
from portcullis.web.api.problems import Problem, ProblemOut
from portcullis.web.profiles import services
from portcullis.web.profiles.models import Profile, ProfileVersion
from portcullis.web.profiles.statistics import HitStatistics, history_as_of, statistics

router = Router(tags=["profiles"])
_ERRORS: dict[int, Any] = {
    401: ProblemOut, 403: ProblemOut, 404: ProblemOut, 409: ProblemOut, 422: ProblemOut
}  # fmt: skip

Category = Literal[tuple(ProfileVersion.RiskCategory.values)]  # type: ignore[valid-type]
TargetChannel = Literal["yellow", "red", "blue"]


class SettingsIn(Schema):
    criteria: Text | None = Field(None, max_length=10_000, description="see docs/profiles.md")
    rationale: Text | None = Field(None, max_length=5_000)
    risk_category: Category | None = None
    channel: TargetChannel | None = None
    weight: float | None = Field(None, ge=0, le=1)
    selection_pct: float | None = Field(None, ge=0, le=100)
    mandatory: bool | None = None
    offices: list[Text] | None = Field(None, max_length=500)
    valid_from: Moment = None
    valid_to: Moment = None

    def changes(self) -> dict[str, Any]:
        return {k: v for k, v in self.dict(exclude_unset=True).items() if v is not None}


class ProfileIn(SettingsIn):
    name: Text = Field(min_length=1, max_length=200)
    criteria: Text = Field(min_length=1, max_length=10_000)  # type: ignore[assignment]


class ReasonIn(Schema):
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
    needs_review: bool  # active, and no finding in PORTCULLIS_PROFILE_REVIEW_DAYS of history


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


def _profiles_out(profiles: list[Profile]) -> list[ProfileOut]:
    as_of = history_as_of()
    out = []
    for profile in profiles:
        versions = sorted(profile.versions.all(), key=lambda v: -v.number)
        active = next((v.number for v in versions if v.status == "active"), None)
        out.append(
            ProfileOut(
                code=profile.code,
                name=profile.name,
                active_version=active,
                statistics=_statistics_out(
                    statistics(profile, active=active is not None, as_of=as_of)
                ),
                versions=[_version_out(v) for v in versions],
            )
        )
    return out


def _profiles() -> Any:
    return Profile.objects.prefetch_related("versions__author", "versions__approver")


def _one(code: str) -> Profile:
    profile = _profiles().filter(code=code).first()
    if profile is None:
        raise problems.not_found(f"profile {code}")
    return profile


def _version(code: str, number: int) -> ProfileVersion:
    version = (
        ProfileVersion.objects.select_related("profile").filter(profile__code=code, number=number)
    ).first()
    if version is None:
        raise problems.not_found(f"profile {code} version {number}")
    return version


def _workflow(step: Callable[[], Any]) -> Any:
    """Run a workflow step, turning its refusals into problems."""
    try:
        return step()
    except services.CriteriaError as error:
        raise problems.invalid(
            [{"field": "criteria", "message": str(p)} for p in error.problems],
            "the criteria do not compile",
        ) from None
    except services.ProfileWorkflowError as error:
        raise Problem(409, "workflow", "Not allowed now", str(error)) from None


@router.get(
    "",
    auth=scoped(Scope.READ),
    response={200: list[ProfileOut], 401: ProblemOut, 403: ProblemOut},
    summary="Every profile with its versions and hit statistics",
)
def list_profiles(request: HttpRequest) -> list[ProfileOut]:
    return _profiles_out(list(_profiles()))


@router.post(
    "",
    auth=scoped(Scope.PROFILES),
    response={201: ProfileOut, **_ERRORS},
    summary="New profile (a draft)",
)
def create(request: HttpRequest, payload: ProfileIn) -> Status[ProfileOut]:
    changes = payload.changes()
    name = changes.pop("name")
    version = _workflow(
        lambda: services.create_profile(name, principal_of(request).user, **changes)
    )
    return Status(201, _profiles_out([_one(version.profile.code)])[0])


@router.get(
    "/{code}", auth=scoped(Scope.READ), response={200: ProfileOut, **_ERRORS}, summary="One profile"
)
def read(request: HttpRequest, code: str) -> ProfileOut:
    return _profiles_out([_one(code)])[0]


@router.post(
    "/{code}/versions",
    auth=scoped(Scope.PROFILES),
    response={201: ProfileOut, **_ERRORS},
    summary="Start a new version (a draft, from the latest one with these changes)",
)
def new_version(request: HttpRequest, code: str, payload: SettingsIn) -> Status[ProfileOut]:
    profile = _one(code)
    _workflow(
        lambda: services.new_version(profile, principal_of(request).user, **payload.changes())
    )
    return Status(201, _profiles_out([_one(code)])[0])


@router.patch(
    "/{code}/versions/{number}",
    auth=scoped(Scope.PROFILES),
    response={200: ProfileOut, **_ERRORS},
    summary="Edit a draft",
)
def edit(request: HttpRequest, code: str, number: int, payload: SettingsIn) -> ProfileOut:
    version = _version(code, number)
    _workflow(lambda: services.edit_draft(version, principal_of(request).user, **payload.changes()))
    return _profiles_out([_one(code)])[0]


def _step(name: str, summary: str) -> None:
    def step(request: HttpRequest, code: str, number: int, payload: ReasonIn) -> ProfileOut:
        version = _version(code, number)
        user = principal_of(request).user
        actions: dict[str, Callable[[], Any]] = {
            "submit": lambda: services.submit(version, user),
            "approve": lambda: services.approve(version, user),
            "reject": lambda: services.reject(version, user, payload.reason),
            "suspend": lambda: services.suspend(version, user, payload.reason),
        }
        _workflow(actions[name])
        return _profiles_out([_one(code)])[0]

    step.__name__ = name
    router.post(
        f"/{{code}}/versions/{{number}}/{name}",
        auth=scoped(Scope.PROFILES),
        response={200: ProfileOut, **_ERRORS},
        summary=summary,
    )(step)


_step("submit", "Submit a draft for approval")
_step("approve", "Approve a version pending approval (not by its author): it becomes active")
_step("reject", "Reject a version pending approval")
_step("suspend", "Suspend the active version")
