"""The table of expectations: for every use case, which roles may do it, which token scopes,
whether it is bounded by the actor's reach (an officer's offices, a client system's own
declarations), and how to call it directly, from a page and on the API.

A use case registered without a row here fails test_every_use_case_has_a_row; the rows
generate the tests of test_permissions.py for each role, own and other office, and each
channel (the function itself, the page, the API with a browser session, the API with a
token)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from django.urls import reverse

from portcullis.engine.channels import Channel
from portcullis.engine.selectivity import Policy
from portcullis.web.accounts.scopes import Scope
from portcullis.web.scoring.worklist import WorklistFilter
from portcullis.web.usecases.code_tables import CheckInput
from portcullis.web.usecases.lists import ListInput
from portcullis.web.usecases.reports import AuditFilter
from portcullis.web.usecases.watchlist import EntryInput
from tests.builders import declaration
from tests.web.permissions.conftest import OTHER, OWN, Site

EVERY = frozenset({"admin", "analyst", "supervisor", "officer", "auditor"})
RISK = frozenset({"admin", "analyst", "supervisor", "auditor"})  # risk records' readers
ADMIN = frozenset({"admin"})
WRITERS = frozenset({"admin", "analyst"})  # profiles and the watchlist
APPROVERS = frozenset({"admin", "supervisor"})
FRONTLINE = frozenset({"admin", "officer"})
START, END = datetime(2021, 1, 1, tzinfo=UTC), datetime(2021, 3, 1, tzinfo=UTC)
REASON = "the declarant corrected the invoice"
JUSTIFIED = "the importer is under investigation"


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    data: dict[str, Any] | None = None


Direct = Callable[[Site, str], tuple[tuple[Any, ...], dict[str, Any]]]
Reached = Callable[[Site, str], Request]


@dataclass(frozen=True)
class Row:
    roles: frozenset[str]  # the roles that may
    direct: Direct  # (args, kwargs) of a call on the site, for the own or the other side
    scopes: tuple[Scope, ...] = ()  # the scopes that let a token through; (): no token may
    scoped: bool = False  # bounded by reach: the other side is "not found" outside it
    page: Reached | None = None
    api: Reached | None = None
    token_sides: tuple[str, ...] = field(default=(OWN, OTHER))


def args(*positional: Any, **named: Any) -> tuple[tuple[Any, ...], dict[str, Any]]:
    return positional, named


def _raw(site: Site, side: str) -> dict[str, Any]:
    return declaration(site.selected[side], office="30" if side == OWN else "99")


ROWS: dict[str, Row] = {
    # Declarations
    "declaration.submit": Row(
        ADMIN,
        lambda s, side: args([declaration(f"NEW-{side}")]),
        (Scope.SUBMIT,),
        api=lambda s, side: Request("POST", "/declarations", declaration(f"NEW-{side}")),
    ),
    "declaration.submit_batch": Row(
        ADMIN,
        lambda s, side: args([declaration(f"BATCH-{side}")]),
        (Scope.SUBMIT,),
        api=lambda s, side: Request(
            "POST", "/declarations/batch", {"declarations": [declaration(f"BATCH-{side}")]}
        ),
    ),
    "declaration.amend": Row(
        ADMIN,
        lambda s, side: args(s.selected[side], _raw(s, side)),
        (Scope.SUBMIT,),
        scoped=True,
        api=lambda s, side: Request("PUT", f"/declarations/{s.selected[side]}", _raw(s, side)),
    ),
    "declaration.authorise_amendment": Row(
        frozenset({"admin", "supervisor", "officer"}),
        lambda s, side: args(s.selected[side], REASON),
        scoped=True,
        page=lambda s, side: Request(
            "POST", reverse("amendment_authorise", args=[s.selected[side]]), {"reason": REASON}
        ),
        api=lambda s, side: Request(
            "POST",
            f"/declarations/{s.selected[side]}/amendment-authorisation",
            {"reason": REASON},
        ),
    ),
    "declaration.read": Row(
        EVERY,
        lambda s, side: args(s.selected[side]),
        (Scope.READ,),
        scoped=True,
        page=lambda s, side: Request("GET", reverse("declaration", args=[s.selected[side]])),
        api=lambda s, side: Request("GET", f"/declarations/{s.selected[side]}"),
    ),
    "declaration.import": Row(
        ADMIN,
        lambda s, side: args(_missing_file(), "json"),
        (Scope.SUBMIT,),
    ),
    "declaration.import_upload": Row(
        ADMIN,
        lambda s, side: args("upload.json", [b"[]"], "json"),
        (Scope.SUBMIT,),
    ),
    "declaration.assess_stored": Row(
        ADMIN, lambda s, side: args([s.selected[side]]), (Scope.SUBMIT,)
    ),
    # Decisions
    "decision.read": Row(
        EVERY,
        lambda s, side: args(s.decision[side]),
        (Scope.READ,),
        scoped=True,
        api=lambda s, side: Request("GET", f"/decisions/{s.decision[side]}"),
    ),
    "decision.replay": Row(
        EVERY,
        lambda s, side: args(s.decision[side]),
        (Scope.READ,),
        scoped=True,
        page=lambda s, side: Request("POST", reverse("decision_replay", args=[s.decision[side]])),
        api=lambda s, side: Request("POST", f"/decisions/{s.decision[side]}/replay", {}),
    ),
    "decision.override": Row(
        APPROVERS,
        lambda s, side: args(s.decision[side], Channel.RED, JUSTIFIED),
        scoped=True,
        page=lambda s, side: Request(
            "POST",
            reverse("decision_override", args=[s.decision[side]]),
            {"channel": "red", "justification": JUSTIFIED},
        ),
    ),
    # Inspections
    "inspection.record": Row(
        FRONTLINE,
        lambda s, side: args(s.selected[side], {"finding": False}),
        (Scope.INSPECT,),
        scoped=True,
        page=lambda s, side: Request(
            "POST", reverse("inspection_record", args=[s.selected[side]]), {"finding": "no"}
        ),
        api=lambda s, side: Request(
            "POST", f"/declarations/{s.selected[side]}/inspection", {"finding": False}
        ),
    ),
    "inspection.correct": Row(
        APPROVERS,
        lambda s, side: args(
            s.inspected[side], {"finding": True, "finding_type": "origin"}, REASON
        ),
        scoped=True,
        page=lambda s, side: Request(
            "POST",
            reverse("inspection_correct", args=[s.inspected[side]]),
            {"finding": "yes", "finding_type": "origin", "reason": REASON},
        ),
        api=lambda s, side: Request(
            "POST",
            f"/declarations/{s.inspected[side]}/inspection/correction",
            {"finding": True, "finding_type": "origin", "reason": REASON},
        ),
    ),
    "inspection.assign": Row(
        FRONTLINE,
        lambda s, side: args(s.selected[side]),
        scoped=True,
        page=lambda s, side: Request("POST", reverse("worklist_assign", args=[s.selected[side]])),
    ),
    "worklist.count": Row(
        frozenset({"admin", "supervisor", "officer", "auditor"}),
        lambda s, side: args(WorklistFilter()),
    ),
    "worklist.read": Row(
        frozenset({"admin", "supervisor", "officer", "auditor"}),
        lambda s, side: args(WorklistFilter()),
        page=lambda s, side: Request("GET", reverse("worklist")),
    ),
    "search.run": Row(
        EVERY,
        lambda s, side: args(s.selected[side]),
        page=lambda s, side: Request("GET", reverse("search") + f"?q={s.selected[side]}"),
    ),
    # Events and their subscribers
    "event.list": Row(
        ADMIN,
        lambda s, side: args(0),
        (Scope.READ,),
        api=lambda s, side: Request("GET", "/events?after=0"),
    ),
    "subscriber.add": Row(
        ADMIN, lambda s, side: args(f"S-{side}", "https://example.org/hook"), (Scope.ADMIN,)
    ),
    "subscriber.list": Row(ADMIN, lambda s, side: args(), (Scope.ADMIN,)),
    "subscriber.set_active": Row(ADMIN, lambda s, side: args("nobody", False), (Scope.ADMIN,)),
    "dead_letter.list": Row(ADMIN, lambda s, side: args(), (Scope.ADMIN,)),
    "dead_letter.redeliver": Row(ADMIN, lambda s, side: args(0), (Scope.ADMIN,)),
    # Profiles
    "profile.list": Row(
        RISK,
        lambda s, side: args(),
        (Scope.RISK_READ, Scope.PROFILES, Scope.APPROVE),
        page=lambda s, side: Request("GET", reverse("profiles")),
        api=lambda s, side: Request("GET", "/profiles"),
    ),
    "profile.read": Row(
        RISK,
        lambda s, side: args(s.active),
        (Scope.RISK_READ, Scope.PROFILES, Scope.APPROVE),
        page=lambda s, side: Request("GET", reverse("profile", args=[s.active])),
        api=lambda s, side: Request("GET", f"/profiles/{s.active}"),
    ),
    "profile.create": Row(
        WRITERS,
        lambda s, side: args(f"New {side}", criteria='hs_code == "870323"'),
        (Scope.PROFILES,),
        page=lambda s, side: Request("GET", reverse("profile_create")),
        api=lambda s, side: Request(
            "POST", "/profiles", {"name": f"New {side}", "criteria": 'hs_code == "870323"'}
        ),
    ),
    "profile.edit": Row(
        WRITERS,
        lambda s, side: args(s.draft, 1, weight=0.3),
        (Scope.PROFILES,),
        page=lambda s, side: Request("GET", reverse("profile_edit", args=[s.draft])),
        api=lambda s, side: Request("PATCH", f"/profiles/{s.draft}/versions/1", {"weight": 0.3}),
    ),
    "profile.submit": Row(
        WRITERS,
        lambda s, side: args(s.draft, 1),
        (Scope.PROFILES,),
        page=lambda s, side: Request("POST", reverse("profile_step", args=[s.draft, 1, "submit"])),
        api=lambda s, side: Request("POST", f"/profiles/{s.draft}/versions/1/submit", {}),
    ),
    "profile.new_version": Row(
        WRITERS,
        lambda s, side: args(s.active),
        (Scope.PROFILES,),
        page=lambda s, side: Request("POST", reverse("profile_step", args=[s.active, 1, "new"])),
        api=lambda s, side: Request("POST", f"/profiles/{s.active}/versions", {}),
    ),
    "profile.approve": Row(
        APPROVERS,
        lambda s, side: args(s.pending, 1),
        (Scope.APPROVE,),
        page=lambda s, side: Request(
            "POST", reverse("profile_step", args=[s.pending, 1, "approve"])
        ),
        api=lambda s, side: Request("POST", f"/profiles/{s.pending}/versions/1/approve", {}),
    ),
    "profile.reject": Row(
        APPROVERS,
        lambda s, side: args(s.pending, 1, "too broad"),
        (Scope.APPROVE,),
        page=lambda s, side: Request(
            "POST", reverse("profile_step", args=[s.pending, 1, "reject"])
        ),
        api=lambda s, side: Request("POST", f"/profiles/{s.pending}/versions/1/reject", {}),
    ),
    "profile.suspend": Row(
        frozenset({"admin", "analyst", "supervisor"}),
        lambda s, side: args(s.active, 1, "no findings"),
        (Scope.PROFILES, Scope.APPROVE),
        page=lambda s, side: Request(
            "POST", reverse("profile_step", args=[s.active, 1, "suspend"])
        ),
        api=lambda s, side: Request("POST", f"/profiles/{s.active}/versions/1/suspend", {}),
    ),
    "profile.check": Row(
        WRITERS,
        lambda s, side: args('hs_code == "870323"'),
        (Scope.PROFILES,),
        page=lambda s, side: Request("POST", reverse("profile_check"), {"criteria": "x"}),
    ),
    "profile.preview": Row(
        WRITERS,
        lambda s, side: args('hs_code == "870323"'),
        (Scope.PROFILES,),
        page=lambda s, side: Request(
            "POST", reverse("profile_preview"), {"criteria": 'hs_code == "870323"'}
        ),
    ),
    "profile.backtest": Row(
        WRITERS,
        lambda s, side: args(START, END, criteria='hs_code == "870323"'),
        (Scope.PROFILES,),
        page=lambda s, side: Request(
            "POST", reverse("profile_backtest"), {"criteria": 'hs_code == "870323"'}
        ),
    ),
    # Watchlist
    "watchlist.list": Row(
        RISK,
        lambda s, side: args(),
        (Scope.RISK_READ, Scope.PROFILES),
        page=lambda s, side: Request("GET", reverse("watchlist")),
        api=lambda s, side: Request("GET", "/watchlist"),
    ),
    "watchlist.read": Row(
        RISK,
        lambda s, side: args(s.entry),
        (Scope.RISK_READ, Scope.PROFILES),
        api=lambda s, side: Request("GET", f"/watchlist/{s.entry}"),
    ),
    "watchlist.add": Row(
        WRITERS,
        lambda s, side: args(EntryInput("seller", f"S-{side}", "counterfeits")),
        (Scope.PROFILES,),
        page=lambda s, side: Request(
            "POST",
            reverse("watchlist"),
            {"kind": "seller", "value": f"S-{side}", "reason": "counterfeits", "weight": "0.5"},
        ),
        api=lambda s, side: Request(
            "POST", "/watchlist", {"kind": "seller", "value": f"S-{side}", "reason": "r"}
        ),
    ),
    "watchlist.change": Row(
        WRITERS,
        lambda s, side: args(s.entry, EntryInput("origin", "VN", "transshipment")),
        (Scope.PROFILES,),
        api=lambda s, side: Request(
            "PUT", f"/watchlist/{s.entry}", {"kind": "origin", "value": "VN", "reason": "r"}
        ),
    ),
    "watchlist.revoke": Row(
        WRITERS,
        lambda s, side: args(s.entry, "closed"),
        (Scope.PROFILES,),
        page=lambda s, side: Request("POST", reverse("watchlist_revoke", args=[s.entry])),
        api=lambda s, side: Request("POST", f"/watchlist/{s.entry}/revoke", {}),
    ),
    # Named lists
    "lists.list": Row(
        RISK,
        lambda s, side: args(),
        (Scope.RISK_READ, Scope.PROFILES),
        page=lambda s, side: Request("GET", reverse("lists")),
        api=lambda s, side: Request("GET", "/lists"),
    ),
    "lists.read": Row(
        RISK,
        lambda s, side: args(s.named_list),
        (Scope.RISK_READ, Scope.PROFILES),
        page=lambda s, side: Request("GET", reverse("lists_detail", args=[s.named_list])),
        api=lambda s, side: Request("GET", f"/lists/{s.named_list}"),
    ),
    "lists.save": Row(
        WRITERS,
        lambda s, side: args(f"NEW_{side.upper()}", ListInput(["VN"], "intel", kind="country")),
        (Scope.PROFILES,),
        page=lambda s, side: Request(
            "POST",
            reverse("lists"),
            {
                "code": f"NEW_{side.upper()}",
                "kind": "country",
                "values": "VN",
                "reason": "r",
                "base_version": "0",
            },
        ),
        api=lambda s, side: Request(
            "PUT",
            f"/lists/NEW_{side.upper()}",
            {"values": ["VN"], "reason": "r", "kind": "country", "base_version": 0},
        ),
    ),
    # The model
    "model.list": Row(
        RISK, lambda s, side: args(), page=lambda s, side: Request("GET", "/models/")
    ),
    "model.read": Row(RISK, lambda s, side: args("m-none")),
    "model.train": Row(
        ADMIN,
        lambda s, side: args(background=True),
        (Scope.ADMIN,),
        api=lambda s, side: Request("POST", "/jobs/training", {"max_rounds": 1}),
    ),
    "model.retrain": Row(
        ADMIN,
        lambda s, side: args(background=True),
        (Scope.ADMIN,),
        page=lambda s, side: Request("POST", reverse("models_train")),
    ),
    "model.drift": Row(
        ADMIN,
        lambda s, side: args(background=True),
        (Scope.ADMIN,),
        page=lambda s, side: Request("POST", reverse("models_drift")),
    ),
    "model.promote": Row(
        ADMIN,
        lambda s, side: args("m-none"),
        (Scope.ADMIN,),
        page=lambda s, side: Request("POST", reverse("models_activate", args=["m-none"])),
    ),
    "model.backtest": Row(
        WRITERS,
        lambda s, side: args(date(2021, 2, 1)),
        (Scope.PROFILES,),
        api=lambda s, side: Request("POST", "/jobs/backtest", {"split": "2021-02-01"}),
    ),
    "policy.backtest": Row(ADMIN, lambda s, side: args(Policy(), START, END), (Scope.ADMIN,)),
    "job.list": Row(
        RISK,
        lambda s, side: args(),
        (Scope.READ,),
        api=lambda s, side: Request("GET", "/jobs"),
    ),
    "job.read": Row(RISK, lambda s, side: args(999_999), (Scope.READ,)),
    # Reading what the work produced
    "dashboard.read": Row(
        EVERY, lambda s, side: args(), page=lambda s, side: Request("GET", reverse("dashboard"))
    ),
    "report.monthly": Row(
        EVERY, lambda s, side: args(), page=lambda s, side: Request("GET", reverse("report_xlsx"))
    ),
    "trader.read": Row(
        EVERY,
        lambda s, side: args("importer", "IMP0001"),
        page=lambda s, side: Request("GET", reverse("trader", args=["importer", "IMP0001"])),
    ),
    "audit.read": Row(
        frozenset({"admin", "supervisor", "auditor"}),
        lambda s, side: args(AuditFilter()),
        page=lambda s, side: Request("GET", reverse("audit")),
    ),
    # Accounts and reference data
    "token.issue": Row(ADMIN, lambda s, side: args(f"system-{side}", frozenset({Scope.READ}))),
    "token.list": Row(ADMIN, lambda s, side: args()),
    "token.revoke": Row(ADMIN, lambda s, side: args(s.spare_token)),
    "user.create": Row(
        ADMIN, lambda s, side: args(f"new-{side}", "a long enough pass phrase", "officer")
    ),
    "user.change": Row(ADMIN, lambda s, side: args("auditor", active=True)),
    "user.list": Row(ADMIN, lambda s, side: args()),
    "data.check_identifiers": Row(ADMIN, lambda s, side: args()),
    "reference.load": Row(ADMIN, lambda s, side: args(), token_sides=(OWN,)),
    "reference.load_rates": Row(ADMIN, lambda s, side: args(_missing_file()), token_sides=(OWN,)),
    "reference.load_holidays": Row(
        ADMIN, lambda s, side: args(_missing_file()), token_sides=(OWN,)
    ),
    "reference.load_nomenclature": Row(
        ADMIN, lambda s, side: args(_missing_file(), _edition()), token_sides=(OWN,)
    ),
    "trader.update": Row(ADMIN, lambda s, side: args(_importer(), name="", aeo_status="none")),
    "office.update": Row(ADMIN, lambda s, side: args(_office(), name="Incheon")),
    "docs.read": Row(EVERY, lambda s, side: args("profiles", "en")),
    "reference.set_code_label": Row(
        ADMIN, lambda s, side: args("transport_mode", "1", label="sea, by container ship")
    ),
    "reference.set_control_check": Row(
        ADMIN, lambda s, side: args(None, CheckInput("valuation", "the freight invoice"))
    ),
}


def _missing_file() -> Any:
    from pathlib import Path

    return Path("/nonexistent/declarations.json")


def _edition() -> Any:
    from datetime import date

    from portcullis.engine.nomenclature_files import EditionSpec

    return EditionSpec("KR-HSK-24", "HSK 2024", date(2024, 1, 1), None)


def _importer() -> int:
    from portcullis.web.traders.models import Trader

    return Trader.objects.get(role="importer", code="IMP0001").pk


def _office() -> int:
    from portcullis.web.reference.models import Office

    return Office.objects.get(code="30").pk
