"""A first submission of one declaration, the common case: assessed, then stored with its
decision and everything they change in one statement (scoring.fresh).

Part of the submit use case (usecases.declarations), which has checked who may submit and
validated the declaration. When the id turns out to be stored already, nothing is kept and
None says to take the general path, which tells the same declaration sent again from a
different one under the same id."""

from __future__ import annotations

from django.db import IntegrityError, OperationalError, connection
from django.utils import timezone

from portcullis.engine.validation import ValidDeclaration
from portcullis.web.audit.services import event_row
from portcullis.web.declarations.models import Declaration
from portcullis.web.declarations.storing import PartyIds, new_rows
from portcullis.web.events.models import EventKind
from portcullis.web.events.outbox import decision_data, outbox_row
from portcullis.web.scoring.assessing import current_row, decision_rows, random_rate
from portcullis.web.scoring.engine import LiveEngine
from portcullis.web.scoring.fresh import Fresh, write_fresh
from portcullis.web.scoring.models import Decision, ProfileHit
from portcullis.web.usecases.actor import Actor
from portcullis.web.usecases.transactions import atomic, lost_a_race


def submit_fresh(
    actor: Actor, valid: ValidDeclaration, live: LiveEngine, known: PartyIds
) -> Decision | None:
    """The new decision on ``valid`` (stored now with it), or None when its id is stored
    already (nothing kept: inside a caller's transaction, its savepoint is rolled back)."""
    declaration = valid.declaration
    # Assessed before the transaction opens: it holds no lock while the engine works.
    assessment = live.engine.assess_declaration(declaration)

    def work() -> tuple[PartyIds, Decision]:
        attempt = known.attempt()
        now = timezone.now()
        ((row, items),) = new_rows(
            [valid], Declaration.Source.API, None, attempt, actor.account, now
        )
        made = decision_rows(
            assessment,
            {declaration.declaration_id: 0},  # the writer fills the stored key in
            live,
            Decision.Source.API,
            now,
            requested_by=actor.account,
        )
        (decision,) = made.decisions
        hits = [
            {"profile_version_id": version, "line_no": line, "selected": selected}
            for _, version, line, selected in made.hits
        ]
        summary = (
            f"{declaration.declaration_id} submitted: {decision['channel']} ({decision['reason']})"
        )
        fresh = Fresh(
            declaration=row,
            items=items,
            decision={k: v for k, v in decision.items() if k != "declaration_id"},
            current={
                k: v
                for k, v in current_row(
                    decision, 0, row["office_id"], row["lodged_at"], random_rate(live)
                ).items()
                if k not in ("declaration_id", "decision_id")
            },
            hits=hits,
            profiles=sorted({live.profile_of_version[hit["profile_version_id"]] for hit in hits}),
            event=event_row(
                actor.account,
                "declaration.submit",
                "Decision",
                0,  # the writer names the decision
                summary,
                actor.audit_details(),
                now,
            ),
            outbox=outbox_row(EventKind.DECISION, 0, now, decision_data(decision)),
        )
        declaration_pk, decision_pk = write_fresh(fresh)
        stored = Decision(id=decision_pk, **{**decision, "declaration_id": declaration_pk})
        stored.hits = [  # type: ignore[attr-defined]
            ProfileHit(decision_id=decision_pk, **hit) for hit in hits
        ]
        return attempt, stored

    try:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # One statement is atomic by itself: in autocommit it needs no BEGIN and no
            # COMMIT, two round trips fewer.
            attempt, stored = work()
        else:
            attempt, stored = atomic(work)
    except IntegrityError:
        known.forget()  # one of its ids may have been the problem
        return None
    except OperationalError as error:
        if not lost_a_race(error):
            raise
        return None  # a deadlock or a serialisation failure: the general path retries
    known.keep(attempt)
    return stored
