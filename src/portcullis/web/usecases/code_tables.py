"""The small tables an administrator keeps for how things read: what the clearance system's
codes mean ("1 — sea") and what officers check for each risk category. Each change is
audited with what it was before."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_noop as N_

from portcullis.engine.validation import FieldProblem
from portcullis.web.audit.services import record
from portcullis.web.errors import Invalid, NotFound
from portcullis.web.profiles.models import ControlCheck, ProfileVersion
from portcullis.web.reference.models import CodeLabel
from portcullis.web.usecases.access import use_case
from portcullis.web.usecases.actor import Actor
from portcullis.web.usecases.transactions import atomic


def _refuse(record_name: str, field: str, detail: str) -> Invalid:
    return Invalid(f"{record_name}: {field} {detail}", problems=[FieldProblem(field, detail)])


def _text(record_name: str, field: str, value: str, limit: int, *, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        raise _refuse(record_name, field, "is required")
    if len(value) > limit:
        raise _refuse(record_name, field, f"must be at most {limit} characters")
    return value


@use_case(
    "reference.set_code_label",
    N_("change what codes mean"),
    permission="reference.change_codelabel",
)
def set_code_label(
    actor: Actor, kind: str, code: str, *, label: str, label_fr: str = ""
) -> CodeLabel:
    """Name ``code`` of ``kind`` (a new row, or the existing one renamed)."""
    if kind not in CodeLabel.Kind.values:
        raise _refuse("code label", "kind", f"must be one of {', '.join(CodeLabel.Kind.values)}")
    code = _text("code label", "code", code, 10, required=True)
    name = f"{kind} code {code}"
    label = _text(name, "label", label, 120, required=True)
    label_fr = _text(name, "label_fr", label_fr, 120, required=False)

    def work() -> CodeLabel:
        row = CodeLabel.objects.select_for_update().filter(kind=kind, code=code).first()
        before = None if row is None else {"label": row.label, "label_fr": row.label_fr}
        if row is None:
            row = CodeLabel(kind=kind, code=code)
        row.label, row.label_fr = label, label_fr
        row.save()
        record(
            actor.account,
            "reference.set_code_label",
            row,
            f"{name} reads “{label}”",
            before=before,
            after={"label": label, "label_fr": label_fr},
            **actor.audit_details(),
        )
        return row

    return atomic(work)


@dataclass(frozen=True)
class CheckInput:
    category: str
    text: str
    text_fr: str = ""
    on_goods: bool = False
    position: int = 1
    active: bool = True


@use_case(
    "reference.set_control_check",
    N_("change what officers are told to check"),
    permission="profiles.change_controlcheck",
)
def set_control_check(actor: Actor, pk: int | None, data: CheckInput) -> ControlCheck:
    """A new check (``pk`` None) or a change to one; a check is retired by making it
    inactive, so the audit trail can always say what an officer was told."""
    name = "new check" if pk is None else f"check {pk}"
    if data.category not in ProfileVersion.RiskCategory.values:
        allowed = ", ".join(ProfileVersion.RiskCategory.values)
        raise _refuse(name, "category", f"must be one of {allowed}")
    if not 1 <= data.position <= 99:
        raise _refuse(name, "position", "must be between 1 and 99")
    text = _text(name, "text", data.text, 300, required=True)
    text_fr = _text(name, "text_fr", data.text_fr, 300, required=False)
    values = {
        "category": data.category, "position": data.position, "on_goods": data.on_goods,
        "text": text, "text_fr": text_fr, "active": data.active,
    }  # fmt: skip

    def work() -> ControlCheck:
        if pk is None:
            row, before = ControlCheck(), None
        else:
            found = ControlCheck.objects.select_for_update().filter(pk=pk).first()
            if found is None:
                raise NotFound(f"{name} does not exist")
            row, before = found, {key: getattr(found, key) for key in values}
        for key, value in values.items():
            setattr(row, key, value)
        row.save()
        record(
            actor.account,
            "reference.set_control_check",
            row,
            f"check for {data.category}: “{text}”" + ("" if data.active else " (retired)"),
            before=before,
            after=values,
            **actor.audit_details(),
        )
        return row

    return atomic(work)
