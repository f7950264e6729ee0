"""The advocate's question in one table: for each intervention, members reporting it made them worse beside
members reporting it helped (corrected for the tagger's errors), with n, and the studies about it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from analysis.models import StudyClaim
from analysis.vocabulary import TREATMENTS
from dashboards.selectors.claims import InterventionClaims
from dashboards.selectors.distributions import Distribution, Share


@dataclass(frozen=True)
class GlanceRow:
    key: str
    label: str
    posts: Distribution
    members: Distribution | None
    claims: tuple[StudyClaim, ...]

    @property
    def studies_found(self) -> list[tuple[str, int]]:
        """(direction, how many studies found it), most first: "made worse 3", "helped 1"."""
        found = Counter(claim.get_direction_display().lower() for claim in self.claims)
        return found.most_common()

    @property
    def shares(self) -> Distribution:
        """Members, each counted once by their latest report on it, so one prolific writer cannot tilt a
        row; posts where members are not counted (treatments' member figures are not kept)."""
        return self.members if self.members is not None else self.posts

    @property
    def worsened(self) -> Share:
        return self.shares.worsened

    @property
    def helped(self) -> Share:
        return self.shares.helped


@dataclass(frozen=True)
class Glance:
    exercises: list[GlanceRow]
    treatments: list[GlanceRow]


def glance(
    by_intervention: list[Distribution],
    members_by_intervention: list[Distribution],
    claims_by_intervention: list[InterventionClaims],
) -> Glance:
    """Rows in the order of the intervention figures (most reports first); treatments apart, as "exercise"
    is what the page is about."""
    members = {d.key: d for d in members_by_intervention}
    claims = {item.intervention: item.claims for item in claims_by_intervention}
    rows = [
        GlanceRow(
            key=d.key, label=d.label, posts=d, members=members.get(d.key), claims=tuple(claims.get(d.key, ()))
        )
        for d in by_intervention
    ]
    return Glance(
        exercises=[r for r in rows if r.key not in TREATMENTS],
        treatments=[r for r in rows if r.key in TREATMENTS],
    )
