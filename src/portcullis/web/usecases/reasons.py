"""The written reasons actions that set a machine's or a colleague's work aside must carry:
an override's justification, a corrected result's reason, an authorised amendment's."""

from __future__ import annotations

from portcullis.engine.validation import FieldProblem
from portcullis.web.errors import Invalid

MIN_LENGTH = 15  # characters: a reason someone else (an auditor, a court) can read, not "ok"


def written_reason(text: str, field: str = "reason") -> str:
    """``text`` without surrounding blanks, if long enough to be read later."""
    text = text.strip()
    if len(text) < MIN_LENGTH:
        raise Invalid(
            f"a {field} of at least {MIN_LENGTH} characters is required",
            problems=[FieldProblem(field, f"must be at least {MIN_LENGTH} characters")],
        )
    return text
