"""A semantic view for the decision model (an experiment, issue #9): `python -m devtools.tagger.embeddings`.

The tagger reads meaning only through its lexicons, so paraphrases and metaphors escape it. Here each post
is also read as mean static token embeddings (wordllama 0.4.0.post1: a 32000x256 table and its tokenizer,
both inside the wheel; nothing is downloaded), over four views of the prepared text (quotes blanked):
  a      the whole text;
  ex     the "exercise sentences": those naming an exercise or holding a cue tied to one, and the next;
  ben    the same for sentences holding a benefit cue tied to exercise (any status), and the next;
  harm   the same for harm cues.
A view with no sentence is the zero vector. A scikit-learn logistic regression over the views' embeddings
gives four class probabilities, stacked under the decision model out of fold like train_models.TextcatRun
(its C chosen inside each training part only: see emb_run). --compare cross-validates the stacked methods
in the folds of `python -m devtools.tagger.train` (--reported: cue views of reported cues only); --bench
times the embedding step. Development only: wordllama is not a requirement of the product.
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np

import devtools.tagger.train as train_module
from analysis.nlp.pipeline import build_pipeline
from analysis.nlp.resources import OUTCOMES
from analysis.nlp.tagger import prepare_text
from devtools.tagger.evaluation import load_split
from devtools.tagger.evidence import cached_textcat, score_method
from devtools.tagger.labelled_data import REALDEV_DIR
from devtools.tagger.train import (
    REPEATS,
    assign_folds,
    featurise,
    load_real,
    macro_f1,
)
from devtools.tagger.train_models import FOLDS

VIEWS = ("a", "ex", "ben", "harm")
DIM = 256
# inverse L2 of the embedding LR on standardised features; chosen per training part (emb_run)
C_GRID = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03)
# the embedding LRs compared: which views each reads (concatenated)
VARIANTS = {"emb_a": ("a",), "emb_bc": ("ex", "ben", "harm"), "emb_abc": VIEWS}


def load_wordllama():
    """WordLlamaInference from the files in the wheel. WordLlama.load() looks for the tokenizer in
    `tokenizer/` (the wheel has `tokenizers/`) and then tries to download it, so it is built by hand."""
    import wordllama
    from safetensors import safe_open
    from wordllama.inference import WordLlamaInference
    from wordllama.wordllama import WordLlama

    root = Path(wordllama.__file__).parent
    tok = WordLlama.load_tokenizer(root / "tokenizers" / "l2_supercat_tokenizer_config.json")
    with safe_open(str(root / "weights" / "l2_supercat_256.safetensors"), framework="np") as f:
        table = f.get_tensor("embedding.weight")
    return WordLlamaInference(table, tok)


def embed(wl, texts: list[str]) -> np.ndarray:
    """Unit-length mean token embeddings; an empty text is the zero vector. Whitespace is collapsed:
    blanked quotes would otherwise become runs of space tokens that pull every mean alike."""
    texts = [" ".join(t.split()) for t in texts]
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    idx = [i for i, t in enumerate(texts) if t]
    if idx:
        out[idx] = wl.embed([texts[i] for i in idx], norm=True, batch_size=32)
    return out


def view_texts(doc, reported: bool = False) -> dict[str, str]:
    """The text of each view of one parsed post (pipeline Findings: mentions and cues with their sentence);
    reported: only cues the writer reports as having happened (Cue.reported) make the cue views."""
    f = doc._.outcome_findings
    n = len(f.sent_starts)
    ex = {m.sent for m in f.mentions if m.kind == "exercise"}
    tied = [c for c in f.cues if c.target_kind == "exercise" and (c.reported or not reported)]
    ex |= {c.sent for c in tied}
    ben = {c.sent for c in tied if c.polarity == "helped"}
    harm = {c.sent for c in tied if c.polarity != "helped"}

    def text(sents: set[int]) -> str:
        keep = sorted(sents | {s + 1 for s in sents if s + 1 < n})
        return " ".join(doc[slice(*f.sent_span(s))].text for s in keep)

    return {"a": doc.text, "ex": text(ex), "ben": text(ben), "harm": text(harm)}


def embed_views(nlp, wl, texts: list[str], reported: bool = False) -> dict[str, np.ndarray]:
    views = [view_texts(doc, reported) for doc in nlp.pipe((prepare_text(t) for t in texts), batch_size=64)]
    return {v: embed(wl, [p[v] for p in views]) for v in VIEWS}


# ---------------------------------------------------------------------------------------------------------
# The embedding LR, out of fold
# ---------------------------------------------------------------------------------------------------------


def _fit(x: np.ndarray, y: np.ndarray, c: float):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    model = LogisticRegression(C=c, class_weight="balanced", max_iter=3000)
    return make_pipeline(StandardScaler(), model).fit(x, y)


def _proba(model, x: np.ndarray) -> np.ndarray:
    p = np.zeros((len(x), len(OUTCOMES)))
    p[:, model.classes_] = model.predict_proba(x)
    return p


def _log_loss(p: np.ndarray, y: np.ndarray) -> float:
    return -float(np.mean(np.log(np.clip(p[np.arange(len(y)), y], 1e-12, 1.0))))


@dataclass
class EmbRun:
    """The embedding LR's class probabilities, out of fold like train_models.TextcatRun (outer, nested
    inner[k], dev from a model fitted on every fit item); c_outer: the C chosen for each outer fold."""

    outer: np.ndarray
    inner: dict[int, np.ndarray]
    dev: np.ndarray
    c_outer: list[float]
    c_dev: float


def emb_run(x: np.ndarray, y: np.ndarray, real: np.ndarray, folds: np.ndarray, x_dev: np.ndarray) -> EmbRun:
    """For every C, the outer and nested inner predictions. The inner predictions of outer fold k are a
    4-fold CV of fold k's training part (grouped as training groups it), so C for fold k is the one whose
    inner predictions have the lowest log-loss on the real passages of that training part: fold k's labels
    never choose anything. The same C gives fold k's nested stacking features. The dev model's C is chosen
    on all outer predictions (dev is not read)."""
    n, k_ = len(y), len(OUTCOMES)
    outer = {c: np.zeros((n, k_)) for c in C_GRID}
    inner = {c: {k: np.zeros((n, k_)) for k in range(FOLDS)} for c in C_GRID}
    for c in C_GRID:
        for k in range(FOLDS):
            held = folds == k
            outer[c][held] = _proba(_fit(x[~held], y[~held], c), x[held])
            for j in range(FOLDS):
                if j != k:
                    use, part = (folds != k) & (folds != j), folds == j
                    inner[c][k][part] = _proba(_fit(x[use], y[use], c), x[part])
    run_outer = np.zeros((n, k_))
    run_inner, c_outer = {}, []
    for k in range(FOLDS):
        part = (folds != k) & real
        c = min(C_GRID, key=lambda c: _log_loss(inner[c][k][part], y[part]))
        c_outer.append(c)
        run_outer[folds == k] = outer[c][folds == k]
        run_inner[k] = inner[c][k]
    c_dev = min(C_GRID, key=lambda c: _log_loss(outer[c][real], y[real]))
    dev = _proba(_fit(x, y, c_dev), x_dev)
    return EmbRun(run_outer, run_inner, dev, c_outer, c_dev)


def _runs(x, y, real, fold_sets, x_dev) -> list[EmbRun]:
    return [emb_run(x, y, real, folds, x_dev) for folds in fold_sets]


def _cached_runs(cache: Path | None, name: str, make) -> list[EmbRun]:
    path = None if cache is None else cache / f"{name}.npz"
    if path is not None and path.exists():
        z = np.load(path)
        return [
            EmbRun(
                z[f"outer{r}"],
                {k: z[f"inner{r}_{k}"] for k in range(FOLDS)},
                z[f"dev{r}"],
                [float(c) for c in z[f"c_outer{r}"]],
                float(z[f"c_dev{r}"]),
            )
            for r in range(int(z["repeats"]))
        ]
    runs = make()
    if path is not None:
        cache.mkdir(parents=True, exist_ok=True)
        arrays = {"repeats": np.array(len(runs))}
        for r, run in enumerate(runs):
            arrays.update({f"outer{r}": run.outer, f"dev{r}": run.dev, f"c_dev{r}": np.array(run.c_dev)})
            arrays[f"c_outer{r}"] = np.array(run.c_outer)
            arrays.update({f"inner{r}_{k}": v for k, v in run.inner.items()})
        np.savez(path, **arrays)
    return runs


# ---------------------------------------------------------------------------------------------------------
# The comparison
# ---------------------------------------------------------------------------------------------------------


def alone_report(name: str, runs: list[EmbRun], fit, dev) -> None:
    """The embedding LR by itself: its argmax, out of fold on the real passages, and on written dev."""
    real = fit.real
    gold = [g for g, r in zip(fit.gold, real, strict=True) if r]
    each = [macro_f1(gold, [OUTCOMES[k] for k in run.outer[real].argmax(1)]) for run in runs]
    dev_f1 = macro_f1(dev.gold, [OUTCOMES[k] for k in runs[0].dev.argmax(1)])
    cs = "; ".join(f"C per fold {run.c_outer}, dev C {run.c_dev}" for run in runs)
    each_s = "/".join(f"{e:.3f}" for e in each)
    print(f"{name + ' alone':<24} {dev_f1:>6.3f} {np.mean(each):>8.3f} {each_s:>12}  {cs}")


def compare(items, fit, dev, views, dev_views, cache: Path | None, only=None, suffix: str = "") -> None:
    fold_sets = [assign_folds(items, repeat=r) for r in range(REPEATS)]
    y, real = fit.y, fit.real
    emb = {}
    for name, vs in VARIANTS.items():
        x = np.hstack([views[v] for v in vs])
        x_dev = np.hstack([dev_views[v] for v in vs])
        emb[name] = _cached_runs(cache, name + suffix, partial(_runs, x, y, real, fold_sets, x_dev))
        print(f"  {name} runs ready", flush=True)
    head = f"{'method':<24} {'dev':>6} {'CV-real':>8} {'assign.':>12}"
    print(f"\n{head}  per class h/w/m/n (real, each assignment)")
    for name, runs in emb.items():
        alone_report(name, runs, fit, dev)
    tcs = cached_textcat(cache, items, dev.items, fold_sets)
    stacks = {
        "logreg": [],
        "logreg+textcat": [tcs],
        "logreg+emb_a": [emb["emb_a"]],
        "logreg+emb_bc": [emb["emb_bc"]],
        "logreg+emb_abc": [emb["emb_abc"]],
        "logreg+emb_a+textcat": [emb["emb_a"], tcs],
        "logreg+emb_bc+textcat": [emb["emb_bc"], tcs],
        "logreg+emb_abc+textcat": [emb["emb_abc"], tcs],
    }
    for method, stack in stacks.items():
        if only is None or method in only:
            score_method(fit, dev, fold_sets, stack, method, width=24)


# ---------------------------------------------------------------------------------------------------------
# Cost
# ---------------------------------------------------------------------------------------------------------


def _rss_mb() -> float:
    """Resident set size now (Linux /proc), in MB."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def bench(real_texts: list[str], posts: int) -> None:
    """Posts per second of the embedding step alone (four views of each post, one thread: the views'
    sentences are taken from an already parsed post, so the parse is not counted) and the RSS it adds."""
    nlp = build_pipeline(method="rules")
    texts = (real_texts * (posts // len(real_texts) + 1))[:posts]
    docs = list(nlp.pipe((prepare_text(t) for t in texts), batch_size=64))
    views = [view_texts(d) for d in docs]
    before = _rss_mb()
    wl = load_wordllama()
    loaded = _rss_mb()
    embed(wl, [v["a"] for v in views[:64]])  # warm up
    t0 = time.perf_counter()
    for i in range(0, len(views), 64):
        chunk = views[i : i + 64]
        for v in VIEWS:
            embed(wl, [p[v] for p in chunk])
    dt = time.perf_counter() - t0
    print(f"embedding step: {len(views) / dt:.0f} posts/s ({len(views)} realdev-length posts, 4 views each)")
    after = _rss_mb()
    print(f"RSS {before:.0f} MB; loading adds {loaded - before:.0f} MB, embedding {after - loaded:.0f} MB")
    print(f"peak RSS of the process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3:.0f} MB")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--realdev", type=Path, default=Path(os.environ.get("ANALYSIS_REALDEV_DIR") or REALDEV_DIR)
    )
    parser.add_argument("--compare", action="store_true", help="cross-validate the stacked methods")
    parser.add_argument("--cache", type=Path, help="keep the TextCat and embedding runs here between runs")
    parser.add_argument("--reported", action="store_true", help="cue views of reported cues only")
    parser.add_argument("--only", help="comma-separated methods to score (default: all)")
    parser.add_argument("--full-l2", action="store_true", help="the decision model's full L2 grid")
    parser.add_argument("--bench", type=int, default=0, help="time the embedding step over N posts")
    args = parser.parse_args(argv)
    os.environ.setdefault("RAYON_NUM_THREADS", "1")  # the tokenizer's threads: one core, as a worker has
    real = load_real(args.realdev)
    if not real:
        print("no real passages: nothing to measure")
        return
    if args.bench:
        bench([it.text for it in real], args.bench)
    if not args.compare:
        return
    if not args.full_l2:  # like evidence --quick: about half the time, every method alike
        train_module.L2_GRID = (100.0, 300.0, 1000.0)
    nlp = build_pipeline(method="rules")
    wl = load_wordllama()
    train, dev_items, seed = load_split("train"), load_split("dev"), load_split("seed")
    items = train + seed + real
    fit, dev = featurise(nlp, items), featurise(nlp, dev_items)
    views = embed_views(nlp, wl, [it.text for it in items], args.reported)
    dev_views = embed_views(nlp, wl, [it.text for it in dev_items], args.reported)
    only = set(args.only.split(",")) if args.only else None
    compare(items, fit, dev, views, dev_views, args.cache, only, "_reported" if args.reported else "")


if __name__ == "__main__":
    main()
