"""The evidence-sentence reader (an experiment, issue #9): is this sentence the writer's report of what
exercise did to them, and which way?

Each sentence of a post gets named features that can carry causality (the cues in it with their context
status and attribution, its words and bigrams, where it sits, who its subject is, tense markers, whether
an exercise is named in it or in the sentence before); a multinomial logistic regression (scikit-learn)
reads them as `other`, `benefit` or `harm`. It is fitted on silver labels: the sentences of a real passage
that its annotator's `why` names (evidence.py aligns them) carry the post's outcome, every other sentence
is `other`. The post decision reads the reader's probabilities, maxed and summed per side
(EVIDENCE_FEATURES), stacked with nested out-of-fold inputs like the cue reader (train_models.reader_run).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
from spacy.tokens import Doc

from analysis.nlp.findings import Findings
from devtools.tagger.train_models import FOLDS

SENTENCE_CLASSES = ("other", "benefit", "harm")
SENTENCE_FEATURES = ("ev_H_max", "ev_W_max", "ev_H_sum", "ev_W_sum", "ev_both", "ev_H_top2", "ev_W_top2")
# the reported exercise cues re-weighted by how likely their sentence is a report of their side
CUE_FEATURES = ("ev_cue_H_sum", "ev_cue_W_sum", "ev_cue_H_max", "ev_cue_W_max")
EVIDENCE_FEATURES = SENTENCE_FEATURES + CUE_FEATURES
EVIDENCE_C = 0.3  # inverse L2 strength of the sentence reader
BIGRAM_WEIGHT = 0.5
MIN_COUNT = 2
_WORD = re.compile(r"[a-z][a-z']*|\d+")
_PAST = frozenset("was were had did felt went got made left used ended started".split())
_NOW = frozenset("now today currently anymore since these".split())
_FUTURE = frozenset("will would could might should gonna".split())
_FIRST = frozenset("i i'm i've i'd my me myself".split())
_WE = frozenset("we we've our us".split())
_YOU = frozenset("you you're your yourself".split())
_THIRD = frozenset("he she his her him they their".split())


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


@dataclass
class PostRows:
    """What the evidence reader reads of one post: each sentence's features, and the reported exercise
    cues as (sentence, side, weight x attribution strength)."""

    sentences: list[dict[str, float]]
    cues: list[tuple[int, str, float]]


def post_rows(doc: Doc, f: Findings) -> PostRows:
    cues = [
        (c.sent, "H" if c.polarity == "helped" else "W", c.weight * c.link_weight)
        for c in f.cues
        if c.target_kind == "exercise" and c.status == "asserted"
    ]
    return PostRows(sentence_features(doc, f), cues)


def sentence_features(doc: Doc, f: Findings) -> list[dict[str, float]]:
    """One feature dict per sentence of the post (Findings.sent_starts order)."""
    n = len(f.sent_starts)
    ex_sents = {m.sent for m in f.mentions if m.kind == "exercise"}
    tr_sents = {m.sent for m in f.mentions if m.kind == "treatment"}
    first_ex = min(ex_sents) if ex_sents else None
    by_sent: dict[int, list] = {}
    for c in f.cues:
        by_sent.setdefault(c.sent, []).append(c)
    out = []
    for s in range(n):
        s0, s1 = f.sent_span(s)
        ws = words(doc[s0:s1].text)
        x: dict[str, float] = {"bias": 1.0, "log_len": math.log1p(len(ws))}
        rel = (s + 1) / n
        x[f"pos={min(4, int(rel * 5))}"] = 1.0
        if s == 0:
            x["first_sentence"] = 1.0
        if s == n - 1:
            x["last_sentence"] = 1.0
        if s in ex_sents:
            x["ex_here"] = 1.0
        if s - 1 in ex_sents:
            x["ex_before"] = 1.0
        if s + 1 in ex_sents:
            x["ex_after"] = 1.0
        if s in tr_sents:
            x["tr_here"] = 1.0
        if first_ex is None:
            x["no_exercise_named"] = 1.0
        elif s < first_ex:
            x["before_first_exercise"] = 1.0
        if s in f.question_sents:
            x["question"] = 1.0
        if s in f.sentiment:
            x["vader"] = f.sentiment[s]
        wset = set(ws)
        for name, group in (("past", _PAST), ("now", _NOW), ("future", _FUTURE)):
            if wset & group:
                x[f"tense_{name}"] = 1.0
        for name, group in (("i", _FIRST), ("we", _WE), ("you", _YOU), ("third", _THIRD)):
            if wset & group:
                x[f"person_{name}"] = 1.0
        for c in by_sent.get(s, ()):
            p = "H" if c.polarity == "helped" else "W"
            kind = c.target_kind or "nothing"
            x[f"cue_{p}"] = x.get(f"cue_{p}", 0.0) + c.weight
            x[f"cue_{p}_{c.status}"] = x.get(f"cue_{p}_{c.status}", 0.0) + c.weight
            x[f"cue_{p}_{kind}_{c.link}"] = 1.0
            x[f"cue_{p}_{kind}_{c.status}"] = 1.0
            x[f"cue_{p}_person={c.person}"] = 1.0
            for flag in ("moment", "transient", "absence", "conditional", "composed", "ceased"):
                if getattr(c, flag):
                    x[f"cue_{p}_{flag}"] = 1.0
            for symptom in c.symptoms:
                x[f"cue_{p}_sym={symptom}"] = 1.0
        for w in wset:
            x[f"w:{w}"] = 1.0
        for a, b in zip(ws, ws[1:], strict=False):
            x[f"b:{a}_{b}"] = BIGRAM_WEIGHT
        out.append(x)
    return out


def fit_sentences(rows: list[PostRows], labels: list[list[str]], c: float = EVIDENCE_C):
    """(vectorizer, model) over the labelled sentences of the given posts (labels None: not fitted on);
    features seen in fewer than MIN_COUNT sentences are dropped (they are most of them, and say nothing)."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    xs = [
        x
        for post, lab in zip(rows, labels, strict=True)
        for x, y in zip(post.sentences, lab, strict=True)
        if y
    ]
    ys = [y for lab in labels for y in lab if y]
    vectorizer = DictVectorizer()
    x = vectorizer.fit_transform(xs)
    keep = np.asarray((x != 0).sum(axis=0)).ravel() >= MIN_COUNT
    vectorizer.restrict(keep)
    model = LogisticRegression(C=c, max_iter=2000).fit(x[:, keep], ys)
    return vectorizer, model


