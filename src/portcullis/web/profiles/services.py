"""The life of a targeting profile: draft, submit, approve (by someone else), suspend.

Every step checks what it may do, saves, and writes the audit trail, in one transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from portcullis.engine.channels import Channel
from portcullis.engine.features import default_catalogue
from portcullis.engine.rules.compiler import compile_criteria
from portcullis.engine.rules.profiles import Profile as EngineProfile
from portcullis.engine.rules.profiles import ProfileSet
from portcullis.engine.rules.syntax import Problem, ProfileError
from portcullis.web.audit.services import record
from portcullis.web.codes import assign_code, provisional_code
from portcullis.web.profiles.models import Profile, ProfileSetVersion, ProfileVersion
from portcullis.web.scoring.services.state import engine_changed

Status = ProfileVersion.Status
User = AbstractBaseUser | None
EDITABLE = (
    "criteria", "rationale", "risk_category", "channel", "weight", "selection_pct", "mandatory",
    "offices", "valid_from", "valid_to",
)  # fmt: skip


class ProfileWorkflowError(ValueError):
    """A step the profile's state, or the user, does not allow; the message says why."""


class CriteriaError(ValueError):
    """Criteria that do not compile; ``problems`` say where and what."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def check_criteria(criteria: str) -> list[Problem]:
    """Every problem with ``criteria`` (none: they compile)."""
    try:
        compile_criteria(criteria, default_catalogue())
    except ProfileError as error:
        return error.problems
    return []


def _validate(version: ProfileVersion) -> None:
    problems = check_criteria(version.criteria)
    if problems:
        raise CriteriaError(problems)
    try:
        engine_profile(version)
    except ValueError as error:
        raise ProfileWorkflowError(str(error)) from None
    if version.valid_from and version.valid_to and version.valid_to <= version.valid_from:
        raise ProfileWorkflowError("valid_to must come after valid_from")


def engine_profile(version: ProfileVersion) -> EngineProfile:
    """The version as the engine uses it."""
    return EngineProfile(
        code=version.profile.code,
        version=version.number,
        criteria=version.criteria,
        name=version.profile.name,
        channel=Channel(version.channel),
        weight=float(version.weight),
        selection_pct=float(version.selection_pct),
        mandatory=version.mandatory,
        risk_category=version.risk_category,
        rationale=version.rationale,
        offices=tuple(str(o) for o in version.offices or ()),
        valid_from=version.valid_from,
        valid_to=version.valid_to,
    )


@transaction.atomic
def create_profile(name: str, author: User, **settings: Any) -> ProfileVersion:
    """A new profile with its first version, a draft."""
    unknown = set(settings) - set(EDITABLE)
    if unknown:
        raise ProfileWorkflowError(f"unknown profile settings: {', '.join(sorted(unknown))}")
    profile = Profile.objects.create(code=provisional_code(), name=name.strip(), created_by=author)
    assign_code(profile, "PRF", 4)
    version = ProfileVersion(profile=profile, number=1, author=author, **settings)
    _validate(version)
    version.save()
    record(author, "profile.create", version, f"created {profile.code} {profile.name} (draft)")
    return version


@transaction.atomic
def new_version(profile: Profile, author: User, **changes: Any) -> ProfileVersion:
    """A draft of the next version, starting from the latest one."""
    latest = profile.versions.order_by("-number").first()
    base = {name: getattr(latest, name) for name in EDITABLE} if latest else {}
    number = (latest.number if latest else 0) + 1
    version = ProfileVersion(profile=profile, number=number, author=author, **{**base, **changes})
    _validate(version)
    version.save()
    record(author, "profile.new_version", version, f"drafted {profile.code} v{number}")
    return version


def _locked(version: ProfileVersion, expected: str, refusal: str) -> ProfileVersion:
    """The version, locked for this transaction, if it is in the ``expected`` state."""
    locked = ProfileVersion.objects.select_for_update().select_related("profile").get(pk=version.pk)
    if locked.status != expected:
        name = f"{locked.profile.code} v{locked.number}"
        raise ProfileWorkflowError(f"{refusal} ({name} is {locked.get_status_display().lower()})")
    return locked


def _moved(
    version: ProfileVersion, user: User, action: str, done: str, **details: Any
) -> ProfileVersion:
    version.save()
    record(
        user,
        f"profile.{action}",
        version,
        f"{done} {version.profile.code} v{version.number}",
        **details,
    )
    return version


@transaction.atomic
def edit_draft(version: ProfileVersion, editor: User, **changes: Any) -> ProfileVersion:
    version = _locked(version, Status.DRAFT, "only a draft can be edited: start a new version")
    for name, value in changes.items():
        if name not in EDITABLE:
            raise ProfileWorkflowError(f"{name} cannot be edited")
        setattr(version, name, value)
    _validate(version)
    return _moved(version, editor, "edit", "edited draft", changed=sorted(changes))


@transaction.atomic
def submit(version: ProfileVersion, user: User) -> ProfileVersion:
    version = _locked(version, Status.DRAFT, "only a draft can be submitted for approval")
    _validate(version)
    version.status, version.submitted_at = Status.PENDING, timezone.now()
    return _moved(version, user, "submit", "submitted for approval:")


@transaction.atomic
def approve(version: ProfileVersion, approver: User) -> ProfileVersion:
    """The version becomes its profile's active one (the previous active one is superseded).
    Its author may not approve it: four eyes."""
    version = _locked(version, Status.PENDING, "only a version pending approval can be approved")
    if approver is not None and version.author_id == approver.pk:
        raise ProfileWorkflowError("the author of a profile version cannot approve it")
    _validate(version)
    ProfileVersion.objects.filter(profile=version.profile, status=Status.ACTIVE).update(
        status=Status.SUPERSEDED
    )
    version.status, version.approver, version.approved_at = Status.ACTIVE, approver, timezone.now()
    engine_changed()
    return _moved(version, approver, "approve", "approved, now active:")


@transaction.atomic
def reject(version: ProfileVersion, user: User, why: str) -> ProfileVersion:
    version = _locked(version, Status.PENDING, "only a version pending approval can be rejected")
    version.status = Status.REJECTED
    return _moved(version, user, "reject", "rejected", why=why)


@transaction.atomic
def suspend(version: ProfileVersion, user: User, why: str = "") -> ProfileVersion:
    version = _locked(version, Status.ACTIVE, "only an active version can be suspended")
    version.status = Status.SUSPENDED
    engine_changed()
    return _moved(version, user, "suspend", "suspended", why=why)


def active_versions() -> list[ProfileVersion]:
    return list(
        ProfileVersion.objects.filter(status=Status.ACTIVE)
        .select_related("profile")
        .order_by("profile__code")
    )


def profile_set(versions: Iterable[ProfileVersion]) -> tuple[ProfileSet, ProfileSetVersion]:
    """The engine's compiled set of ``versions`` and the stored record naming it."""
    chosen = list(versions)
    compiled = ProfileSet.compile([engine_profile(v) for v in chosen], default_catalogue())
    stored, created = ProfileSetVersion.objects.get_or_create(version=compiled.version)
    if created:
        stored.members.set(chosen)
    return compiled, stored
