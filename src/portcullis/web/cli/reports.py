"""What an assessment run produced, in lines a person reads."""

from __future__ import annotations

from django.db.models import Count, Q

from portcullis.engine.channels import Channel, Reason
from portcullis.web.scoring.assessing import AssessmentSummary
from portcullis.web.scoring.engine import LiveEngine
from portcullis.web.scoring.models import Decision

# Released without a control before release: an outcome comes later, if at all.
_RELEASED = {Channel.GREEN.value, Channel.BLUE.value}

_IDS_PER_QUERY = 5000  # bound the parameters of one query (SQLite allows 32,766)


def summary_lines(summary: AssessmentSummary, live: LiveEngine) -> list[str]:
    total = summary.declarations or 1
    lines = [
        f"Assessed {summary.declarations:,} declarations with model "
        f"{live.model_version.version if live.model_version else '(none: every decision held)'}, "
        f"{len(live.engine.profiles)} active profiles (set {live.profile_set.version}), "
        f"policy {live.policy_version.version}.",
        "Channels: "
        + ", ".join(_share(c.value, summary.channels[c.value], total) for c in Channel),
        "Reasons: "
        + ", ".join(f"{Reason(r).label} {n:,}" for r, n in summary.reasons.most_common()),
    ]
    for failure, count in summary.failures.most_common(3):
        lines.append(f"Held because a signal failed ({count:,}): {failure}")
    return lines


def _share(channel: str, count: int, total: int) -> str:
    return f"{channel.upper()} {count:,} ({count / total:.1%})"


def outcome_table(decision_pks: list[int]) -> list[str]:
    """Finding rate per channel and reason among the decisions whose declaration has a known
    outcome (historical files carry one)."""
    rows: dict[tuple[str, str], tuple[int, int]] = {}
    for start in range(0, len(decision_pks), _IDS_PER_QUERY):
        chunk = decision_pks[start : start + _IDS_PER_QUERY]
        counted = (
            Decision.objects.filter(pk__in=chunk, declaration__inspection__isnull=False)
            .values("channel", "reason")
            .annotate(
                n=Count("pk"), found=Count("pk", filter=Q(declaration__inspection__finding=True))
            )
        )
        for row in counted:
            n, found = rows.get((row["channel"], row["reason"]), (0, 0))
            rows[row["channel"], row["reason"]] = (n + row["n"], found + row["found"])
    if not rows:
        return []
    order = {c.value: c.severity for c in Channel}
    lines = [
        "Where the outcome is known:",
        "  channel  reason                                   declarations  finding rate",
    ]
    for (channel, reason), (n, found) in sorted(
        rows.items(), key=lambda kv: (-order[kv[0][0]], kv[0][1])
    ):
        later = " (known after release)" if channel in _RELEASED else ""
        lines.append(
            f"  {channel.upper():<7}  {Reason(reason).label:<40} {n:>12,}  {found / n:>11.1%}"
            f"{later}"
        )
    n_all = sum(n for n, _ in rows.values())
    found_all = sum(f for _, f in rows.values())
    lines.append(f"  all      {'':<40} {n_all:>12,}  {found_all / n_all:>11.1%}")
    if any(channel in _RELEASED for channel, _ in rows):
        lines.append(
            "  GREEN and BLUE are released without a control before release: their outcomes "
            "come later (a post-clearance audit, or here the synthetic world, which knows "
            "every outcome), not from inspections."
        )
    return lines
