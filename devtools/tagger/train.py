"""Train the decision model and compare decision methods: `python -m devtools.tagger.train [--write]`.

Fits on the written gold train split, the forum's labelled seed stories (forum.seeding.corpus, read as files:
no Django) and the real passages of realdev train and train-extra (--realdev PATH, default
$ANALYSIS_REALDEV_DIR or a shared/realdev folder beside the checkout; without it, written data only, and
it says so). The written dev split is held out; the written test, challenge and fresh splits and realdev
test are never read here.

Methods:
  - rules:          decision.rule_scores over the context-flagged, attributed cue features (nothing fitted);
  - logreg:         a multinomial logistic regression (numpy) over the same features;
  - textcat:        spaCy's TextCategorizer (TextCatBOW.v3, unigrams + bigrams) alone on the raw text, for
                    reference;
  - logreg+reader:  the same plus the cue reader's scores (reader.py: which cues are reports);
  - logreg+textcat: the logistic regression over the cue features plus the TextCategorizer's class
                    probabilities (stacked: out-of-fold probabilities for the items it is fitted on);
  - logreg+reader+textcat: both stacked.

Every setting (TextCat epochs, L2 strength, class weighting, and how sure the model must be to tag an
outcome when no cue was tied to exercise) is scored by 5-fold cross-validation over everything fitted on:
seed stories folded by thread file, real passages by website (one site's writers never sit on both sides),
written gold items stratified by outcome, repeated over REPEATS fold assignments; the stacked model is
cross-validated with nested out-of-fold TextCat probabilities, so no fold's TextCat has read the posts it
is scored on. The winner maximises CV macro-F1 on the real passages among settings that read written dev
at DEV_FLOOR or better (without real passages, the mean of dev and CV); a method that stacks more models
must beat a simpler one by more than COMPLEXITY_TOLERANCE; ties within SELECTION_TOLERANCE go to the
stricter evidence rules (an outcome with no cue tied to exercise; mixed with no benefit and harm in the
words), then the better written dev, then the stronger L2. Probabilities are
temperature-scaled on the real passages' out-of-fold predictions. With --write the winner's artefacts are
saved (resources/decision_model.json with its real-text CV figures and confusion matrix, and
resources/cue_reader.json and resources/textcat/ when it reads them), which changes TAGGER_VERSION.
Deterministic: fixed seeds, fixed folds and full-batch training.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from analysis.nlp.decision import FEATURE_LAYOUTS, mixed_has_evidence, outcome_from_scores, rule_scores
from analysis.nlp.features import FEATURE_NAMES, raw_sums
from analysis.nlp.pipeline import build_pipeline
from analysis.nlp.reader import cue_features, read_cues
from analysis.nlp.resources import MODEL_FILE, OUTCOMES, READER_FILE, RESOURCES_DIR, TEXTCAT_DIR
from analysis.nlp.tagger import prepare_text
from devtools.tagger.evaluation import Item, classification, load_split
from devtools.tagger.labelled_data import REALDEV_DIR, RealdevMissing, load_realdev
from devtools.tagger.metrics import calibration
from devtools.tagger.train_models import (
    FOLDS,
    SHORT_TOKENS,
    TextcatRun,
    calibrate,
    calibrate_by_length,
    class_weights,
    decide,
    fit_evidence_scales,
    fit_logreg,
    fit_reader,
    fit_temperature,
    macro_f1,
    proba_logreg,
    reader_run,
    reader_spec,
    shown_proba,
    textcat_probs,
    textcat_run,
)

L2_GRID = (30.0, 100.0, 300.0, 1000.0, 2000.0)
EPOCH_GRID = (4,)
# How sure the model must be to tag helped/worsened/mixed when no cue in the post was tied to exercise
# (None: never, the post is tagged none). Never below 0.8: a tag with no sentence to show for it is only
# worth showing when the model is sure. With 0.0-0.7 allowed, new written voices made training
# pick 0.7 for +0.004-0.008 CV (within noise), and 70%-sure guesses with no evidence reached the badges
# ("I used to run marathons before I got ill. Now I just rest." came out worsened).
EVIDENCE_GRID = (None, 0.9, 0.8)
REPEATS = 2  # the CV figure is the mean over two different fold assignments (one alone moves +-0.01)
SELECTION_TOLERANCE = 0.005
# Real-text CV moves by about 0.01 between fold assignments: a method that stacks more models (the cue reader,
# the TextCategorizer) is chosen over a simpler one only when it is better by more than that.
COMPLEXITY_TOLERANCE = 0.01
# The written dev split must read at least this well for a setting to be chosen on real writing.
DEV_FLOOR = 0.80


# ---------------------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------------------


def _stable(text: str) -> str:
    """A fixed pseudo-random order (not security)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def is_real(item: Item) -> bool:
    """A realdev passage (it has the website it came from); written gold items and seed stories have none."""
    return bool(item.group)


