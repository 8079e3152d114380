from django import forms
from django.utils.translation import gettext_lazy as _

from portcullis.web.choices import WATCH_KIND_CHOICES
from portcullis.web.pages.forms.moments import moment_field


class EntryForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=WATCH_KIND_CHOICES)
    value = forms.CharField(
        label=_("Value"),
        max_length=35,
        required=False,
        help_text=_(
            "A trader id, an HS code prefix, a country code, or DEPARTURE>OFFICE (* for any)."
        ),
    )
    named_list = forms.CharField(
        label=_("Or a named list"),
        max_length=40,
        required=False,
        help_text=_("Every value of the list, as it is when a declaration is assessed."),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    weight = forms.FloatField(label=_("Weight (0 to 1)"), min_value=0, max_value=1, initial=0.5)
    valid_from = moment_field(_("Valid from"))
    expires_at = moment_field(_("Expires"))
