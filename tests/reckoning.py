"""An independent reckoning of what the dashboards should count, straight from the rows: it shares no code
with analysis.rollups or the dashboards, so the rollup tests and the dashboard tests can check them against
it."""

from __future__ import annotations

from datetime import UTC, datetime

from analysis.models import PostTag, TagStatus
from forum.models import Post


def month(year: int, month_: int, day: int = 15) -> datetime:
    return datetime(year, month_, day, 12, 0, tzinfo=UTC)


def counted_reports(
    *, intervention="*", condition="*", since=None, until=None, min_confidence=0.0, confirmed=False
):
    """[(post, outcome)] for every post the dashboard should count under these filters, by the rules in the
    issue: visible posts of opted-in members with a done or person-labelled tag. intervention="*" is exercise
    overall (posts naming an exercise or nothing), None every counted post."""
    found = []
    posts = Post.objects.select_related("author", "thread", "tag").order_by("created_at", "id")
    for post in posts:
        try:
            tag = post.tag
        except PostTag.DoesNotExist:
            continue
        if post.is_deleted or post.is_hidden or post.author is None or not post.author.research_opt_in:
            continue
        person = tag.author_outcome or tag.moderator_outcome
        shown = person or (tag.outcome if tag.status == TagStatus.DONE else "")
        if not shown:
            continue
        if confirmed and not tag.author_outcome:
            continue
        if not confirmed and not person and (tag.confidence or 0) < min_confidence - 1e-9:
            continue
        conditions = post.author.conditions or ["unknown"]
        if condition != "*" and condition not in conditions:
            continue
        month_key = post.created_at.strftime("%Y-%m")
        if (since and month_key < since) or (until and month_key > until):
            continue
        if intervention is None:  # every counted post, whatever it names
            found.append((post, shown))
            continue
        if intervention == "*":
            # Exercise overall: posts that name an exercise or nothing; not those about other treatments only.
            kinds = {item["kind"] for item in tag.interventions}
            if not kinds or kinds & {"exercise", "exertion"}:
                found.append((post, shown))
            continue
        named = [item for item in tag.interventions if item["name"] == intervention]
        if not named:
            continue
        outcome = named[0]["outcome"]
        exercises = [item for item in tag.interventions if item["kind"] == "exercise"]
        if person and len(exercises) == 1 and exercises[0]["name"] == intervention:
            outcome = shown
        found.append((post, outcome))
    return found


def outcome_counts(reports) -> dict[str, int]:
    counts = {"worsened": 0, "helped": 0, "mixed": 0, "none": 0}
    for _, outcome in reports:
        counts[outcome] += 1
    return counts


def member_latest(reports) -> dict[int, tuple[str, str]]:
    """member id -> (first reported outcome, latest reported outcome); "none" only if never reported one."""
    by_member: dict[int, list[str]] = {}
    for post, outcome in reports:  # already in date order
        by_member.setdefault(post.author_id, []).append(outcome)
    result = {}
    for member_id, outcomes in by_member.items():
        reported = [o for o in outcomes if o != "none"]
        result[member_id] = (reported[0], reported[-1]) if reported else ("none", "none")
    return result
