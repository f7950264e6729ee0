"""The TextCategorizer experiment (devtools.tagger.textcat_variants): each variant trains and reads, the
CNN with static word vectors that tell words apart, and without the real passages it says so and stops.
Every text here is our own."""

import numpy as np
import pytest

from devtools.tagger import textcat_variants
from devtools.tagger.labelled_data import Item

TRAIN = [
    Item("a", "Swimming eased my back pain a lot.", "helped"),
    Item("b", "The yoga class left me in bed for three days.", "worsened"),
    Item("c", "Walking helps my mood but my knees ache after.", "mixed"),
    Item("d", "Has anyone tried the pool at the leisure centre?", "none"),
]


def test_static_vectors_are_one_per_lower_case_word_and_tell_words_apart():
    vectors = textcat_variants.word_vectors(["Swimming eased my PAIN.", "pain"])
    assert {"swimming", "eased", "pain", "my", "."} <= set(vectors)
    assert "PAIN" not in vectors
    assert not np.allclose(vectors["eased"], vectors["pain"])


@pytest.mark.parametrize("variant", ["bow", "cnn", "ensemble"])
def test_each_variant_trains_and_gives_class_probabilities(variant):
    vectors = textcat_variants.word_vectors([i.text for i in TRAIN])
    proba = textcat_variants.variant_probs(
        variant, TRAIN, ["Cycling eased my pain.", "Pilates flared my neck."], vectors
    )
    assert proba.shape == (2, 4)
    assert np.allclose(proba.sum(axis=1), 1.0, atol=1e-4)


def test_without_the_real_passages_it_says_so_and_stops(tmp_path, capsys):
    textcat_variants.main(["--realdev", str(tmp_path / "absent")])
    out = capsys.readouterr().out
    assert "no real passages" in out
