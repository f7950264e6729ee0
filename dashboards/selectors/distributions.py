"""One group's outcomes (all posts, one intervention, one month...), harms first, with the drill-down query
of each bar."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from analysis.models import Outcome
from analysis.statistics import Interval, wilson_interval
from analysis.vocabulary import EXERCISES, OUTCOME_ORDER, TREATMENTS, outcome_label
from dashboards.filters import drill_query

# Below these, a group's shares are not given as percentages: "too few to say".
MIN_POSTS_FOR_SHARE = 5
MIN_MEMBERS_FOR_SHARE = 5

_CANONICAL_ORDER = {name: index for index, name in enumerate((*EXERCISES, *TREATMENTS))}


@dataclass(frozen=True)
class Share:
    """One outcome's share of one group."""

    outcome: str
    count: int
    n: int
    min_n: int
    author_confirmed: int = 0
    moderator_labelled: int = 0
    query: str = ""  # the drill-down's query string

    @property
    def label(self) -> str:
        return outcome_label(self.outcome)

    @property
    def too_few(self) -> bool:
        return self.n < self.min_n

    @property
    def proportion(self) -> float | None:
        return None if self.too_few else self.count / self.n

    @property
    def percent(self) -> float | None:
        """Rounded to one decimal, as shown and exported."""
        return None if self.too_few else round(100 * self.count / self.n, 1)

    @cached_property
    def interval(self) -> Interval | None:
        return None if self.too_few else wilson_interval(self.count, self.n)

    @property
    def interval_percent(self) -> tuple[float, float] | None:
        if self.interval is None:
            return None
        return round(100 * self.interval.low, 1), round(100 * self.interval.high, 1)

    @property
    def machine_only(self) -> int:
        return self.count - self.author_confirmed - self.moderator_labelled


@dataclass(frozen=True)
class Distribution:
    """Outcomes of one group (all posts, one intervention, one month...), harms first."""

    key: str
    label: str
    shares: tuple[Share, ...]
    unit: str = "posts"  # or "members"
    selected: bool = False

    @property
    def n(self) -> int:
        return sum(share.count for share in self.shares)

    @property
    def min_n(self) -> int:
        return MIN_MEMBERS_FOR_SHARE if self.unit == "members" else MIN_POSTS_FOR_SHARE

    @property
    def too_few(self) -> bool:
        return self.n < self.min_n

    def share(self, outcome: str) -> Share:
        return next(share for share in self.shares if share.outcome == outcome)

    @property
    def worsened(self) -> Share:
        return self.share(Outcome.WORSENED)

    @property
    def helped(self) -> Share:
        return self.share(Outcome.HELPED)

    @property
    def mixed(self) -> Share:
        return self.share(Outcome.MIXED)

    @property
    def none(self) -> Share:
        return self.share(Outcome.NONE)

    @property
    def author_confirmed(self) -> int:
        return sum(share.author_confirmed for share in self.shares)

    @property
    def moderator_labelled(self) -> int:
        return sum(share.moderator_labelled for share in self.shares)

    @property
    def machine_only(self) -> int:
        return self.n - self.author_confirmed - self.moderator_labelled


def distribution(
    *,
    key: str,
    label: str,
    counts: dict[str, list[int]],
    params: dict[str, str],
    unit: str = "posts",
    selected: bool = False,
) -> Distribution:
    """counts: outcome -> [count, author-confirmed, moderator-labelled]; params: the drill-down's filters."""
    min_n = MIN_MEMBERS_FOR_SHARE if unit == "members" else MIN_POSTS_FOR_SHARE
    n = sum(c[0] for c in counts.values())
    shares = []
    for outcome in OUTCOME_ORDER:
        count, author, moderator = counts.get(outcome) or (0, 0, 0)
        shares.append(
            Share(
                outcome=outcome,
                count=count,
                n=n,
                min_n=min_n,
                author_confirmed=author,
                moderator_labelled=moderator,
                query=drill_query(params, outcome=outcome),
            )
        )
    return Distribution(key=key, label=label, shares=tuple(shares), unit=unit, selected=selected)


def intervention_sort_key(d: Distribution):
    """Most reports first; ties in the lexicon's order, then names the tagger found outside it."""
    return (-d.n, _CANONICAL_ORDER.get(d.key, len(_CANONICAL_ORDER)), d.key)
