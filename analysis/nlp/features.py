"""The post-level features the decision reads: context-flagged, attributed cue weights plus a few shape
signals. The same vector feeds the rules, the learned model and its training (train.py).

Features are counts of *kinds* of evidence (a reported benefit of exercise, a negated harm, a warning to
someone else...), never words, so a model over them cannot memorise our writers' phrasing.
"""

from __future__ import annotations

import math

import numpy as np

from .findings import Findings

STATUSES = ("asserted", "hist", "neg", "hyp", "second", "claim", "question")
WEAK = 0.5  # cues of at most this weight ("enjoyed it", "tired") are also counted on their own
FEATURE_NAMES: tuple[str, ...] = (
    # exercise cues, by polarity and context status (weight x attribution strength)
    *(f"ex_{p}_{s}" for s in STATUSES for p in ("H", "W")),
    "ex_H_sarcasm",
    "ex_W_ceased",
    "ex_X_no_change",
    "ex_H_conditional",
    "ex_W_conditional",
    "ex_carer",
    "ex_H_weak",
    "ex_W_weak",
    # "felt amazing" before a crash
    "ex_H_transient",
    # other treatments
    "tr_H_asserted",
    "tr_W_asserted",
    # combinations
    "ex_both_now",
    "ex_helped_then_worse",
    "ex_max_H",
    "ex_max_W",
    # VADER on the sentences that matter
    "vader_ex_mean",
    "vader_ex_min",
    "vader_ex_max",
    # shape of the post
    "n_ex_mentions",
    "n_tr_mentions",
    "question_share",
    "first_person_rate",
    "second_person_rate",
    "claim_markers",
    "log_tokens",
    "has_carer",
    "mixed_markers",
)
FEATURE_INDEX = {name: i for i, name in enumerate(FEATURE_NAMES)}


def no_change_sentences(f: Findings) -> frozenset[int]:
    """Sentences that negate both a benefit and a harm ("not worse, not better")."""
    neg = {(c.sent, c.polarity) for c in f.cues if c.status == "neg"}
    return frozenset(s for s, p in neg if p == "helped" and (s, "worsened") in neg)


def raw_sums(f: Findings) -> dict[str, float]:
    """Weighted cue sums by group, polarity and status (not log-scaled; the rules read these)."""
    sums: dict[str, float] = {}
    # "not worse, not better": a sentence that negates both is "no change", neither a benefit nor a harm
    unchanged = no_change_sentences(f)
    for c in f.cues:
        pol = "H" if c.polarity == "helped" else "W"
        status = c.status
        if status == "neg" and c.sent in unchanged:
            pol, status = "X", "no_change"
        if status == "ceased" and pol == "H":
            # "no longer helps": no benefit now, like "doesn't help" (kept apart for ex_helped_then_worse)
            status = "neg"
            if c.target_kind == "exercise":
                sums["ex_H_ceased"] = sums.get("ex_H_ceased", 0.0) + c.weight * c.link_weight
        if c.target_kind == "exercise":  # (a post naming nothing: its thread's exercise, link "topic")
            group, w = "ex", c.weight * c.link_weight
        elif c.target_kind == "treatment":
            group, w = "tr", c.weight * c.link_weight
        else:
            continue
        key = f"{group}_{pol}_{status}"
        sums[key] = sums.get(key, 0.0) + w
        if group == "ex" and status == "asserted":
            if c.weight <= WEAK:
                sums[f"ex_{pol}_weak"] = sums.get(f"ex_{pol}_weak", 0.0) + w
            if c.person == "carer":
                sums["ex_carer"] = sums.get("ex_carer", 0.0) + w
            if c.conditional:
                sums[f"ex_{pol}_conditional"] = sums.get(f"ex_{pol}_conditional", 0.0) + w
            m = f"ex_max_{pol}"
            sums[m] = max(sums.get(m, 0.0), w)
    return sums


def feature_vector(f: Findings) -> tuple[np.ndarray, dict[str, float]]:
    sums = raw_sums(f)
    x = np.zeros(len(FEATURE_NAMES), dtype=np.float64)

    def put(name: str, value: float) -> None:
        x[FEATURE_INDEX[name]] = value

    for name in FEATURE_NAMES:
        if name in sums and not name.startswith("ex_max"):
            put(name, math.log1p(sums[name]))
    put("ex_max_H", sums.get("ex_max_H", 0.0))
    put("ex_max_W", sums.get("ex_max_W", 0.0))
    h_now, w_now = sums.get("ex_H_asserted", 0.0), sums.get("ex_W_asserted", 0.0)
    put("ex_both_now", math.log1p(min(h_now, w_now)))
    put(
        "ex_helped_then_worse",
        math.log1p(min(sums.get("ex_H_hist", 0.0) + sums.get("ex_H_ceased", 0.0), w_now)),
    )

    reported = [
        f.sentiment[c.sent]
        for c in f.cues
        if c.target_kind == "exercise" and c.reported and c.sent in f.sentiment
    ]
    if reported:
        put("vader_ex_mean", float(np.mean(reported)))
        put("vader_ex_min", min(reported))
        put("vader_ex_max", max(reported))
    n_sents = max(1, len(f.sent_starts))
    n_tokens = max(1, f.n_tokens)
    put("n_ex_mentions", math.log1p(sum(1 for m in f.mentions if m.kind != "treatment")))
    put("n_tr_mentions", math.log1p(sum(1 for m in f.mentions if m.kind == "treatment")))
    put("question_share", len(f.question_sents) / n_sents)
    put("first_person_rate", 10 * sum(1 for p in f.persons if p[2] == "first") / n_tokens)
    put("second_person_rate", 10 * sum(1 for p in f.persons if p[2] == "second") / n_tokens)
    put(
        "claim_markers",
        math.log1p(len(f.triggers.get("claim_phrase", ())) + len(f.triggers.get("claim_verb", ()))),
    )
    put("log_tokens", math.log1p(f.n_tokens) / 5)
    put("has_carer", 1.0 if f.has_carer else 0.0)
    put("mixed_markers", math.log1p(len(f.triggers.get("mixed", ()))))
    return x, sums
