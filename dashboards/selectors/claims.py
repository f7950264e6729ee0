"""The published study claims, each beside what members report about the interventions it is about."""

from __future__ import annotations

from dataclasses import dataclass

from analysis.models import StudyClaim
from analysis.vocabulary import intervention_label
from dashboards.selectors.distributions import Distribution, distribution


@dataclass(frozen=True)
class ClaimReports:
    """One intervention a claim is about, with what members report about it."""

    intervention: str
    label: str
    posts: Distribution
    members: Distribution


@dataclass(frozen=True)
class ClaimView:
    claim: StudyClaim
    reports: tuple[ClaimReports, ...]


def claim_views(
    by_intervention: list[Distribution], members: list[Distribution]
) -> tuple[list[ClaimView], list[StudyClaim]]:
    """(claims with the reports beside them, claims that name no intervention) in one query."""
    posts = {d.key: d for d in by_intervention}
    people = {d.key: d for d in members}
    views, unmatched = [], []
    for claim in StudyClaim.objects.order_by("position", "id"):
        names = (
            [n for n in claim.interventions if isinstance(n, str)]
            if isinstance(claim.interventions, list)
            else []
        )
        if not names:
            unmatched.append(claim)
            continue
        reports = tuple(
            ClaimReports(
                intervention=name,
                label=intervention_label(name),
                posts=posts.get(name)
                or distribution(key=name, label=intervention_label(name), counts={}, params={}),
                members=people.get(name)
                or distribution(
                    key=name, label=intervention_label(name), counts={}, params={}, unit="members"
                ),
            )
            for name in names
        )
        views.append(ClaimView(claim=claim, reports=reports))
    return views, unmatched
