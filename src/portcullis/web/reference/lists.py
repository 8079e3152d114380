"""Named lists as the engine reads them (recording a version: usecases.lists)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import OuterRef, Subquery

from portcullis.engine.rules.lists import NamedList as EngineList
from portcullis.engine.rules.lists import by_code
from portcullis.web.reference.models import NamedList, NamedListVersion


def engine_list(version: NamedListVersion) -> EngineList:
    return EngineList(
        version.named_list.code,
        version.number,
        frozenset(version.values),
        version.valid_from,
        version.expires_at,
    )


def current_versions() -> list[NamedListVersion]:
    """The newest version of every list."""
    newest = (
        NamedListVersion.objects.filter(named_list=OuterRef("named_list"))
        .order_by("-number")
        .values("number")[:1]
    )
    versions = NamedListVersion.objects.filter(number=Subquery(newest))
    return list(versions.select_related("named_list").order_by("named_list__code"))


def as_lists(versions: Iterable[NamedListVersion]) -> dict[str, EngineList]:
    return by_code(engine_list(version) for version in versions)


def current_lists() -> dict[str, EngineList]:
    """Every list by code, at its newest version: what profiles compile against now."""
    return as_lists(current_versions())


def versions_named(keys: Iterable[str]) -> list[NamedListVersion]:
    """The stored versions of ``keys`` (code@vN)."""
    wanted = [key.rsplit("@v", 1) for key in keys]
    found = []
    for code, number in wanted:
        version = (
            NamedListVersion.objects.select_related("named_list")
            .filter(named_list__code=code, number=int(number))
            .first()
        )
        if version is not None:
            found.append(version)
    return found


def kind_of(code: str) -> str | None:
    return NamedList.objects.filter(code=code).values_list("kind", flat=True).first()
