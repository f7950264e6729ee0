"""Scores printed by evaluate_tagger: calibration (ECE and the reliability table) and the bootstrap
interval around macro-F1."""

import pytest

from devtools.tagger.metrics import bootstrap_macro_f1, calibration, classification


def test_ece_is_the_weighted_gap_between_accuracy_and_confidence_in_each_bin():
    # given four posts tagged at 0.95 of which three are right, and two at 0.55 of which one is right
    confidences = [0.95, 0.95, 0.95, 0.95, 0.55, 0.55]
    correct = [True, True, True, False, True, False]
    # when calibration is measured
    result = calibration(confidences, correct)
    # then ECE = 4/6 * |0.75 - 0.95| + 2/6 * |0.5 - 0.55| = 0.15
    assert result.ece == pytest.approx(0.15)


def test_a_tagger_as_often_right_as_it_is_confident_has_no_calibration_error():
    confidences = [0.75] * 4 + [0.25] * 4
    correct = [True, True, True, False, True, False, False, False]
    assert calibration(confidences, correct).ece == pytest.approx(0.0)


def test_the_reliability_table_has_ten_equal_bins_with_count_mean_confidence_and_accuracy():
    result = calibration([0.05, 0.62, 0.68, 1.0], [False, True, False, True])
    assert len(result.bins) == 10
    assert [(b.low, b.high) for b in result.bins][:2] == [(0.0, 0.1), (0.1, 0.2)]
    assert [b.n for b in result.bins] == [1, 0, 0, 0, 0, 0, 2, 0, 0, 1]
    sixties = result.bins[6]
    assert sixties.mean_confidence == pytest.approx(0.65) and sixties.accuracy == pytest.approx(0.5)
    # a confidence of exactly 1.0 falls in the top bin; an empty bin has no mean to show
    assert result.bins[9].accuracy == 1.0
    assert result.bins[1].mean_confidence is None


def test_a_confidence_outside_zero_to_one_is_refused():
    with pytest.raises(ValueError, match="outside"):
        calibration([1.2], [True])


def _predictions(repeats: int):
    """A small pattern of right and wrong tags, repeated: the same macro-F1 at every size."""
    gold = ["helped"] * 4 + ["worsened"] * 3 + ["mixed"] * 2 + ["none"] * 3
    pred = ["helped", "helped", "helped", "none"]
    pred += ["worsened", "worsened", "helped"]
    pred += ["mixed", "worsened"]
    pred += ["none", "none", "mixed"]
    return gold * repeats, pred * repeats


def test_the_bootstrap_interval_contains_the_macro_f1_it_is_drawn_around():
    gold, pred = _predictions(5)
    _, macro, _, _ = classification(gold, pred)
    interval = bootstrap_macro_f1(gold, pred)
    assert interval.low < macro < interval.high
    assert interval.resamples == 1000 and interval.level == 0.95


def test_the_bootstrap_interval_narrows_as_the_set_grows():
    small = bootstrap_macro_f1(*_predictions(3))
    large = bootstrap_macro_f1(*_predictions(30))
    assert large.width < small.width / 2


def test_the_bootstrap_interval_is_the_same_on_every_run():
    gold, pred = _predictions(4)
    assert bootstrap_macro_f1(gold, pred) == bootstrap_macro_f1(gold, pred)


def test_a_perfect_tagger_has_a_zero_width_interval_at_one():
    gold, _ = _predictions(4)
    interval = bootstrap_macro_f1(gold, gold)
    assert interval.low == interval.high == pytest.approx(1.0)
