"""The written reasons actions that set a machine's or a colleague's work aside must carry:
an override's justification, a corrected result's reason, an authorised amendment's."""

from __future__ import annotations

from django.utils.translation import gettext_noop as N_

from portcullis.web.errors import Invalid, field_problem

MIN_LENGTH = 15  # characters: a reason someone else (an auditor, a court) can read, not "ok"


def written_reason(text: str, field: str = "reason") -> str:
    """``text`` without surrounding blanks, if long enough to be read later."""
    text = text.strip()
    if len(text) < MIN_LENGTH:
        raise Invalid(
            f"a {field} of at least {MIN_LENGTH} characters is required",
            problems=[field_problem(field, N_("must be at least %(n)s characters"), n=MIN_LENGTH)],
        )
    return text
