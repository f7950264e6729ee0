"""The posts (or members' latest posts) behind one bar of the dashboard, newest first."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Sum

from analysis.models import FactRow, LabelSource, MemberCondition, MemberReport, MemberRollup, OutcomeRollup
from analysis.vocabulary import ALL, outcome_label
from dashboards.filters import DrillDown
from dashboards.selectors.evidence import ExcerptPart, highlight_evidence
from dashboards.selectors.figures import within_months
from forum.selectors import opening_post_state_attach, thread_title_for, with_opening_post_state

DRILL_DOWN_PAGE_SIZE = 20


class _KnownCount:
    """A queryset whose length is known from the rollups, so paginating never counts the posts."""

    ordered = True

    def __init__(self, queryset, count: int):
        self._queryset = queryset
        self._count = count

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, item):
        return self._queryset[item]


@dataclass(frozen=True)
class DrillPost:
    post_id: int
    thread_title: str
    created_at: object
    outcome: str
    source: str
    excerpt: tuple[ExcerptPart, ...]
    evidence: tuple = ()

    @property
    def evidence_count(self) -> int:
        return len(self.evidence)

    @property
    def outcome_label(self) -> str:
        return outcome_label(self.outcome)

    @property
    def source_label(self) -> str:
        return LabelSource(self.source).label if self.source in LabelSource.values else self.source


def _condition_members(condition: str):
    return MemberCondition.objects.filter(condition=condition).values("user_id")


def drill_down_total(drill: DrillDown) -> int:
    """How many posts (or members) a drill-down lists, from the same rollup the bar was drawn from."""
    f = drill.filters
    if drill.members:
        queryset = MemberRollup.objects.filter(
            scope=f.scope, intervention=f.intervention, condition=f.condition, latest_outcome=drill.outcome
        )
        if drill.first:
            queryset = queryset.filter(first_outcome=drill.first)
        return queryset.aggregate(n=Sum("members"))["n"] or 0
    queryset = within_months(
        OutcomeRollup.objects.filter(
            scope=f.scope, intervention=f.intervention, condition=f.condition, outcome=drill.outcome
        ),
        f,
    )
    if drill.category_id:
        queryset = queryset.filter(category_id=drill.category_id)
    return queryset.aggregate(n=Sum("posts"))["n"] or 0


def drill_down_queryset(drill: DrillDown):
    """The rows behind a bar, newest first. Hidden, deleted and opted-out posts, and posts in hidden threads,
    are also filtered here, so a list can never show one even if a rollup hook were missed. Each row carries
    its thread's opening-post state, for the public title (drill_post)."""
    f = drill.filters
    visible = {
        "is_deleted": False,
        "is_hidden": False,
        "thread__is_hidden": False,
        "author__research_opt_in": True,
    }
    if drill.members:
        queryset = MemberReport.objects.filter(
            scope=f.scope,
            intervention=f.intervention,
            latest_outcome=drill.outcome,
            **{f"latest_post__{k}": v for k, v in visible.items()},
        )
        if drill.first:
            queryset = queryset.filter(first_outcome=drill.first)
        if f.condition != ALL:
            queryset = queryset.filter(user_id__in=_condition_members(f.condition))
        queryset = queryset.select_related("latest_post__thread", "latest_post__tag")
        return with_opening_post_state(queryset, thread_ref="latest_post__thread").order_by(
            "-latest_at", "-latest_post_id"
        )
    queryset = FactRow.objects.filter(
        intervention=f.intervention, outcome=drill.outcome, **{f"post__{k}": v for k, v in visible.items()}
    )
    if f.confirmed_only:
        queryset = queryset.filter(source=LabelSource.AUTHOR)
    elif f.min_confidence:
        queryset = queryset.filter(conf_level__gte=f.min_confidence)
    queryset = within_months(queryset, f)
    if drill.category_id:
        queryset = queryset.filter(category_id=drill.category_id)
    if f.condition != ALL:
        queryset = queryset.filter(author_id__in=_condition_members(f.condition))
    # Month leads created_at in the index, and the order is the same (a post's month is its created_at's).
    return with_opening_post_state(
        queryset.select_related("post__thread", "post__tag"), thread_ref="post__thread"
    ).order_by("-month", "-created_at", "-post_id")


def drill_down_rows(drill: DrillDown):
    """A paginatable list of the rows behind a bar; its count comes from the rollups (one query)."""
    return _KnownCount(drill_down_queryset(drill), drill_down_total(drill))


def drill_post(row, drill: DrillDown) -> DrillPost:
    """One listed post, its evidence highlighted."""
    if isinstance(row, MemberReport):
        post, outcome = row.latest_post, row.latest_outcome
        source = _source_of(getattr(post, "tag", None))
    else:
        post, outcome, source = row.post, row.outcome, row.source
    tag = getattr(post, "tag", None)
    evidence = tag.evidence if tag is not None and isinstance(tag.evidence, list) else []
    if hasattr(row, "opening_is_hidden"):
        opening_post_state_attach(row=row, thread=post.thread)
    return DrillPost(
        post_id=post.pk,
        # The dashboards are public: everyone gets the title the public sees in the forum.
        thread_title=thread_title_for(thread=post.thread, user=AnonymousUser()),
        created_at=post.created_at,
        outcome=outcome,
        source=source,
        excerpt=highlight_evidence(post.body, evidence),
        evidence=tuple(e for e in evidence if isinstance(e, dict)),
    )


def _source_of(tag) -> str:
    if tag is None:
        return LabelSource.TAGGER
    return tag.label_source
