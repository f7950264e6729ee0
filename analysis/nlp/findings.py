"""What the pipeline components find in one post, kept on `doc._.outcome_findings`.

Token offsets (start, end) are spaCy token indices, end exclusive. Components fill this in order:
matcher (mentions, cues, triggers), context (flags on each cue), attribution (which intervention each cue
is about), sentiment (VADER on the sentences that matter), decision (features and the outcome).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

# How much a cue counts, by how it was tied to an intervention.
LINK_WEIGHTS = {
    "clause": 1.0,  # same clause: "walking eases my pain"
    "sentence": 0.85,  # same sentence, another clause: "after a walk, I feel human again"
    "anaphora": 0.8,  # "it", "this", "the class" carrying the last one mentioned
    "carried": 0.7,  # no pointer, but an intervention was named in the last two sentences
    "next": 0.4,  # named in the next sentence: "Felt brilliant. Swimming is my thing now."
    "far": 0.6,  # named earlier in the post (a story about one programme, told over paragraphs)
    "topic": 0.6,  # the post names nothing: a reply in an exercise thread ("Crashed at week two.")
    "none": 0.0,
}


@dataclass(slots=True)
class Mention:
    """An intervention named in the text."""

    start: int
    end: int
    name: str
    kind: str  # exercise | treatment | exertion
    sent: int


@dataclass(slots=True)
class Cue:
    """A phrase reporting an outcome ("crashed", "less pain"), with its context flags."""

    start: int
    end: int
    polarity: str  # helped | worsened
    weight: float
    symptoms: tuple[str, ...]
    composed: bool
    sent: int
    negated: bool = False
    hypothetical: bool = False
    conditional: bool = False  # "if I overdo it I crash": a condition the writer lives, not a warning
    question: bool = False
    historical: bool = False
    ceased: bool = False
    claim: bool = False
    sarcasm: bool = False
    person: str = "none"  # first | second | carer | other | none
    target: str | None = None
    target_kind: str | None = None
    also: tuple[str, ...] = ()  # other interventions named together with the target
    # where negation and modals are looked for (the verb of "my legs don't cramp"), and the words that are
    # the cue itself (not the words between a symptom and its direction word)
    denied: bool = False  # the phrase itself denies the outcome ("does nothing for me")
    npi: bool = False  # only ever named to be denied ("did me any good")
    moment: bool = False  # how it felt at the time ("felt amazing", "loved it")
    transient: bool = False  # ... followed by a reported harm: enjoyment before the payback
    absence: bool = False  # about not doing it ("skip a day and I seize up"): polarity already turned
    anchor: int = -1
    core: tuple[tuple[int, int], ...] = ()
    link: str = "none"
    vader: float = 0.0

    @property
    def link_weight(self) -> float:
        return LINK_WEIGHTS[self.link]

    @property
    def status(self) -> str:
        """One context status per cue, most discounting first."""
        if self.question:
            return "question"
        if self.claim or self.person == "other":
            return "claim"
        if self.hypothetical:
            return "hyp"
        if self.person == "second":
            return "second"
        if self.sarcasm and self.polarity == "helped":
            return "sarcasm"
        if self.negated:
            # "it no longer helps" (a benefit that stopped); "I don't crash any more" (a harm that stopped)
            return "ceased" if self.ceased else "neg"
        if self.transient:
            return "transient"
        if self.historical:
            return "hist"
        return "asserted"

    @property
    def reported(self) -> bool:
        """The writer (or the person they care for) reports this as having happened."""
        return self.status in ("asserted", "hist")


@dataclass(slots=True)
class Findings:
    n_tokens: int
    sent_starts: list[int]  # token index where each sentence starts
    sent_of: np.ndarray  # token index -> sentence index
    breaks: dict[str, np.ndarray]  # prefix sums of break tokens, by combination of break classes
    norms: np.ndarray  # token NORM hashes
    quotes: list[int]  # token indices of double quotes
    mentions: list[Mention] = field(default_factory=list)
    cues: list[Cue] = field(default_factory=list)
    # raw matches, before the context component composes and resolves them
    lexical_cues: list[tuple[int, int, int]] = field(default_factory=list)  # start, end, cue group index
    directions: list[tuple[int, int, str]] = field(default_factory=list)
    symptoms: list[tuple[int, int, str, str]] = field(default_factory=list)  # start, end, name, bad|good
    triggers: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    negations: list[tuple[int, int]] | None = None  # negation triggers left after pseudo-negations
    persons: list[tuple[int, int, str]] = field(default_factory=list)
    object_pronoun: dict[int, bool] = field(default_factory=dict)  # "her", "him": not a subject
    possessive: set[int] = field(default_factory=set)  # persons followed by "'s": not a subject
    anaphora: list[tuple[int, int]] = field(default_factory=list)
    question_sents: set[int] = field(default_factory=set)  # sentences ending in "?"
    has_carer: bool = False
    sentiment: dict[int, float] = field(default_factory=dict)  # sentence index -> VADER compound
    features: dict[str, float] | None = None
    decision: dict | None = None

    def sent_span(self, i: int) -> tuple[int, int]:
        end = self.sent_starts[i + 1] if i + 1 < len(self.sent_starts) else self.n_tokens
        return self.sent_starts[i], end

    def broken(self, kind: str, start: int, end: int) -> bool:
        """Is there a break of this kind among tokens [start, end)?"""
        if end <= start:
            return False
        arr = self.breaks[kind]
        return bool(arr[end] - arr[start] > 0)
