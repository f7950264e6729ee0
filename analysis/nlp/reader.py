"""The cue reader: how likely each cue is an outcome the writer reports exercise (or a treatment) had on them.

The rules find many cues that are not reports: the illness described before the exercise ("two years of
back pain"), the effort of the exercise itself ("heart pounding, out of breath"), someone else's story, a
flare with another cause. On real writing about half of the harm cues tied to an exercise are of that kind.
The reader is a logistic regression over what surrounds one cue (its context status and attribution, where it
sits against the exercise's mentions, the words of its sentence and of the cue), fitted by
`python -m devtools.tagger.train` on labelled posts, real writing among them: a cue is taken as a report
when the post's label has its polarity (both for mixed, neither for none). The decision model reads the
reader's scores summed and maxed per polarity (READER_FEATURES).

Weights are data: resources/cue_reader.json ({"weights": {feature: weight}, "bias": b}); without the file
the reader is off and the decision model must not expect its features.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

import numpy as np
from spacy.tokens import Doc

from .findings import Cue, Findings

READER_FEATURES = ("reader_H_max", "reader_W_max", "reader_H_sum", "reader_W_sum", "reader_both")
# sentence words count less than the cue's own: they are many, and each says less about this cue
SENTENCE_WORD_WEIGHT = 0.3
_WORD = re.compile(r"[a-z][a-z']*")


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def _side(cue: Cue) -> str:
    return "H" if cue.polarity == "helped" else "W"


def read_cues(f: Findings) -> list[Cue]:
    """The cues the reader scores: those tied to an exercise or a treatment."""
    return [c for c in f.cues if c.target_kind in ("exercise", "treatment")]


def cue_features(doc: Doc, f: Findings, cue: Cue) -> dict[str, float]:
    """Named features of one cue, prefixed by its polarity (a word says different things about each)."""
    p = _side(cue)
    x: dict[str, float] = {
        f"{p}_bias": 1.0,
        f"{p}_status={cue.status}": 1.0,
        f"{p}_link={cue.link}": 1.0,
        f"{p}_person={cue.person}": 1.0,
        f"{p}_kind={cue.target_kind}": 1.0,
        f"{p}_weight": cue.weight,
        f"{p}_link_weight": cue.link_weight,
        f"{p}_position": (cue.sent + 1) / max(1, len(f.sent_starts)),
    }
    for flag in ("moment", "composed", "absence", "transient", "conditional", "negated", "historical"):
        if getattr(cue, flag):
            x[f"{p}_{flag}"] = 1.0
    if cue.sent in f.sentiment:
        x[f"{p}_vader"] = f.sentiment[cue.sent]
    for symptom in cue.symptoms:
        x[f"{p}_symptom={symptom}"] = 1.0
    s0, s1 = f.sent_span(cue.sent)
    if any(s0 <= a < s1 and person == "first" for a, _b, person in f.persons):
        x[f"{p}_first_person_sentence"] = 1.0
    # the illness before the exercise, the exercise, what came after it
    active = sorted({m.sent for m in f.mentions if m.kind != "treatment"})
    if active:
        nearest = min(active, key=lambda s: abs(s - cue.sent))
        x[f"{p}_{cue.status}_distance={max(-3, min(3, nearest - cue.sent))}"] = 1.0
        if cue.sent < active[0]:
            x[f"{p}_{cue.status}_before_first_mention"] = 1.0
        if cue.sent > active[-1]:
            x[f"{p}_{cue.status}_after_last_mention"] = 1.0
    else:
        x[f"{p}_no_mention"] = 1.0
    for w in _words(doc[s0:s1].text):
        x[f"{p}_s:{w}"] = SENTENCE_WORD_WEIGHT
    for w in _words(doc[cue.start : cue.end].text):
        x[f"{p}_c:{w}"] = 1.0
    return x


class CueReader:
    def __init__(self, spec: dict):
        self.weights: dict[str, float] = {str(k): float(v) for k, v in spec["weights"].items()}
        self.bias = float(spec["bias"])

    def score(self, features: dict[str, float]) -> float:
        z = self.bias + sum(self.weights.get(k, 0.0) * v for k, v in features.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def scores(self, doc: Doc, f: Findings) -> list[float]:
        """One score per read_cues(f), in order."""
        return [self.score(cue_features(doc, f, c)) for c in read_cues(f)]


def reader_features(cues: Iterable[Cue], scores: Iterable[float]) -> np.ndarray:
    """READER_FEATURES of one post from its read cues' scores (exercise cues only)."""
    top = {"H": 0.0, "W": 0.0}
    total = {"H": 0.0, "W": 0.0}
    for cue, s in zip(cues, scores, strict=True):
        if cue.target_kind != "exercise":
            continue
        p = _side(cue)
        top[p] = max(top[p], s)
        total[p] += s
    return np.array(
        [top["H"], top["W"], math.log1p(total["H"]), math.log1p(total["W"]), min(top["H"], top["W"])]
    )


def cue_label(cue: Cue, outcome: str) -> int:
    """The reader's training target for one cue of a post labelled `outcome`: is it a report? (both sides
    in a mixed post, neither in a post with no outcome; in a helped or worsened post, the cues of that
    polarity)."""
    if outcome == "none":
        return 0
    if outcome == "mixed":
        return 1
    return int(cue.polarity == outcome)
