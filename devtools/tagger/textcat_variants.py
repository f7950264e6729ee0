"""Can the TextCategorizer alone read real writing better? (an experiment, issue #9):
`python -m devtools.tagger.textcat_variants [--only NAME,...]`.

The shipped TextCatBOW reads the real passages at 0.390 macro-F1 out of fold, and the decision model stacks
it. Variants, each scored alone in training's folds (5, real passages by website, both assignments; the
written train split and seed stories always fitted on, as in training):
  bow        the shipped configuration (the baseline, same run);
  why        plus each training fold's real passages' rationales (`why`) as extra documents with the post's
             outcome: the annotators' plain words for what decided the label;
  evidence   plus the sentences those rationales are aligned to (evidence.py: benefit sentences as helped,
             harm sentences as worsened): the words that carry the outcome, without the illness narrative;
  cnn        a CNN (TextCatReduce over a window encoder) whose token embeddings include static word vectors
             (wordllama's table, each word the mean of its pieces), which sees word order and paraphrase;
  ensemble   the CNN and the bag of words together (spaCy's TextCatEnsemble).
The CNN variants lower-case the text (the vectors are keyed by lower-case words) and take about a minute per
fold. Reads realdev train and train-extra only (--realdev PATH), never its test split; nothing is written.
"""

from __future__ import annotations

import argparse
import logging
import os
import time
from pathlib import Path

import numpy as np

from analysis.nlp.pipeline import build_pipeline
from analysis.nlp.resources import OUTCOMES, TEXTCAT_CONFIG
from analysis.nlp.tagger import prepare_text
from devtools.tagger.embeddings import load_wordllama
from devtools.tagger.evaluation import load_split
from devtools.tagger.evidence import build_silver, load_rationales, parse
from devtools.tagger.labelled_data import REALDEV_DIR, Item
from devtools.tagger.train import REPEATS, assign_folds, is_real, load_real
from devtools.tagger.train_models import FOLDS, macro_f1, textcat_probs

VARIANTS = ("bow", "why", "evidence", "cnn", "ensemble")
NEURAL = ("cnn", "ensemble")  # read with static word vectors
BOW_EPOCHS = 4  # as training's
CNN_EPOCHS = 8
WIDTH = 64


def _tok2vec() -> dict:
    return {
        "@architectures": "spacy.Tok2Vec.v2",
        "embed": {
            "@architectures": "spacy.MultiHashEmbed.v2",
            "width": WIDTH,
            "attrs": ["NORM", "PREFIX", "SUFFIX"],
            "rows": [5000, 1000, 2500],
            "include_static_vectors": True,
        },
        "encode": {
            "@architectures": "spacy.MaxoutWindowEncoder.v2",
            "width": WIDTH,
            "depth": 2,
            "window_size": 1,
            "maxout_pieces": 3,
        },
    }


def textcat_config(variant: str) -> dict:
    if variant == "cnn":
        return {
            "model": {
                "@architectures": "spacy.TextCatReduce.v1",
                "exclusive_classes": True,
                "use_reduce_first": False,
                "use_reduce_last": False,
                "use_reduce_max": True,
                "use_reduce_mean": True,
                "tok2vec": _tok2vec(),
            }
        }
    if variant == "ensemble":
        return {
            "model": {
                "@architectures": "spacy.TextCatEnsemble.v2",
                "tok2vec": _tok2vec(),
                "linear_model": TEXTCAT_CONFIG["model"],
            }
        }
    return TEXTCAT_CONFIG


def word_vectors(texts: list[str]) -> dict[str, np.ndarray]:
    """A static vector for every lower-case word of the texts: wordllama's mean over the word's pieces."""
    import spacy

    words = sorted({t.lower_ for d in spacy.blank("en").tokenizer.pipe(texts) for t in d if not t.is_space})
    vecs = load_wordllama().embed(words, norm=False, batch_size=256)
    return dict(zip(words, vecs, strict=True))


def variant_probs(variant: str, train: list[Item], texts: list[str], vectors) -> np.ndarray:
    """Class probabilities for texts from the variant's TextCategorizer trained on train (the extra
    documents, if any, already in it), by training's own trainer."""
    neural = variant in NEURAL
    return textcat_probs(
        train,
        texts,
        CNN_EPOCHS if neural else BOW_EPOCHS,
        config=textcat_config(variant),
        vectors=vectors if neural else None,
    )


def extra_documents(realdev: Path, real: list[Item]) -> dict[str, dict[str, list[Item]]]:
    """variant -> real passage id -> the documents it adds when that passage is in the training part."""
    whys = load_rationales(realdev)
    nlp = build_pipeline(method="rules")
    parsed = parse(nlp, [it.text for it in real])
    _alignments, labels = build_silver(nlp, real, parsed, whys)
    side = {"benefit": "helped", "harm": "worsened"}
    out: dict[str, dict[str, list[Item]]] = {"why": {}, "evidence": {}}
    for it, p, lab in zip(real, parsed, labels, strict=True):
        if whys.get(it.id):
            out["why"][it.id] = [Item(f"{it.id}-why", whys[it.id], it.outcome)]
        out["evidence"][it.id] = [
            Item(f"{it.id}-s{s}", p.texts[s], side[lab_s])
            for s, lab_s in enumerate(lab or [])
            if lab_s in side
        ]
    return out


def real_cv(variant: str, items: list[Item], extra, vectors) -> list[float]:
    real = np.array([is_real(it) for it in items])
    gold = np.array([it.outcome for it in items])
    scores = []
    for r in range(REPEATS):
        folds = assign_folds(items, repeat=r)
        pred = np.empty(len(items), dtype=object)
        for k in range(FOLDS):
            train = [items[j] for j in np.flatnonzero(folds != k)]
            train += [doc for it in train for doc in extra.get(variant, {}).get(it.id, [])]
            test = np.flatnonzero((folds == k) & real)
            proba = variant_probs(variant, train, [items[j].text for j in test], vectors)
            pred[test] = [OUTCOMES[int(row.argmax())] for row in proba]
        scores.append(macro_f1(list(gold[real]), list(pred[real])))
    return scores


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--realdev", type=Path, default=Path(os.environ.get("ANALYSIS_REALDEV_DIR") or REALDEV_DIR)
    )
    parser.add_argument("--only", help=f"comma-separated, of {','.join(VARIANTS)}")
    args = parser.parse_args(argv)
    logging.getLogger("spacy").setLevel(logging.WARNING)  # one line per fit otherwise
    variants = args.only.split(",") if args.only else list(VARIANTS)
    real = load_real(args.realdev)
    if not real:
        print("no real passages: nothing to measure")
        return
    items = load_split("train") + load_split("seed") + real
    extra = extra_documents(args.realdev, real) if {"why", "evidence"} & set(variants) else {}
    neural = set(NEURAL) & set(variants)
    vectors = word_vectors([prepare_text(it.text) for it in items]) if neural else None
    print(f"{'variant':<10} {'real CV':>8} {'assignments':>14}")
    for variant in variants:
        start = time.time()
        scores = real_cv(variant, items, extra, vectors)
        each = "/".join(f"{s:.3f}" for s in scores)
        print(f"{variant:<10} {np.mean(scores):>8.3f} {each:>14}   ({time.time() - start:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
