"""The estimate corrected for the tagger's errors, on its own (no database): it finds the true shares a
known misreading hid, its interval holds the truth about 95% of the time where the raw share's seldom
does, and people's own labels are taken as they are."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.statistics import wilson_interval
from dashboards.correction import Confusion, corrected_shares, true_shares

LABELS = ("helped", "worsened", "mixed", "none")
# A tagger about as good as ours on real writing: right about half the time, often reading helped as mixed
# and none as worsened.
HALF_RIGHT = Confusion(
    labels=LABELS,
    counts=((160, 20, 40, 40), (20, 90, 15, 35), (25, 5, 30, 5), (45, 60, 15, 170)),
)


def read_by(confusion: Confusion, true_counts, rng) -> list[int]:
    """What a tagger with this confusion reads in posts whose writers meant true_counts."""
    rates = np.asarray(confusion.counts, dtype=float)
    rates /= rates.sum(axis=1, keepdims=True)
    read = np.zeros(len(confusion.labels), dtype=int)
    for i, count in enumerate(true_counts):
        read += rng.multinomial(count, rates[i])
    return read.tolist()


def test_the_estimate_finds_the_true_shares_behind_a_known_misreading():
    # Given 10,000 posts, 60% meant "helped", read by a tagger that is right half the time
    rng = np.random.default_rng(1)
    true_counts = [6000, 1000, 1000, 2000]
    read = read_by(HALF_RIGHT, true_counts, rng)
    assert read[0] / 10_000 < 0.50  # the raw share of "helped" is far off

    # When it is corrected
    shares = corrected_shares(LABELS, read, [0, 0, 0, 0], HALF_RIGHT)

    # Then every corrected share is within 4 points of the truth, and inside its interval
    for label, count in zip(LABELS, true_counts, strict=True):
        assert shares.estimate[label] == pytest.approx(count / 10_000, abs=0.04)
        assert shares.low[label] <= count / 10_000 <= shares.high[label]


def test_the_corrected_interval_holds_the_truth_far_more_often_than_the_raw_one():
    rng = np.random.default_rng(7)
    corrected_hits = raw_hits = checks = 0
    for _ in range(60):
        n = int(rng.integers(60, 400))
        true_counts = rng.multinomial(n, rng.dirichlet([2, 2, 2, 2])).tolist()
        read = read_by(HALF_RIGHT, true_counts, rng)
        shares = corrected_shares(LABELS, read, [0, 0, 0, 0], HALF_RIGHT)
        for i, label in enumerate(LABELS):
            truth = true_counts[i] / n
            raw = wilson_interval(read[i], n)
            corrected_hits += shares.low[label] <= truth <= shares.high[label]
            raw_hits += raw.low <= truth <= raw.high
            checks += 1
    assert corrected_hits / checks >= 0.9
    assert raw_hits / checks <= 0.6


def test_labels_people_gave_are_counted_as_they_are():
    # Given a group every post of which its author labelled
    shares = corrected_shares(LABELS, [0, 0, 0, 0], [12, 3, 5, 20], HALF_RIGHT)
    # then the estimate is their count, whatever the tagger's errors
    assert shares.estimate == {"helped": 0.3, "worsened": 0.075, "mixed": 0.125, "none": 0.5}


def test_a_tagger_that_makes_no_mistakes_changes_nothing():
    perfect = Confusion(
        labels=LABELS, counts=((500, 0, 0, 0), (0, 500, 0, 0), (0, 0, 500, 0), (0, 0, 0, 500))
    )
    shares = corrected_shares(LABELS, [40, 30, 20, 10], [0, 0, 0, 0], perfect)
    for label, count in zip(LABELS, [40, 30, 20, 10], strict=True):
        assert shares.estimate[label] == pytest.approx(count / 100, abs=0.005)


def test_a_handful_of_posts_is_too_uncertain_to_correct():
    assert corrected_shares(LABELS, [3, 1, 1, 2], [0, 0, 0, 0], HALF_RIGHT).too_uncertain
    assert not corrected_shares(LABELS, [300, 100, 100, 200], [0, 0, 0, 0], HALF_RIGHT).too_uncertain


def test_the_estimate_is_the_same_on_every_page_load():
    first = corrected_shares(LABELS, [41, 17, 23, 30], [2, 0, 1, 0], HALF_RIGHT)
    again = corrected_shares(LABELS, [41, 17, 23, 30], [2, 0, 1, 0], HALF_RIGHT, draws=300)
    assert again.estimate == pytest.approx(first.estimate)
    assert again.low == pytest.approx(first.low, abs=0.03)


def test_shares_stay_between_nothing_and_everything():
    # adjusted classify-and-count would say below 0% here; the maximum-likelihood estimate cannot
    estimate = true_shares(np.array([[0, 100, 0, 0]]), HALF_RIGHT.rates())[0]
    assert (estimate >= 0).all() and estimate.sum() == pytest.approx(1)


def test_a_confusion_matrix_that_is_not_square_is_refused():
    with pytest.raises(ValueError, match="square"):
        Confusion.from_dict({"labels": ["helped", "none"], "confusion": [[1, 2, 3], [4, 5, 6]]})
