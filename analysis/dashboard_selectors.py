"""Reads for the public dashboards: every figure comes from the rollup tables, in a fixed number of queries
whatever the number of posts (analysis/rollups.py keeps them exact)."""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Sum
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from analysis.dashboard_filters import DashboardFilters, DrillDown
from analysis.vocabulary import (
    ALL,
    EXERCISES,
    OUTCOME_ORDER,
    TREATMENTS,
    condition_label,
    intervention_label,
    outcome_label,
)
from analysis.models import (
    AgreementRollup,
    FactRow,
    LabelSource,
    MemberCondition,
    MemberReport,
    MemberRollup,
    Outcome,
    OutcomeRollup,
    PostTag,
    StudyClaim,
    TagStatus,
)
from analysis.statistics import Interval, wilson_interval
from forum.selectors import opening_post_state_attach, thread_title_for, with_opening_post_state

logger = logging.getLogger(__name__)

# Below these, a group's shares are not given as percentages: "too few to say".
MIN_POSTS_FOR_SHARE = 5
MIN_MEMBERS_FOR_SHARE = 5
DRILL_DOWN_PAGE_SIZE = 20
MODEL_CARD_PATH = Path(__file__).resolve().parent / "nlp" / "data" / "model_card.json"

_CANONICAL_ORDER = {name: index for index, name in enumerate((*EXERCISES, *TREATMENTS))}


# --- figures -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    """One outcome's share of one group."""

    outcome: str
    count: int
    n: int
    min_n: int
    author_confirmed: int = 0
    moderator_labelled: int = 0
    query: str = ""  # the drill-down's query string

    @property
    def label(self) -> str:
        return outcome_label(self.outcome)

    @property
    def too_few(self) -> bool:
        return self.n < self.min_n

    @property
    def proportion(self) -> float | None:
        return None if self.too_few else self.count / self.n

    @property
    def percent(self) -> float | None:
        """Rounded to one decimal, as shown and exported."""
        return None if self.too_few else round(100 * self.count / self.n, 1)

    @cached_property
    def interval(self) -> Interval | None:
        return None if self.too_few else wilson_interval(self.count, self.n)

    @property
    def interval_percent(self) -> tuple[float, float] | None:
        if self.interval is None:
            return None
        return round(100 * self.interval.low, 1), round(100 * self.interval.high, 1)

    @property
    def machine_only(self) -> int:
        return self.count - self.author_confirmed - self.moderator_labelled


@dataclass(frozen=True)
class Distribution:
    """Outcomes of one group (all posts, one intervention, one month...), harms first."""

    key: str
    label: str
    shares: tuple[Share, ...]
    unit: str = "posts"  # or "members"
    selected: bool = False

    @property
    def n(self) -> int:
        return sum(share.count for share in self.shares)

    @property
    def min_n(self) -> int:
        return MIN_MEMBERS_FOR_SHARE if self.unit == "members" else MIN_POSTS_FOR_SHARE

    @property
    def too_few(self) -> bool:
        return self.n < self.min_n

    def share(self, outcome: str) -> Share:
        return next(share for share in self.shares if share.outcome == outcome)

    @property
    def worsened(self) -> Share:
        return self.share(Outcome.WORSENED)

    @property
    def helped(self) -> Share:
        return self.share(Outcome.HELPED)

    @property
    def mixed(self) -> Share:
        return self.share(Outcome.MIXED)

    @property
    def none(self) -> Share:
        return self.share(Outcome.NONE)

    @property
    def author_confirmed(self) -> int:
        return sum(share.author_confirmed for share in self.shares)

    @property
    def moderator_labelled(self) -> int:
        return sum(share.moderator_labelled for share in self.shares)

    @property
    def machine_only(self) -> int:
        return self.n - self.author_confirmed - self.moderator_labelled


def distribution(
    *,
    key: str,
    label: str,
    counts: dict[str, list[int]],
    params: dict[str, str],
    unit: str = "posts",
    selected: bool = False,
) -> Distribution:
    """counts: outcome -> [count, author-confirmed, moderator-labelled]; params: the drill-down's filters."""
    min_n = MIN_MEMBERS_FOR_SHARE if unit == "members" else MIN_POSTS_FOR_SHARE
    n = sum(c[0] for c in counts.values())
    shares = []
    for outcome in OUTCOME_ORDER:
        count, author, moderator = counts.get(outcome) or (0, 0, 0)
        shares.append(
            Share(
                outcome=outcome,
                count=count,
                n=n,
                min_n=min_n,
                author_confirmed=author,
                moderator_labelled=moderator,
                query=urlencode({**params, "outcome": outcome}),
            )
        )
    return Distribution(key=key, label=label, shares=tuple(shares), unit=unit, selected=selected)


