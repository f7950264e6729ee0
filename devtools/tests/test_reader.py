"""The cue reader: its weights are data the product reads exactly as training fitted them, and a broken or
missing weights file stops the start-up instead of silently reading posts differently."""

import json
import shutil

import pytest

from analysis.nlp.decision import FEATURE_LAYOUTS
from analysis.nlp.findings import Cue
from analysis.nlp.reader import CueReader, cue_label, reader_features
from analysis.nlp.resources import MODEL_FILE, READER_FILE, RESOURCES_DIR, ResourceError, load_resources
from devtools.tagger.train_models import fit_reader, reader_spec


def _cue(polarity: str, kind: str = "exercise") -> Cue:
    return Cue(0, 1, polarity, 1.0, (), False, 0, target="walking", target_kind=kind)


def test_the_product_scores_cues_as_training_fitted_them():
    # given a reader fitted on a handful of made-up cues
    rows = [
        [({"W_bias": 1.0, "W_s:after": 0.3}, _cue("worsened"))],
        [({"W_bias": 1.0, "W_s:diagnosed": 0.3}, _cue("worsened"))],
        [({"H_bias": 1.0, "H_s:stronger": 0.3}, _cue("helped"))],
        [({"H_bias": 1.0, "H_s:someday": 0.3}, _cue("helped"))],
    ] * 5
    outcomes = ["worsened", "none", "helped", "none"] * 5
    fitted = fit_reader(rows, outcomes)
    # when it is written as JSON and read back by the product
    reader = CueReader(json.loads(json.dumps(reader_spec(fitted, 20))))
    # then every cue gets the probability scikit-learn gave it
    vectorizer, model = fitted
    for post in rows[:4]:
        x = post[0][0]
        expected = model.predict_proba(vectorizer.transform([x]))[0, 1]
        assert reader.score(x) == pytest.approx(expected, abs=1e-3)
    # and the words it learnt from point the right way
    assert reader.score({"W_bias": 1.0, "W_s:after": 0.3}) > reader.score(
        {"W_bias": 1.0, "W_s:diagnosed": 0.3}
    )


def test_a_cue_is_a_report_when_the_posts_label_has_its_polarity():
    assert cue_label(_cue("worsened"), "worsened") == 1
    assert cue_label(_cue("helped"), "worsened") == 0
    assert cue_label(_cue("helped"), "mixed") == 1
    assert cue_label(_cue("worsened"), "none") == 0


def test_post_features_read_exercise_cues_only():
    cues = [_cue("helped"), _cue("worsened"), _cue("worsened", kind="treatment")]
    h_max, w_max, h_sum, w_sum, both = reader_features(cues, [0.9, 0.2, 0.99])
    assert (h_max, w_max, both) == (0.9, 0.2, 0.2)
    assert h_sum > w_sum


def _resources_with_a_reader_model(tmp_path):
    """A copy of the committed resources whose decision model reads the cue reader (zero weights)."""
    target = tmp_path / "resources"
    shutil.copytree(RESOURCES_DIR, target)
    model = json.loads((target / MODEL_FILE).read_text())
    names = list(FEATURE_LAYOUTS[(True, False)])
    model.update(
        features=names,
        mean=[0.0] * len(names),
        scale=[1.0] * len(names),
        coef=[[0.0] * len(names) for _ in model["classes"]],
    )
    (target / MODEL_FILE).write_text(json.dumps(model))
    (target / READER_FILE).write_text(json.dumps({"weights": {"W_bias": 0.5}, "bias": -1.0}))
    return target


def test_a_model_that_reads_the_reader_loads_its_weights(tmp_path):
    target = _resources_with_a_reader_model(tmp_path)
    assert load_resources(target).reader["weights"] == {"W_bias": 0.5}


def test_a_model_that_reads_the_reader_without_its_weights_fails_fast(tmp_path):
    target = _resources_with_a_reader_model(tmp_path)
    (target / READER_FILE).unlink()
    with pytest.raises(ResourceError, match=READER_FILE):
        load_resources(target)


def test_a_reader_file_with_a_non_numeric_weight_fails_fast(tmp_path):
    target = _resources_with_a_reader_model(tmp_path)
    (target / READER_FILE).write_text(json.dumps({"weights": {"W_bias": "heavy"}, "bias": 0.0}))
    with pytest.raises(ResourceError, match="numbers"):
        load_resources(target)
