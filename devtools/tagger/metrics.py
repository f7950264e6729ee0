"""Scores for the tagger's evaluation: per-class precision/recall/F1 and macro-F1, a bootstrap interval
around macro-F1, and calibration (expected calibration error and a reliability table).

Plain Python and numpy; no spaCy, no Django.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from analysis.nlp.resources import OUTCOMES

# Bootstrap of macro-F1: items resampled with replacement, a percentile interval. The seed is fixed so that
# two runs on the same predictions print the same interval.
BOOTSTRAP_RESAMPLES = 1000
BOOTSTRAP_SEED = 20_240_601
INTERVAL_LEVEL = 0.95
# Expected calibration error over the top-class confidence, in equal-width bins (Guo et al. 2017).
CALIBRATION_BINS = 10


def classification(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str] = OUTCOMES):
    """(per_class, macro_f1, accuracy, confusion); confusion rows are gold, columns predicted."""
    index = {label: i for i, label in enumerate(labels)}
    confusion = [[0] * len(labels) for _ in labels]
    for g, p in zip(gold, pred, strict=True):
        confusion[index[g]][index[p]] += 1
    per_class = {}
    for i, label in enumerate(labels):
        tp = confusion[i][i]
        predicted = sum(row[i] for row in confusion)
        support = sum(confusion[i])
        precision = tp / predicted if predicted else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[label] = {"precision": precision, "recall": recall, "f1": f1, "support": support}
    macro = sum(c["f1"] for c in per_class.values()) / len(labels)
    accuracy = sum(confusion[i][i] for i in range(len(labels))) / max(1, len(gold))
    return per_class, macro, accuracy, confusion


@dataclass(frozen=True)
class Interval:
    low: float
    high: float
    level: float = INTERVAL_LEVEL
    resamples: int = BOOTSTRAP_RESAMPLES

    @property
    def width(self) -> float:
        return self.high - self.low


def _macro_f1_of_confusions(counts: np.ndarray) -> np.ndarray:
    """Macro-F1 of each confusion matrix in a (resamples, k, k) stack, defined as in classification()."""
    k = counts.shape[1]
    tp = counts[:, np.arange(k), np.arange(k)].astype(float)
    predicted = counts.sum(axis=1)
    support = counts.sum(axis=2)
    precision = np.divide(tp, predicted, out=np.zeros_like(tp), where=predicted > 0)
    recall = np.divide(tp, support, out=np.zeros_like(tp), where=support > 0)
    total = precision + recall
    f1 = np.divide(2 * precision * recall, total, out=np.zeros_like(tp), where=total > 0)
    return f1.mean(axis=1)


def bootstrap_macro_f1(
    gold: Sequence[str],
    pred: Sequence[str],
    labels: Sequence[str] = OUTCOMES,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
    level: float = INTERVAL_LEVEL,
) -> Interval:
    """Percentile interval of macro-F1 over `resamples` resamplings of the items with replacement."""
    n = len(gold)
    if n != len(pred):
        raise ValueError(f"{n} gold labels but {len(pred)} predictions")
    if n == 0:
        return Interval(0.0, 0.0, level, resamples)
    index = {label: i for i, label in enumerate(labels)}
    k = len(labels)
    codes = np.array([index[g] * k + index[p] for g, p in zip(gold, pred, strict=True)], dtype=np.int64)
    rng = np.random.default_rng(seed)
    scores = []
    # in chunks, so a large set does not hold a (resamples x n) array at once
    chunk = max(1, min(resamples, 2_000_000 // n))
    for lo in range(0, resamples, chunk):
        r = min(chunk, resamples - lo)
        sampled = codes[rng.integers(0, n, size=(r, n))] + (np.arange(r, dtype=np.int64) * k * k)[:, None]
        counts = np.bincount(sampled.ravel(), minlength=r * k * k).reshape(r, k, k)
        scores.append(_macro_f1_of_confusions(counts))
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(np.concatenate(scores), [tail, 100 - tail])
    return Interval(float(low), float(high), level, resamples)


@dataclass(frozen=True)
class CalibrationBin:
    low: float
    high: float
    n: int
    mean_confidence: float | None  # None in an empty bin
    accuracy: float | None


@dataclass(frozen=True)
class Calibration:
    ece: float
    bins: list[CalibrationBin]
    n: int


def calibration(
    confidences: Sequence[float], correct: Sequence[bool], bins: int = CALIBRATION_BINS
) -> Calibration:
    """Expected calibration error and the reliability table over the top-class confidence.

    Bins are equal-width over [0, 1]: bin i holds confidences in [i/bins, (i+1)/bins), the last one also
    1.0. ECE = sum over bins of (n_bin / N) * |accuracy_bin - mean confidence_bin|.
    """
    if len(confidences) != len(correct):
        raise ValueError(f"{len(confidences)} confidences but {len(correct)} outcomes")
    members: list[list[tuple[float, bool]]] = [[] for _ in range(bins)]
    for c, ok in zip(confidences, correct, strict=True):
        c = float(c)
        if not 0.0 <= c <= 1.0:
            raise ValueError(f"confidence {c} is outside [0, 1]")
        members[min(int(c * bins), bins - 1)].append((c, bool(ok)))
    n = len(confidences)
    table = []
    ece = 0.0
    for i, inside in enumerate(members):
        if inside:
            mean_conf = sum(c for c, _ in inside) / len(inside)
            acc = sum(ok for _, ok in inside) / len(inside)
            ece += len(inside) / n * abs(acc - mean_conf)
        else:
            mean_conf = acc = None
        table.append(CalibrationBin(i / bins, (i + 1) / bins, len(inside), mean_conf, acc))
    return Calibration(ece, table, n)
