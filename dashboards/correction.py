"""What members reported, estimated from what the tagger read: the raw shares corrected for the tagger's
measured misreadings of real writing.

The tagger's confusion on real writing (cross-validated on labelled public posts, stored with the model)
says, for posts whose writers meant each outcome, how often the tagger reads each outcome. The shares of
machine tags in a group are those readings mixed by the true shares; the maximum-likelihood true shares
given the confusion are found by EM, which keeps them between 0 and 1 (adjusted classify-and-count can
leave them). Tags a person gave (the author, a moderator) are known and counted as they are.

The 95% interval is a bootstrap over both sources of doubt: the group's posts (resampled with their known
labels and machine tags) and the confusion matrix (each true outcome's row resampled from its labelled
posts). Pure numpy, no Django.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

# Enough for the 95% interval's ends to move by under a point between runs; a page's hundred groups cost
# about a tenth of a second the first time (then they are cached until the counts change).
DRAWS = 250
# From the adjusted classify-and-count start EM is within 0.001 of its limit in a dozen steps (simulated:
# the same coverage and error with 10 steps as with 40).
EM_MAX_ITERATIONS = 12
EM_TOLERANCE = 1e-6
# Half a post added to every cell of the confusion counts, so an outcome the tagger never read in the
# labelled posts is rare but not impossible.
SMOOTHING = 0.5
# Wider than this (in proportion) and the corrected share says nothing a reader can use.
MAX_USEFUL_WIDTH = 0.5


@dataclass(frozen=True)
class Confusion:
    """counts[i][j]: labelled posts whose writers meant labels[i] that the tagger read as labels[j]."""

    labels: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]

    @classmethod
    def from_dict(cls, data: Mapping) -> Confusion:
        labels = tuple(data["labels"])
        counts = tuple(tuple(int(c) for c in row) for row in data["confusion"])
        if len(counts) != len(labels) or any(len(row) != len(labels) for row in counts):
            raise ValueError("the confusion matrix must be square, one row and column per label")
        if any(c < 0 for row in counts for c in row) or any(sum(row) == 0 for row in counts):
            raise ValueError("every true label needs labelled posts, and counts cannot be negative")
        return cls(labels=labels, counts=counts)

    @property
    def items(self) -> int:
        return sum(map(sum, self.counts))

    def rates(self) -> np.ndarray:
        """rates[i][j]: the chance the tagger reads labels[j] for a post meant as labels[i]."""
        smoothed = np.asarray(self.counts, dtype=float) + SMOOTHING
        return smoothed / smoothed.sum(axis=1, keepdims=True)

    def read_as(self, true_label: str) -> dict[str, float]:
        """Of the posts meant as true_label, the share the tagger read as each label."""
        row = self.counts[self.labels.index(true_label)]
        return {label: count / sum(row) for label, count in zip(self.labels, row, strict=True)}


@dataclass(frozen=True)
class CorrectedShares:
    """Estimated shares of what members reported, per outcome, with 95% intervals (proportions)."""

    estimate: dict[str, float]
    low: dict[str, float]
    high: dict[str, float]

    @property
    def too_uncertain(self) -> bool:
        return any(self.high[o] - self.low[o] > MAX_USEFUL_WIDTH for o in self.estimate)


def true_shares(observed: np.ndarray, rates: np.ndarray) -> np.ndarray:
    """Maximum-likelihood true shares for each row of observed reading counts (EM); rows that observed
    nothing give NaN. observed: (draws, k); rates: (k, k) or (draws, k, k)."""
    observed = np.atleast_2d(np.asarray(observed, dtype=float))
    draws, k = observed.shape
    rates = np.broadcast_to(rates, (draws, k, k))
    totals = observed.sum(axis=1, keepdims=True)
    if not totals.any():
        return np.full((draws, k), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        # Start from adjusted classify-and-count (the linear solution), kept off the edges: EM converges in
        # a few steps from there, and a share that starts at exactly 0 could never move.
        start = np.linalg.solve(np.swapaxes(rates, 1, 2), (observed / totals)[..., None])[..., 0]
        start = np.clip(np.nan_to_num(start, nan=1.0 / k), 0.01, None)
        shares = start / start.sum(axis=1, keepdims=True)
        for _ in range(EM_MAX_ITERATIONS):
            expected = np.einsum("bi,bij->bj", shares, rates)
            weights = np.where(observed > 0, observed / expected, 0.0)
            updated = shares * np.einsum("bij,bj->bi", rates, weights) / totals
            done = np.nanmax(np.abs(updated - shares)[totals[:, 0] > 0]) < EM_TOLERANCE
            shares = updated
            if done:
                break
    return shares


def _seed(*parts) -> int:
    return int.from_bytes(hashlib.sha256(repr(parts).encode()).digest()[:8], "big")


def corrected_shares(
    outcomes: Sequence[str],
    machine: Sequence[int],
    known: Sequence[int],
    confusion: Confusion,
    draws: int = DRAWS,
) -> CorrectedShares | None:
    """machine[i], known[i]: posts (or members) whose shown outcome is outcomes[i], read by the tagger or
    labelled by a person. None when there is nothing to estimate from."""
    return corrected_shares_many(outcomes, [(machine, known)], confusion, draws)[0]


_CACHE: dict[tuple, CorrectedShares | None] = {}
_CACHE_SIZE = 20_000


def corrected_shares_many(
    outcomes: Sequence[str],
    groups: Sequence[tuple[Sequence[int], Sequence[int]]],
    confusion: Confusion,
    draws: int = DRAWS,
) -> list[CorrectedShares | None]:
    """corrected_shares for many groups (machine, known) in one pass: a page's groups cost about what one
    does. A group's result does not depend on the others: each resamples its posts from its own seed, and
    all share one set of confusion draws, fixed by the confusion."""
    outcomes = tuple(outcomes)
    keys = [(outcomes, tuple(m), tuple(k), confusion, draws) for m, k in groups]
    missing = list(dict.fromkeys(key for key in keys if key not in _CACHE))
    if missing:
        if len(_CACHE) + len(missing) > _CACHE_SIZE:
            _CACHE.clear()
        _CACHE.update(
            zip(
                missing,
                _estimate(outcomes, [(m, k) for _, m, k, _, _ in missing], confusion, draws),
                strict=True,
            )
        )
    return [_CACHE[key] for key in keys]


def _drawn_rates(confusion: Confusion, draws: int) -> np.ndarray:
    """(draws, k, k): the confusion's rows resampled from its labelled posts."""
    rng = np.random.default_rng(_seed(confusion.counts, draws))
    counts = np.asarray(confusion.counts, dtype=float)
    rows = counts.sum(axis=1)
    drawn = np.stack(
        [rng.multinomial(int(rows[i]), counts[i] / rows[i], size=draws) for i in range(len(rows))], axis=1
    )
    return (drawn + SMOOTHING) / (drawn + SMOOTHING).sum(axis=2, keepdims=True)


