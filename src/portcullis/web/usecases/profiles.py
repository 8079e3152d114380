"""The life of a targeting profile: draft, edit, submit, approve or reject, suspend, start a
new version; and the analyst's tools while writing one (check, preview, backtest).

Four eyes: a version records everyone who created, edited or submitted it, and none of them
may approve it, whatever their role (an administrator included). Every step locks the
version, checks its state, saves and writes the audit trail in one transaction; a change to
what is active tells the serving engines."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings as django_settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop as N_

from portcullis.engine.backtest import BacktestResult
from portcullis.engine.rules.profiles import Profile as EngineProfile
from portcullis.engine.rules.syntax import Problem
from portcullis.engine.validation import FieldProblem
from portcullis.web.accounts.scopes import Scope
from portcullis.web.audit.services import record
from portcullis.web.codes import assign_code, provisional_code
from portcullis.web.declarations.models import Item
from portcullis.web.errors import Invalid, NotAllowedNow, NotFound, TooCostly
from portcullis.web.profiles.compiled import (
    EDITABLE,
    check_criteria,
    engine_profile,
    problem_text,
    validate,
)
from portcullis.web.profiles.models import Profile, ProfileVersion
from portcullis.web.profiles.period_figures import PeriodFigures, period_figures
from portcullis.web.profiles.statistics import HitStatistics, needs_review, statistics
from portcullis.web.scoring.backtesting import BacktestError, active_profiles, backtest_profiles
from portcullis.web.scoring.models import ProfileHit
from portcullis.web.scoring.preview import Preview, preview, preview_items
from portcullis.web.scoring.profile_cost import max_single_ms, profile_cost
from portcullis.web.scoring.state import engine_changed
from portcullis.web.usecases.access import use_case
from portcullis.web.usecases.actor import Actor
from portcullis.web.usecases.reports import chosen_period
from portcullis.web.usecases.transactions import atomic

Status = ProfileVersion.Status
READ = "profiles.view_profile"
WRITE = "profiles.change_profile"
APPROVE = "profiles.approve_profileversion"


@dataclass(frozen=True)
class ProfileView:
    profile: Profile
    versions: list[ProfileVersion]  # newest first
    statistics: HitStatistics
    in_period: PeriodFigures | None = None  # asked for by the page: hits of a period

    @property
    def active(self) -> ProfileVersion | None:
        return next((v for v in self.versions if v.status == Status.ACTIVE), None)

    @property
    def latest(self) -> ProfileVersion | None:
        return self.versions[0] if self.versions else None

    @property
    def draft(self) -> ProfileVersion | None:
        return next((v for v in self.versions if v.status == Status.DRAFT), None)


def _profiles() -> QuerySet[Profile]:
    versions = ProfileVersion.objects.order_by("-number").select_related("author", "approver")
    return Profile.objects.prefetch_related(
        Prefetch("versions", queryset=versions.prefetch_related("contributors"))
    )


def _views(profiles: list[Profile]) -> list[ProfileView]:
    now, days = timezone.now(), django_settings.PORTCULLIS_PROFILE_REVIEW_DAYS
    found_lately = _found_since(profiles, now - timedelta(days=days))
    views = []
    for profile in profiles:
        versions = list(profile.versions.all())
        active = any(v.status == Status.ACTIVE for v in versions)
        approved = [v.approved_at for v in versions if v.approved_at is not None]
        review = needs_review(
            active, min(approved, default=None), profile.pk in found_lately, now, days
        )
        views.append(ProfileView(profile, versions, statistics(profile, review=review)))
    return views


def _found_since(profiles: list[Profile], since: datetime) -> set[int]:
    """The profiles (of ``profiles``) one of whose hits had a finding recorded since
    ``since``: a bounded look at recent results, not at every hit."""
    if not profiles:
        return set()
    return set(
        ProfileHit.objects.filter(
            profile_version__profile__in=profiles,
            decision__declaration__inspection__finding=True,
            decision__declaration__inspection__recorded_at__gte=since,
        )
        .values_list("profile_version__profile_id", flat=True)
        .distinct()
    )


# Whoever may write or approve profiles reads them too (an answer shows what was written).
READERS = (Scope.RISK_READ, Scope.PROFILES, Scope.APPROVE)


@use_case("profile.list", N_("read targeting profiles"), permission=READ, scope=READERS)
def list_profiles(actor: Actor) -> list[ProfileView]:
    return _views(list(_profiles()))


@use_case("profile.read", N_("read targeting profiles"), permission=READ, scope=READERS)
def read_profile(
    actor: Actor,
    code: str,
    *,
    period: tuple[date | None, date | None] | None = None,
) -> ProfileView:
    """The profile, its versions and lifetime figures; with ``period`` (first and last
    day, either left out for the default), also its figures over the declarations the
    actor reaches lodged in that period."""
    profile = _profiles().filter(code=code).first()
    if profile is None:
        raise NotFound(f"profile {code} does not exist")
    view = _views([profile])[0]
    if period is None:
        return view
    figures = period_figures(profile, actor.reach, chosen_period(*period))
    return dataclasses.replace(view, in_period=figures)


def _settings(changes: dict[str, Any]) -> dict[str, Any]:
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise Invalid(f"unknown profile settings: {', '.join(sorted(unknown))}")
    return changes


def _contributed(version: ProfileVersion, actor: Actor) -> None:
    if actor.account is not None:
        version.contributors.add(actor.account)


@use_case(
    "profile.create",
    N_("write targeting profiles"),
    permission="profiles.add_profile",
    scope=Scope.PROFILES,
)
def create_profile(actor: Actor, /, name: str, **settings: Any) -> ProfileVersion:
    """A new profile with its first version, a draft."""
    name = name.strip()
    if not name:
        raise Invalid("a profile needs a name", problems=[FieldProblem("name", "is required")])

    def work() -> ProfileVersion:
        profile = Profile.objects.create(
            code=provisional_code(), name=name, created_by=actor.account
        )
        assign_code(profile, "PRF", 4)
        version = ProfileVersion(
            profile=profile, number=1, author=actor.account, **_settings(settings)
        )
        validate(version)
        version.save()
        _contributed(version, actor)
        record(
            actor.account,
            "profile.create",
            version,
            f"created {profile.code} {profile.name} (draft)",
            **actor.audit_details(),
        )
        return version

    return atomic(work)


def _version(code: str, number: int, *, lock: bool = True) -> ProfileVersion:
    rows = ProfileVersion.objects.select_related("profile")
    if lock:
        rows = rows.select_for_update(of=("self",))
    version = rows.filter(profile__code=code, number=number).first()
    if version is None:
        raise NotFound(f"profile {code} version {number} does not exist")
    return version


def _expect(version: ProfileVersion, expected: str, refusal: str) -> None:
    if version.status != expected:
        name = f"{version.profile.code} v{version.number}"
        raise NotAllowedNow(f"{refusal} ({name} is {version.get_status_display().lower()})")


def _moved(version: ProfileVersion, actor: Actor, action: str, done: str, **details: Any) -> None:
    version.save()
    record(
        actor.account,
        f"profile.{action}",
        version,
        f"{done} {version.profile.code} v{version.number}",
        **details,
        **actor.audit_details(),
    )


@use_case(
    "profile.new_version", N_("write targeting profiles"), permission=WRITE, scope=Scope.PROFILES
)
def new_version(actor: Actor, /, code: str, **changes: Any) -> ProfileVersion:
    """A draft of the next version, starting from the latest one."""
    changes = _settings(changes)

    def work() -> ProfileVersion:
        profile = Profile.objects.select_for_update().filter(code=code).first()
        if profile is None:
            raise NotFound(f"profile {code} does not exist")
        if profile.versions.filter(status=Status.DRAFT).exists():
            raise NotAllowedNow.worded(
                N_("%(code)s already has a draft: edit it, or reject it first"), code=code
            )
        latest = profile.versions.order_by("-number").first()
        base = {name: getattr(latest, name) for name in EDITABLE} if latest else {}
        number = (latest.number if latest else 0) + 1
        version = ProfileVersion(
            profile=profile, number=number, author=actor.account, **{**base, **changes}
        )
        validate(version)
        version.save()
        _contributed(version, actor)
        record(
            actor.account,
            "profile.new_version",
            version,
            f"drafted {profile.code} v{number}",
            **actor.audit_details(),
        )
        return version

    return atomic(work)


@use_case("profile.edit", N_("write targeting profiles"), permission=WRITE, scope=Scope.PROFILES)
def edit_draft(actor: Actor, /, code: str, number: int, **changes: Any) -> ProfileVersion:
    changes = _settings(changes)

    def work() -> ProfileVersion:
        version = _version(code, number)
        _expect(version, Status.DRAFT, "only a draft can be edited: start a new version")
        for name, value in changes.items():
            setattr(version, name, value)
        validate(version)
        _contributed(version, actor)
        _moved(version, actor, "edit", "edited draft", changed=sorted(changes))
        return version

    return atomic(work)


@use_case("profile.submit", N_("write targeting profiles"), permission=WRITE, scope=Scope.PROFILES)
def submit(actor: Actor, code: str, number: int) -> ProfileVersion:
    def work() -> ProfileVersion:
        version = _version(code, number)
        _expect(version, Status.DRAFT, "only a draft can be submitted for approval")
        validate(version)
        version.status, version.submitted_at = Status.PENDING, timezone.now()
        _contributed(version, actor)
        _moved(version, actor, "submit", "submitted for approval:")
        return version

    return atomic(work)


def contributors(version: ProfileVersion) -> set[int]:
    """Everyone who created, edited or submitted the version (its author among them)."""
    found = set(version.contributors.values_list("pk", flat=True))
    return found | ({version.author_id} if version.author_id else set())


def _affordable(version: ProfileVersion) -> dict[str, float | int]:
    """The version's measured cost, if within the bound every submission can bear."""
    validate(version)
    cost = profile_cost(engine_profile(version))
    bound = max_single_ms()
    if cost.single_ms > bound:
        raise TooCostly(
            f"{version.profile.code} v{version.number} takes {cost.single_ms:.2f} ms to run on "
            f"one declaration (at most {bound:g} ms; {cost.per_item_us:.1f} µs per item over "
            f"{cost.items:,} items): every submission would pay it. Test fewer values at once "
            '(one "in [...]" or "startswith [...]" instead of many tests joined by "or")',
            cost=cost.to_dict(),
        )
    return cost.to_dict()


