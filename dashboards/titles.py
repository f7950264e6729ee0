"""The words the dashboards put above their figures: the page notes, a description of the filters and each
drill-down's title. The pages, the exports and the API all take them from here, so they say the same."""

from __future__ import annotations

from analysis.vocabulary import (
    ALL,
    NOT_SHARED,
    condition_in_sentence,
    confidence_label,
    intervention_in_sentence,
    intervention_label,
    outcome_label,
)
from dashboards.filters import DashboardFilters, DrillDown

SELF_SELECTED_NOTE = (
    "These are reports members chose to write, read by a machine tagger or labelled by their authors: "
    "self-selected experiences, not a trial. They cannot say how likely exercise is to help or harm anyone."
)
MEMBER_NOTE = (
    "Each member counts once per intervention, by their latest report about it (a post that names it "
    "without an outcome counts only if they never reported one). The date filter does not apply."
)
CORRECTION_NOTE = (
    "The machine tagger misreads real posts about half the time. Beside each raw share is an estimate of "
    "what members reported, corrected for the tagger's errors as measured on labelled public posts by "
    "patients (a maximum-likelihood estimate given its confusion matrix), with a 95% interval that carries "
    "the doubt about both the posts and that measurement (a bootstrap over both). Labels authors and "
    "moderators gave are counted as they are. It assumes the tagger misreads the posts here as it misread "
    "those: on text it reads better, such as stories it was trained on, it over-corrects. Members' figures "
    "are corrected as if every latest report were a machine reading; per-intervention figures use the "
    "tagger's errors on whole posts."
)


def filters_description(filters: DashboardFilters) -> str:
    parts = [intervention_label(filters.intervention), condition_in_sentence(filters.condition)]
    if filters.since or filters.until:
        since = filters.since.strftime("%B %Y") if filters.since else "the start"
        until = filters.until.strftime("%B %Y") if filters.until else "now"
        parts.append(f"{since} to {until}")
    parts.append(confidence_label(filters.scope))
    return ", ".join(parts)


def drill_title(drill: DrillDown) -> str:
    return _drill_subject_title(drill) + _whose(drill.filters.condition)


def _whose(condition: str) -> str:
    if condition == ALL:
        return ""
    if condition == NOT_SHARED:
        return ", among members who share no condition"
    return f", among members with {condition_in_sentence(condition)}"


def _drill_subject_title(drill: DrillDown) -> str:
    subject = intervention_in_sentence(drill.filters.intervention)
    what = "Members whose latest report says" if drill.members else "Posts reporting that"
    if drill.members and drill.first:
        first, latest = outcome_label(drill.first).lower(), outcome_label(drill.outcome).lower()
        return f"Members who first reported {first}, then {latest}: {subject}"
    if drill.outcome == "none":
        return f"{'Members' if drill.members else 'Posts'} reporting no outcome of {subject}"
    if drill.outcome == "mixed":
        return f"{what} {subject} both helped and harmed (mixed)"
    verb = "made them worse" if drill.outcome == "worsened" else "helped"
    return f"{what} {subject} {verb}"


def summary_subject(filters: DashboardFilters) -> str:
    """What the summary sentence says members report on: "… report that walking made them worse"."""
    return intervention_in_sentence(filters.intervention)


def condition_sentence(filters: DashboardFilters) -> str:
    """The sentence before a summary that says whose posts it counts, or "" for every condition."""
    if filters.condition == ALL:
        return ""
    if filters.condition == NOT_SHARED:
        return "Only members who share no condition on their profile are counted."
    return f"Only members who share {condition_in_sentence(filters.condition)} on their profile are counted."
