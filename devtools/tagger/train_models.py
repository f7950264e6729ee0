"""The models `python -m devtools.tagger.train` fits: a multinomial logistic regression (numpy), its
temperature calibration, and spaCy's TextCategorizer with the nested out-of-fold runs the stacked model is
cross-validated with. Deterministic: fixed seeds and full-batch training."""

from __future__ import annotations

import itertools
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from analysis.nlp.decision import MIXED_MIN_CONFIDENCE, evidence_scaled
from analysis.nlp.features import FEATURE_NAMES
from analysis.nlp.reader import READER_FEATURES, cue_label, reader_features
from analysis.nlp.resources import OUTCOMES, TEXTCAT_CONFIG
from analysis.nlp.tagger import prepare_text
from devtools.tagger.labelled_data import Item
from devtools.tagger.metrics import classification

EPOCHS = 3000
LEARNING_RATE = 0.5
SEED = 20240611
FOLDS = 5
NONE_INDEX = OUTCOMES.index("none")
MIXED_INDEX = OUTCOMES.index("mixed")


# ---------------------------------------------------------------------------------------------------------
# Logistic regression
# ---------------------------------------------------------------------------------------------------------


def fit_logreg(x: np.ndarray, y: np.ndarray, l2: float, class_weight: np.ndarray | None = None) -> dict:
    """Multinomial logistic regression by full-batch gradient descent (convex; deterministic)."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-6] = 1.0
    z = (x - mean) / scale
    n, d = z.shape
    k = len(OUTCOMES)
    onehot = np.eye(k)[y]
    sample_w = class_weight[y] if class_weight is not None else np.ones(n)
    sample_w = sample_w / sample_w.mean()
    w = np.zeros((k, d))
    b = np.zeros(k)
    lr = LEARNING_RATE / (1.0 + l2 / n)  # a stable step for strong L2 too
    for _ in range(EPOCHS):
        logits = z @ w.T + b
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        g = (p - onehot) * sample_w[:, None] / n
        w -= lr * (g.T @ z + l2 * w / n)
        b -= lr * g.sum(axis=0)
    return {
        "kind": "logistic_regression",
        "features": list(FEATURE_NAMES),
        "classes": list(OUTCOMES),
        "mean": mean.tolist(),
        "scale": scale.tolist(),
        "coef": w.tolist(),
        "intercept": b.tolist(),
        "l2": l2,
        "epochs": EPOCHS,
    }


def proba_logreg(model: dict, x: np.ndarray) -> np.ndarray:
    z = (x - np.asarray(model["mean"])) / np.asarray(model["scale"])
    logits = z @ np.asarray(model["coef"]).T + np.asarray(model["intercept"])
    logits -= logits.max(axis=1, keepdims=True)
    p = np.exp(logits)
    return p / p.sum(axis=1, keepdims=True)


TEMPERATURES = tuple(float(t) for t in np.exp(np.linspace(np.log(0.05), np.log(2.0), 60)))


def calibrate(proba: np.ndarray, temperature: float) -> np.ndarray:
    """Temperature scaling: softmax(log p / T). Keeps the argmax; strong L2 squeezes the probabilities
    together, and a T under 1 spreads them back so confidence means something (the review queue)."""
    z = np.log(np.clip(proba, 1e-12, 1.0)) / temperature
    z -= z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def fit_temperature(proba: np.ndarray, y: np.ndarray) -> float:
    """The temperature that minimises the log-loss of out-of-fold probabilities."""
    best_t, best_nll = 1.0, float("inf")
    for t in TEMPERATURES:
        p = calibrate(proba, t)
        nll = -float(np.mean(np.log(np.clip(p[np.arange(len(y)), y], 1e-12, 1.0))))
        if nll < best_nll:
            best_t, best_nll = t, nll
    return best_t


EVIDENCE_SCALES = (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7, 0.85, 1.0)


def shown_proba(
    proba: np.ndarray, has_cue: np.ndarray, has_both: np.ndarray | None, tau: float | None, scales
) -> np.ndarray:
    """The probabilities the tagger shows (decision.evidence_scaled): the classes the evidence rules refuse
    scaled down. The tags are decided on the model's own probabilities (decide)."""
    both = np.ones(len(proba), dtype=bool) if has_both is None else has_both
    return np.array(
        [
            evidence_scaled(p, bool(c) or tau is not None, bool(b), scales)
            for p, c, b in zip(proba, has_cue, both, strict=True)
        ]
    )


