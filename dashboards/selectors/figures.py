"""The dashboard page's figures for one set of filters, read from the rollup tables in eight queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Sum

from analysis.models import OutcomeRollup, PostTag, StudyClaim, TagStatus
from analysis.vocabulary import ALL, condition_label, intervention_label
from dashboards.filters import DashboardFilters
from dashboards.selectors.claims import ClaimView, InterventionClaims, claim_views
from dashboards.selectors.distributions import (
    Distribution,
    distribution,
    distributions_correct,
    intervention_sort_key,
    why_not_corrected,
)
from dashboards.selectors.members import Trajectory, member_figures
from dashboards.selectors.tagger_quality import AgreementFigure, ModelCard, agreement_figure, model_card
from forum.models import Category


@dataclass
class Dashboard:
    filters: DashboardFilters
    overall: Distribution
    by_intervention: list[Distribution]
    by_condition: list[Distribution]
    by_category: list[Distribution]
    by_month: list[Distribution]
    members_overall: Distribution
    members_by_intervention: list[Distribution]
    trajectories: list[Trajectory]
    members_consistent: int
    claims: list[ClaimView]
    unmatched_claims: list[StudyClaim]
    background_claims: list[StudyClaim]
    claims_by_intervention: list[InterventionClaims]
    pending: int
    failed: int
    agreement: AgreementFigure
    model_card: ModelCard


def within_months(queryset, filters: DashboardFilters):
    """The rollup rows (or fact rows) of the filters' months."""
    if filters.since:
        queryset = queryset.filter(month__gte=filters.since)
    if filters.until:
        queryset = queryset.filter(month__lte=filters.until)
    return queryset


def _post_counts(queryset, *group_by: str) -> dict[tuple, dict[str, list[int]]]:
    """{group: {outcome: [posts, author-confirmed, moderator-labelled]}} summed over everything else."""
    rows = (
        queryset.values(*group_by, "outcome")
        .annotate(p=Sum("posts"), a=Sum("author_confirmed"), m=Sum("moderator_labelled"))
        .order_by()
    )
    found: dict[tuple, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
    for row in rows:
        counts = found[tuple(row[g] for g in group_by)][row["outcome"]]
        counts[0] += row["p"]
        counts[1] += row["a"]
        counts[2] += row["m"]
    return found


def _merge(target: dict[str, list[int]], source: dict[str, list[int]]) -> None:
    for outcome, counts in source.items():
        into = target.setdefault(outcome, [0, 0, 0])
        for i, value in enumerate(counts):
            into[i] += value


def dashboard_figures(filters: DashboardFilters) -> Dashboard:
    """Every figure on the dashboard for these filters. Eight queries, none of them over the posts."""
    base = OutcomeRollup.objects.filter(scope=filters.scope)
    # 1. This intervention and condition, by month and category: the overall, monthly and category figures.
    cells = _post_counts(
        within_months(base.filter(intervention=filters.intervention, condition=filters.condition), filters),
        "month",
        "category_id",
    )
    overall: dict[str, list[int]] = {}
    months: dict[date, dict[str, list[int]]] = defaultdict(dict)
    categories: dict[int, dict[str, list[int]]] = defaultdict(dict)
    for (month, category_id), counts in cells.items():
        _merge(overall, counts)
        _merge(months[month], counts)
        _merge(categories[category_id], counts)
    # 2. Each intervention, under the other filters.
    per_intervention = _post_counts(
        within_months(base.filter(condition=filters.condition).exclude(intervention=ALL), filters),
        "intervention",
    )
    # 3. Each condition, under the other filters.
    per_condition = _post_counts(
        within_months(base.filter(intervention=filters.intervention).exclude(condition=ALL), filters),
        "condition",
    )
    # 4. Category names.
    names = (
        dict(Category.objects.filter(id__in=list(categories)).values_list("id", "name")) if categories else {}
    )

    f = filters
    why_not = why_not_corrected(f)
    overall_d = distribution(
        key=ALL,
        label=intervention_label(f.intervention),
        counts=overall,
        params=f.params(),
        why_not_corrected=why_not,
    )
    by_intervention = sorted(
        (
            distribution(
                key=name,
                label=intervention_label(name),
                counts=counts,
                params=f.with_(intervention=name).params(),
                selected=name == f.intervention,
                why_not_corrected=why_not,
            )
            for (name,), counts in per_intervention.items()
        ),
        key=intervention_sort_key,
    )
    by_condition = sorted(
        (
            distribution(
                key=c,
                label=condition_label(c),
                counts=counts,
                params=f.with_(condition=c).params(),
                selected=c == f.condition,
                why_not_corrected=why_not,
            )
            for (c,), counts in per_condition.items()
        ),
        key=lambda d: (-d.n, d.label),
    )
    by_category = sorted(
        (
            distribution(
                key=str(cid),
                label=names.get(cid, f"Category {cid}"),
                counts=counts,
                params=f.category_params(cid),
                why_not_corrected=why_not,
            )
            for cid, counts in categories.items()
        ),
        key=lambda d: (-d.n, d.label),
    )
    by_month = [
        distribution(
            key=month.strftime("%Y-%m"),
            label=month.strftime("%B %Y"),
            counts=months[month],
            params=f.with_(since=month, until=month).params(),
            why_not_corrected=why_not,
        )
        for month in sorted(months)
    ]
    members = member_figures(filters)  # 5.
    claims = claim_views(by_intervention, members.by_intervention)  # 6.
    pending, failed = _queue_counts()  # 7.
    distributions_correct(
        [overall_d, *by_intervention, *by_condition, *by_category, *by_month, members.overall]
        + members.by_intervention
    )
    return Dashboard(
        filters=filters,
        overall=overall_d,
        by_intervention=[d for d in by_intervention if d.n],
        by_condition=[d for d in by_condition if d.n],
        by_category=[d for d in by_category if d.n],
        by_month=[d for d in by_month if d.n],
        members_overall=members.overall,
        members_by_intervention=members.by_intervention,
        trajectories=members.trajectories,
        members_consistent=members.consistent,
        claims=claims.views,
        unmatched_claims=claims.unmatched,
        background_claims=claims.background,
        claims_by_intervention=claims.by_intervention,
        pending=pending,
        failed=failed,
        agreement=agreement_figure(),  # 8.
        model_card=model_card(),
    )


def _queue_counts() -> tuple[int, int]:
    counts = dict(
        PostTag.objects.filter(status__in=[TagStatus.PENDING, TagStatus.FAILED])
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return counts.get(TagStatus.PENDING, 0), counts.get(TagStatus.FAILED, 0)