def group_of(item: Item) -> str:
    """Seed stories are grouped by thread file (`a01_walking-programme-crash:p3` -> the file), real passages
    by website (one site's writers never sit on both sides); each written gold item is its own group."""
    if is_real(item):
        return f"site:{item.group}"
    return item.id.split(":", 1)[0] if ":" in item.id else item.id


def assign_folds(items: list[Item], folds: int = FOLDS, repeat: int = 0) -> np.ndarray:
    """Fold of each item: written gold items round-robin within their outcome (stratified, in a fixed hashed
    order), then whole groups (seed threads, real passages' websites), largest first, each to the fold
    with the fewest items so far. `repeat` changes the hashed order (another assignment for repeated
    cross-validation)."""
    fold = np.full(len(items), -1)
    sizes = np.zeros(folds, dtype=int)
    gold = [i for i, it in enumerate(items) if ":" not in it.id and not is_real(it)]
    for outcome in OUTCOMES:
        members = sorted(
            (i for i in gold if items[i].outcome == outcome), key=lambda i: _stable(f"{repeat}:{items[i].id}")
        )
        for n, i in enumerate(members):
            fold[i] = (n + OUTCOMES.index(outcome)) % folds
            sizes[fold[i]] += 1
    threads: dict[str, list[int]] = {}
    for i, it in enumerate(items):
        if ":" in it.id or is_real(it):
            threads.setdefault(group_of(it), []).append(i)
    for _name, members in sorted(threads.items(), key=lambda kv: (-len(kv[1]), _stable(f"{repeat}:{kv[0]}"))):
        k = int(np.argmin(sizes))
        fold[members] = k
        sizes[k] += len(members)
    return fold


@dataclass
class Featurised:
    items: list[Item]
    x: np.ndarray  # cue features (features.FEATURE_NAMES)
    rules: list[str]  # the rules' outcome
    has_cue: np.ndarray  # a cue was tied to exercise
    gold: list[str]
    cue_rows: list[list[tuple[dict, object]]]  # each post's read cues with their reader features
    has_both: np.ndarray  # the words hold a benefit and a harm of exercise (decision.mixed_has_evidence)
    n_tokens: np.ndarray  # the post's length in tokens (short posts have their own temperature)

    @property
    def y(self) -> np.ndarray:
        return np.array([OUTCOMES.index(g) for g in self.gold])

    @property
    def real(self) -> np.ndarray:
        return np.array([is_real(it) for it in self.items], dtype=bool)


def featurise(nlp, items: list[Item]) -> Featurised:
    """Feature matrix, the rules' outcomes, and whether any cue was tied to exercise."""
    xs, rule_preds, has_cue, cue_rows, has_both, n_tokens = [], [], [], [], [], []
    for doc in nlp.pipe((prepare_text(i.text) for i in items), batch_size=64):
        f = doc._.outcome_findings
        xs.append([f.features[name] for name in FEATURE_NAMES])
        rule_preds.append(outcome_from_scores(*rule_scores(raw_sums(f))))
        has_cue.append(any(c.target_kind == "exercise" for c in f.cues))
        cue_rows.append([(cue_features(doc, f, c), c) for c in read_cues(f)])
        has_both.append(mixed_has_evidence(f))
        n_tokens.append(f.n_tokens)
    return Featurised(
        items,
        np.asarray(xs, dtype=np.float64),
        rule_preds,
        np.asarray(has_cue),
        [i.outcome for i in items],
        cue_rows,
        np.asarray(has_both),
        np.asarray(n_tokens),
    )


