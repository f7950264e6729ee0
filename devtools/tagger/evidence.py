"""Evidence sentences from the annotators' rationales (issue #9): `python -m devtools.tagger.evidence`.

Every real passage of realdev train and train-extra has `why`, its annotator's one-line reason for the
label. align() finds the passage's sentences that `why` names (TF-IDF-weighted overlap of stemmed content
words and of the lexicon's intervention and symptom names); those sentences carry the post's outcome
(for `mixed`, the side of the exercise cues in them), every other sentence is `other`: silver labels for
the sentence reader (evidence_model.py). The command prints the alignment's statistics, a sample to check
by eye (--show N), and with --compare the cross-validated comparison against the shipped method, in the
same folds as `python -m devtools.tagger.train` (--textcat adds the TextCategorizer-stacked methods, about
ten minutes more). Real passages are printed only to the terminal, never written anywhere.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
from collections import Counter
from pathlib import Path

import numpy as np

import devtools.tagger.train as train_module
from analysis.nlp.pipeline import build_pipeline
from analysis.nlp.resources import OUTCOMES
from analysis.nlp.tagger import prepare_text
from devtools.tagger.evaluation import load_split
from devtools.tagger.evidence_model import (
    EVIDENCE_C,
    SENTENCE_CLASSES,
    SENTENCE_FEATURES,
    EvidenceRun,
    evidence_run,
    fit_sentences,
    post_rows,
    sentence_proba,
)
from devtools.tagger.labelled_data import REALDEV_DIR, REALDEV_FILES, Item
from devtools.tagger.train import (
    REPEATS,
    Featurised,
    assign_folds,
    best,
    featurise,
    load_real,
    logreg_candidates,
    out_of_fold_proba,
    real_text_report,
)
from devtools.tagger.train_models import FOLDS, TextcatRun, calibrate, reader_run, textcat_probs, textcat_run

ALIGN_THRESHOLD = 0.25  # share of the rationale's (IDF-weighted) content a sentence must hold
SECOND_RATIO = 0.7  # a second sentence is evidence too when it scores this close to the first
# a sentence not chosen but scoring at least this may be evidence the rationale words differently: it is
# not fitted on (neither evidence nor `other`)
UNSURE_SCORE = 0.18
# words of the annotators' own register, not of the passage
_RATIONALE_WORDS = frozenset(
    "writer writes reports reported says said describes described mentions notes own personal outcome "
    "experience first hand author post poster".split()
)
_STOP = frozenset(
    "a an the and or but of to in on at for with from by as is are was were be been being it its this that "
    "these those i me my we our you your he she her his him they them their not no so if then than too very "
    "just also about after before when while which who what how do does did has have had can could would "
    "will into out up down over more less some any all much many there here".split()
)
_TOKEN = re.compile(r"[a-z][a-z']+")


def _stem(word: str) -> str:
    return word[:5]


def content(text: str) -> list[str]:
    return [
        _stem(w)
        for w in _TOKEN.findall(text.lower())
        if w not in _STOP and w not in _RATIONALE_WORDS and len(w) > 2
    ]


def load_rationales(realdev_dir: Path) -> dict[str, str]:
    """id -> `why` of the passages that may be trained on (never test.jsonl)."""
    out = {}
    for name in REALDEV_FILES["realdev"]:
        with (Path(realdev_dir) / name).open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    raw = json.loads(line)
                    out[str(raw["id"])] = str(raw.get("why") or "")
    return out


class Parsed:
    """One item read by the pipeline: its sentences' texts, their lexicon names and reader features."""

    def __init__(self, doc):
        f = doc._.outcome_findings
        n = len(f.sent_starts)
        self.texts = [doc[slice(*f.sent_span(s))].text for s in range(n)]
        self.names: list[set[str]] = [set() for _ in range(n)]
        for m in f.mentions:
            self.names[m.sent].add(f"INT:{m.name}")
        for a, _b, name, _v in f.symptoms:
            self.names[int(f.sent_of[a])].add(f"SYM:{name}")
        self.sides: list[set[str]] = [set() for _ in range(n)]
        for c in f.cues:
            if c.target_kind == "exercise" and c.reported:
                self.sides[c.sent].add("benefit" if c.polarity == "helped" else "harm")
        self.rows = post_rows(doc, f)