@use_case(
    "profile.approve", N_("approve targeting profiles"), permission=APPROVE, scope=Scope.APPROVE
)
def approve(actor: Actor, code: str, number: int) -> ProfileVersion:
    """The version becomes its profile's active one (the previous active one is superseded).
    Nobody who wrote, edited or submitted it may approve it: four eyes. Its cost is measured
    first (outside the transaction: the measure takes a moment) and recorded with it."""
    measured = _affordable(_version(code, number, lock=False))

    def work() -> ProfileVersion:
        version = _version(code, number)
        _expect(version, Status.PENDING, "only a version pending approval can be approved")
        approver = actor.account
        if approver is not None and approver.pk in contributors(version):
            raise NotAllowedNow.worded(
                N_(
                    "you created, edited or submitted %(code)s v%(number)s: someone else must "
                    "approve it (four eyes)"
                ),
                code=code,
                number=number,
            )
        validate(version)
        version.cost = measured
        ProfileVersion.objects.filter(profile=version.profile, status=Status.ACTIVE).update(
            status=Status.SUPERSEDED
        )
        version.status, version.approver, version.approved_at = (
            Status.ACTIVE,
            approver,
            timezone.now(),
        )
        engine_changed()
        _moved(version, actor, "approve", "approved, now active:")
        return version

    return atomic(work)


