"""Amending a declaration: a new version of its content, reassessed; earlier versions and
their decisions are kept."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from portcullis.engine.canonical import canonical_dict, differing_fields
from portcullis.engine.validation import FieldProblem
from portcullis.web.audit.services import record
from portcullis.web.declarations.models import Declaration
from portcullis.web.declarations.services.stored import stored_declaration
from portcullis.web.declarations.services.storing import replace_content
from portcullis.web.scoring.services.live import live_engine
from portcullis.web.scoring.services.submitting import (
    Status,
    Submitted,
    assess,
    check,
    latest_decisions,
    validation_context,
)


class NotStored(LookupError):
    pass


def amend(declaration_id: str, raw: Any, actor: AbstractBaseUser | None) -> Submitted:
    """The amended declaration's new decision; the same content as stored is "unchanged"
    (its latest decision, no reassessment); invalid content is "rejected", nothing changed."""
    checked = check(raw, validation_context())
    if not isinstance(checked, list) and checked.declaration.declaration_id != declaration_id:
        checked = [
            FieldProblem(
                "declaration_id",
                f"must be the id of the declaration amended ({declaration_id})",
                checked.declaration.declaration_id,
            )
        ]
    if isinstance(checked, list):
        if not Declaration.objects.filter(declaration_id=declaration_id).exists():
            raise NotStored(declaration_id)
        return Submitted(0, declaration_id, Status.REJECTED, problems=checked)
    live = live_engine()
    with transaction.atomic():
        row = Declaration.objects.select_for_update().filter(declaration_id=declaration_id).first()
        if row is None:
            raise NotStored(declaration_id)
        if row.content_hash == checked.content_hash:
            decision = latest_decisions([row.pk]).get(row.pk)
            if decision is not None:
                return Submitted(0, declaration_id, Status.UNCHANGED, decision)
            version = row.version
            changed: list[str] = []
        else:
            changed = differing_fields(
                canonical_dict(stored_declaration(row.pk)), canonical_dict(checked.declaration)
            )
            version = replace_content(row, checked, actor)
        (decision,) = assess([checked], [row.pk], live, actor, {declaration_id: version})
        record(
            actor,
            "declaration.amend",
            decision,
            f"{declaration_id} amended to version {version}: {decision.channel} "
            f"({decision.reason})",
            changed=changed,
        )
    return Submitted(0, declaration_id, Status.ASSESSED, decision, differing_fields=tuple(changed))
