"""How well the tagger reads posts: its agreement with authors' own labels (from a rollup), and the measured
figures the tagger publishes (its model card)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from analysis import tagging
from analysis.models import AgreementRollup
from analysis.statistics import Interval, wilson_interval
from analysis.vocabulary import OUTCOME_ORDER, outcome_label
from dashboards.selectors.distributions import tagger_confusion


@dataclass(frozen=True)
class ClassAgreement:
    outcome: str
    labelled: int
    agreed: int

    @property
    def label(self) -> str:
        return outcome_label(self.outcome)

    @property
    def interval(self) -> Interval | None:
        return wilson_interval(self.agreed, self.labelled) if self.labelled else None

    @property
    def rate(self) -> float | None:
        return self.agreed / self.labelled if self.labelled else None


@dataclass(frozen=True)
class AgreementFigure:
    """How often the machine's outcome equals the author's own, over counted posts authors labelled."""

    labelled: int
    agreed: int
    per_class: tuple[ClassAgreement, ...]

    @property
    def rate(self) -> float | None:
        return self.agreed / self.labelled if self.labelled else None

    @property
    def interval(self) -> Interval | None:
        return wilson_interval(self.agreed, self.labelled) if self.labelled else None


def _in_tens(share: float) -> str:
    tens = round(share * 10)
    return f"{tens} in 10" if tens else "fewer than 1 in 10"


@dataclass(frozen=True)
class RealTextReading:
    """How the tagger read the labelled real posts whose writers meant one outcome."""

    outcome: str
    posts: int
    read_as: tuple[tuple[str, float], ...]  # (outcome, share), most often first

    @property
    def sentence(self) -> str:
        readings = ", ".join(f"{_in_tens(share)} as {outcome_label(o).lower()}" for o, share in self.read_as)
        meant = outcome_label(self.outcome).lower()
        return f"Of {self.posts} posts whose writers meant \u201c{meant}\u201d, the tagger read {readings}."


@dataclass(frozen=True)
class ModelCard:
    """The tagger's measured figures (analysis.tagging.model_card()); None: not measured yet."""

    labelled_items: int | None = None
    split: str | None = None
    per_class_f1: dict[str, float] = field(default_factory=dict)
    macro_f1: float | None = None
    failure_modes: tuple[str, ...] = ()
    real_text: tuple[RealTextReading, ...] = ()  # its confusion on real writing, row by row
    real_text_items: int | None = None

    @property
    def measured(self) -> bool:
        return self.macro_f1 is not None or bool(self.per_class_f1)

    @property
    def per_class(self) -> list[tuple[str, str, float | None]]:
        return [(o, outcome_label(o), self.per_class_f1.get(o)) for o in OUTCOME_ORDER]


def agreement_figure() -> AgreementFigure:
    """The tagger's agreement with authors' own labels, over the posts the dashboards count.

    Same measure as analysis.selectors.tagger_author_agreement(), but read from a rollup (that one scans
    every tag) and leaving out opted-out members' posts, like every other figure here.
    """
    labelled: dict[str, int] = defaultdict(int)
    agreed: dict[str, int] = defaultdict(int)
    for machine, author, posts in AgreementRollup.objects.values_list(
        "machine_outcome", "author_outcome", "posts"
    ):
        labelled[author] += posts
        if machine == author:
            agreed[author] += posts
    per_class = tuple(ClassAgreement(o, labelled[o], agreed[o]) for o in OUTCOME_ORDER)
    return AgreementFigure(sum(labelled.values()), sum(agreed.values()), per_class)


def _number(value):
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def real_text_readings() -> tuple[RealTextReading, ...]:
    confusion = tagger_confusion()
    if confusion is None:
        return ()
    rows = []
    for outcome in OUTCOME_ORDER:
        read = confusion.read_as(outcome)
        posts = confusion.counts[confusion.labels.index(outcome)]
        rows.append(
            RealTextReading(
                outcome=outcome,
                posts=sum(posts),
                read_as=tuple(sorted(read.items(), key=lambda item: -item[1])),
            )
        )
    return tuple(rows)


def model_card() -> ModelCard:
    """The measured figures, if the tagger has published them; never made up. Fields of the wrong type are
    left out rather than shown."""
    confusion = tagger_confusion()
    real = {
        "real_text": real_text_readings(),
        "real_text_items": confusion.items if confusion is not None else None,
    }
    raw = tagging.model_card()
    if raw is None:
        return ModelCard(**real)
    f1 = raw.get("per_class_f1") if isinstance(raw.get("per_class_f1"), dict) else {}
    modes = raw.get("failure_modes") if isinstance(raw.get("failure_modes"), list) else []
    labelled = _number(raw.get("labelled_items"))
    return ModelCard(
        labelled_items=int(labelled) if labelled is not None else None,
        split=str(raw["split"]) if raw.get("split") else None,
        per_class_f1={o: float(v) for o, v in f1.items() if o in OUTCOME_ORDER and _number(v) is not None},
        macro_f1=_number(raw.get("macro_f1")),
        failure_modes=tuple(str(m) for m in modes if m),
        **real,
    )
