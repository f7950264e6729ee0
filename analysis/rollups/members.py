"""What one member contributes to the member rollup: per intervention and scope, their first and latest
reported outcome (the trajectory), worked out from their counted posts' fact rows (no database access)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from analysis.models import LabelSource, Outcome
from analysis.vocabulary import ALL, AUTHOR_SCOPE, SCOPES

MemberKey = tuple[int, str, str, str, str]  # scope, intervention, condition, first, latest


@dataclass(frozen=True)
class Report:
    """A member's reports about one intervention in one scope."""

    first: str
    latest: str
    latest_post_id: int
    latest_at: datetime
    posts: int


def passes(scope: int, level: int, source: str) -> bool:
    """Whether a tag of this confidence level and source is in the scope (author-confirmed: authors' only)."""
    return source == LabelSource.AUTHOR if scope == AUTHOR_SCOPE else level >= scope


def member_reports(rows: Iterable[tuple]) -> dict[tuple[int, str], Report]:
    """A member's (scope, intervention) -> Report from their fact rows
    (post_id, intervention, outcome, conf_level, source, created_at).

    The latest report is their latest post that reports an outcome (helped, worsened or mixed); posts
    that mention the intervention without an outcome count only for members who never reported one.
    The first such report and the latest make the trajectory (helped, then worsened).
    """
    by_intervention: dict[str, list[tuple]] = defaultdict(list)
    for row in rows:
        by_intervention[row[1]].append(row)
    reports = {}
    for intervention, found in by_intervention.items():
        found.sort(key=lambda r: (r[5], r[0]))
        for scope in SCOPES:
            selected = [r for r in found if passes(scope, r[3], r[4])]
            if not selected:
                continue
            reported = [r for r in selected if r[2] != Outcome.NONE]
            first = reported[0][2] if reported else Outcome.NONE
            latest = reported[-1] if reported else selected[-1]
            reports[(scope, intervention)] = Report(first, latest[2], latest[0], latest[5], len(selected))
    return reports


def member_keys(reports: dict[tuple[int, str], Report], conditions: tuple[str, ...]) -> Iterator[MemberKey]:
    for (scope, intervention), report in reports.items():
        for condition in (ALL, *conditions):
            yield (scope, intervention, condition, report.first, report.latest)
