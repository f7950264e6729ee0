"""From flagged, attributed cues to the post's outcome, per-intervention outcomes, symptoms and evidence.

Two deciders over the same features (features.py):
- rules: weighted sums of reported benefits and harms of exercise, with fixed thresholds;
- a multinomial logistic regression (numpy, weights in resources/decision_model.json, trained by
  `python -m devtools.tagger.train`), whose probabilities also give the confidence.
`method="auto"` uses the model when one is committed, else the rules. The comparison that chose between
them (and a spaCy TextCategorizer) is in docs/tagger.md.
"""

from __future__ import annotations

import numpy as np
from spacy.tokens import Doc

from .features import FEATURE_NAMES, feature_vector, no_change_sentences
from .findings import Cue, Findings
from .reader import READER_FEATURES, CueReader, read_cues, reader_features
from .resources import OUTCOMES, SYMPTOMS, ResourceError, Resources

# Rule weights: how much a cue of each context status counts towards helped / worsened.
RULE_THRESHOLD = 0.5  # a side needs this much reported evidence to count
RULE_MIXED_RATIO = 0.1  # both sides count, but one is under a tenth of the other: the larger wins
HIST_WEIGHT = 0.7  # "it used to help": past experience is still the writer's own
HIST_HARM_WEIGHT = 0.3  # "my pain had been getting worse" is more often the story before the exercise
NEGATED_HARM = 0.8  # "haven't had a flare since October" is a benefit
SARCASTIC_BENEFIT = 0.6  # "oh yes, it *really* helped" is a harm
# With "mixed_needs_both" in the model: mixed without a benefit and a harm of exercise in the words only when
# the model is at least this sure ("Walking helps." is not mixed however the word counts lean).
MIXED_MIN_CONFIDENCE = 0.8


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max()
    e = np.exp(z)
    return e / e.sum()


TEXTCAT_FEATURES = tuple(f"textcat_{o}" for o in OUTCOMES)
# The feature layouts a decision model may be trained on: the cue features, then the cue reader's scores
# and the TextCategorizer's probabilities, each optional, in this order.
FEATURE_LAYOUTS = {
    (reader, textcat): FEATURE_NAMES
    + (READER_FEATURES if reader else ())
    + (TEXTCAT_FEATURES if textcat else ())
    for reader in (False, True)
    for textcat in (False, True)
}


class LogisticModel:
    def __init__(self, spec: dict):
        features = tuple(spec["features"])
        layout = next((key for key, names in FEATURE_LAYOUTS.items() if names == features), None)
        if layout is None:
            raise ResourceError(
                "decision_model.json was trained on other features than features.FEATURE_NAMES (+ the cue "
                "reader's and the TextCategorizer's); retrain with `python -m devtools.tagger.train --write`"
            )
        self.uses_reader, self.uses_textcat = layout
        self.mean = np.asarray(spec["mean"], dtype=np.float64)
        self.scale = np.asarray(spec["scale"], dtype=np.float64)
        self.coef = np.asarray(spec["coef"], dtype=np.float64)
        self.intercept = np.asarray(spec["intercept"], dtype=np.float64)
        # mixed only with a benefit and a harm of exercise in the words (or MIXED_MIN_CONFIDENCE sure)
        self.mixed_needs_both = bool(spec.get("mixed_needs_both", False))
        # with no cue tied to exercise, an outcome is shown only when the model is at least this sure
        # (None: never; the post is tagged none)
        tau = spec.get("no_evidence_min_confidence")
        self.no_evidence_min_confidence = None if tau is None else float(tau)
        # temperature scaling fitted on out-of-fold probabilities (train.fit_temperature): on real writing,
        # and for posts under short_tokens tokens (no real passage is that short) on our written ones
        self.temperature = float(spec.get("temperature", 1.0))
        self.short_tokens = int(spec.get("short_tokens", 0))
        self.short_temperature = float(spec.get("short_temperature", self.temperature))
        # the evidence rules' own calibration (evidence_scaled; train_models.fit_evidence_scales)
        self.evidence_scales = (
            float(spec.get("mixed_without_both_scale", 1.0)),
            float(spec.get("outcome_without_cue_scale", 1.0)),
        )

    def proba(self, x: np.ndarray, n_tokens: int | None = None) -> np.ndarray:
        z = self.coef @ ((x - self.mean) / self.scale) + self.intercept
        short = n_tokens is not None and n_tokens < self.short_tokens
        return _softmax(z / (self.short_temperature if short else self.temperature))


