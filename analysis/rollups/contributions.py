"""What one post contributes to the rollups, worked out from values alone (no database access).

A post is counted when it is neither deleted nor hidden, its thread is not hidden, its writer still has an
account and has not opted out of research, and its tag is done or a person (its author or a moderator)
labelled it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from accounts.models import Condition
from analysis.models import LabelSource, Outcome, TagStatus
from analysis.vocabulary import (
    ALL,
    AUTHOR_SCOPE,
    CONFIDENCE_THRESHOLDS,
    EXERCISES,
    NOT_SHARED,
    TOP_CONF_LEVEL,
)

INTERVENTION_MAX_CHARS = 40
_OUTCOMES = frozenset(Outcome.values)
_EXERCISE_KINDS = frozenset({"exercise", "exertion"})

OutcomeKey = tuple[int, str, str, date, int, str]  # scope, intervention, condition, month, category, outcome
AgreementKey = tuple[str, str]  # machine outcome, author outcome


@dataclass(frozen=True)
class Contribution:
    """What one counted post adds to the rollups."""

    author_id: int
    created_at: datetime
    month: date
    category_id: int
    source: str
    conf_level: int
    conditions: tuple[str, ...]
    # (intervention, outcome), sorted; ("*", post outcome) unless the post names only other treatments
    items: tuple[tuple[str, str], ...]
    agreement: AgreementKey | None = None

    @property
    def scopes(self) -> list[int]:
        scopes = list(range(self.conf_level + 1))
        if self.source == LabelSource.AUTHOR:
            scopes.append(AUTHOR_SCOPE)
        return scopes

    def outcome_keys(self) -> Iterator[tuple[OutcomeKey, tuple[int, int, int]]]:
        counts = (1, int(self.source == LabelSource.AUTHOR), int(self.source == LabelSource.MODERATOR))
        for scope in self.scopes:
            for intervention, outcome in self.items:
                for condition in (ALL, *self.conditions):
                    yield (scope, intervention, condition, self.month, self.category_id, outcome), counts


def conf_level(confidence: float | None, source: str) -> int:
    """The highest minimum-confidence scope a tag passes; a person's label passes them all."""
    if source != LabelSource.TAGGER:
        return TOP_CONF_LEVEL
    if confidence is None:
        return 0
    level = 0
    for index, threshold in enumerate(CONFIDENCE_THRESHOLDS):
        if confidence + 1e-9 >= threshold:
            level = index
    return level


def normalise_conditions(raw) -> tuple[str, ...]:
    """The member's shared conditions, sorted; unknown values are dropped, and none shared is NOT_SHARED."""
    valid = set(Condition.values)
    shared = sorted({c for c in (raw or []) if isinstance(c, str) and c in valid})
    return tuple(shared) or (NOT_SHARED,)


def _named(raw) -> Iterator[tuple[str, str, str]]:
    """The (name, outcome, kind) of each well-formed intervention a tag names; a missing kind is the
    lexicon's for an exercise (tags from before kinds were recorded), else unknown ("")."""
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict):
            continue
        name = str(item.get("name") or "").strip().lower()[:INTERVENTION_MAX_CHARS]
        outcome = item.get("outcome")
        if not name or name == ALL or outcome not in _OUTCOMES:
            continue
        yield name, outcome, item.get("kind") or ("exercise" if name in EXERCISES else "")


def about_exercise(raw) -> bool:
    """Whether the post counts under exercise overall ("*"): it names an exercise, or no intervention at all
    (a question, support, exercise in general words). A post that names only other treatments (LDN,
    medication, diet) is not about exercise: its post-level outcome (docs/labelling.md) says nothing of
    exercise, and a person's label on it would be read as one. Its treatments still count under their own
    names. An exertion entry ("overdid it") refers back to exercise, so it counts as one.
    """
    kinds = [kind for _, _, kind in _named(raw)]
    return not kinds or any(kind in _EXERCISE_KINDS for kind in kinds)