def fit_evidence_scales(
    proba: np.ndarray,
    y: np.ndarray,
    has_cue: np.ndarray,
    has_both: np.ndarray | None,
    tau: float | None,
) -> tuple[float, float]:
    """The (mixed without both sides, outcome without a cue) scales under which the confidence of the tag
    shown best predicts whether it is right (log-loss); 1.0 for a rule that is off. (The class log-loss
    would shrink mixed too, but on real writing that makes the shown tags more sure than they are right.)"""
    pred = np.array([OUTCOMES.index(o) for o in decide(proba, has_cue, tau, has_both)])
    right = pred == y
    best, best_loss = (1.0, 1.0), float("inf")
    mixed_grid = EVIDENCE_SCALES if has_both is not None else (1.0,)
    cue_grid = EVIDENCE_SCALES if tau is None else (1.0,)
    for scales in itertools.product(mixed_grid, cue_grid):
        conf = shown_proba(proba, has_cue, has_both, tau, scales)[np.arange(len(y)), pred]
        conf = np.clip(conf, 1e-6, 1 - 1e-6)
        loss = -float(np.mean(np.where(right, np.log(conf), np.log(1 - conf))))
        if loss < best_loss - 1e-9:
            best, best_loss = scales, loss
    return best


SHORT_TOKENS = 40  # no real passage is shorter; below this, confidence is calibrated on our written posts


def calibrate_by_length(
    proba: np.ndarray, n_tokens: np.ndarray, temperature: float, short_temperature: float
) -> np.ndarray:
    """calibrate() with the short posts' own temperature below SHORT_TOKENS (decision.LogisticModel)."""
    out = calibrate(proba, temperature)
    short = n_tokens < SHORT_TOKENS
    if short.any():
        out[short] = calibrate(proba[short], short_temperature)
    return out


def decide(
    proba: np.ndarray,
    has_cue: np.ndarray,
    min_confidence: float | None,
    has_both: np.ndarray | None = None,
) -> list[str]:
    """The outcome the tagger shows (decision.Decider): the model's choice, except that with no cue tied
    to exercise an outcome needs at least min_confidence (None: it is always none); and, with has_both
    given, mixed needs a benefit and a harm of exercise in the words (decision.mixed_has_evidence) unless
    the model is MIXED_MIN_CONFIDENCE sure, else the likelier of the other outcomes."""
    out = []
    for i, (p, cue) in enumerate(zip(proba, has_cue, strict=True)):
        k = int(p.argmax())
        if k == MIXED_INDEX and has_both is not None and not has_both[i] and p[k] < MIXED_MIN_CONFIDENCE:
            k = max((j for j in range(len(OUTCOMES)) if j != MIXED_INDEX), key=lambda j: p[j])
        if k != NONE_INDEX and not cue and (min_confidence is None or p[k] < min_confidence):
            k = NONE_INDEX
        out.append(OUTCOMES[k])
    return out


def macro_f1(gold, pred) -> float:
    return classification(gold, pred)[1]


def class_weights(y: np.ndarray, weighting: str) -> np.ndarray | None:
    if weighting == "uniform":
        return None
    counts = np.bincount(y, minlength=len(OUTCOMES)).astype(float)
    return counts.sum() / (len(OUTCOMES) * np.maximum(counts, 1))


# ---------------------------------------------------------------------------------------------------------
# TextCategorizer
# ---------------------------------------------------------------------------------------------------------


def textcat_probs(
    train_items,
    predict_texts,
    epochs: int,
    save_to: Path | None = None,
    config: dict = TEXTCAT_CONFIG,
    vectors: dict[str, np.ndarray] | None = None,
) -> np.ndarray:
    """Train a TextCategorizer (the shipped TextCatBOW unless config says otherwise) on train_items for
    `epochs`; return class probabilities for predict_texts (and save the component to save_to). With
    static word vectors (keyed by lower-case words: textcat_variants.word_vectors) the text is read
    lower-cased."""
    import spacy
    from spacy.training import Example
    from spacy.util import fix_random_seed, minibatch

    fix_random_seed(SEED)
    nlp = spacy.blank("en")
    if vectors:
        nlp.vocab.reset_vectors(width=len(next(iter(vectors.values()))))
        for word, vec in vectors.items():
            nlp.vocab.set_vector(word, vec)

    def read(text: str) -> str:
        return prepare_text(text).lower() if vectors else prepare_text(text)

    textcat = nlp.add_pipe("textcat", config=config)
    for label in OUTCOMES:
        textcat.add_label(label)
    train = [
        Example.from_dict(nlp.make_doc(read(i.text)), {"cats": {o: float(o == i.outcome) for o in OUTCOMES}})
        for i in train_items
    ]
    optimizer = nlp.initialize(lambda: train)
    rng = random.Random(SEED)
    for _ in range(epochs):
        rng.shuffle(train)
        for batch in minibatch(train, size=16):
            nlp.update(batch, drop=0.2, sgd=optimizer)
    if save_to is not None:
        if save_to.exists():
            shutil.rmtree(save_to)
        textcat.to_disk(save_to, exclude=["vocab"])
    texts = [read(t) for t in predict_texts]
    if not texts:
        return np.zeros((0, len(OUTCOMES)))
    return np.array([[d.cats[o] for o in OUTCOMES] for d in nlp.pipe(texts)])


