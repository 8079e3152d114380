"""Policy versions: the selectivity policy as data, one version active."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction

from portcullis.engine.selectivity import Policy, SelectionSeed
from portcullis.web.audit.services import record
from portcullis.web.scoring.models import PolicyVersion
from portcullis.web.scoring.state import engine_changed


def selection_seed() -> SelectionSeed:
    return SelectionSeed(settings.PORTCULLIS_SELECTION_SEED.encode())


@transaction.atomic
def save_policy(
    policy: Policy, user: User | None, note: str = "", activate: bool = True
) -> PolicyVersion:
    """Keep ``policy`` as a version (the same content is one version) and, by default, make it
    the active one."""
    stored, created = PolicyVersion.objects.get_or_create(
        version=policy.version,
        defaults={"data": policy.to_dict(), "note": note[:300], "created_by": user},
    )
    if created:
        record(user, "policy.create", stored, f"policy {stored.version}: {note}"[:300])
    if activate and not stored.active:
        PolicyVersion.objects.filter(active=True).update(active=False)
        stored.active = True
        stored.save()
        engine_changed()
        record(user, "policy.activate", stored, f"activated policy {stored.version}")
    return stored


def active_policy() -> PolicyVersion:
    """The active policy version; the default policy (nothing selected by risk until
    calibrated, random sample on) when none was ever saved."""
    current = PolicyVersion.objects.filter(active=True).first()
    return current if current is not None else save_policy(Policy(), None, "default policy")


def policy_of(version: PolicyVersion) -> Policy:
    return Policy.from_dict(version.data)
