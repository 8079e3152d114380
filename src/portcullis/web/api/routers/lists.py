"""Named lists: read them, and save a list's next version (creating the list with its first).

A save names the version it was made on (``base_version``; 0 for a new list): a save on a
version that has been replaced since is refused with 409, so no change is overwritten."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from portcullis.engine.rules.lists import MAX_VALUES
from portcullis.web.api.auth import actor_of, signed_in
from portcullis.web.api.fields import Body, Moment, Text
from portcullis.web.api.problems import ProblemOut
from portcullis.web.reference.models import NamedList, NamedListVersion
from portcullis.web.usecases import lists as usecases
from portcullis.web.usecases.lists import MAX_VALUE_LENGTH, ListInput

router = Router(tags=["named lists"])
_ERRORS: dict[int, Any] = {401: ProblemOut, 403: ProblemOut, 404: ProblemOut, 422: ProblemOut}


class ListIn(Body):
    values: list[Text] = Field(max_length=MAX_VALUES, description="the codes; order is kept")
    reason: Text = Field(min_length=1, max_length=500)
    base_version: int = Field(ge=0, description="the version the change was made on; 0: new")
    kind: NamedList.Kind | None = Field(None, description="needed for a new list")
    description: Text | None = Field(None, max_length=2000)
    valid_from: Moment = None
    expires_at: Moment = None


class VersionOut(Schema):
    number: int
    values: int = Field(description="how many values it holds")
    reason: str
    created_at: datetime
    created_by: str | None


class SummaryOut(Schema):
    code: str
    kind: str
    description: str
    owner: str | None
    versions: int


class ListOut(Schema):
    code: str
    kind: str
    description: str
    owner: str | None
    version: int
    values: list[str]
    valid_from: datetime | None
    expires_at: datetime | None
    history: list[VersionOut]


def _name(user: Any) -> str | None:
    return user.get_username() if user is not None else None


def _out(named: NamedList, versions: list[NamedListVersion]) -> ListOut:
    newest = versions[0]
    return ListOut(
        code=named.code,
        kind=named.kind,
        description=named.description,
        owner=_name(named.owner),
        version=newest.number,
        values=list(newest.values),
        valid_from=newest.valid_from,
        expires_at=newest.expires_at,
        history=[
            VersionOut(
                number=v.number,
                values=len(v.values),
                reason=v.reason,
                created_at=v.created_at,
                created_by=_name(v.created_by),
            )
            for v in versions
        ],
    )


@router.get(
    "",
    auth=signed_in(usecases.list_lists),
    response={200: list[SummaryOut], 401: ProblemOut, 403: ProblemOut},
    summary="Named lists",
)
def list_lists(request: HttpRequest) -> list[SummaryOut]:
    return [
        SummaryOut(
            code=n.code,
            kind=n.kind,
            description=n.description,
            owner=_name(n.owner),
            versions=n.version_count,  # type: ignore[attr-defined]
        )
        for n in usecases.list_lists(actor_of(request))
    ]


@router.get(
    "/{code}",
    auth=signed_in(usecases.read_list),
    response={200: ListOut, **_ERRORS},
    summary="A named list: its newest version's values and its history",
)
def read(request: HttpRequest, code: str) -> ListOut:
    return _out(*usecases.read_list(actor_of(request), code))


@router.put(
    "/{code}",
    auth=signed_in(usecases.save_list),
    response={201: ListOut, 409: ProblemOut, **_ERRORS},
    summary="Save the list's next version (a new list: base_version 0 and its kind)",
)
def save(request: HttpRequest, code: str, payload: ListIn) -> Status[ListOut]:
    actor = actor_of(request)
    given = ListInput(
        values=[value[: MAX_VALUE_LENGTH + 1] for value in payload.values],
        reason=payload.reason,
        kind=payload.kind.value if payload.kind else "",
        description=payload.description,
        valid_from=payload.valid_from,
        expires_at=payload.expires_at,
        base_version=payload.base_version,
    )
    usecases.save_list(actor, code, given)
    return Status(201, _out(*usecases.read_list(actor, code)))