# ---------------------------------------------------------------------------------------------------------
# Cross-validation and the choice
# ---------------------------------------------------------------------------------------------------------


@dataclass
class Candidate:
    method: str
    setting: str
    dev_f1: float
    cv_f1: float
    cv_gold_f1: float  # the written gold train items of the CV figure
    cv_seed_f1: float  # the seed stories of the CV figure
    cv_real_f1: float | None = None  # the real passages of the CV figure (None: no realdev)
    l2: float = 0.0
    min_confidence: float | None = None
    weighting: str = "uniform"
    epochs: int = 0
    temperature: float = 1.0
    mixed_needs_both: bool = False

    @property
    def score(self) -> float:
        """Real writing decides when there is some (the written splits are text we wrote ourselves); the
        written dev split must still read at DEV_FLOOR or better."""
        if self.cv_real_f1 is None:
            return (self.dev_f1 + self.cv_f1) / 2
        return self.cv_real_f1 if self.dev_f1 >= DEV_FLOOR else self.cv_real_f1 - 1.0


def _split_scores(fit: Featurised, pred: list[str]) -> tuple[float, float, float, float | None]:
    """Macro-F1 on all items, the written gold items, the seed stories and the real passages."""
    seed = np.array([":" in it.id for it in fit.items])
    real = np.array([is_real(it) for it in fit.items])
    gold = np.asarray(fit.gold)
    p = np.asarray(pred)
    written = ~seed & ~real
    return (
        macro_f1(fit.gold, pred),
        macro_f1(list(gold[written]), list(p[written])),
        macro_f1(list(gold[seed]), list(p[seed])),
        macro_f1(list(gold[real]), list(p[real])) if real.any() else None,
    )


def _mean_scores(scores: list[tuple]) -> tuple:
    return tuple(None if s[0] is None else float(np.mean(s)) for s in zip(*scores, strict=True))


def logreg_candidates(
    fit: Featurised,
    dev: Featurised,
    fold_sets: list[np.ndarray],
    stacks: list[list],
    method: str,
) -> list[Candidate]:
    """Every (weighting, L2, evidence rule) for the logistic regression over the cue features plus the
    stacked inputs (each a list of runs, one per fold assignment in fold_sets: ReaderRun, TextcatRun); the
    CV figures are means over the fold assignments."""
    y = fit.y
    x_fit = np.hstack([fit.x] + [runs[0].outer for runs in stacks])
    x_dev = np.hstack([dev.x] + [runs[0].dev for runs in stacks])
    tcs = next((runs for runs in stacks if isinstance(runs[0], TextcatRun)), None)
    out = []
    for weighting in ("uniform", "balanced"):
        for l2 in L2_GRID:
            oofs = [
                out_of_fold_proba(fit, folds, [runs[r] for runs in stacks], l2, weighting)
                for r, folds in enumerate(fold_sets)
            ]
            full = fit_logreg(x_fit, y, l2, class_weights(y, weighting))
            # confidences calibrated on the out-of-fold probabilities; the evidence rule reads them
            # calibrated on the real passages when there are some: the forum's posts are real writing
            real = fit.real if fit.real.any() else np.ones(len(y), dtype=bool)
            temperature = fit_temperature(
                np.vstack([o[real] for o in oofs]), np.concatenate([y[real]] * len(oofs))
            )
            oofs = [calibrate(o, temperature) for o in oofs]
            p_dev = calibrate(proba_logreg(full, x_dev), temperature)
            for tau, mixed_rule in itertools.product(EVIDENCE_GRID, (False, True)):
                both, dev_both = (fit.has_both, dev.has_both) if mixed_rule else (None, None)
                cv, cv_gold, cv_seed, cv_real = _mean_scores(
                    [_split_scores(fit, decide(o, fit.has_cue, tau, both)) for o in oofs]
                )
                dev_f1 = macro_f1(dev.gold, decide(p_dev, dev.has_cue, tau, dev_both))
                rule = "strict" if tau is None else f">={tau}"
                setting = f"{weighting}, l2={l2}, no-cue outcome {rule}"
                if mixed_rule:
                    setting += ", mixed needs both sides"
                if tcs is not None:
                    setting += f", textcat {tcs[0].epochs} epochs"
                out.append(
                    Candidate(
                        method,
                        setting,
                        dev_f1,
                        cv,
                        cv_gold,
                        cv_seed,
                        cv_real,
                        l2,
                        tau,
                        weighting,
                        tcs[0].epochs if tcs is not None else 0,
                        temperature,
                        mixed_rule,
                    )
                )
    return out


