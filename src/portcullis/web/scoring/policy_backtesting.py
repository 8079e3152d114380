"""Backtesting a proposed selectivity policy on stored history (engine.policy_backtest),
against the active configuration: the same model, profiles, watchlist and random draws."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from portcullis.engine.policy_backtest import PolicyBacktest, backtest_policy
from portcullis.engine.selectivity import Policy, PolicyError
from portcullis.web.scoring.engine import build_engine
from portcullis.web.scoring.history_copy import all_items
from portcullis.web.scoring.policies import active_policy, policy_of


def proposed_policy(path: Path) -> Policy:
    """A policy from a JSON file: its keys replace the active policy's (so that a file
    holding only {"rates": {"*": {"red": 0.04, "yellow": 0.03, "blue": 0.02}}} tries other
    rates and keeps everything else). PolicyError says what is wrong."""
    try:
        given: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise PolicyError(f"{path}: cannot be read ({error})") from None
    except json.JSONDecodeError as error:
        raise PolicyError(f"{path}: not JSON ({error})") from None
    if not isinstance(given, dict):
        raise PolicyError(f"{path}: a policy is a JSON object")
    return Policy.from_dict({**policy_of(active_policy()).to_dict(), **given})


def backtest_proposed_policy(proposal: Policy, start: datetime, end: datetime) -> PolicyBacktest:
    history = all_items()
    live = build_engine(history)
    return backtest_policy(live.engine, history, start, end, proposal)