def sentence_proba(post: PostRows, fitted) -> np.ndarray:
    """P(other, benefit, harm) of each sentence."""
    vectorizer, model = fitted
    if not post.sentences:
        return np.zeros((0, len(SENTENCE_CLASSES)))
    p = model.predict_proba(vectorizer.transform(post.sentences))
    order = [list(model.classes_).index(k) for k in SENTENCE_CLASSES]
    return p[:, order]


def post_features(p: np.ndarray, cues: list[tuple[int, str, float]]) -> np.ndarray:
    """EVIDENCE_FEATURES of one post from its sentences' probabilities and its reported exercise cues."""
    if len(p) == 0:
        return np.zeros(len(EVIDENCE_FEATURES))
    h, w = p[:, 1], p[:, 2]

    def top2(v):
        return float(np.sort(v)[-2:].sum())

    total = {"H": 0.0, "W": 0.0}
    top = {"H": 0.0, "W": 0.0}
    for sent, side, weight in cues:
        v = weight * (h if side == "H" else w)[sent]
        total[side] += v
        top[side] = max(top[side], v)
    return np.array(
        [h.max(), w.max(), math.log1p(h.sum()), math.log1p(w.sum()), min(h.max(), w.max()), top2(h), top2(w)]
        + [math.log1p(total["H"]), math.log1p(total["W"]), top["H"], top["W"]]
    )


def posts_features(rows: list[PostRows], fitted) -> np.ndarray:
    return np.array([post_features(sentence_proba(post, fitted), post.cues) for post in rows]).reshape(
        len(rows), len(EVIDENCE_FEATURES)
    )


@dataclass
class EvidenceRun:
    """The evidence reader's post features, out of fold like train_models.ReaderRun."""

    outer: np.ndarray
    inner: dict[int, np.ndarray]
    dev: np.ndarray


def evidence_run(rows, labels, folds: np.ndarray, dev_rows, c: float = EVIDENCE_C) -> EvidenceRun:
    """labels[i] is None for a post with no silver labels (written, seed): never fitted on, only read."""
    n = len(rows)
    has = np.array([lab is not None for lab in labels])

    def fit(mask):
        idx = np.flatnonzero(mask & has)
        return fit_sentences([rows[i] for i in idx], [labels[i] for i in idx], c)

    def read(mask, fitted):
        return posts_features([rows[i] for i in np.flatnonzero(mask)], fitted)

    outer = np.zeros((n, len(EVIDENCE_FEATURES)))
    inner: dict[int, np.ndarray] = {}
    for k in range(FOLDS):
        outer[folds == k] = read(folds == k, fit(folds != k))
        inner[k] = np.zeros_like(outer)
        for j in range(FOLDS):
            if j != k:
                inner[k][folds == j] = read(folds == j, fit((folds != k) & (folds != j)))
    dev = posts_features(dev_rows, fit(np.ones(n, dtype=bool)))
    return EvidenceRun(outer, inner, dev)
