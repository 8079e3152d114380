"""Profile versions as the engine runs them: compiled from their criteria, checked, and the
set of active ones (the life of a version, draft to active, is usecases.profiles)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext
from django.utils.translation import gettext_noop as N_

from portcullis.engine.channels import Channel
from portcullis.engine.features import default_catalogue
from portcullis.engine.rules.compiler import compile_criteria
from portcullis.engine.rules.profiles import Profile as EngineProfile
from portcullis.engine.rules.profiles import ProfileSet
from portcullis.engine.rules.syntax import Problem, ProfileError
from portcullis.engine.validation import FieldProblem
from portcullis.web.errors import Invalid, field_problem
from portcullis.web.profiles.models import ProfileSetVersion, ProfileVersion
from portcullis.web.reference.lists import current_lists, versions_named
from portcullis.web.reference.models import Office

Status = ProfileVersion.Status
EDITABLE = (
    "criteria", "rationale", "risk_category", "channel", "weight", "selection_pct", "mandatory",
    "offices", "valid_from", "valid_to",
)  # fmt: skip


def check_criteria(criteria: str) -> list[Problem]:
    """Every problem with ``criteria`` (none: they compile against the fields and the named
    lists there are now)."""
    try:
        compile_criteria(criteria, default_catalogue(), current_lists())
    except ProfileError as error:
        return error.problems
    return []


# The values of a criteria message that are the language's own words (what a place needs,
# what came instead), said in the reader's language; other values are the analyst's text.
_WORD_VALUES = frozenset({"wanted", "given", "left", "right", "held", "expected"})


def problem_text(problem: Problem) -> str:
    """A problem with criteria in the reader's language: "line 1, column 16: unexpected
    'colour'" or "ligne 1, colonne 16 : « colour » inattendu"."""
    if not problem.template:
        return str(problem)
    values = {
        name: ", ".join(gettext(w) for w in value) if isinstance(value, tuple)
        else gettext(value) if name in _WORD_VALUES else value
        for name, value in problem.values
    }  # fmt: skip
    message = gettext(problem.template).format(**values)
    text = gettext("line %(line)s, column %(column)s: %(message)s") % {
        "line": problem.position.line,
        "column": problem.position.column,
        "message": message,
    }
    if problem.suggestion:
        text += " " + gettext("(did you mean '%(name)s'?)") % {"name": problem.suggestion}
    return text


def validate(version: ProfileVersion) -> None:
    """Refuse a version the engine could not run, saying why."""
    problems = check_criteria(version.criteria)
    if problems:
        raise Invalid(
            "the criteria do not compile: " + "; ".join(str(p) for p in problems),
            problems=[FieldProblem("criteria", problem_text(problem)) for problem in problems],
        )
    if version.valid_from and version.valid_to and version.valid_to <= version.valid_from:
        raise Invalid(
            "valid_to must come after valid_from",
            problems=[field_problem("valid_to", N_("must come after the start of validity"))],
        )
    offices = [str(code) for code in version.offices or []]
    known = set(Office.objects.filter(code__in=offices).values_list("code", flat=True))
    if unknown := [code for code in offices if code not in known]:
        raise Invalid(
            f"unknown office {', '.join(unknown)}",
            problems=[
                field_problem("offices", N_("%(codes)s: no such office"), codes=", ".join(unknown))
            ],
        )
    try:
        engine_profile(version)
    except ValueError as error:
        raise Invalid(str(error)) from None


def engine_profile(version: ProfileVersion) -> EngineProfile:
    """The version as the engine uses it."""
    return EngineProfile(
        code=version.profile.code,
        version=version.number,
        criteria=version.criteria,
        name=version.profile.name,
        channel=Channel(version.channel),
        weight=float(version.weight),
        selection_pct=float(version.selection_pct),
        mandatory=version.mandatory,
        risk_category=version.risk_category,
        rationale=version.rationale,
        offices=tuple(str(o) for o in version.offices or ()),
        valid_from=version.valid_from,
        valid_to=version.valid_to,
    )


def active_versions() -> list[ProfileVersion]:
    return list(
        ProfileVersion.objects.filter(status=Status.ACTIVE)
        .select_related("profile")
        .order_by("profile__code")
    )


def profile_set(versions: Iterable[ProfileVersion]) -> tuple[ProfileSet, ProfileSetVersion]:
    """The engine's compiled set of ``versions`` (with the named lists as they are now) and
    the stored record naming it, with the list versions it read."""
    chosen = list(versions)
    compiled = ProfileSet.compile(
        [engine_profile(v) for v in chosen], default_catalogue(), current_lists()
    )
    stored, created = ProfileSetVersion.objects.get_or_create(version=compiled.version)
    if created:
        stored.members.set(chosen)
        stored.lists.set(versions_named(compiled.lists))
    return compiled, stored
