"""The officer's form for an inspection result, and the supervisor's for correcting one.

The rules are the engine's (portcullis.engine.outcomes), checked here only so that each
problem shows beside its field; the use case checks them again whatever the channel."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from portcullis.engine.outcomes import validate_outcome
from portcullis.web.inspections.labels import FINDING_LABELS

FINDING_CHOICES = [("", _("— choose —")), *FINDING_LABELS.items()]
# The engine's rules in the officer's words.
_REQUIRED_TYPE = _("Choose the type of what was found.")
_ONLY_A_FINDING = _("Only a finding can have this: the result is compliant.")


class InspectionForm(forms.Form):
    finding = forms.TypedChoiceField(
        label=_("Result"),
        choices=[("no", _("Compliant: nothing found")), ("yes", _("Non-compliance found"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether anything was found.")},
    )
    finding_type = forms.ChoiceField(
        label=_("Finding type"), choices=FINDING_CHOICES, required=False
    )
    critical = forms.BooleanField(label=_("Critical (high revenue impact)"), required=False)
    additional_duties = forms.DecimalField(
        label=_("Additional duties assessed"),
        required=False,
        min_value=Decimal(0),
        max_digits=18,
        decimal_places=2,
    )
    seizure = forms.BooleanField(label=_("Goods seized"), required=False)
    inspected_at = forms.DateTimeField(
        label=_("Inspected at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Leave empty for now."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def outcome(self) -> dict[str, Any]:
        """The result as the engine's schema names its fields."""
        data = self.cleaned_data
        return {
            "finding": data.get("finding"),
            "finding_type": data.get("finding_type") or None,
            "critical": bool(data.get("critical")),
            "additional_duties": data.get("additional_duties"),
            "seizure": bool(data.get("seizure")),
            "inspected_at": data.get("inspected_at"),
            "notes": data.get("notes") or None,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors or data.get("finding") is None:
            return data
        checked = validate_outcome(self.outcome(), recorded=True)
        if isinstance(checked, list):
            for problem in checked:
                field = problem.field if problem.field in self.fields else None
                message: object = problem.message
                if problem.message.startswith("is only for a finding"):
                    message = _ONLY_A_FINDING
                elif problem.field == "finding_type" and problem.message.startswith("is required"):
                    message = _REQUIRED_TYPE
                self.add_error(field, str(message))
        return data


class CorrectionForm(InspectionForm):
    reason = forms.CharField(
        label=_("Why the result is corrected"),
        min_length=15,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required. The original result stays readable beside the correction."),
    )


class AuthorisationForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the declarant may amend it now"),
        min_length=15,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the audit trail with your name."),
    )
