from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from portcullis.web.choices import CHANNEL_CHOICES
from portcullis.web.usecases.decisions import MIN_JUSTIFICATION


class OverrideForm(forms.Form):
    channel = forms.ChoiceField(label=_("New channel"))
    justification = forms.CharField(
        label=_("Justification"),
        min_length=MIN_JUSTIFICATION,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required. Kept in the audit trail with your name."),
        error_messages={"required": _("Say why the channel must change.")},
    )

    def __init__(self, *args: Any, current: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [  # type: ignore[attr-defined]
            (value, label) for value, label in CHANNEL_CHOICES if value != current
        ]
