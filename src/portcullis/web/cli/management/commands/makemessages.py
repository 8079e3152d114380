"""Django's makemessages, also reading ``N_("...")``: the name the code gives gettext_noop
where a message is marked for the catalogue but said later, in the reader's language (a
field's problem, the engine's words)."""

from __future__ import annotations

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=N_"]
