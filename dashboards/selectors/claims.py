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


@dataclass(frozen=True)
class InterventionClaims:
    """An intervention the dashboard lists, with the claims set beside it: none means no study in our
    list is about it, which the page says rather than leaving a reader to guess."""

    intervention: str
    label: str
    claims: tuple[StudyClaim, ...]


@dataclass(frozen=True)
class Claims:
    views: list[ClaimView]
    # Evidence claims naming no intervention members' posts are tagged with: nothing to set beside them.
    unmatched: list[StudyClaim]
    # Mechanism papers: listed apart, never beside members' reports, whatever interventions they name.
    background: list[StudyClaim]
    by_intervention: list[InterventionClaims]


def _names(claim: StudyClaim) -> list[str]:
    # `interventions` is a JSONField an admin can edit by hand: anything but a list of names is ignored.
    if not isinstance(claim.interventions, list):
        return []
    return [n for n in claim.interventions if isinstance(n, str)]


def claim_views(by_intervention: list[Distribution], members: list[Distribution]) -> Claims:
    """The claims in one query: each evidence claim with the reports beside it, the claims with nothing to
    set beside, the background, and for each intervention with posts, the claims about it."""
    posts = {d.key: d for d in by_intervention}
    people = {d.key: d for d in members}
    views, unmatched, background = [], [], []
    about: dict[str, list[StudyClaim]] = {}
    for claim in StudyClaim.objects.order_by("position", "id"):
        names = _names(claim)
        if claim.background:
            background.append(claim)
            continue
        if not names:
            unmatched.append(claim)
            continue
        for name in names:
            about.setdefault(name, []).append(claim)
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
    listed = [
        InterventionClaims(intervention=d.key, label=d.label, claims=tuple(about.get(d.key, ())))
        for d in by_intervention
        if d.n
    ]
    return Claims(views=views, unmatched=unmatched, background=background, by_intervention=listed)