def parse(nlp, texts: list[str]) -> list[Parsed]:
    return [Parsed(doc) for doc in nlp.pipe((prepare_text(t) for t in texts), batch_size=64)]


def rationale_names(nlp, whys: list[str]) -> list[set[str]]:
    out = []
    for doc in nlp.pipe(whys, batch_size=64):
        f = doc._.outcome_findings
        names = {f"INT:{m.name}" for m in f.mentions} | {f"SYM:{s[2]}" for s in f.symptoms}
        out.append(names)
    return out


def idf_table(parsed: list[Parsed]) -> dict[str, float]:
    df: Counter = Counter()
    n = 0
    for p in parsed:
        for text, names in zip(p.texts, p.names, strict=True):
            df.update(set(content(text)) | names)
            n += 1
    return {w: math.log((1 + n) / (1 + c)) + 1.0 for w, c in df.items()}


def align(p: Parsed, why: str, why_names: set[str], idf: dict[str, float]) -> tuple[list[int], list[float]]:
    """The sentences the rationale names (best first, at most two) and every sentence's score."""
    target = set(content(why)) | why_names
    default = max(idf.values()) if idf else 1.0
    total = sum(idf.get(w, default) for w in target) or 1.0
    scores = []
    for text, names in zip(p.texts, p.names, strict=True):
        bag = set(content(text)) | names
        scores.append(sum(idf.get(w, default) for w in target & bag) / total)
    order = sorted(range(len(scores)), key=lambda s: -scores[s])
    chosen = []
    for rank, s in enumerate(order[:2]):
        if scores[s] < ALIGN_THRESHOLD or (rank == 1 and scores[s] < SECOND_RATIO * scores[order[0]]):
            break
        chosen.append(s)
    return chosen, scores


def silver_labels(p: Parsed, outcome: str, chosen: list[int], scores: list[float]) -> list[str | None] | None:
    """Sentence labels of one real passage, None for the whole post when its evidence was not found."""
    if outcome == "none":
        return ["other"] * len(p.texts)
    if not chosen:
        return None
    labels: list[str | None] = ["other" if score < UNSURE_SCORE else None for score in scores]
    for s in chosen:
        if outcome == "helped":
            labels[s] = "benefit"
        elif outcome == "worsened":
            labels[s] = "harm"
        else:  # mixed: the side of the exercise cues in it; neither or both: not fitted on
            labels[s] = next(iter(p.sides[s])) if len(p.sides[s]) == 1 else None
    return labels


def build_silver(nlp, real: list[Item], parsed_real: list[Parsed], whys: dict[str, str]):
    names = rationale_names(nlp, [whys.get(it.id, "") for it in real])
    idf = idf_table(parsed_real)
    alignments, labels = [], []
    for it, p, wn in zip(real, parsed_real, names, strict=True):
        chosen, scores = align(p, whys.get(it.id, ""), wn, idf)
        alignments.append((chosen, scores))
        labels.append(silver_labels(p, it.outcome, chosen, scores))
    return alignments, labels


def print_alignment_stats(real, alignments, labels) -> None:
    by_outcome: dict[str, list[int]] = {}
    for it, (chosen, _s) in zip(real, alignments, strict=True):
        if it.outcome != "none":
            by_outcome.setdefault(it.outcome, []).append(len(chosen))
    print("alignment (posts with an outcome: how many sentences the rationale was aligned to):")
    for o, counts in sorted(by_outcome.items()):
        c = Counter(counts)
        print(f"  {o:<9} {len(counts):>4} posts: 0 -> {c[0]}, 1 -> {c[1]}, 2 -> {c[2]}")
    sent = Counter(y for lab in labels if lab for y in lab)
    skipped = sum(1 for lab in labels if lab is None)
    print(f"  silver sentences: {dict(sent)}; posts left out (no evidence found): {skipped}")


def show_sample(real, parsed, alignments, whys, n: int, seed: int) -> None:
    """Print n passages with an outcome, their rationale and the aligned sentences (terminal only)."""
    idx = [i for i, it in enumerate(real) if it.outcome != "none"]
    for i in sorted(random.Random(seed).sample(idx, min(n, len(idx)))):
        chosen, scores = alignments[i]
        print(f"\n{real[i].id} [{real[i].outcome}] why: {whys[real[i].id]}")
        for s in chosen:
            print(f"   -> s{s} ({scores[s]:.2f}) {parsed[i].texts[s][:300]!r}")
        rest = sorted((s for s in range(len(scores)) if s not in chosen), key=lambda s: -scores[s])[:1]
        for s in rest:
            print(f"      next s{s} ({scores[s]:.2f}) {parsed[i].texts[s][:160]!r}")


