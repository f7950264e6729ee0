"""One group's outcomes (all posts, one intervention, one month...), harms first, with the drill-down query
of each bar."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, cached_property

from analysis import tagging
from analysis.models import Outcome
from analysis.statistics import Interval, wilson_interval
from analysis.vocabulary import AUTHOR_SCOPE, EXERCISES, OUTCOME_ORDER, TREATMENTS, outcome_label
from dashboards.correction import Confusion, CorrectedShares, corrected_shares_many
from dashboards.filters import drill_query

# Below these, a group's shares are not given as percentages: "too few to say".
MIN_POSTS_FOR_SHARE = 5
MIN_MEMBERS_FOR_SHARE = 5

_CANONICAL_ORDER = {name: index for index, name in enumerate((*EXERCISES, *TREATMENTS))}

# Why a group's shares carry no corrected estimate.
NOT_MEASURED = "the tagger in use carries no measurement of its errors on real writing"
FILTERED_BY_CONFIDENCE = (
    "its errors were measured over all its tags, so they do not hold for tags above a chosen confidence"
)
TOO_UNCERTAIN = "too uncertain to say: the interval spans more than half the scale"
PEOPLE_ONLY = "every count here is a label its author gave: there is no machine reading to correct"


def why_not_corrected(filters) -> str:
    """Why the tagger's measured errors do not apply to the counts under these filters ("": they do)."""
    if filters.scope == AUTHOR_SCOPE:
        return PEOPLE_ONLY
    return FILTERED_BY_CONFIDENCE if filters.scope else ""


@cache
def tagger_confusion() -> Confusion | None:
    """The shipped tagger's confusion on real writing; read once per process (it changes with the model)."""
    measured = tagging.real_text_confusion()
    if measured is None:
        return None
    return Confusion.from_dict(measured)


class GroupCorrection:
    """A group's shares corrected for the tagger's errors, worked out when first shown (milliseconds)."""

    def __init__(self, machine: dict[str, int], known: dict[str, int], *, why_not: str = ""):
        self.machine, self.known, self.why_not = machine, known, why_not

    @cached_property
    def shares(self) -> CorrectedShares | None:
        corrections_prime([self])
        return self.shares

    @property
    def counts(self) -> tuple[list[int], list[int]]:
        return [self.machine.get(o, 0) for o in OUTCOME_ORDER], [self.known.get(o, 0) for o in OUTCOME_ORDER]

    @property
    def reason(self) -> str:
        """Why there is no corrected figure, or ""."""
        if self.why_not:
            return self.why_not
        if tagger_confusion() is None:
            return NOT_MEASURED
        if self.shares is not None and self.shares.too_uncertain:
            return TOO_UNCERTAIN
        return ""


def corrections_prime(corrections) -> None:
    """Work out these groups' corrected shares together (one pass for a whole page's groups)."""
    confusion = tagger_confusion()
    pending = [c for c in dict.fromkeys(corrections) if "shares" not in c.__dict__]
    if confusion is None:
        todo = []
    else:
        todo = [c for c in pending if not c.why_not]
    results = corrected_shares_many(OUTCOME_ORDER, [c.counts for c in todo], confusion) if todo else []
    for correction in pending:
        correction.__dict__["shares"] = None
    for correction, result in zip(todo, results, strict=True):
        correction.__dict__["shares"] = result


def distributions_correct(distributions) -> None:
    """Before a page shows these groups' corrected shares: work them out in one pass."""
    corrections_prime(
        d.shares[0].correction for d in distributions if d.shares and d.shares[0].correction and not d.too_few
    )


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
    correction: GroupCorrection | None = field(default=None, compare=False, repr=False)

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

    @property
    def _corrected(self) -> CorrectedShares | None:
        if self.too_few or self.correction is None or self.correction.reason:
            return None
        return self.correction.shares

    @property
    def corrected(self) -> float | None:
        """The estimated percentage of members' reports, corrected for the tagger's errors (one decimal);
        None when the group is too small, the correction too uncertain or not made (correction_note)."""
        shares = self._corrected
        return None if shares is None else round(100 * shares.estimate[self.outcome], 1)

    @property
    def corrected_interval_percent(self) -> tuple[float, float] | None:
        shares = self._corrected
        if shares is None:
            return None
        return round(100 * shares.low[self.outcome], 1), round(100 * shares.high[self.outcome], 1)

    @property
    def correction_note(self) -> str:
        """Why no corrected figure is given, or ""."""
        if self.too_few:
            return ""
        return self.correction.reason if self.correction is not None else NOT_MEASURED


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

    @property
    def correction_note(self) -> str:
        """Why the group's shares carry no corrected estimate, or "" (they do, or it is too small)."""
        return self.shares[0].correction_note if self.shares else ""

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
    why_not_corrected: str = "",
) -> Distribution:
    """counts: outcome -> [count, author-confirmed, moderator-labelled]; params: the drill-down's filters.
    why_not_corrected: why the tagger's measured errors do not apply to these counts ("": they do)."""
    min_n = MIN_MEMBERS_FOR_SHARE if unit == "members" else MIN_POSTS_FOR_SHARE
    n = sum(c[0] for c in counts.values())
    labelled = {o: c[1] + c[2] for o, c in counts.items()}
    correction = GroupCorrection(
        machine={o: c[0] - labelled[o] for o, c in counts.items()}, known=labelled, why_not=why_not_corrected
    )
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
                correction=correction,
            )
        )
    return Distribution(key=key, label=label, shares=tuple(shares), unit=unit, selected=selected)


def intervention_sort_key(d: Distribution):
    """Most reports first; ties in the lexicon's order, then names the tagger found outside it."""
    return (-d.n, _CANONICAL_ORDER.get(d.key, len(_CANONICAL_ORDER)), d.key)
