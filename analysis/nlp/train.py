"""Train the decision model and compare decision methods: `python -m analysis.nlp.train [--write]`.

Fits on the train split only and chooses on the dev split (the test split is never read here):
  - rules:    decision.rule_scores / outcome_from_scores over the context-flagged cue features;
  - logreg:   a multinomial logistic regression (numpy) over the same features, L2 strength chosen on dev;
  - textcat:  spaCy's TextCategorizer (TextCatBOW.v3, unigrams+bigrams) on the raw text, epochs chosen on dev.
Prints dev (and seed) macro-F1 for each. With --write, saves the logistic regression to
resources/decision_model.json (which changes TAGGER_VERSION). Deterministic: fixed seeds, full-batch
training, so the same data gives the same file.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

import numpy as np

from .decision import outcome_from_scores, rule_scores
from .evaluation import classification, load_split
from .features import FEATURE_NAMES, raw_sums
from .pipeline import build_pipeline
from .resources import MODEL_FILE, OUTCOMES, RESOURCES_DIR
from .tagger import prepare_text

L2_GRID = (0.1, 1.0, 3.0, 10.0, 30.0, 100.0, 300.0)
EPOCHS = 3000
LEARNING_RATE = 0.5
SEED = 20240611


def featurise(nlp, texts):
    xs, rule_preds = [], []
    for doc in nlp.pipe((prepare_text(t) for t in texts), batch_size=64):
        f = doc._.outcome_findings
        xs.append([f.features[name] for name in FEATURE_NAMES])
        rule_preds.append(outcome_from_scores(*rule_scores(raw_sums(f))))
    return np.asarray(xs, dtype=np.float64), rule_preds


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
    for _ in range(EPOCHS):
        logits = z @ w.T + b
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        g = (p - onehot) * sample_w[:, None] / n
        w -= LEARNING_RATE * (g.T @ z + l2 * w / n)
        b -= LEARNING_RATE * g.sum(axis=0)
    return {"kind": "logistic_regression", "features": list(FEATURE_NAMES), "classes": list(OUTCOMES),
            "mean": mean.tolist(), "scale": scale.tolist(), "coef": w.tolist(), "intercept": b.tolist(),
            "l2": l2, "epochs": EPOCHS}


def predict_logreg(model: dict, x: np.ndarray) -> list[str]:
    z = (x - np.asarray(model["mean"])) / np.asarray(model["scale"])
    logits = z @ np.asarray(model["coef"]).T + np.asarray(model["intercept"])
    return [OUTCOMES[i] for i in logits.argmax(axis=1)]


def macro_f1(gold, pred) -> float:
    return classification(gold, pred)[1]


def train_textcat(train_items, dev_items, max_epochs: int = 12):
    """spaCy TextCatBOW on the raw text; returns (best dev macro-F1, best epoch, nlp)."""
    import spacy
    from spacy.training import Example
    from spacy.util import fix_random_seed, minibatch

    fix_random_seed(SEED)
    nlp = spacy.blank("en")
    textcat = nlp.add_pipe("textcat", config={"model": {
        "@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": True, "ngram_size": 2,
        "no_output_layer": False, "length": 262144}})
    for label in OUTCOMES:
        textcat.add_label(label)

    def example(item):
        return Example.from_dict(nlp.make_doc(prepare_text(item.text)),
                                 {"cats": {o: float(o == item.outcome) for o in OUTCOMES}})

    train = [example(i) for i in train_items]
    optimizer = nlp.initialize(lambda: train)
    rng = random.Random(SEED)
    best = (-1.0, 0)
    gold = [i.outcome for i in dev_items]
    for epoch in range(1, max_epochs + 1):
        rng.shuffle(train)
        for batch in minibatch(train, size=16):
            nlp.update(batch, drop=0.2, sgd=optimizer)
        pred = [max(d.cats, key=d.cats.get) for d in nlp.pipe(prepare_text(i.text) for i in dev_items)]
        score = macro_f1(gold, pred)
        if score > best[0]:
            best = (score, epoch)
    return best


def textcat_probs(train_items, predict_texts, epochs: int):
    """Train TextCatBOW on train_items for `epochs`; return class probabilities for predict_texts."""
    import spacy
    from spacy.training import Example
    from spacy.util import fix_random_seed, minibatch

    fix_random_seed(SEED)
    nlp = spacy.blank("en")
    textcat = nlp.add_pipe("textcat", config={"model": {
        "@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": True, "ngram_size": 2,
        "no_output_layer": False, "length": 262144}})
    for label in OUTCOMES:
        textcat.add_label(label)
    train = [Example.from_dict(nlp.make_doc(prepare_text(i.text)),
                               {"cats": {o: float(o == i.outcome) for o in OUTCOMES}}) for i in train_items]
    optimizer = nlp.initialize(lambda: train)
    rng = random.Random(SEED)
    for _ in range(epochs):
        rng.shuffle(train)
        for batch in minibatch(train, size=16):
            nlp.update(batch, drop=0.2, sgd=optimizer)
    return np.array([[d.cats[o] for o in OUTCOMES] for d in nlp.pipe(prepare_text(t) for t in predict_texts)])


def hybrid(train, dev, seed, x_tr, x_dev, x_seed, y_tr, epochs: int, folds: int = 5):
    """Logistic regression over the cue features plus out-of-fold TextCat probabilities."""
    oof = np.zeros((len(train), len(OUTCOMES)))
    order = np.arange(len(train)) % folds
    for k in range(folds):
        held = order == k
        oof[held] = textcat_probs([t for t, h in zip(train, held, strict=True) if not h],
                                  [t.text for t, h in zip(train, held, strict=True) if h], epochs)
    full_dev = textcat_probs(train, [i.text for i in dev], epochs)
    full_seed = textcat_probs(train, [i.text for i in seed], epochs)
    best = None
    for l2 in L2_GRID:
        model = fit_logreg(np.hstack([x_tr, oof]), y_tr, l2)
        model["features"] = list(FEATURE_NAMES) + [f"textcat_{o}" for o in OUTCOMES]
        d = macro_f1([i.outcome for i in dev], predict_logreg(model, np.hstack([x_dev, full_dev])))
        s = macro_f1([i.outcome for i in seed], predict_logreg(model, np.hstack([x_seed, full_seed])))
        if best is None or d >= best[0] - 1e-9:
            best = (d, s, l2)
    return best


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"write resources/{MODEL_FILE}")
    parser.add_argument("--no-textcat", action="store_true", help="skip the TextCategorizer comparison")
    args = parser.parse_args(argv)

    train, dev, seed = load_split("train"), load_split("dev"), load_split("seed")
    nlp = build_pipeline(method="rules")
    x_tr, rules_tr = featurise(nlp, [i.text for i in train])
    x_dev, rules_dev = featurise(nlp, [i.text for i in dev])
    x_seed, rules_seed = featurise(nlp, [i.text for i in seed])
    y_tr = np.array([OUTCOMES.index(i.outcome) for i in train])
    g_tr, g_dev, g_seed = ([i.outcome for i in s] for s in (train, dev, seed))

    rows = [("rules", macro_f1(g_tr, rules_tr), macro_f1(g_dev, rules_dev), macro_f1(g_seed, rules_seed), "")]
    counts = np.bincount(y_tr, minlength=len(OUTCOMES)).astype(float)
    balanced = counts.sum() / (len(OUTCOMES) * np.maximum(counts, 1))
    best = None
    for weighting, cw in (("uniform", None), ("balanced", balanced)):
        for l2 in L2_GRID:
            model = fit_logreg(x_tr, y_tr, l2, cw)
            dev_f1 = macro_f1(g_dev, predict_logreg(model, x_dev))
            tr_f1 = macro_f1(g_tr, predict_logreg(model, x_tr))
            seed_f1 = macro_f1(g_seed, predict_logreg(model, x_seed))
            print(f"  logreg {weighting:8} l2={l2:<6} train {tr_f1:.3f}  dev {dev_f1:.3f}  seed {seed_f1:.3f}")
            # ties go to the stronger regularisation (listed later)
            if best is None or dev_f1 >= best[0] - 1e-9:
                best = (dev_f1, tr_f1, seed_f1, model, f"{weighting}, l2={l2}")
    dev_f1, tr_f1, seed_f1, model, label = best
    rows.append(("logreg", tr_f1, dev_f1, seed_f1, label))
    if not args.no_textcat:
        tc_dev, epoch = train_textcat(train, dev)
        tc_seed = macro_f1(g_seed, [OUTCOMES[k] for k in textcat_probs(train, [i.text for i in seed], epoch).argmax(1)])
        rows.append(("textcat (BOW)", float("nan"), tc_dev, tc_seed, f"best epoch {epoch}"))
        h_dev, h_seed, h_l2 = hybrid(train, dev, seed, x_tr, x_dev, x_seed, y_tr, epoch)
        rows.append(("logreg+textcat", float("nan"), h_dev, h_seed, f"l2={h_l2}, textcat probs out-of-fold"))

    print(f"\n{'method':<16} {'train':>7} {'dev':>7} {'seed':>7}  (macro-F1)")
    for name, a, b, c, note in rows:
        print(f"{name:<16} {a:>7.3f} {b:>7.3f} {c:>7.3f}  {note}")

    if args.write:
        model["trained_on"] = f"train ({len(train)} items); chosen on dev ({len(dev)} items): {label}"
        model["dev_macro_f1"] = round(dev_f1, 4)
        path = Path(RESOURCES_DIR) / MODEL_FILE
        rounded = {k: (np.round(np.asarray(v), 6).tolist() if k in ("mean", "scale", "coef", "intercept") else v)
                   for k, v in model.items()}
        path.write_text(json.dumps(rounded, indent=1) + "\n", encoding="utf-8")
        print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
