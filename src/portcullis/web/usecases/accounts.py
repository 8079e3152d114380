"""People and client systems: API tokens issued, listed and revoked; users created, given a
role, posted to offices, deactivated. Every change is audited (a token's secret never is)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_noop as N_

from portcullis.engine.validation import FieldProblem
from portcullis.web.accounts import tokens
from portcullis.web.accounts.models import Account, ApiToken
from portcullis.web.accounts.roles import Role, ensure_role_groups, give_role
from portcullis.web.accounts.scopes import Scope
from portcullis.web.audit.services import record
from portcullis.web.errors import Invalid, NotFound
from portcullis.web.reference.models import Office
from portcullis.web.scoring.state import engine_changed
from portcullis.web.usecases.access import use_case
from portcullis.web.usecases.actor import Actor
from portcullis.web.usecases.transactions import atomic


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once; never stored, never logged


def _service_account(name: str) -> User:
    user, created = get_user_model().objects.get_or_create(username=f"api-{slugify(name)}"[:150])
    if created:
        user.set_unusable_password()
        user.save()
    return user


@use_case("token.issue", N_("issue API tokens"), permission="accounts.add_apitoken")
def issue_token(
    actor: Actor,
    name: str,
    scopes: frozenset[Scope],
    *,
    username: str | None = None,
    expires_at: datetime | None = None,
) -> IssuedToken:
    """A token for one client system, acting as ``username`` (default: a service account
    named api-<name>, without a password)."""
    if not scopes:
        raise Invalid(
            "a token needs at least one scope", problems=[FieldProblem("scopes", "is empty")]
        )
    if not name.strip():
        raise Invalid("a token needs the name of its client system")

    def work() -> IssuedToken:
        if username:
            user = get_user_model().objects.filter(username=username).first()
            if user is None:
                raise NotFound(f"no user {username!r}")
        else:
            user = _service_account(name)
        prefix, secret = tokens.new_secret()
        token = ApiToken.objects.create(
            name=name.strip(),
            user=user,
            prefix=prefix,
            digest=tokens.digest(secret),
            scopes=sorted(scopes),
            created_by=actor.account,
            expires_at=expires_at,
        )
        record(
            actor.account,
            "token.issue",
            token,
            f"API token {prefix} issued to {token.name}",
            scopes=sorted(scopes),
            **actor.audit_details(),
        )
        return IssuedToken(token, secret)

    return atomic(work)


@use_case("token.list", N_("see API tokens"), permission="accounts.view_apitoken")
def list_tokens(actor: Actor) -> QuerySet[ApiToken]:
    return ApiToken.objects.select_related("user").order_by("-created_at")


@use_case("token.revoke", N_("revoke API tokens"), permission="accounts.change_apitoken")
def revoke_token(actor: Actor, prefix: str) -> ApiToken:
    def work() -> ApiToken:
        token = ApiToken.objects.select_for_update().filter(prefix=prefix).first()
        if token is None:
            raise NotFound(f"no token with prefix {prefix!r}")
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            engine_changed("accounts")  # every process reads its tokens again
            record(
                actor.account,
                "token.revoke",
                token,
                f"API token {token.prefix} ({token.name}) revoked",
                **actor.audit_details(),
            )
        return token

    return atomic(work)


def _offices(codes: Iterable[str]) -> list[Office]:
    wanted = sorted({code.strip() for code in codes if code.strip()})
    found = list(Office.objects.filter(code__in=wanted))
    missing = sorted(set(wanted) - {office.code for office in found})
    if missing:
        raise Invalid(
            f"unknown office {', '.join(missing)}",
            problems=[FieldProblem("offices", f"{code} is not a known office") for code in missing],
        )
    return found


def _role(name: str | None) -> Role | None:
    """A role from its short name (analyst, supervisor, officer, auditor); None or "admin":
    the administrator."""
    if name in (None, "", "admin", "administrator"):
        return None
    for role in Role:
        if role.name.lower() == name.lower():
            return role
    known = ", ".join(["admin", *(role.name.lower() for role in Role)])
    raise Invalid(f"unknown role {name!r} (one of: {known})")


@use_case("user.create", N_("create user accounts"), permission="auth.add_user")
def create_user(
    actor: Actor,
    username: str,
    password: str,
    role: str | None,
    offices: Iterable[str] = (),
) -> User:
    chosen = _role(role)

    def work() -> User:
        model = get_user_model()
        if model.objects.filter(username=username).exists():
            raise Invalid(f"a user {username!r} already exists")
        user = model(username=username)
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise Invalid(" ".join(error.messages)) from None
        user.set_password(password)
        give_role(user, chosen, ensure_role_groups())
        Account.objects.create(user=user).offices.set(_offices(offices))
        record(
            actor.account,
            "user.create",
            user,
            f"user {username} created: {chosen.label if chosen else 'administrator'}",
            offices=sorted(offices),
            **actor.audit_details(),
        )
        return user

    return atomic(work)


@use_case("user.change", N_("change user accounts"), permission="auth.change_user")
def change_user(
    actor: Actor,
    username: str,
    *,
    role: str | None = "",
    offices: Iterable[str] | None = None,
    active: bool | None = None,
) -> User:
    """Give a role (``role`` "" leaves it), post to offices (None leaves them), activate or
    deactivate (a deactivated user's sessions and tokens stop working at once)."""

    def work() -> User:
        user = get_user_model().objects.select_for_update().filter(username=username).first()
        if user is None:
            raise NotFound(f"no user {username!r}")
        changed: dict[str, object] = {}
        if role != "":
            chosen = _role(role)
            give_role(user, chosen, ensure_role_groups())
            changed["role"] = chosen.label if chosen else "administrator"
        if offices is not None:
            account, _ = Account.objects.get_or_create(user=user)
            account.offices.set(_offices(offices))
            changed["offices"] = sorted(offices)
        if active is not None and user.is_active != active:
            user.is_active = active
            user.save(update_fields=["is_active"])
            changed["active"] = active
        if changed:
            engine_changed("accounts")  # its tokens and rights are read again everywhere
        record(
            actor.account,
            "user.change",
            user,
            f"user {username} changed: {', '.join(changed) or 'nothing'}",
            **{k: str(v) for k, v in changed.items()},
            **actor.audit_details(),
        )
        return user

    return atomic(work)


@use_case("user.list", N_("see user accounts"), permission="auth.view_user")
def list_users(actor: Actor) -> QuerySet[User]:
    return (
        get_user_model().objects.prefetch_related("groups", "account__offices").order_by("username")
    )