@dataclass(frozen=True)
class Trajectory:
    first: str
    latest: str
    members: int
    query: str

    @property
    def label(self) -> str:
        return f"{outcome_label(self.first)}, then {outcome_label(self.latest).lower()}"


@dataclass(frozen=True)
class ClaimReports:
    """One intervention a claim is about, with what members report about it."""

    intervention: str
    label: str
    posts: Distribution
    members: Distribution


@dataclass(frozen=True)
class ClaimView:
    claim: StudyClaim
    reports: tuple[ClaimReports, ...]


@dataclass(frozen=True)
class ClassAgreement:
    outcome: str
    labelled: int
    agreed: int

    @property
    def label(self) -> str:
        return outcome_label(self.outcome)

    @property
    def interval(self) -> Interval | None:
        return wilson_interval(self.agreed, self.labelled) if self.labelled else None

    @property
    def rate(self) -> float | None:
        return self.agreed / self.labelled if self.labelled else None


@dataclass(frozen=True)
class AgreementFigure:
    """How often the machine's outcome equals the author's own, over counted posts authors labelled."""

    labelled: int
    agreed: int
    per_class: tuple[ClassAgreement, ...]

    @property
    def rate(self) -> float | None:
        return self.agreed / self.labelled if self.labelled else None

    @property
    def interval(self) -> Interval | None:
        return wilson_interval(self.agreed, self.labelled) if self.labelled else None


@dataclass(frozen=True)
class ModelCard:
    """The tagger's measured figures (from the NLP engineer's model_card.json); None: not measured yet."""

    labelled_items: int | None = None
    split: str | None = None
    per_class_f1: dict[str, float] = field(default_factory=dict)
    macro_f1: float | None = None
    failure_modes: tuple[str, ...] = ()

    @property
    def measured(self) -> bool:
        return self.macro_f1 is not None or bool(self.per_class_f1)

    @property
    def per_class(self) -> list[tuple[str, str, float | None]]:
        return [(o, outcome_label(o), self.per_class_f1.get(o)) for o in OUTCOME_ORDER]


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
    pending: int
    failed: int
    agreement: AgreementFigure
    model_card: ModelCard


# --- reading the rollups -------------------------------------------------------------------------------


def _months(queryset, filters: DashboardFilters):
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


def _intervention_sort_key(d: Distribution):
    return (-d.n, _CANONICAL_ORDER.get(d.key, len(_CANONICAL_ORDER)), d.key)


