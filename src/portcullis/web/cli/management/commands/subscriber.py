"""portcullis subscriber add|list|pause|resume|dead|redeliver: systems sent the events."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from portcullis.web.cli.kit import ActionsCommand
from portcullis.web.events.models import EventKind
from portcullis.web.usecases import subscribers
from portcullis.web.usecases.actor import Actor


class Command(ActionsCommand):
    help = "Add, list, pause and resume the systems the events are delivered to (webhooks)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser("add", help="add a subscriber (its signing secret is shown once)")
        add.add_argument("name", help="the receiving system, e.g. UNI-PASS")
        add.add_argument("url", help="the address events are POSTed to (http:// or https://)")
        add.add_argument(
            "--kinds",
            default="",
            help="comma-separated event types to send (default: every one): "
            + ", ".join(kind.value for kind in EventKind),
        )
        add.add_argument(
            "--from-start", action="store_true", help="send the whole feed, not only new events"
        )
        actions.add_parser("list", help="every subscriber and where its delivery stands")
        for action in ("pause", "resume"):
            named = actions.add_parser(action, help=f"{action} deliveries to a subscriber")
            named.add_argument("name")
        dead = actions.add_parser("dead", help="events a subscriber did not take")
        dead.add_argument("--all", action="store_true", help="with those sent again since")
        again = actions.add_parser("redeliver", help="send a dead letter again, now")
        again.add_argument("id", type=int)

    def _add(self, options: dict[str, Any]) -> None:
        kinds = [k.strip() for k in options["kinds"].split(",") if k.strip()]
        made = subscribers.add_subscriber(
            Actor.command(), options["name"], options["url"], kinds, options["from_start"]
        )
        self.stdout.write(
            f"Subscriber {made.subscriber.name} added: events go to {made.subscriber.url}.\n"
            "Its signing secret, shown this once (see docs/api.md, 'Events'):"
        )
        self.stdout.write(made.secret)

    def _list(self, options: dict[str, Any]) -> None:
        rows = list(subscribers.list_subscribers(Actor.command()))
        if not rows:
            self.stdout.write("No subscribers.")
        for row in rows:
            state = "active" if row.active else "paused"
            if row.attempts:
                state += f", {row.attempts} failed attempt(s): {row.last_error}"
            kinds = ", ".join(row.kinds) or "every event"
            self.stdout.write(
                f"{row.name}  {row.url}  [{kinds}]  {state}; "
                f"delivered through position {row.delivered_through:,}"
            )

    def _pause(self, options: dict[str, Any]) -> None:
        subscribers.set_subscriber_active(Actor.command(), options["name"], False)
        self.stdout.write(f"Deliveries to {options['name']} paused.")

    def _resume(self, options: dict[str, Any]) -> None:
        subscribers.set_subscriber_active(Actor.command(), options["name"], True)
        self.stdout.write(f"Deliveries to {options['name']} resumed.")

    def _dead(self, options: dict[str, Any]) -> None:
        letters = list(subscribers.list_dead_letters(Actor.command(), options["all"]))
        if not letters:
            self.stdout.write("No dead letters.")
        for letter in letters:
            sent = (
                f", sent again {letter.redelivered_at:%Y-%m-%d %H:%M}"
                if letter.redelivered_at
                else ""
            )
            self.stdout.write(
                f"{letter.pk}  {letter.subscriber.name}  "
                f"{letter.event.kind} {letter.event.event_id}"
                f"  failed {letter.failed_at:%Y-%m-%d %H:%M} after {letter.attempts} attempts "
                f"({letter.last_error}){sent}"
            )

    def _redeliver(self, options: dict[str, Any]) -> None:
        letter = subscribers.redeliver(Actor.command(), options["id"])
        self.stdout.write(f"Dead letter {letter.pk} delivered to {letter.subscriber.name}.")
