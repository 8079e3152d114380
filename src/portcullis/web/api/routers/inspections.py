"""Recording an inspection outcome for a selected declaration."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from portcullis.engine.schema import FindingType
from portcullis.web.accounts.scopes import Scope
from portcullis.web.api import problems
from portcullis.web.api.auth import principal_of, scoped
from portcullis.web.api.fields import Text
from portcullis.web.api.problems import ProblemOut
from portcullis.web.declarations.models import Declaration
from portcullis.web.inspections.models import Inspection
from portcullis.web.inspections.services import (
    InspectionError,
    NotAllowed,
    OutcomeInput,
    record_outcome,
)

router = Router(tags=["inspections"])


class InspectionIn(Schema):
    finding: bool = Field(description="true when non-compliance was found")
    finding_type: FindingType | None = None
    critical: bool = Field(False, description="a finding of high revenue impact")
    additional_duties: Decimal | None = Field(None, ge=0, max_digits=18, decimal_places=2)
    seizure: bool = False
    inspected_at: datetime | None = Field(None, description="default: when it is recorded")
    notes: Text | None = Field(None, max_length=5000)


class InspectionOut(Schema):
    declaration_id: str
    finding: bool
    finding_type: str | None
    critical: bool
    additional_duties: Decimal | None
    seizure: bool
    inspected_at: datetime | None
    notes: str
    source: str  # "officer", or "imported" with a historical declaration
    recorded_at: datetime
    recorded_by: str | None


def inspection_out(inspection: Inspection) -> InspectionOut:
    return InspectionOut(
        declaration_id=inspection.declaration.declaration_id,
        finding=inspection.finding,
        finding_type=inspection.finding_type or None,
        critical=inspection.critical,
        additional_duties=inspection.additional_duties,
        seizure=inspection.seizure,
        inspected_at=inspection.inspected_at,
        notes=inspection.notes,
        source=inspection.source,
        recorded_at=inspection.recorded_at,
        recorded_by=inspection.recorded_by.get_username() if inspection.recorded_by else None,
    )


@router.post(
    "/{declaration_id}/inspection",
    auth=scoped(Scope.INSPECT),
    response={
        201: InspectionOut,
        401: ProblemOut,
        403: ProblemOut,
        404: ProblemOut,
        409: ProblemOut,
        422: ProblemOut,
    },
    tags=["inspections"],
    summary="Record what the inspection of a selected declaration found",
)
def record(
    request: HttpRequest, declaration_id: str, payload: InspectionIn
) -> Status[InspectionOut]:
    declaration = Declaration.objects.filter(declaration_id=declaration_id).first()
    if declaration is None:
        raise problems.not_found(f"declaration {declaration_id}")
    user = principal_of(request).user
    try:
        inspection = record_outcome(declaration, OutcomeInput(**payload.dict()), user)
    except NotAllowed as error:
        raise problems.conflict(str(error)) from None
    except InspectionError as error:
        raise problems.invalid([{"field": "", "message": str(error)}], str(error)) from None
    return Status(201, inspection_out(inspection))
