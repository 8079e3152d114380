"""A date and time field as the forms show it: the browser's own picker, optional."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms

if TYPE_CHECKING:  # the stubs' name for a lazy translation; not a runtime name
    from django.utils.functional import _StrPromise


def moment_field(label: str | _StrPromise) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
