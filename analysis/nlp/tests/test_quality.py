"""Accuracy on the gold set. The test split is only read here and by `evaluate_tagger --split test`; it is
never tuned on (docs/tagger.md)."""

import pytest

from analysis.nlp.evaluation import (
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


def test_the_tagger_beats_the_vader_only_baseline_by_far_on_dev(tagger):
    items = _items("dev")
    report, _ = tagger_report(items, tagger)
    assert report.macro_f1 >= vader_baseline(items).macro_f1 + 0.3


def test_the_least_confident_tags_hold_the_most_errors_on_dev(tagger):
    # given the dev split tagged, when tags are sorted by confidence, then the wrong ones sit lower:
    # confidence is good enough to send the least certain tags to the review queue
    items = _items("dev")
    _, results = tagger_report(items, tagger)
    wrong = [r.confidence for r, i in zip(results, items, strict=True) if r.outcome != i.outcome]
    right = [r.confidence for r, i in zip(results, items, strict=True) if r.outcome == i.outcome]
    assert sum(wrong) / len(wrong) < sum(right) / len(right) - 0.1
