"""Members' latest reports per intervention, and how their reports changed (trajectories)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Sum

from analysis.models import MemberRollup, Outcome
from analysis.vocabulary import ALL, OUTCOME_ORDER, intervention_label, outcome_label
from dashboards.filters import DashboardFilters, drill_query
from dashboards.selectors.distributions import (
    Distribution,
    distribution,
    intervention_sort_key,
    why_not_corrected,
)


@dataclass(frozen=True)
class Trajectory:
    first: str
    latest: str
    members: int
    query: str

    @property
    def label(self) -> str:
        return f"{outcome_label(self.first)}, then {outcome_label(self.latest).lower()}"


@dataclass(frozen=True)
class MemberFigures:
    overall: Distribution
    by_intervention: list[Distribution]
    trajectories: list[Trajectory]
    consistent: int  # members whose every report said the same outcome


def member_figures(filters: DashboardFilters) -> MemberFigures:
    """Members' latest reports per intervention, and the selected intervention's trajectories (one query).

    Each member counts once per intervention, by their latest report; the date filter does not apply.
    """
    rows = (
        MemberRollup.objects.filter(scope=filters.scope, condition=filters.condition)
        .values("intervention", "first_outcome", "latest_outcome")
        .annotate(m=Sum("members"))
        .order_by()
    )
    latest: dict[str, dict[str, list[int]]] = defaultdict(dict)
    pairs: dict[tuple[str, str], int] = defaultdict(int)
    for row in rows:
        if not row["m"]:
            continue
        counts = latest[row["intervention"]].setdefault(row["latest_outcome"], [0, 0, 0])
        counts[0] += row["m"]
        if row["intervention"] == filters.intervention:
            pairs[(row["first_outcome"], row["latest_outcome"])] += row["m"]

    def member_distribution(name: str) -> Distribution:
        return distribution(
            key=name,
            label=intervention_label(name),
            counts=latest.get(name, {}),
            params=filters.member_params(name),
            unit="members",
            selected=name == filters.intervention,
            why_not_corrected=why_not_corrected(filters),
        )

    overall = member_distribution(filters.intervention)
    per_intervention = sorted(
        (member_distribution(name) for name in latest if name != ALL), key=intervention_sort_key
    )
    trajectories = sorted(
        (
            Trajectory(
                first,
                last,
                n,
                drill_query(filters.member_params(filters.intervention), outcome=last, first=first),
            )
            for (first, last), n in pairs.items()
            if first != last and Outcome.NONE not in (first, last)
        ),
        key=lambda t: (-t.members, OUTCOME_ORDER.index(t.first), OUTCOME_ORDER.index(t.latest)),
    )
    consistent = sum(n for (first, last), n in pairs.items() if first == last and first != Outcome.NONE)
    return MemberFigures(overall, per_intervention, trajectories, consistent)