def sentence_report(items, rows, labels, c: float) -> None:
    """How well the reader finds the silver evidence sentences of real passages it has not read (5 folds
    by website, first fold assignment)."""
    from sklearn.metrics import classification_report

    folds = assign_folds(items)
    gold, pred = [], []
    has = np.array([lab is not None for lab in labels])
    for k in range(FOLDS):
        train = np.flatnonzero((folds != k) & has)
        fitted = fit_sentences([rows[i] for i in train], [labels[i] for i in train], c)
        for i in np.flatnonzero((folds == k) & has):
            p = sentence_proba(rows[i], fitted)
            for y, row in zip(labels[i], p, strict=True):
                if y:
                    gold.append(y)
                    pred.append(SENTENCE_CLASSES[int(row.argmax())])
    print("\nsentence reader, out of fold on the silver labels of real passages:")
    print(classification_report(gold, pred, digits=3, zero_division=0))


def _columns(run: EvidenceRun, n: int) -> EvidenceRun:
    return EvidenceRun(run.outer[:, :n], {k: v[:, :n] for k, v in run.inner.items()}, run.dev[:, :n])


def _textcat_runs(items, dev_items, fold_sets):
    dev_probs = textcat_probs(items, [i.text for i in dev_items], 4)
    return [textcat_run(items, f, dev_items, 4, dev_probs) for f in fold_sets]


def cached_textcat(cache: Path | None, items, dev_items, fold_sets) -> list[TextcatRun]:
    """The TextCategorizer's runs take most of the time and do not change between evidence variants: kept
    in --cache (a folder outside the project; class probabilities only, no text)."""
    path = None if cache is None else cache / "textcat_runs.npz"
    if path is not None and path.exists():
        z = np.load(path)
        return [
            TextcatRun(4, z[f"outer{r}"], {k: z[f"inner{r}_{k}"] for k in range(FOLDS)}, z[f"dev{r}"])
            for r in range(len(fold_sets))
        ]
    runs = _textcat_runs(items, dev_items, fold_sets)
    if path is not None:
        cache.mkdir(parents=True, exist_ok=True)
        arrays = {}
        for r, run in enumerate(runs):
            arrays[f"outer{r}"], arrays[f"dev{r}"] = run.outer, run.dev
            arrays.update({f"inner{r}_{k}": v for k, v in run.inner.items()})
        np.savez(path, **arrays)
    return runs


def compare(
    items,
    fit: Featurised,
    dev: Featurised,
    rows,
    labels,
    dev_rows,
    with_textcat: bool,
    c: float,
    cache: Path | None = None,
):
    fold_sets = [assign_folds(items, repeat=r) for r in range(REPEATS)]
    evs = _cached_evidence(cache, c, lambda: [evidence_run(rows, labels, f, dev_rows, c) for f in fold_sets])
    sent_only = [_columns(run, len(SENTENCE_FEATURES)) for run in evs]
    tcs: list = []

    def textcat():  # computed once, when a method first needs it
        if not tcs:
            tcs.extend(cached_textcat(cache, items, dev.items, fold_sets))
        return tcs

    stacks = {
        "logreg": lambda: [],
        "logreg+evidence": lambda: [sent_only],
        "logreg+evidence+cues": lambda: [evs],
    }
    if os.environ.get("EVIDENCE_READER"):
        stacks["logreg+reader"] = lambda: [
            [reader_run(fit.cue_rows, fit.gold, f, dev.cue_rows) for f in fold_sets]
        ]
    if with_textcat:
        stacks["logreg+textcat"] = lambda: [textcat()]
        stacks["logreg+evidence+textcat"] = lambda: [sent_only, textcat()]
        stacks["logreg+evidence+cues+textcat"] = lambda: [evs, textcat()]
    print(f"\n{'method':<28} {'dev':>6} {'CV-real':>8} {'assign.':>12}  per class (real, each assignment)")
    skip = set(os.environ.get("EVIDENCE_SKIP", "").split(","))
    for method, make in stacks.items():
        if method in skip:
            continue
        score_method(fit, dev, fold_sets, make(), method)


