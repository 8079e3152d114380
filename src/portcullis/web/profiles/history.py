"""How each version of a profile differs from the one before it."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from portcullis.web.profiles.models import ProfileVersion

COMPARED = (
    "rationale", "risk_category", "channel", "weight", "selection_pct", "mandatory", "offices",
    "valid_from", "valid_to",
)  # fmt: skip


@dataclass(frozen=True)
class Change:
    field: str
    before: object
    after: object


@dataclass(frozen=True)
class VersionDiff:
    version: ProfileVersion
    criteria: list[tuple[str, str]]  # ("same" | "removed" | "added", words)
    changes: list[Change]


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    old, new = before.split(), after.split()
    parts: list[tuple[str, str]] = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(("same", " ".join(old[a1:a2])))
            continue
        if a2 > a1:
            parts.append(("removed", " ".join(old[a1:a2])))
        if b2 > b1:
            parts.append(("added", " ".join(new[b1:b2])))
    return parts


def version_diffs(versions: list[ProfileVersion]) -> list[VersionDiff]:
    """Newest first, each against the version numbered just below it."""
    ordered = sorted(versions, key=lambda v: v.number)
    diffs = []
    for previous, version in zip([None, *ordered], ordered, strict=False):
        if previous is None:
            diffs.append(VersionDiff(version, [("same", version.criteria)], []))
            continue
        changes = [
            Change(name, getattr(previous, name), getattr(version, name))
            for name in COMPARED
            if getattr(previous, name) != getattr(version, name)
        ]
        diffs.append(VersionDiff(version, word_diff(previous.criteria, version.criteria), changes))
    return diffs[::-1]
