"""Token spans as the components pass them around: tuples (start, end, ...), token indices, end exclusive."""

from __future__ import annotations


def longest_first(spans: list[tuple]) -> list[tuple]:
    """Keep the longest of overlapping spans (ties: the earliest); spans are tuples (start, end, ...)."""
    if len(spans) < 2:
        return spans
    taken: set[int] = set()
    kept = []
    for span in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
        positions = range(span[0], span[1])
        if any(i in taken for i in positions):
            continue
        taken.update(positions)
        kept.append(span)
    kept.sort(key=lambda s: s[0])
    return kept


def covered(spans) -> set[int]:
    out: set[int] = set()
    for span in spans:
        out.update(range(span[0], span[1]))
    return out


def overlaps(span, positions: set[int]) -> bool:
    return any(i in positions for i in range(span[0], span[1]))
