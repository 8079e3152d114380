"""Domain errors: what a use case refuses, and why, in words a person can act on.

They carry no HTTP status and no page: the API maps each kind to a problem+json answer
(api/problems.py) and the pages to a message, a 403 or a 404 (pages/errors.py), each in one
place. Every use case raises only these (or lets an engine error become one of them)."""

from __future__ import annotations

from typing import Any, ClassVar, Self

from portcullis.engine.validation import FieldProblem  # one field's problem, as the engine names it


class DomainError(Exception):
    """A refusal. ``kind`` names it for machines (the problem type), ``title`` for people;
    ``detail`` says what happened and how to proceed. ``extra`` goes into the problem body."""

    kind: ClassVar[str] = "error"
    title: ClassVar[str] = "Refused"

    def __init__(
        self,
        detail: str,
        *,
        problems: list[FieldProblem] | tuple[FieldProblem, ...] = (),
        said: tuple[str, dict[str, str]] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.problems = list(problems)
        # The detail as a template marked for the catalogue and its values, where the pages
        # may say it in the reader's language (values named "what" are translated too).
        self.said = said
        self.extra = extra

    def __str__(self) -> str:
        return self.detail

    @classmethod
    def worded(cls, template: str, /, **values: object) -> Self:
        """The refusal ``template`` (marked N_() for the catalogue, %(name)s for each
        value): its detail in English, and the pages say it in the reader's language."""
        shown = {name: str(value) for name, value in values.items()}
        return cls(template % shown, said=(template, shown))


class NotFound(DomainError):
    """No such record, or not one the caller may know of (another office's): the two are
    answered alike, so that a refusal never confirms that a record exists."""

    kind = "not-found"
    title = "Not found"


class Forbidden(DomainError):
    """The caller's role (or token) does not allow the action."""

    kind = "forbidden"
    title = "Forbidden"


class Invalid(DomainError):
    """The input is wrong; ``problems`` name each field."""

    kind = "invalid"
    title = "Invalid request"


class Conflict(DomainError):
    """The input contradicts what is stored (another declaration under the same id, an
    outcome already recorded)."""

    kind = "conflict"
    title = "Conflict"


class NotAllowedNow(DomainError):
    """The record's state does not allow the action now (a profile version not pending, a
    decision already overridden)."""

    kind = "workflow"
    title = "Not allowed now"


class UnderControl(DomainError):
    """A declaration under customs control cannot be changed by the trader's system."""

    kind = "under-control"
    title = "Under customs control"


class CannotReplay(DomainError):
    kind = "cannot-replay"
    title = "Cannot replay"


class TooCostly(DomainError):
    """The work asked for would take longer than its bound (a profile too costly to run on
    every declaration, a preview over too much)."""

    kind = "too-costly"
    title = "Too costly"


class Unavailable(DomainError):
    """The service cannot do it now (the database cannot be reached or written); trying
    again later is safe."""

    kind = "unavailable"
    title = "Service unavailable"


def field_problem(field: str, template: str, **values: object) -> FieldProblem:
    """A problem with ``field`` whose message the pages say in the reader's language:
    ``template`` is marked for the catalogue (gettext_noop) with %(name)s for ``values``."""
    shown = {name: str(value) for name, value in values.items()}
    return FieldProblem(field, template % shown, template=template, values=tuple(shown.items()))


def refusal(field: str, template: str, **values: object) -> Invalid:
    """Invalid input, one field's problem (see field_problem)."""
    problem = field_problem(field, template, **values)
    return Invalid(f"{field} {problem.message}", problems=[problem])
