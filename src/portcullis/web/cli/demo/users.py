"""Demo users, one per role, with random passwords kept in the data directory.

Passwords are generated, never fixed in code: a demo left running on a network must not
open with a password everyone knows. Running the demo again prints the same ones."""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from portcullis.web.accounts import tokens
from portcullis.web.accounts.roles import Role, ensure_role_groups, give_role
from portcullis.web.accounts.scopes import CLEARANCE_SYSTEM
from portcullis.web.usecases.accounts import issue_token
from portcullis.web.usecases.actor import Actor


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    role: str


_USERS = (
    ("admin", "administrator (all rights)", None),
    ("analyst", "risk analyst", Role.ANALYST),
    ("supervisor", "supervisor (approves profiles)", Role.SUPERVISOR),
    ("officer", "frontline officer", Role.OFFICER),
    ("auditor", "auditor (reads everything)", Role.AUDITOR),
)


def _load(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _save(path: Path, passwords: dict[str, str]) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(passwords, handle, indent=2)


@transaction.atomic
def ensure_demo_users(data_dir: Path) -> list[DemoUser]:
    path = data_dir / "demo-credentials.json"
    passwords = _load(path)
    groups = ensure_role_groups()
    user_model = get_user_model()
    users = []
    for username, description, role in _USERS:
        password = passwords.get(username) or secrets.token_urlsafe(9)
        passwords[username] = password
        user, _ = user_model.objects.get_or_create(username=username)
        user.set_password(password)
        give_role(user, role, groups)  # the administrator alone uses Django's admin site
        users.append(DemoUser(username, password, description))
    _save(path, passwords)
    return users


DEMO_CLIENT = "demo-clearance-system"
DEMO_SCOPES = CLEARANCE_SYSTEM


@transaction.atomic
def ensure_demo_token(data_dir: Path) -> str:
    """An API token for trying the API on the demo (docs/api.md), kept with the demo
    passwords so that running the demo again prints the same one."""
    path = data_dir / "demo-credentials.json"
    kept = _load(path)
    secret = kept.get(f"token:{DEMO_CLIENT}")
    if secret and tokens.authenticate(secret) is not None:
        return secret
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(username=DEMO_CLIENT)
    if created:
        user.set_unusable_password()
        user.save()
    secret = issue_token(Actor.system(), DEMO_CLIENT, DEMO_SCOPES, username=DEMO_CLIENT).secret
    _save(path, {**kept, f"token:{DEMO_CLIENT}": secret})
    return secret
