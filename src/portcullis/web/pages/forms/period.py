"""A period of whole days chosen on an analytic page: two dates and presets."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any, TypeVar

from django import forms
from django.utils.translation import gettext_lazy as _

from portcullis.web.errors import Invalid
from portcullis.web.pages.errors import on_form

T = TypeVar("T")
Chosen = tuple[date | None, date | None]


class PeriodForm(forms.Form):
    """``?from=YYYY-MM-DD&until=YYYY-MM-DD``, both optional (the use case says what is
    left out means)."""

    def __init__(self, data: Any) -> None:
        super().__init__({name: data.get(name, "") for name in ("from", "until")})
        # Named as the query names them ("from" cannot be a class attribute).
        self.fields["from"] = forms.DateField(
            label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
        )
        self.fields["until"] = forms.DateField(
            label=_("Until (included)"),
            required=False,
            widget=forms.DateInput(attrs={"type": "date"}),
        )

    def chosen(self) -> tuple[date | None, date | None]:
        if not self.is_valid():
            return None, None
        return self.cleaned_data["from"], self.cleaned_data["until"]


def presets(today: date) -> list[tuple[str, date, date]]:
    """The periods offered in one click, ending today or around it."""
    month_start = today.replace(day=1)
    last_month_end = month_start - timedelta(days=1)
    quarter_start = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
    return [
        (str(_("Last 7 days")), today - timedelta(days=6), today),
        (str(_("Last 30 days")), today - timedelta(days=29), today),
        (str(_("Last 90 days")), today - timedelta(days=89), today),
        (str(_("This month")), month_start, today),
        (str(_("Last month")), last_month_end.replace(day=1), last_month_end),
        (str(_("This quarter")), quarter_start, today),
    ]


def over_period(form: PeriodForm, read: Callable[[Chosen], T]) -> T:
    """``read`` over the period the form asked for; a period refused (backwards, too long)
    is said beside its field and the default period is read instead."""
    try:
        return read(form.chosen())
    except Invalid as error:
        on_form(form, error)
        return read((None, None))
