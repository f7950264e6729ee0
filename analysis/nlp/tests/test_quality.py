"""Accuracy on the gold set. The test split is only read here and by `evaluate_tagger --split test`; it is
never tuned on (docs/tagger.md)."""

import pytest

from analysis.nlp.evaluation import (
    CHALLENGE_MACRO_F1_THRESHOLD,
    FRESH_MACRO_F1_THRESHOLD,
    GOLD_DIR,
    TEST_MACRO_F1_THRESHOLD,
    load_split,
    tagger_report,
    vader_baseline,
)


def _items(split):
    if not (GOLD_DIR / f"{split}.jsonl").exists():
        pytest.skip(f"no {split}.jsonl in {GOLD_DIR}")
    return load_split(split)


def test_macro_f1_on_the_test_split_stays_above_the_recorded_threshold(tagger):
    report, _ = tagger_report(_items("test"), tagger)
    assert report.macro_f1 >= TEST_MACRO_F1_THRESHOLD, (
        f"test macro-F1 {report.macro_f1:.3f} fell below {TEST_MACRO_F1_THRESHOLD}"
    )


def test_macro_f1_on_the_held_out_challenge_split_stays_above_the_recorded_threshold(tagger):
    report, _ = tagger_report(_items("challenge"), tagger)
    assert report.macro_f1 >= CHALLENGE_MACRO_F1_THRESHOLD, (
        f"challenge macro-F1 {report.macro_f1:.3f} fell below {CHALLENGE_MACRO_F1_THRESHOLD}"
    )


def test_macro_f1_on_the_fresh_split_written_blind_to_the_tagger_stays_above_the_recorded_threshold(tagger):
    report, _ = tagger_report(_items("fresh"), tagger)
    assert report.macro_f1 >= FRESH_MACRO_F1_THRESHOLD, (
        f"fresh macro-F1 {report.macro_f1:.3f} fell below {FRESH_MACRO_F1_THRESHOLD}"
    )


def test_the_tagger_beats_the_vader_only_baseline_by_far_on_dev(tagger):
    items = _items("dev")
    report, _ = tagger_report(items, tagger)
    assert report.macro_f1 >= vader_baseline(items).macro_f1 + 0.3


def test_the_least_confident_tags_hold_the_most_errors_in_cross_validation():
    # given the shipped setting's out-of-fold tags on train+seed (811 items, recorded by train.py when it
    # wrote the model), when tags are sorted by confidence, then the wrong ones sit lower: confidence is
    # good enough to send the least certain tags to the review queue. (The dev split has too few errors
    # left, two at the last count, for this to be measured there.)
    from analysis.nlp.resources import load_resources

    report = (load_resources().model or {}).get("cv_confidence")
    if report is None:
        pytest.skip("the committed decision model records no cross-validated confidence")
    assert report["errors"] >= 30
    assert report["mean_confidence_wrong"] < report["mean_confidence_right"] - 0.1
    assert report["share_of_errors_in_least_confident_fifth"] >= 0.4


def test_wrong_tags_on_dev_are_not_more_confident_than_right_ones(tagger):
    items = _items("dev")
    _, results = tagger_report(items, tagger)
    wrong = [r.confidence for r, i in zip(results, items, strict=True) if r.outcome != i.outcome]
    right = [r.confidence for r, i in zip(results, items, strict=True) if r.outcome == i.outcome]
    if wrong:
        assert sum(wrong) / len(wrong) <= sum(right) / len(right)
