"""The rules of an inspection result, in one place: what an officer records (by the pages,
the API or a case), what a file imports, and what storage keeps all follow from them.

Every result: a compliant one states no finding type, no critical flag, no seizure and no
additional duties. A result recorded now (not a historical file's) also says what was found
when something was, and was not inspected in the future, nor before the declaration was
lodged. Historical files (KCS) carry findings without their type: they are imported as
they are."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import ValidationError

from portcullis.engine.schema import FINDING_DETAILS, InspectionOutcome
from portcullis.engine.validation import FieldProblem, excerpt, problems_from

# Clocks of the officer's device and the server differ by a few minutes at most.
CLOCK_SKEW = timedelta(minutes=5)
FIELDS = tuple(InspectionOutcome.model_fields)


def validate_outcome(
    raw: Mapping[str, Any],
    *,
    recorded: bool = True,
    now: datetime | None = None,
    lodged_at: datetime | None = None,
) -> InspectionOutcome | list[FieldProblem]:
    """The outcome, or every problem with it, each naming its field."""
    if not isinstance(raw, Mapping):
        return [FieldProblem("", "must be a JSON object (one inspection result)")]
    problems: list[FieldProblem] = []
    finding = raw.get("finding")
    if finding is False:  # field by field, before the model's own (unattributed) check
        problems += [
            FieldProblem(name, "is only for a finding: the result is compliant", excerpt(value))
            for name in FINDING_DETAILS
            if (value := raw.get(name)) not in (None, False, "", 0, "0", "0.00")
        ]
    if problems:
        return problems
    try:
        outcome = InspectionOutcome.model_validate(dict(raw))
    except ValidationError as error:
        return problems_from(error)
    if recorded:
        problems += _recorded_problems(outcome, now or datetime.now(UTC), lodged_at)
    return problems or outcome


def _recorded_problems(
    outcome: InspectionOutcome, now: datetime, lodged_at: datetime | None
) -> list[FieldProblem]:
    problems = []
    if outcome.finding and outcome.finding_type is None:
        problems.append(FieldProblem("finding_type", "is required: say what was found"))
    moment = outcome.inspected_at
    if moment is not None:
        shown = moment.isoformat(timespec="minutes")
        if moment > now + CLOCK_SKEW:
            problems.append(FieldProblem("inspected_at", "is in the future", shown))
        elif lodged_at is not None and moment < lodged_at - CLOCK_SKEW:
            problems.append(
                FieldProblem("inspected_at", "is before the declaration was lodged", shown)
            )
    return problems
