"""The static-embedding experiment (devtools.tagger.embeddings): the views hold the sentences they claim,
and a held-out fold's labels choose nothing it is scored with. Every text here is our own."""

import numpy as np
import pytest

from analysis.nlp.pipeline import build_pipeline
from analysis.nlp.tagger import prepare_text
from devtools.tagger import embeddings
from devtools.tagger.embeddings import C_GRID, emb_run, view_texts

POST = (
    "My knees have been bad for years. "
    "In March I started a gentle yoga class. "
    "It has eased my knee pain a lot. "
    "We also got a new kitchen. "
    "The builders were slow."
)


def test_the_views_hold_the_exercise_and_cue_sentences_and_the_next():
    # given a post with background, an exercise, a benefit of it and unrelated news
    doc = build_pipeline(method="rules")(prepare_text(POST))
    # when its views are read
    views = view_texts(doc)
    # then the whole text is one view, and the exercise view starts at the exercise and stops one sentence
    # after the last cue; the benefit view is the cue's sentence and the next; there is no harm
    assert views["a"] == doc.text
    assert views["ex"].startswith("In March") and "kitchen" in views["ex"] and "builders" not in views["ex"]
    assert views["ben"].startswith("It has eased") and "kitchen" in views["ben"]
    assert views["harm"] == ""


def test_a_held_out_folds_labels_change_nothing_it_is_scored_with():
    # given noisy features and labels, and the same with fold 0's labels scrambled
    rng = np.random.default_rng(0)
    n = 250
    x = rng.normal(size=(n, 6))
    y = np.digitize(x[:, 0] + rng.normal(scale=1.0, size=n), [-0.7, 0.0, 0.7])
    folds = np.arange(n) % 5
    real = np.arange(n) % 2 == 0
    y2 = y.copy()
    y2[folds == 0] = rng.permutation(4).repeat(n)[: (folds == 0).sum()]
    # when the two runs are built
    run, run2 = emb_run(x, y, real, folds, x[:3]), emb_run(x, y2, real, folds, x[:3])
    # then fold 0's C and its out-of-fold probabilities are the same: its labels chose nothing
    assert run.c_outer[0] == run2.c_outer[0] and run.c_outer[0] in C_GRID
    assert np.allclose(run.outer[folds == 0], run2.outer[folds == 0])
    # and fold k's nested features fill exactly the rows outside k, as whole probabilities
    for k in range(5):
        assert np.all(run.inner[k][folds == k] == 0)
        assert np.allclose(run.inner[k][folds != k].sum(1), 1.0)
    assert np.allclose(run.outer.sum(1), 1.0) and run.dev.shape == (3, 4)


@pytest.mark.parametrize("text", ["", "   "])
def test_an_empty_view_is_the_zero_vector(text):
    wl = embeddings.load_wordllama()
    out = embeddings.embed(wl, [text, "Swimming helps my back."])
    assert not out[0].any()
    assert np.isclose(np.linalg.norm(out[1]), 1.0)