def intervention_outcomes(raw, *, shown: str, person_labelled: bool) -> dict[str, str]:
    """Each named intervention's outcome. A name listed twice with different reported outcomes is mixed.

    When a person labelled the post and it names exactly one kind of exercise, the person's label is that
    exercise's outcome (the post-level label is about exercise); other outcomes stay the machine's.
    """
    outcomes: dict[str, set[str]] = {}
    kinds: dict[str, str] = {}
    for name, outcome, kind in _named(raw):
        outcomes.setdefault(name, set()).add(outcome)
        kinds.setdefault(name, kind)
    combined = {}
    for name, found in outcomes.items():
        reported = found - {Outcome.NONE}
        if not reported:
            combined[name] = Outcome.NONE
        elif len(reported) == 1:
            combined[name] = next(iter(reported))
        else:
            combined[name] = Outcome.MIXED
    if person_labelled:
        exercises = [name for name in combined if kinds.get(name) == "exercise"]
        if len(exercises) == 1:
            combined[exercises[0]] = shown
    return combined


# The columns a contribution is computed from, in this order.
POST_FIELDS = (
    "id",
    "created_at",
    "is_deleted",
    "is_hidden",
    "thread__is_hidden",
    "thread__category_id",
    "author_id",
    "author__research_opt_in",
    "author__conditions",
    "tag__status",
    "tag__outcome",
    "tag__confidence",
    "tag__interventions",
    "tag__author_outcome",
    "tag__moderator_outcome",
)


def post_contribution(row: Sequence) -> Contribution | None:
    """The contribution of one post from its POST_FIELDS values, or None when it is not counted."""
    (
        _post_id,
        created_at,
        is_deleted,
        is_hidden,
        thread_hidden,
        category_id,
        author_id,
        opt_in,
        conditions,
        status,
        machine,
        confidence,
        interventions,
        author_outcome,
        moderator_outcome,
    ) = row
    if is_deleted or is_hidden or thread_hidden or author_id is None or not opt_in or status is None:
        return None
    if author_outcome in _OUTCOMES:
        shown, source = author_outcome, LabelSource.AUTHOR
    elif moderator_outcome in _OUTCOMES:
        shown, source = moderator_outcome, LabelSource.MODERATOR
    elif status == TagStatus.DONE and machine in _OUTCOMES:
        shown, source = machine, LabelSource.TAGGER
    else:
        return None  # pending or failed, and no person has labelled it
    per_intervention = intervention_outcomes(
        interventions, shown=shown, person_labelled=source != LabelSource.TAGGER
    )
    overall = [(ALL, shown)] if about_exercise(interventions) else []
    items = tuple(sorted([*overall, *per_intervention.items()]))
    agreement = None
    if status == TagStatus.DONE and machine in _OUTCOMES and author_outcome in _OUTCOMES:
        agreement = (machine, author_outcome)
    return Contribution(
        author_id=author_id,
        created_at=created_at,
        month=date(created_at.year, created_at.month, 1),
        category_id=category_id,
        source=source,
        conf_level=conf_level(confidence, source),
        conditions=normalise_conditions(conditions),
        items=items,
        agreement=agreement,
    )


def contribution_from_record(
    *, counted: bool, conditions: Sequence[str], machine_outcome: str, author_outcome: str, rows: list[tuple]
) -> Contribution | None:
    """What a post added when it was last refreshed, from its recorded fact (counted, conditions, the
    agreement pair) and its fact rows (in the order of the FactRow fields the refresh reads)."""
    if not counted or not rows:
        return None
    _, author_id, _, _, month, category_id, level, source, created_at = rows[0]
    agreement = (machine_outcome, author_outcome) if machine_outcome and author_outcome else None
    return Contribution(
        author_id=author_id,
        created_at=created_at,
        month=month,
        category_id=category_id,
        source=source,
        conf_level=level,
        conditions=tuple(conditions),
        items=tuple(sorted((row[2], row[3]) for row in rows)),
        agreement=agreement,
    )


def fingerprint(contribution: Contribution | None) -> str:
    """A short hash of everything a post adds to the rollups (its rows, its member reports follow from it)."""
    return hashlib.blake2b(repr(contribution).encode(), digest_size=8).hexdigest()