def evidence_scaled(
    proba: np.ndarray, has_cue: bool, has_both: bool, scales: tuple[float, float]
) -> np.ndarray:
    """The model's probabilities given what the evidence rules know. The model is fitted without the rules,
    so it keeps giving outcomes to a post with no cue tied to exercise (and mixed to one whose words hold no
    benefit and harm together), which the decision then refuses: such a post was tagged none with the
    model's belief in none, 0.52 on average on real writing's out-of-fold predictions, where 72% of them are
    none. The refused classes are scaled by factors fitted on those predictions (train_models.
    fit_evidence_scales), so the confidence is that of the tag shown. Tags are decided before this."""
    mixed_scale, outcome_scale = scales
    p = np.array(proba, dtype=np.float64)
    if not has_both:
        p[OUTCOMES.index("mixed")] *= mixed_scale
    if not has_cue:
        p[[OUTCOMES.index(o) for o in OUTCOMES if o != "none"]] *= outcome_scale
    return p / p.sum()


def rule_scores(sums: dict[str, float]) -> tuple[float, float]:
    g = sums.get
    helped = (
        g("ex_H_asserted", 0.0)
        + HIST_WEIGHT * g("ex_H_hist", 0.0)
        + NEGATED_HARM * g("ex_W_neg", 0.0)
        + g("ex_W_ceased", 0.0)
    )
    worsened = (
        g("ex_W_asserted", 0.0)
        + HIST_HARM_WEIGHT * g("ex_W_hist", 0.0)
        + SARCASTIC_BENEFIT * g("ex_H_sarcasm", 0.0)
    )
    return helped, worsened


def outcome_from_scores(helped: float, worsened: float) -> str:
    if helped >= RULE_THRESHOLD and worsened >= RULE_THRESHOLD:
        if min(helped, worsened) < RULE_MIXED_RATIO * max(helped, worsened):
            return "helped" if helped > worsened else "worsened"
        return "mixed"
    if helped >= RULE_THRESHOLD and helped >= worsened:
        return "helped"
    if worsened >= RULE_THRESHOLD:
        return "worsened"
    return "none"


def rule_proba(sums: dict[str, float]) -> np.ndarray:
    """Rough class probabilities from the rule scores, so rules can also rank tags for review."""
    h, w = rule_scores(sums)
    t = RULE_THRESHOLD
    logits = np.array(
        [
            2.0 * (h - t) - 1.0 * w,
            2.0 * (w - t) - 1.0 * h,
            3.0 * (min(h, w) - t),
            1.0 - 2.0 * max(h, w),
        ]
    )
    p = _softmax(logits)
    # make the rule's own choice the argmax even where the smooth scores disagree near a threshold
    choice = OUTCOMES.index(outcome_from_scores(h, w))
    if p.argmax() != choice:
        p[choice] = p.max() + 0.01
        p = p / p.sum()
    return p