def dashboard_figures(filters: DashboardFilters) -> Dashboard:
    """Every figure on the dashboard for these filters. Eight queries, none of them over the posts."""
    from forum.models import Category

    base = OutcomeRollup.objects.filter(scope=filters.scope)
    # 1. This intervention and condition, by month and category: the overall, monthly and category figures.
    cells = _post_counts(
        _months(base.filter(intervention=filters.intervention, condition=filters.condition), filters),
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
        _months(base.filter(condition=filters.condition).exclude(intervention=ALL), filters), "intervention"
    )
    # 3. Each condition, under the other filters.
    per_condition = _post_counts(
        _months(base.filter(intervention=filters.intervention).exclude(condition=ALL), filters), "condition"
    )
    # 4. Category names.
    names = (
        dict(Category.objects.filter(id__in=list(categories)).values_list("id", "name")) if categories else {}
    )

    f = filters
    overall_d = distribution(
        key=ALL, label=intervention_label(f.intervention), counts=overall, params=f.params()
    )
    by_intervention = sorted(
        (
            distribution(
                key=name,
                label=intervention_label(name),
                counts=counts,
                params=f.with_(intervention=name).params(),
                selected=name == f.intervention,
            )
            for (name,), counts in per_intervention.items()
        ),
        key=_intervention_sort_key,
    )
    by_condition = sorted(
        (
            distribution(
                key=c,
                label=condition_label(c),
                counts=counts,
                params=f.with_(condition=c).params(),
                selected=c == f.condition,
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
                params={**f.params(), "category": str(cid)},
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
        )
        for month in sorted(months)
    ]
    members = _member_figures(filters)  # 5.
    claims, unmatched = _claims(by_intervention, members[1])  # 6.
    pending, failed = _queue_counts()  # 7.
    return Dashboard(
        filters=filters,
        overall=overall_d,
        by_intervention=[d for d in by_intervention if d.n],
        by_condition=[d for d in by_condition if d.n],
        by_category=[d for d in by_category if d.n],
        by_month=[d for d in by_month if d.n],
        members_overall=members[0],
        members_by_intervention=members[1],
        trajectories=members[2],
        members_consistent=members[3],
        claims=claims,
        unmatched_claims=unmatched,
        pending=pending,
        failed=failed,
        agreement=agreement_figure(),  # 8.
        model_card=model_card(),
    )


def _member_figures(filters: DashboardFilters):
    """Members' latest reports per intervention, and the selected intervention's trajectories (one query).

    Each member counts once per intervention, by their latest report; the date filter does not apply.
    """
    rows = (
        MemberRollup.objects.filter(scope=filters.scope, condition=filters.condition)
        .values("intervention", "first_outcome", "latest_outcome")
        .annotate(m=Sum("members"))
        .order_by()
    )
    latest: dict[str, dict[str, list[int]]] = defaultdict(dict)
    pairs: dict[tuple[str, str], int] = defaultdict(int)
    for row in rows:
        if not row["m"]:
            continue
        counts = latest[row["intervention"]].setdefault(row["latest_outcome"], [0, 0, 0])
        counts[0] += row["m"]
        if row["intervention"] == filters.intervention:
            pairs[(row["first_outcome"], row["latest_outcome"])] += row["m"]

    def member_params(name: str) -> dict[str, str]:
        params = {**filters.params(), "view": "members"}
        for key in ("since", "until", "intervention"):
            params.pop(key, None)
        if name != ALL:
            params["intervention"] = name
        return params

    def member_distribution(name: str) -> Distribution:
        return distribution(
            key=name,
            label=intervention_label(name),
            counts=latest.get(name, {}),
            params=member_params(name),
            unit="members",
            selected=name == filters.intervention,
        )

    overall = member_distribution(filters.intervention)
    per_intervention = sorted(
        (member_distribution(name) for name in latest if name != ALL), key=_intervention_sort_key
    )
    trajectories = sorted(
        (
            Trajectory(
                first,
                last,
                n,
                urlencode({**member_params(filters.intervention), "outcome": last, "first": first}),
            )
            for (first, last), n in pairs.items()
            if first != last and Outcome.NONE not in (first, last)
        ),
        key=lambda t: (-t.members, OUTCOME_ORDER.index(t.first), OUTCOME_ORDER.index(t.latest)),
    )
    consistent = sum(n for (first, last), n in pairs.items() if first == last and first != Outcome.NONE)
    return overall, per_intervention, trajectories, consistent


def _claims(by_intervention: list[Distribution], members: list[Distribution]):
    posts = {d.key: d for d in by_intervention}
    people = {d.key: d for d in members}
    views, unmatched = [], []
    for claim in StudyClaim.objects.order_by("position", "id"):
        names = (
            [n for n in claim.interventions if isinstance(n, str)]
            if isinstance(claim.interventions, list)
            else []
        )
        if not names:
            unmatched.append(claim)
            continue
        reports = tuple(
            ClaimReports(
                intervention=name,
                label=intervention_label(name),
                posts=posts.get(name)
                or distribution(key=name, label=intervention_label(name), counts={}, params={}),
                members=people.get(name)
                or distribution(
                    key=name, label=intervention_label(name), counts={}, params={}, unit="members"
                ),
            )
            for name in names
        )
        views.append(ClaimView(claim=claim, reports=reports))
    return views, unmatched


def _queue_counts() -> tuple[int, int]:
    counts = dict(
        PostTag.objects.filter(status__in=[TagStatus.PENDING, TagStatus.FAILED])
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return counts.get(TagStatus.PENDING, 0), counts.get(TagStatus.FAILED, 0)


def agreement_figure() -> AgreementFigure:
    """The tagger's agreement with authors' own labels, over the posts the dashboards count.

    Same measure as analysis.selectors.tagger_author_agreement(), but read from a rollup (that one scans
    every tag) and leaving out opted-out members' posts, like every other figure here.
    """
    labelled: dict[str, int] = defaultdict(int)
    agreed: dict[str, int] = defaultdict(int)
    for machine, author, posts in AgreementRollup.objects.values_list(
        "machine_outcome", "author_outcome", "posts"
    ):
        labelled[author] += posts
        if machine == author:
            agreed[author] += posts
    per_class = tuple(ClassAgreement(o, labelled[o], agreed[o]) for o in OUTCOME_ORDER)
    return AgreementFigure(sum(labelled.values()), sum(agreed.values()), per_class)


def model_card(path: Path | None = None) -> ModelCard:
    """The measured figures, if the NLP engineer has written them; never made up."""
    path = path or MODEL_CARD_PATH
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return ModelCard()
    except (OSError, ValueError):
        logger.warning("Could not read the model card at %s", path, exc_info=True)
        return ModelCard()
    if not isinstance(raw, dict):
        return ModelCard()

    def number(value):
        return value if isinstance(value, int | float) and not isinstance(value, bool) else None

    f1 = raw.get("per_class_f1") if isinstance(raw.get("per_class_f1"), dict) else {}
    modes = raw.get("failure_modes") if isinstance(raw.get("failure_modes"), list) else []
    labelled = number(raw.get("labelled_items"))
    return ModelCard(
        labelled_items=int(labelled) if labelled is not None else None,
        split=str(raw["split"]) if raw.get("split") else None,
        per_class_f1={o: float(v) for o, v in f1.items() if o in OUTCOME_ORDER and number(v) is not None},
        macro_f1=number(raw.get("macro_f1")),
        failure_modes=tuple(str(m) for m in modes if m),
    )


# --- drill-down ----------------------------------------------------------------------------------------


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
    excerpt: SafeString
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
    queryset = _months(
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
    queryset = _months(queryset, f)
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


# --- evidence ------------------------------------------------------------------------------------------

EXCERPT_FULL_BELOW = 1200  # shorter posts are shown whole
EXCERPT_CONTEXT = 160  # characters either side of each evidence sentence in longer posts


def _evidence_spans(body: str, evidence: list) -> list[tuple[int, int, str, str]]:
    spans = []
    for item in evidence:
        if not isinstance(item, dict):
            continue
        text = str(item.get("text") or "")
        start, end = item.get("start"), item.get("end")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(body)) or (
            text and body[start:end].strip() != text.strip()
        ):
            # Offsets from another version of the text: find the sentence instead.
            found = body.find(text) if text else -1
            if found < 0:
                continue
            start, end = found, found + len(text)
        outcome = item.get("outcome") if item.get("outcome") in OUTCOME_ORDER else ""
        spans.append((start, end, outcome, str(item.get("intervention") or "")))
    spans.sort()
    merged: list[tuple[int, int, str, str]] = []
    for span in spans:
        if merged and span[0] < merged[-1][1]:
            last = merged[-1]
            merged[-1] = (last[0], max(last[1], span[1]), last[2], last[3])
        else:
            merged.append(span)
    return merged


def highlight_evidence(body: str, evidence: list) -> SafeString:
    """The post's text (escaped) with each evidence sentence in <mark>, labelled with how it was read.

    Long posts are cut to the evidence and some context either side.
    """
    spans = _evidence_spans(body, evidence)
    if len(body) <= EXCERPT_FULL_BELOW or not spans:
        windows = [(0, min(len(body), EXCERPT_FULL_BELOW))]
    else:
        windows = []
        for start, end, *_ in spans:
            window = (max(0, start - EXCERPT_CONTEXT), min(len(body), end + EXCERPT_CONTEXT))
            if windows and window[0] <= windows[-1][1]:
                windows[-1] = (windows[-1][0], max(windows[-1][1], window[1]))
            else:
                windows.append(window)
    parts = []
    for w_start, w_end in windows:
        if w_start > 0:
            parts.append("… ")
        position = w_start
        for start, end, outcome, intervention in spans:
            if end <= w_start or start >= w_end:
                continue
            start, end = max(start, w_start), min(end, w_end)
            parts.append(escape(body[position:start]))
            reading = outcome_label(outcome).lower() if outcome else "evidence"
            about = f", {intervention_label(intervention).lower()}" if intervention else ""
            parts.append(
                f'<mark class="evidence evidence-{outcome or "other"}">{escape(body[start:end])}</mark>'
                f'<span class="evidence-reading"> [read as: {escape(reading)}{escape(about)}]</span>'
            )
            position = end
        parts.append(escape(body[position:w_end]))
        if w_end < len(body):
            parts.append(" …")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text above is escaped