@dataclass
class TextcatRun:
    """TextCat probabilities for one number of epochs:
    outer[i]:    for fit item i, from a model trained on the other folds (out of fold);
    inner[k][i]: for fit item i outside fold k, from a model trained on neither fold k nor i's fold (the
                 features of the stacker fitted for fold k, nested so fold k is never read);
    dev:         for the dev items, from a model trained on all fit items."""

    epochs: int
    outer: np.ndarray
    inner: dict[int, np.ndarray]
    dev: np.ndarray


def textcat_run(
    items: list[Item], folds: np.ndarray, dev: list[Item], epochs: int, dev_probs: np.ndarray | None = None
) -> TextcatRun:
    n = len(items)
    outer = np.zeros((n, len(OUTCOMES)))
    inner: dict[int, np.ndarray] = {}
    for k in range(FOLDS):
        held = folds == k
        outer[held] = textcat_probs(
            [it for it, h in zip(items, held, strict=True) if not h],
            [it.text for it, h in zip(items, held, strict=True) if h],
            epochs,
        )
        inner[k] = np.zeros((n, len(OUTCOMES)))
        for j in range(FOLDS):
            if j == k:
                continue
            use = (folds != k) & (folds != j)
            inner[k][folds == j] = textcat_probs(
                [it for it, u in zip(items, use, strict=True) if u],
                [it.text for it, f in zip(items, folds, strict=True) if f == j],
                epochs,
            )
    if dev_probs is None:
        dev_probs = textcat_probs(items, [i.text for i in dev], epochs)
    return TextcatRun(epochs, outer, inner, dev_probs)


# ---------------------------------------------------------------------------------------------------------
# The cue reader (reader.py): a logistic regression over each cue's context, fitted with scikit-learn
# (development only: the product reads the weights from JSON)
# ---------------------------------------------------------------------------------------------------------

READER_C = 1.0  # inverse L2 strength; 0.3 and 3 gave the same real-text CV within 0.01


@dataclass
class ReaderRun:
    """The cue reader's post features (reader.READER_FEATURES), out of fold like TextcatRun's."""

    outer: np.ndarray
    inner: dict[int, np.ndarray]
    dev: np.ndarray


def fit_reader(rows: list[list[tuple[dict, object]]], outcomes: list[str], c: float = READER_C):
    """(vectorizer, model) fitted on every read cue of the given posts."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    feats = [x for post in rows for x, _ in post]
    labels = [cue_label(cue, o) for post, o in zip(rows, outcomes, strict=True) for _, cue in post]
    vectorizer = DictVectorizer()
    model = LogisticRegression(C=c, max_iter=3000).fit(vectorizer.fit_transform(feats), labels)
    return vectorizer, model


def reader_post_features(rows: list[list[tuple[dict, object]]], fitted) -> np.ndarray:
    vectorizer, model = fitted
    out = np.zeros((len(rows), len(READER_FEATURES)))
    for i, post in enumerate(rows):
        if post:
            scores = model.predict_proba(vectorizer.transform([x for x, _ in post]))[:, 1]
            out[i] = reader_features([cue for _, cue in post], scores)
    return out


def reader_run(rows, outcomes: list[str], folds: np.ndarray, dev_rows) -> ReaderRun:

    n = len(rows)
    width = len(READER_FEATURES)
    outer = np.zeros((n, width))
    inner: dict[int, np.ndarray] = {}

    def part(mask):
        idx = np.flatnonzero(mask)
        return [rows[i] for i in idx], [outcomes[i] for i in idx]

    for k in range(FOLDS):
        outer[folds == k] = reader_post_features(part(folds == k)[0], fit_reader(*part(folds != k)))
        inner[k] = np.zeros((n, width))
        for j in range(FOLDS):
            if j != k:
                fitted = fit_reader(*part((folds != k) & (folds != j)))
                inner[k][folds == j] = reader_post_features(part(folds == j)[0], fitted)
    dev = reader_post_features(dev_rows, fit_reader(rows, outcomes))
    return ReaderRun(outer, inner, dev)


def reader_spec(fitted, n_cues: int) -> dict:
    """The fitted reader as resources/cue_reader.json holds it (weights under 1e-4 left out)."""
    vectorizer, model = fitted
    weights = {
        name: round(float(w), 5)
        for name, w in zip(vectorizer.get_feature_names_out(), model.coef_[0], strict=True)
        if abs(w) >= 1e-4
    }
    return {"bias": round(float(model.intercept_[0]), 5), "C": READER_C, "cues": n_cues, "weights": weights}