class Decider:
    def __init__(self, resources: Resources, method: str = "auto"):
        if method not in ("auto", "rules", "model"):
            raise ValueError(f"unknown decision method {method!r}")
        self.model = LogisticModel(resources.model) if resources.model and method != "rules" else None
        if method == "model" and self.model is None:
            raise ResourceError("method='model' but no resources/decision_model.json is committed")
        self.method = "model" if self.model else "rules"
        self.reader = CueReader(resources.reader) if self.model and self.model.uses_reader else None

    def decide(self, doc: Doc, f: Findings) -> None:
        x, sums = feature_vector(f)
        f.features = dict(zip(FEATURE_NAMES, x.tolist(), strict=True))
        if self.model is None:
            proba = rule_proba(sums)
        else:
            if self.reader is not None:
                x = np.concatenate([x, reader_features(read_cues(f), self.reader.scores(doc, f))])
            if self.model.uses_textcat:
                cats = doc.cats or {}
                x = np.concatenate([x, [cats.get(o, 0.0) for o in OUTCOMES]])
            proba = self.model.proba(x, f.n_tokens)
        k = int(proba.argmax())
        both = self.model is None or not self.model.mixed_needs_both or mixed_has_evidence(f)
        if OUTCOMES[k] == "mixed" and proba[k] < MIXED_MIN_CONFIDENCE and not both:
            k = max((j for j, o in enumerate(OUTCOMES) if o != "mixed"), key=lambda j: proba[j])
        outcome, confidence = OUTCOMES[k], float(proba[k])
        tau = self.model.no_evidence_min_confidence if self.model is not None else None
        has_cue = any(c.target_kind == "exercise" for c in f.cues)
        if outcome != "none" and not has_cue and (tau is None or confidence < tau):
            # no outcome of exercise was found in the words at all: the model is guessing from the post's
            # shape and vocabulary; unless it is very sure, say none rather than show an outcome with no
            # evidence
            outcome = "none"
        if self.model is not None:
            proba = evidence_scaled(proba, has_cue or tau is not None, both, self.model.evidence_scales)
        confidence = float(proba[OUTCOMES.index(outcome)])
        f.decision = {
            "outcome": outcome,
            "confidence": confidence,
            "probabilities": dict(zip(OUTCOMES, (float(p) for p in proba), strict=True)),
            "method": self.method,
            "rule_outcome": outcome_from_scores(*rule_scores(sums)),
            "interventions": _interventions(f, outcome),
            "symptoms": _symptoms(f, outcome),
            "evidence": _evidence(doc, f, outcome),
        }


def mixed_has_evidence(f: Findings) -> bool:
    """Do the words hold both a benefit and a harm of exercise (as the cues count for an intervention)?"""
    no_change = no_change_sentences(f)
    helped = worsened = False
    for c in f.cues:
        if c.target_kind == "exercise":
            h, w = _counts_for(c, no_change)
            helped, worsened = helped or h > 0, worsened or w > 0
    return helped and worsened


def _counts_for(c: Cue, no_change: frozenset[int] = frozenset()) -> tuple[float, float]:
    """(helped, worsened) weight of one cue for its intervention's own outcome."""
    w = c.weight * c.link_weight
    status = c.status
    if status == "neg" and c.sent in no_change:
        return 0.0, 0.0  # "not worse, not better"
    if status == "asserted":
        return (w, 0.0) if c.polarity == "helped" else (0.0, w)
    if status == "hist":
        return (HIST_WEIGHT * w, 0.0) if c.polarity == "helped" else (0.0, HIST_HARM_WEIGHT * w)
    if status == "neg" and c.polarity == "worsened":
        return NEGATED_HARM * w, 0.0
    if status == "ceased":  # a harm that stopped is a benefit; a benefit that stopped is no outcome now
        return (0.0, 0.0) if c.polarity == "helped" else (w, 0.0)
    if status == "sarcasm":
        return 0.0, SARCASTIC_BENEFIT * w
    return 0.0, 0.0