def out_of_fold_proba(
    fit: Featurised, folds: np.ndarray, runs: list, l2: float, weighting: str
) -> np.ndarray:
    """Out-of-fold probabilities of one logistic-regression setting (uncalibrated); with stacked runs
    (reader, TextCat), the stacker of each fold reads their nested out-of-fold features (run.inner), so no
    reader or TextCat model has read the posts it is scored on."""
    y = fit.y
    oof = np.zeros((len(y), len(OUTCOMES)))
    for k in range(FOLDS):
        tr, te = folds != k, folds == k
        x_tr = np.hstack([fit.x[tr]] + [run.inner[k][tr] for run in runs])
        x_te = np.hstack([fit.x[te]] + [run.outer[te] for run in runs])
        model = fit_logreg(x_tr, y[tr], l2, class_weights(y[tr], weighting))
        oof[te] = proba_logreg(model, x_te)
    return oof


def confidence_report(
    proba: np.ndarray, has_cue: np.ndarray, gold: list[str], tau: float | None, has_both=None, shown=None
) -> dict:
    """Does confidence rank errors? (the review queue takes the least confident tags) Tags are decided on
    proba; confidences read from shown (train_models.shown_proba), like decision.Decider."""
    pred = decide(proba, has_cue, tau, has_both)
    shown = proba if shown is None else shown
    conf = np.array([p[OUTCOMES.index(o)] for p, o in zip(shown, pred, strict=True)])
    wrong = np.array([p != g for p, g in zip(pred, gold, strict=True)])
    fifth = np.argsort(conf, kind="stable")[: len(conf) // 5]
    return {
        "items": len(gold),
        "errors": int(wrong.sum()),
        "mean_confidence_wrong": round(float(conf[wrong].mean()), 4) if wrong.any() else None,
        "mean_confidence_right": round(float(conf[~wrong].mean()), 4),
        "share_of_errors_in_least_confident_fifth": round(float(wrong[fifth].sum() / max(1, wrong.sum())), 4),
    }


def _inputs(c: Candidate) -> int:
    """How many models are stacked under the logistic regression (reader, TextCat)."""
    return c.method.count("+")


def best(cands: list[Candidate]) -> Candidate:
    # a stacked model must beat a simpler one by more than CV's own noise to be chosen
    top = max(c.score for c in cands)
    fewest = min(_inputs(c) for c in cands if c.score >= top - COMPLEXITY_TOLERANCE)
    simplest = [c for c in cands if _inputs(c) == fewest]
    top = max(c.score for c in simplest)
    near = [c for c in simplest if c.score >= top - SELECTION_TOLERANCE]
    # the stricter evidence rules (the labels ask for evidence: an outcome needs a cue, mixed a benefit and a
    # harm), then the better written dev (our own text must still read well), then the stronger L2
    return max(
        near,
        key=lambda c: (
            2.0 if c.min_confidence is None else c.min_confidence,
            c.mixed_needs_both,
            round(c.dev_f1, 3),
            c.l2,
        ),
    )


def load_real(realdev_dir: Path | None) -> list[Item]:
    """The realdev passages that may be trained on (train and train-extra; never its test split), or []
    with a note when the folder is absent (a user's clone has none)."""
    if realdev_dir is None:
        return []
    try:
        return load_realdev("realdev", realdev_dir)
    except RealdevMissing as exc:
        print(f"training on written data only: {exc}", flush=True)
        return []


def evaluate_all(realdev_dir: Path | None = REALDEV_DIR, epoch_grid=EPOCH_GRID, verbose: bool = True):
    """Featurise, cross-validate every method and setting; returns (candidates, context)."""
    train, dev_items, seed = load_split("train"), load_split("dev"), load_split("seed")
    real = load_real(realdev_dir)
    items = train + seed + real
    fold_sets = [assign_folds(items, repeat=r) for r in range(REPEATS)]
    nlp = build_pipeline(method="rules")
    fit, dev = featurise(nlp, items), featurise(nlp, dev_items)
    cands: list[Candidate] = []

    dev_f1 = macro_f1(dev.gold, dev.rules)
    cands.append(Candidate("rules", "decision.rule_scores", dev_f1, *_split_scores(fit, fit.rules)))
    rrs = [reader_run(fit.cue_rows, fit.gold, f, dev.cue_rows) for f in fold_sets]
    cands += logreg_candidates(fit, dev, fold_sets, [], "logreg")
    cands += logreg_candidates(fit, dev, fold_sets, [rrs], "logreg+reader")
    if verbose:
        print("  reader done", flush=True)
    runs = {}
    for epochs in epoch_grid:
        dev_probs = textcat_probs(items, [i.text for i in dev_items], epochs)
        tcs = runs[epochs] = [textcat_run(items, f, dev_items, epochs, dev_probs) for f in fold_sets]
        scores = _mean_scores([_split_scores(fit, [OUTCOMES[k] for k in tc.outer.argmax(1)]) for tc in tcs])
        dev_f1 = macro_f1(dev.gold, [OUTCOMES[k] for k in dev_probs.argmax(1)])
        cands.append(Candidate("textcat", f"TextCatBOW {epochs} epochs", dev_f1, *scores, epochs=epochs))
        cands += logreg_candidates(fit, dev, fold_sets, [tcs], "logreg+textcat")
        cands += logreg_candidates(fit, dev, fold_sets, [rrs, tcs], "logreg+reader+textcat")
        if verbose:
            print(f"  textcat {epochs} epochs done", flush=True)
    context = {
        "items": items,
        "fold_sets": fold_sets,
        "fit": fit,
        "dev": dev,
        "runs": runs,
        "reader_runs": rrs,
        "train": train,
    }
    return cands, context


def real_text_report(
    proba: np.ndarray, fit: Featurised, tau: float | None, mixed_rule: bool, shown=None
) -> dict | None:
    """Out-of-fold figures on the real passages: macro-F1, calibration (confidence read from shown, like
    confidence_report), and the confusion matrix (rows: what the annotators read, columns: what the tagger
    read), kept with the model for the model card and for correcting the dashboards' figures."""
    real = fit.real
    if not real.any():
        return None
    pred = decide(proba[real], fit.has_cue[real], tau, fit.has_both[real] if mixed_rule else None)
    gold = [g for g, r in zip(fit.gold, real, strict=True) if r]
    shown = proba if shown is None else shown
    conf = [p[OUTCOMES.index(o)] for p, o in zip(shown[real], pred, strict=True)]
    per_class, macro, accuracy, confusion = classification(gold, pred)
    cal = calibration(conf, [p == g for p, g in zip(pred, gold, strict=True)])
    return {
        "items": len(gold),
        "macro_f1": round(macro, 4),
        "accuracy": round(accuracy, 4),
        "f1": {o: round(per_class[o]["f1"], 4) for o in OUTCOMES},
        "ece": round(cal.ece, 4),
        "labels": list(OUTCOMES),
        "confusion": confusion,
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--write",
        action="store_true",
        help=f"write the winning method's artefacts: resources/{MODEL_FILE} (+ resources/{TEXTCAT_DIR}/)",
    )
    parser.add_argument("--all", action="store_true", help="print every setting, not only each method's best")
    parser.add_argument(
        "--realdev",
        type=Path,
        default=Path(os.environ.get("ANALYSIS_REALDEV_DIR") or REALDEV_DIR),
        help="the real-writing development set (train.jsonl and train-extra.jsonl are fitted on; test.jsonl "
        "is never read here); default $ANALYSIS_REALDEV_DIR or shared/realdev beside the checkout",
    )
    parser.add_argument("--no-realdev", action="store_true", help="fit on the written data only")
    args = parser.parse_args(argv)

    cands, ctx = evaluate_all(None if args.no_realdev else args.realdev)
    items, fit = ctx["items"], ctx["fit"]
    n_seed = sum(1 for i in items if ":" in i.id)
    n_real = int(fit.real.sum())
    n_written = len(items) - n_seed - n_real
    print(
        f"\nfitted on {len(items)} items (written train {n_written} + seed {n_seed} + real {n_real}); "
        f"dev {len(ctx['dev'].items)} held out; CV = {FOLDS}-fold, seed folds by thread, real passages by "
        f"website, mean of {REPEATS} fold assignments"
    )
    print(f"{'method':<16} {'dev':>6} {'CV':>6} {'CV-real':>8} {'CV-gold':>8} {'CV-seed':>8}  setting")
    shown = cands if args.all else []
    for method in ("rules", "logreg", "logreg+reader", "textcat", "logreg+textcat", "logreg+reader+textcat"):
        group = [c for c in cands if c.method == method]
        for c in [c for c in shown if c.method == method] or [best(group)]:
            real = "-" if c.cv_real_f1 is None else f"{c.cv_real_f1:.3f}"
            print(
                f"{c.method:<16} {c.dev_f1:>6.3f} {c.cv_f1:>6.3f} {real:>8} {c.cv_gold_f1:>8.3f} "
                f"{c.cv_seed_f1:>8.3f}  {c.setting}"
                + (f", T={c.temperature:.2f}" if c.method.startswith("logreg") else "")
            )
    # the plain TextCategorizer is a reference, not a candidate on its own
    winner = best([c for c in cands if c.method != "textcat"])
    rule = "CV macro-F1 on real writing, written dev at least" if n_real else "mean of dev and CV macro-F1"
    print(f"\nchosen ({rule}{f' {DEV_FLOOR}' if n_real else ''}): {winner.method}, {winner.setting}")
    print(
        f"  dev {winner.dev_f1:.3f}, CV {winner.cv_f1:.3f} (real {winner.cv_real_f1 or 0:.3f}, "
        f"gold {winner.cv_gold_f1:.3f}, seed {winner.cv_seed_f1:.3f})"
    )

    if not args.write:
        return
    resources = Path(RESOURCES_DIR)
    model_path, textcat_path = resources / MODEL_FILE, resources / TEXTCAT_DIR
    if winner.method == "rules":
        model_path.unlink(missing_ok=True)
        shutil.rmtree(textcat_path, ignore_errors=True)
        print(f"removed {model_path.name}: the rules decide")
        return
    y = fit.y
    uses_reader, uses_textcat = "reader" in winner.method, "textcat" in winner.method
    stacks = [
        ([ctx["reader_runs"][r]] if uses_reader else [])
        + ([ctx["runs"][winner.epochs][r]] if uses_textcat else [])
        for r in range(REPEATS)
    ]
    stacked = stacks[0]
    raw = [
        out_of_fold_proba(fit, folds, runs, winner.l2, winner.weighting)
        for folds, runs in zip(ctx["fold_sets"], stacks, strict=True)
    ]
    # posts under SHORT_TOKENS (none of them real: the real passages are longer) were right 87% of the time
    # at a mean confidence of 0.62 under the real passages' temperature; they get their own, fitted on ours
    short = (fit.n_tokens < SHORT_TOKENS) & ~fit.real
    short_temperature = (
        fit_temperature(np.vstack([o[short] for o in raw]), np.concatenate([y[short]] * REPEATS))
        if short.any()
        else winner.temperature
    )
    oofs = [calibrate_by_length(o, fit.n_tokens, winner.temperature, short_temperature) for o in raw]
    print(f"  temperature {winner.temperature:.3f}, under {SHORT_TOKENS} tokens {short_temperature:.3f}")
    oof, tau = oofs[0], winner.min_confidence
    both = fit.has_both if winner.mixed_needs_both else None
    # the evidence rules' calibration, fitted like the temperature on the real passages' out-of-fold output
    real = fit.real if fit.real.any() else np.ones(len(y), dtype=bool)
    scales = fit_evidence_scales(
        np.vstack([o[real] for o in oofs]),
        np.concatenate([y[real]] * REPEATS),
        np.concatenate([fit.has_cue[real]] * REPEATS),
        None if both is None else np.concatenate([both[real]] * REPEATS),
        tau,
    )
    shown = shown_proba(oof, fit.has_cue, both, tau, scales)
    print(f"  evidence scales (mixed without both sides, outcome without a cue): {scales}")
    cv_confidence = confidence_report(oof, fit.has_cue, fit.gold, tau, both, shown)
    cv_real = real_text_report(oof, fit, tau, winner.mixed_needs_both, shown)
    print(f"  confidence in CV: {cv_confidence}")
    print(f"  real writing in CV: {cv_real}")
    reader_path = resources / READER_FILE
    if uses_reader:
        fitted = fit_reader(fit.cue_rows, fit.gold)
        spec = reader_spec(fitted, sum(len(post) for post in fit.cue_rows))
        spec["trained_on"] = f"every read cue of the {len(items)} items the decision model is fitted on"
        reader_path.write_text(json.dumps(spec, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    else:
        reader_path.unlink(missing_ok=True)
    if uses_textcat:
        textcat_probs(items, [], winner.epochs, save_to=textcat_path)
    else:
        shutil.rmtree(textcat_path, ignore_errors=True)
    x = np.hstack([fit.x] + [run.outer for run in stacked])
    model = fit_logreg(x, y, winner.l2, class_weights(y, winner.weighting))
    model["features"] = list(FEATURE_LAYOUTS[(uses_reader, uses_textcat)])
    model["no_evidence_min_confidence"] = winner.min_confidence
    model["mixed_needs_both"] = winner.mixed_needs_both
    model["temperature"] = round(winner.temperature, 4)
    model["mixed_without_both_scale"], model["outcome_without_cue_scale"] = scales
    model["short_tokens"] = SHORT_TOKENS
    model["short_temperature"] = round(short_temperature, 4)
    model["trained_on"] = (
        f"{len(items)} items: {n_written} written train, {n_seed} seed stories, {n_real} real passages "
        f"(realdev train and train-extra); chosen on {FOLDS}-fold CV on the real passages, grouped by "
        f"website, with written dev at least {DEV_FLOOR}: {winner.method}, {winner.setting}"
    )
    model["labelled_items"] = len(items)
    model["dev_macro_f1"] = round(winner.dev_f1, 4)
    model["cv_macro_f1"] = round(winner.cv_f1, 4)
    model["cv_real_macro_f1"] = None if winner.cv_real_f1 is None else round(winner.cv_real_f1, 4)
    model["cv_confidence"] = cv_confidence
    model["cv_real"] = cv_real
    rounded = {
        k: (np.round(np.asarray(v), 6).tolist() if k in ("mean", "scale", "coef", "intercept") else v)
        for k, v in model.items()
    }
    model_path.write_text(json.dumps(rounded, indent=1) + "\n", encoding="utf-8")
    written = [model_path] + ([reader_path] if uses_reader else []) + ([textcat_path] if uses_textcat else [])
    print("wrote " + ", ".join(str(p) for p in written))


if __name__ == "__main__":
    main()