def _totals(machine: np.ndarray, known: np.ndarray, rates: np.ndarray) -> np.ndarray:
    """Estimated shares of all posts (known labels plus corrected machine readings), one row per row in."""
    estimated = true_shares(machine, rates)
    machine_n = machine.sum(axis=1, keepdims=True)
    n = machine_n + known.sum(axis=1, keepdims=True)
    return (known + machine_n * np.where(machine_n > 0, estimated, 0.0)) / n


def _estimate(outcomes, groups, confusion: Confusion, draws: int) -> list[CorrectedShares | None]:
    k = len(confusion.labels)
    order = [confusion.labels.index(o) for o in outcomes]
    live = [i for i, (m, kn) in enumerate(groups) if sum(m) + sum(kn) > 0]
    results: list[CorrectedShares | None] = [None] * len(groups)
    if not live:
        return results
    machine = np.zeros((len(live), k))
    known = np.zeros((len(live), k))
    for row, i in enumerate(live):
        machine[row, order], known[row, order] = groups[i]
    point = _totals(machine, known, confusion.rates())

    resampled = np.stack(
        [
            np.random.default_rng(_seed(outcomes, groups[i], draws)).multinomial(
                int(cells.sum()), cells / cells.sum(), size=draws
            )
            for i, cells in zip(live, np.concatenate([machine, known], axis=1), strict=True)
        ]
    ).astype(float)  # (groups, draws, 2k)
    rates = np.broadcast_to(_drawn_rates(confusion, draws), (len(live), draws, k, k)).reshape(-1, k, k)
    boot = _totals(resampled[..., :k].reshape(-1, k), resampled[..., k:].reshape(-1, k), rates)
    low, high = np.percentile(boot.reshape(len(live), draws, k), [2.5, 97.5], axis=1)
    for row, i in enumerate(live):
        results[i] = CorrectedShares(
            estimate={o: float(point[row, j]) for o, j in zip(outcomes, order, strict=True)},
            low={o: float(low[row, j]) for o, j in zip(outcomes, order, strict=True)},
            high={o: float(high[row, j]) for o, j in zip(outcomes, order, strict=True)},
        )
    return results
