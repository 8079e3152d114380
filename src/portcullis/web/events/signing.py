"""How a delivery is signed, and how a receiver checks it.

The body is signed with the subscriber's secret by HMAC-SHA256 over ``"{timestamp}.{body}"``:
a receiver recomputes it with its copy of the secret, compares in constant time, and refuses
a timestamp too far from its clock (a recorded delivery replayed later fails)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

VERSION = "v1"
TOLERANCE_SECONDS = 300


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"{VERSION}={mac.hexdigest()}"


def verify(secret: str, timestamp: str, body: bytes, signed: str, now: float) -> bool:
    """What a receiver does with the three headers (kept here, and tested, so that the
    guide's recipe is known to work)."""
    try:
        at = int(timestamp)
    except ValueError:
        return False
    if abs(now - at) > TOLERANCE_SECONDS:
        return False
    return hmac.compare_digest(signature(secret, at, body), signed)