def _interventions(f: Findings, outcome: str) -> list[tuple[str, str, str]]:
    names: dict[str, str] = {}
    mentions: dict[str, int] = {}
    for m in f.mentions:
        if m.kind == "exertion":
            continue
        names.setdefault(m.name, m.kind)
        mentions[m.name] = mentions.get(m.name, 0) + 1
    scores: dict[str, list[float]] = {}
    no_change = no_change_sentences(f)
    for c in f.cues:
        if c.target is None:
            continue
        if c.target not in names:  # "overdid it" with no exercise named: plain "exercise"
            names[c.target] = c.target_kind or "exercise"
            mentions[c.target] = 0
        h, w = _counts_for(c, no_change)
        for name in (c.target, *c.also):
            if name not in names:
                continue
            s = scores.setdefault(name, [0.0, 0.0])
            s[0] += h
            s[1] += w
    result = {name: outcome_from_scores(*scores.get(name, (0.0, 0.0))) for name in names}
    # keep the exercise interventions consistent with the post-level decision
    exercise = [n for n, k in names.items() if k == "exercise"]
    if outcome == "none":
        for n in exercise:
            result[n] = "none"
    elif len(exercise) == 1:
        result[exercise[0]] = outcome  # the post is about this one exercise
    elif exercise and all(result[n] == "none" for n in exercise):
        main = max(exercise, key=lambda n: (sum(scores.get(n, (0.0, 0.0))), mentions[n]))
        result[main] = outcome
    if outcome in ("helped", "worsened"):
        # a post that reports only a benefit (or only a harm) of exercise reports no other for any one kind:
        # a harm cue tied to one of them was not the writer's report, or the post would be mixed
        for n in exercise:
            if result[n] != "none":
                result[n] = outcome
        # one outcome for the post: an exercise named in (or just before) a sentence that reports it shares
        # it ("Yoga and pilates both flared me", "walking and swimming, and my legs are stronger")
        near = {c.sent for c in f.cues if c.target_kind == "exercise" and c.reported}
        for n in exercise:
            if result[n] == "none" and any(
                m.name == n and (m.sent in near or m.sent + 1 in near) for m in f.mentions
            ):
                result[n] = outcome
    out = [(n, names[n], result[n]) for n in names if not (mentions[n] == 0 and result[n] == "none")]
    return out


def _symptoms(f: Findings, outcome: str) -> list[str]:
    if outcome == "none":
        return []
    found: set[str] = set()
    sents: set[int] = set()
    for c in f.cues:
        if c.target_kind == "exercise" and (
            c.reported or c.status == "sarcasm" or (c.status == "neg" and c.polarity == "worsened")
        ):
            found.update(c.symptoms)
            sents.add(c.sent)
    for start, _end, name, _valence in f.symptoms:
        if name != "general" and int(f.sent_of[start]) in sents:
            found.add(name)
    return [s for s in SYMPTOMS if s in found]


def _sentence_chars(doc: Doc, f: Findings, i: int) -> tuple[int, int]:
    s0, s1 = f.sent_span(i)
    while s0 < s1 and doc[s0].is_space:
        s0 += 1
    while s1 > s0 and doc[s1 - 1].is_space:
        s1 -= 1
    if s1 <= s0:
        return 0, 0
    return doc[s0].idx, doc[s1 - 1].idx + len(doc[s1 - 1].text)


def _evidence(doc: Doc, f: Findings, outcome: str) -> list[tuple[int, int, str, str | None]]:
    by_sentence: dict[tuple[int, str | None], set[str]] = {}
    no_change = no_change_sentences(f)
    for c in f.cues:
        if c.target_kind == "exercise" and outcome == "none":
            continue
        if c.target is None and outcome == "none":
            continue
        h, w = _counts_for(c, no_change)
        if not h and not w:
            continue
        pol = by_sentence.setdefault((c.sent, c.target), set())
        if h:
            pol.add("helped")
        if w:
            pol.add("worsened")
    out = []
    for (i, target), pols in sorted(by_sentence.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        start, end = _sentence_chars(doc, f, i)
        if end <= start:
            continue
        out.append((start, end, "mixed" if len(pols) == 2 else pols.pop(), target))
    return out