def score_method(fit, dev, fold_sets, stack, method: str, width: int = 28) -> None:
    """The decision model with these stacked runs (one list per fold assignment), chosen exactly like
    training chooses: its written dev, real CV, each assignment's real CV, per-class F1 and ECE, setting."""
    winner = best(logreg_candidates(fit, dev, fold_sets, stack, method))
    reports = []
    for r, folds in enumerate(fold_sets):
        oof = out_of_fold_proba(fit, folds, [runs[r] for runs in stack], winner.l2, winner.weighting)
        oof = calibrate(oof, winner.temperature)
        reports.append(real_text_report(oof, fit, winner.min_confidence, winner.mixed_needs_both))
    per = " | ".join(
        "/".join(f"{rep['f1'][o]:.2f}" for o in OUTCOMES) + f" ece {rep['ece']:.3f}" for rep in reports
    )
    each = "/".join(f"{rep['macro_f1']:.3f}" for rep in reports)
    print(f"{method:<{width}} {winner.dev_f1:>6.3f} {winner.cv_real_f1:>8.3f} {each:>12}  {per}")
    print(f"{'':<{width}} {winner.setting}", flush=True)


def _cached_evidence(cache: Path | None, c: float, make) -> list[EvidenceRun]:
    path = None if cache is None else cache / f"evidence_runs_c{c}.npz"
    if path is not None and path.exists():
        z = np.load(path)
        n = int(z["repeats"])
        return [
            EvidenceRun(z[f"outer{r}"], {k: z[f"inner{r}_{k}"] for k in range(FOLDS)}, z[f"dev{r}"])
            for r in range(n)
        ]
    runs = make()
    if path is not None:
        cache.mkdir(parents=True, exist_ok=True)
        arrays = {"repeats": np.array(len(runs))}
        for r, run in enumerate(runs):
            arrays[f"outer{r}"], arrays[f"dev{r}"] = run.outer, run.dev
            arrays.update({f"inner{r}_{k}": v for k, v in run.inner.items()})
        np.savez(path, **arrays)
    return runs


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--realdev", type=Path, default=Path(os.environ.get("ANALYSIS_REALDEV_DIR") or REALDEV_DIR)
    )
    parser.add_argument("--show", type=int, default=0, help="print N aligned passages to check by eye")
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--compare", action="store_true", help="cross-validate against the shipped method")
    parser.add_argument("--sentences", action="store_true", help="the reader's own out-of-fold figures")
    parser.add_argument("--textcat", action="store_true", help="also the TextCategorizer-stacked methods")
    parser.add_argument("--cache", type=Path, help="keep the TextCategorizer's runs here between runs")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="L2 100, 300 and 1000 only (every method alike; about half the time)",
    )
    parser.add_argument("--c", type=float, default=EVIDENCE_C, help="the sentence reader's inverse L2")
    args = parser.parse_args(argv)
    if args.quick:
        train_module.L2_GRID = (100.0, 300.0, 1000.0)

    nlp = build_pipeline(method="rules")
    whys = load_rationales(args.realdev)
    train, dev_items, seed = load_split("train"), load_split("dev"), load_split("seed")
    real = load_real(args.realdev)
    items = train + seed + real
    parsed = parse(nlp, [it.text for it in items])
    parsed_real = parsed[len(train) + len(seed) :]
    alignments, real_labels = build_silver(nlp, real, parsed_real, whys)
    print_alignment_stats(real, alignments, real_labels)
    if args.show:
        show_sample(real, parsed_real, alignments, whys, args.show, args.seed)
    labels = [None] * (len(train) + len(seed)) + real_labels
    if args.sentences:
        sentence_report(items, [p.rows for p in parsed], labels, args.c)
    if not args.compare:
        return
    fit, dev = featurise(nlp, items), featurise(nlp, dev_items)
    dev_rows = [p.rows for p in parse(nlp, [it.text for it in dev_items])]
    compare(items, fit, dev, [p.rows for p in parsed], labels, dev_rows, args.textcat, args.c, args.cache)


if __name__ == "__main__":
    main()
