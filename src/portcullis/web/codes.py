"""Readable codes for records people refer to (PRF-0012, WL-000345), made from the row's own
primary key once it is stored: unique whatever runs at the same time, and never reused."""

from __future__ import annotations

import uuid

from django.db import models


def provisional_code() -> str:
    """A unique placeholder until the row has its primary key."""
    return "new-" + uuid.uuid4().hex[:12]


def assign_code(row: models.Model, prefix: str, width: int) -> None:
    row.code = f"{prefix}-{row.pk:0{width}d}"  # type: ignore[attr-defined]
    type(row).objects.filter(pk=row.pk).update(code=row.code)  # type: ignore[attr-defined]
