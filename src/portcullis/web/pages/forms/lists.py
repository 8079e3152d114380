from django import forms
from django.utils.translation import gettext_lazy as _

from portcullis.web.pages.forms.moments import moment_field
from portcullis.web.reference.models import NamedList


class ListForm(forms.Form):
    """A list's next version: its values one per line (or separated by commas)."""

    code = forms.CharField(
        label=_("Name"),
        max_length=40,
        help_text=_("Capital letters, digits and _ (e.g. HIGH_RISK_ORIGINS)."),
    )
    kind = forms.ChoiceField(label=_("Holds"), choices=NamedList.Kind.choices)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    values = forms.CharField(
        label=_("Values"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("One per line, or separated by commas."),
    )
    valid_from = moment_field(_("Valid from"))
    expires_at = moment_field(_("Expires"))
    reason = forms.CharField(label=_("Why it changes"), max_length=500)
    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, initial=0)

    def value_list(self) -> list[str]:
        text = self.cleaned_data.get("values") or ""
        return [v for v in text.replace(",", "\n").splitlines() if v.strip()]
