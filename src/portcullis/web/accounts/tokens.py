"""Issuing, checking and revoking API tokens.

A token reads ``pct_<prefix>_<secret>``: the prefix finds the row, the whole token is checked
against the stored digest in constant time. Secrets are 256 random bits, so a plain SHA-256
digest cannot be reversed by guessing; a slow password hash would only slow every request."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.utils import timezone

from portcullis.web.accounts.models import ApiToken

_TAG = "pct"
# last_used_at is a record for people, not a clock: one write a minute per token is enough
# and keeps the hot path of every request read-only.
LAST_USED_RESOLUTION = timedelta(seconds=60)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> tuple[str, str]:
    """(prefix, secret) for a token about to be issued."""
    prefix = secrets.token_hex(4)
    return prefix, f"{_TAG}_{prefix}_{secrets.token_urlsafe(32)}"


def digest(secret: str) -> str:
    return _digest(secret)


def authenticate(secret: str, accounts: int | None = None) -> ApiToken | None:
    """The live token ``secret`` stands for, or None (unknown, revoked, expired, or its user
    deactivated). ``accounts``: the count of changes to accounts and tokens as the request
    read it; a token checked under the same count is not read again (a revocation or a
    user's deactivation counts one more, see scoring.state)."""
    parts = secret.split("_", 2)
    if len(parts) != 3 or parts[0] != _TAG:
        return None
    digested = _digest(secret)
    kept = _checked.get(digested) if accounts is not None else None
    if kept is not None and kept[1] == accounts:
        token = kept[0]
    else:
        found = ApiToken.objects.select_related("user").filter(prefix=parts[1]).first()
        if found is None or not hmac.compare_digest(found.digest, digested):
            return None
        token = found
        if accounts is not None:
            if len(_checked) >= _KEPT_TOKENS:
                _checked.clear()
            _checked[digested] = (token, accounts)
    now = timezone.now()
    if token.revoked_at is not None or (token.expires_at and token.expires_at <= now):
        return None
    if not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


# Tokens checked by this process, by the digest of their secret (never the secret), with
# the count of account changes they were read under: a client's token is read once, not
# once a request.
_KEPT_TOKENS = 1_000
_checked: dict[str, tuple[ApiToken, int]] = {}


def forget_checked() -> None:
    """Read every token again on its next use (tests; a process whose database changed)."""
    _checked.clear()