@use_case(
    "profile.reject", N_("approve targeting profiles"), permission=APPROVE, scope=Scope.APPROVE
)
def reject(actor: Actor, code: str, number: int, why: str = "") -> ProfileVersion:
    def work() -> ProfileVersion:
        version = _version(code, number)
        _expect(version, Status.PENDING, "only a version pending approval can be rejected")
        version.status = Status.REJECTED
        _moved(version, actor, "reject", "rejected", why=why)
        return version

    return atomic(work)


@use_case(
    "profile.suspend",
    N_("suspend targeting profiles"),
    permission=(WRITE, APPROVE),
    scope=(Scope.PROFILES, Scope.APPROVE),
)
def suspend(actor: Actor, code: str, number: int, why: str = "") -> ProfileVersion:
    """The active version stops selecting at once (an emergency stop the analyst or the
    approver may pull)."""

    def work() -> ProfileVersion:
        version = _version(code, number)
        _expect(version, Status.ACTIVE, "only an active version can be suspended")
        version.status = Status.SUSPENDED
        engine_changed()
        _moved(version, actor, "suspend", "suspended", why=why)
        return version

    return atomic(work)


@use_case("profile.check", N_("write targeting profiles"), permission=WRITE, scope=Scope.PROFILES)
def check(actor: Actor, criteria: str) -> list[Problem]:
    """Every problem with the criteria as typed (none: they compile)."""
    return check_criteria(criteria)


