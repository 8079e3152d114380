"""The officer's form for an inspection outcome."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from portcullis.engine.schema import FindingType
from portcullis.web.inspections.services import OutcomeInput

FINDING_CHOICES = [("", _("— choose —"))] + [
    (f.value, f.value.replace("_", " ").capitalize()) for f in FindingType
]


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
        label=_("Notes"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        found = data.get("finding")
        if found and not data.get("finding_type"):
            self.add_error("finding_type", _("Choose the type of what was found."))
        if found is False:
            for name in ("finding_type", "critical", "additional_duties", "seizure"):
                if data.get(name):
                    self.add_error(
                        name, _("Only a finding can have this: the result is compliant.")
                    )
        return data

    def outcome(self) -> OutcomeInput:
        data = self.cleaned_data
        return OutcomeInput(
            finding=data["finding"],
            finding_type=FindingType(data["finding_type"]) if data.get("finding_type") else None,
            critical=data["critical"],
            additional_duties=data.get("additional_duties"),
            seizure=data["seizure"],
            inspected_at=data.get("inspected_at"),
            notes=data.get("notes") or None,
        )
