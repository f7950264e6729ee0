"""How real-text CV grows with the real passages trained on: `python -m devtools.tagger.learning_curve`.

The question it answers: would more labelled real writing move the tagger, and by how much? Folds are
training's (5, real passages by website, two assignments). In each fold only a share of the training folds'
real websites is kept (drawn at random, --draws times; the written and seed items are kept whole) and the
held-out fold is scored as usual, so every point is scored on the same real passages. The method is the
logistic regression over the cue features (balanced classes, L2 300, strict evidence, mixed needs both
sides): the shipped method without its stacked TextCategorizer, whose nested runs would multiply the cost
(it scores about 0.015 lower on real CV); with --textcat, the TextCategorizer alone too. Reads realdev train
and train-extra only (--realdev PATH), never its test split.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from analysis.nlp.pipeline import build_pipeline
from analysis.nlp.resources import OUTCOMES
from devtools.tagger.evaluation import load_split
from devtools.tagger.labelled_data import REALDEV_DIR
from devtools.tagger.train import REPEATS, assign_folds, featurise, group_of, is_real, load_real
from devtools.tagger.train_models import (
    FOLDS,
    calibrate,
    class_weights,
    decide,
    fit_logreg,
    fit_temperature,
    macro_f1,
    proba_logreg,
    textcat_probs,
)

SHARES = (0.0, 0.25, 0.5, 0.75, 1.0)
TEXTCAT_EPOCHS = 4  # as training's
L2 = 300.0


def _kept_for_training(groups, real, train, share: float, rng: np.random.Generator) -> np.ndarray:
    """The training folds' items that are fitted on: every written and seed item, and the real passages of
    `share` of the training folds' websites (drawn by rng)."""
    sites = sorted(set(groups[train & real]))
    kept = rng.choice(sites, size=round(share * len(sites)), replace=False) if sites else []
    return train & (~real | np.isin(groups, list(kept)))


def real_cv(fit, folds: np.ndarray, share: float, rng: np.random.Generator) -> tuple[float, float]:
    """Real-passage macro-F1 out of fold when each fold keeps `share` of its training websites, and the
    mean number of real passages fitted on."""
    y, real = fit.y, fit.real
    groups = np.array([group_of(it) for it in fit.items])
    oof = np.zeros((len(y), len(OUTCOMES)))
    fitted_on = []
    for k in range(FOLDS):
        train, test = folds != k, folds == k
        keep = _kept_for_training(groups, real, train, share, rng)
        model = fit_logreg(fit.x[keep], y[keep], L2, class_weights(y[keep], "balanced"))
        oof[test] = proba_logreg(model, fit.x[test])
        fitted_on.append(int((keep & real).sum()))
    oof = calibrate(oof, fit_temperature(oof[real], y[real]))
    pred = np.asarray(decide(oof, fit.has_cue, None, fit.has_both))
    gold = np.asarray(fit.gold)
    return macro_f1(list(gold[real]), list(pred[real])), float(np.mean(fitted_on))


def textcat_real_cv(items, folds: np.ndarray, share: float, rng: np.random.Generator) -> tuple[float, float]:
    """The same for the TextCategorizer alone (the stacked model's other input), trained on the kept items."""
    real = np.array([is_real(it) for it in items])
    groups = np.array([group_of(it) for it in items])
    gold = np.array([it.outcome for it in items])
    pred = np.empty(len(items), dtype=object)
    fitted_on = []
    for k in range(FOLDS):
        keep = _kept_for_training(groups, real, folds != k, share, rng)
        test = np.flatnonzero((folds == k) & real)
        chosen = [items[j] for j in np.flatnonzero(keep)]
        proba = textcat_probs(chosen, [items[j].text for j in test], TEXTCAT_EPOCHS)
        pred[test] = [OUTCOMES[int(row.argmax())] for row in proba]
        fitted_on.append(int((keep & real).sum()))
    return macro_f1(list(gold[real]), list(pred[real])), float(np.mean(fitted_on))


def _print_curve(title: str, measure, fold_sets, draws: int) -> None:
    print(
        f"{title}\nshare of real websites kept   real passages fitted on (mean per fold)   real CV macro-F1"
    )
    for share in SHARES:
        runs = [
            measure(folds, share, np.random.default_rng(100 * r + d))
            for r, folds in enumerate(fold_sets)
            for d in range(draws if 0 < share < 1 else 1)
        ]
        scores = [s for s, _ in runs]
        print(
            f"{share:>6.0%} {np.mean([n for _, n in runs]):>34.0f} "
            f"{np.mean(scores):>30.3f} ({min(scores):.3f}-{max(scores):.3f})",
            flush=True,
        )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--realdev", type=str, default=None, help="realdev folder (default: the setting's)")
    parser.add_argument("--draws", type=int, default=3, help="random draws of the websites kept per share")
    parser.add_argument(
        "--textcat", action="store_true", help="the TextCategorizer alone too (a few minutes)"
    )
    args = parser.parse_args(argv)
    real = load_real(REALDEV_DIR if args.realdev is None else Path(args.realdev))
    if not real:
        print("no realdev passages: nothing to measure")
        return
    items = load_split("train") + load_split("seed") + real
    fit = featurise(build_pipeline(method="rules"), items)
    fold_sets = [assign_folds(items, repeat=r) for r in range(REPEATS)]
    print(f"{int(fit.real.sum())} real passages, {len(items) - int(fit.real.sum())} written and seed items")
    _print_curve(
        "the cue-feature model",
        lambda folds, share, rng: real_cv(fit, folds, share, rng),
        fold_sets,
        args.draws,
    )
    if args.textcat:
        _print_curve(
            "the TextCategorizer alone",
            lambda folds, share, rng: textcat_real_cv(items, folds, share, rng),
            fold_sets,
            args.draws,
        )


if __name__ == "__main__":
    main()
