"""What an outcome feeds back: the stored figures of the traders on the declaration and of
the profiles that hit it, recomputed in the transaction that changed the outcome, so that no
reader ever sees an outcome without its figures or figures without their outcome.

(The compliance estimates and the engine's trader history read the outcomes themselves,
so they need no stored copy: see monitoring.compliance and scoring.services.state.)"""

from __future__ import annotations

from collections.abc import Iterable

from portcullis.web.profiles.figures import profiles_hitting, refresh_profile_figures
from portcullis.web.traders.figures import refresh_trader_figures, traders_of


def outcomes_changed(declaration_pks: Iterable[int], former_traders: Iterable[int] = ()) -> None:
    """Call inside the transaction that recorded, imported or removed the outcomes of
    ``declaration_pks``; ``former_traders`` are traders an amendment took off them."""
    pks = list(declaration_pks)
    if not pks:
        return
    refresh_trader_figures(traders_of(pks) | set(former_traders))
    refresh_profile_figures(profiles_hitting(pks))
