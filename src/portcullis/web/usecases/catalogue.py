"""Every use-case module, imported: after this, ``access.USE_CASES`` names every action
(the permission tests check that each one has its row in their table of expectations)."""

from portcullis.web.usecases import (  # noqa: F401  # imported for their registrations
    accounts,
    code_tables,
    decisions,
    declarations,
    docs,
    events,
    importing,
    inspections,
    jobs,
    lists,
    maintenance,
    profiles,
    reference,
    reports,
    search,
    subscribers,
    training,
    watchlist,
)
from portcullis.web.usecases.access import USE_CASES

__all__ = ["USE_CASES"]
