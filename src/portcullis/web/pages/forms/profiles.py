from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings as django_settings
from django.utils.translation import gettext_lazy as _

from portcullis.web.declarations.analysis import analysis_end
from portcullis.web.profiles.compiled import check_criteria, problem_text
from portcullis.web.profiles.models import ProfileVersion


class ProfileVersionForm(forms.ModelForm):  # type: ignore[type-arg]
    """The settings of a draft version; the criteria are checked by the engine's compiler."""

    offices = forms.CharField(
        label=_("Offices"),
        required=False,
        help_text=_("Office codes separated by commas; empty for every office."),
    )

    class Meta:
        model = ProfileVersion
        fields = [
            "criteria", "rationale", "risk_category", "channel", "weight", "selection_pct",
            "mandatory", "offices", "valid_from", "valid_to",
        ]  # fmt: skip
        labels = {
            "criteria": _("Criteria"),
            "rationale": _("Rationale (officers see it)"),
            "risk_category": _("Risk category"),
            "channel": _("Channel when selected"),
            "weight": _("Weight (0 to 1)"),
            "selection_pct": _("Share of hits selected (%)"),
            "mandatory": _("Mandatory: a selected hit decides the channel"),
            "valid_from": _("Valid from"),
            "valid_to": _("Valid to"),
        }
        # The labels say it; the models' help texts are for the admin site, in English.
        help_texts = dict.fromkeys(("rationale", "weight", "selection_pct", "mandatory"), "")
        widgets = {
            "criteria": forms.Textarea(attrs={"class": "code", "rows": 4, "spellcheck": "false"}),
            "rationale": forms.Textarea(attrs={"rows": 3}),
            "valid_from": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "valid_to": forms.DateTimeInput(attrs={"type": "datetime-local"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance and self.instance.pk and not self.is_bound:
            self.initial["offices"] = ", ".join(self.instance.offices or [])
        self.fields["weight"].widget.attrs.update(min=0, max=1, step=0.05)
        self.fields["selection_pct"].widget.attrs.update(min=0, max=100, step=1)

    def clean_criteria(self) -> str:
        criteria: str = self.cleaned_data["criteria"]
        problems = check_criteria(criteria)
        if problems:
            raise forms.ValidationError([problem_text(p) for p in problems])
        return criteria

    def clean_offices(self) -> list[str]:
        text = self.cleaned_data.get("offices") or ""
        return [code.strip() for code in text.replace(";", ",").split(",") if code.strip()]

    def clean_weight(self) -> float:
        weight: float = self.cleaned_data["weight"]
        if not 0 <= weight <= 1:
            raise forms.ValidationError(_("The weight is between 0 and 1."))
        return weight

    def clean_selection_pct(self) -> float:
        share: float = self.cleaned_data["selection_pct"]
        if not 0 <= share <= 100:
            raise forms.ValidationError(_("The share is between 0 and 100."))
        return share

    def settings(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class NewProfileForm(ProfileVersionForm):
    name = forms.CharField(label=_("Name"), max_length=200)

    field_order = ["name"]


class BacktestForm(forms.Form):
    """The editor's backtest: the criteria as typed, and a period (default: the last 90 days
    of stored history)."""

    DEFAULT_DAYS = 90

    criteria = forms.CharField(label=_("Criteria"))
    selection_pct = forms.FloatField(required=False, min_value=0, max_value=100)
    bt_from = forms.DateField(label=_("From"), required=False)
    bt_to = forms.DateField(label=_("Until"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("bt_from") and data.get("bt_to") and data["bt_from"] >= data["bt_to"]:
            raise forms.ValidationError(_("The period must end after it starts."))
        return data

    def period(self) -> tuple[datetime, datetime]:
        zone = ZoneInfo(django_settings.TIME_ZONE)
        start, end = self.cleaned_data.get("bt_from"), self.cleaned_data.get("bt_to")
        if end is None:
            last = analysis_end()
            end = (last.astimezone(zone).date() if last else date.today()) + timedelta(days=1)
        if start is None:
            start = end - timedelta(days=self.DEFAULT_DAYS)
        return (
            datetime.combine(start, time(), zone),
            datetime.combine(end, time(), zone),
        )