def _within_time(proposal: list[EngineProfile], items: int, what: str) -> None:
    """Refuse, before it starts, work on ``items`` that the proposal's measured cost says
    would run beyond PORTCULLIS_BACKTEST_MAX_SECONDS."""
    per_item_us = sum(profile_cost(profile).per_item_us for profile in proposal)
    seconds = per_item_us * items / 1e6
    bound = float(django_settings.PORTCULLIS_BACKTEST_MAX_SECONDS)
    if seconds > bound:
        raise TooCostly(
            f"the {what} would take about {seconds:,.0f} s ({per_item_us:.1f} µs per item over "
            f"{items:,} items; at most {bound:g} s): choose a shorter period or fewer tests",
            estimate_seconds=round(seconds, 1),
        )


@use_case("profile.preview", N_("write targeting profiles"), permission=WRITE, scope=Scope.PROFILES)
def preview_criteria(actor: Actor, criteria: str) -> Preview | None:
    """What the criteria would have hit over the latest stored declarations (None while
    they do not compile)."""
    if check_criteria(criteria):
        return None
    _within_time(draft(criteria), preview_items(), "preview")
    return preview(criteria)


def draft(criteria: str, selection_pct: float = 100.0) -> list[EngineProfile]:
    """An unsaved profile from the editor."""
    return [EngineProfile(code="DRAFT", version=1, criteria=criteria, selection_pct=selection_pct)]


def stored_proposal(codes: list[str]) -> list[EngineProfile]:
    """Each profile's active version, else its newest."""
    proposal = []
    for code in codes:
        versions = ProfileVersion.objects.select_related("profile").filter(profile__code=code)
        chosen = (
            versions.filter(status=Status.ACTIVE).first() or versions.order_by("-number").first()
        )
        if chosen is None:
            raise NotFound(f"profile {code} does not exist")
        proposal.append(engine_profile(chosen))
    return proposal


@use_case(
    "profile.backtest", N_("backtest targeting profiles"), permission=WRITE, scope=Scope.PROFILES
)
def backtest(
    actor: Actor,
    start: datetime,
    end: datetime,
    *,
    criteria: str | None = None,
    selection_pct: float = 100.0,
    codes: list[str] | None = None,
) -> BacktestResult:
    """A draft's criteria, stored profiles, or (neither given) the active set, replayed
    over the declarations lodged in [start, end)."""
    if criteria is not None:
        problems = check_criteria(criteria)
        if problems:
            raise Invalid(
                "Correct the criteria first: " + "; ".join(map(str, problems)),
                problems=[FieldProblem("criteria", problem_text(problem)) for problem in problems],
            )
        proposal = draft(criteria, selection_pct)
    elif codes:
        proposal = stored_proposal(codes)
    else:
        proposal = active_profiles()
    items = Item.objects.filter(
        declaration__lodged_at__gte=start, declaration__lodged_at__lt=end
    ).count()
    _within_time(proposal, items, "backtest")
    try:
        return backtest_profiles(proposal, start, end)
    except BacktestError as error:
        raise Invalid(str(error)) from None
