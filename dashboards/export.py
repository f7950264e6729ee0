"""The dashboard's figures as plain data: one shape for the JSON API, the JSON export and the CSV export,
so what is downloaded is what the page shows."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from django.urls import reverse

from analysis.vocabulary import ALL, intervention_label
from core.text_input import normalise_member_text
from dashboards.filters import DashboardFilters, DrillDown
from dashboards.selectors.distributions import MIN_MEMBERS_FOR_SHARE, MIN_POSTS_FOR_SHARE, Distribution
from dashboards.selectors.drill_down import DrillPost
from dashboards.selectors.figures import Dashboard
from dashboards.titles import (
    CORRECTION_NOTE,
    MEMBER_NOTE,
    SELF_SELECTED_NOTE,
    drill_title,
    filters_description,
)

# Drill-down exports stop after this many posts (the JSON says when it was cut).
EXPORT_MAX_POSTS = 10_000

CSV_COLUMNS = [
    "figure",
    "unit",
    "group",
    "group_label",
    "n",
    "outcome",
    "outcome_label",
    "count",
    "percent",
    "ci95_low",
    "ci95_high",
    "author_confirmed",
    "moderator_labelled",
    "machine_only",
    "corrected_percent",
    "corrected_ci95_low",
    "corrected_ci95_high",
    "corrected_note",
]
POST_CSV_COLUMNS = [
    "post_id",
    "url",
    "created_at",
    "thread_title",
    "outcome",
    "label_source",
    "evidence",
]

UrlBuilder = Callable[[str], str]

# A spreadsheet runs a cell that begins with one of these as a formula (=HYPERLINK(...), +, -, @ and a
# leading tab or carriage return): OWASP, "CSV Injection".
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def csv_text(value: str, *, multiline: bool = False) -> str:
    """A text cell (a thread title, evidence, a label) that a spreadsheet shows as text and never runs.

    The text gets the same cleaning as on input (older rows may still hold control characters), and a cell
    that would start a formula gets a leading apostrophe, which spreadsheets hide and read as "this is text"
    (OWASP's advice). A cell that is just a number ("-0.5") is left alone; number columns never come here.
    """
    text = normalise_member_text(str(value or ""), multiline=multiline)
    if text.lstrip(" ")[:1] in _FORMULA_STARTS and not _PLAIN_NUMBER.fullmatch(text):
        return f"'{text}"
    return text


def filters_dict(filters: DashboardFilters) -> dict:
    return {
        "intervention": filters.intervention if filters.intervention != ALL else None,
        "condition": filters.condition if filters.condition != ALL else None,
        "since": filters.since.strftime("%Y-%m") if filters.since else None,
        "until": filters.until.strftime("%Y-%m") if filters.until else None,
        "min_confidence": filters.params().get("min_confidence"),
        "author_confirmed_only": filters.confirmed_only,
        "description": filters_description(filters),
    }


def distribution_dict(dist: Distribution, posts_url: str) -> dict:
    """posts_url: the absolute address of the drill-down page."""
    return {
        "key": dist.key,
        "label": dist.label,
        "unit": dist.unit,
        "n": dist.n,
        "too_few_to_say": dist.too_few,
        "author_confirmed": dist.author_confirmed,
        "moderator_labelled": dist.moderator_labelled,
        "machine_only": dist.machine_only,
        "corrected_note": dist.correction_note,
        "outcomes": [
            {
                "outcome": share.outcome,
                "label": share.label,
                "count": share.count,
                "percent": share.percent,
                "ci95_percent": list(share.interval_percent) if share.interval_percent else None,
                "corrected": {
                    "percent": share.corrected,
                    "ci95_percent": list(share.corrected_interval_percent),
                }
                if share.corrected is not None
                else None,
                "author_confirmed": share.author_confirmed,
                "moderator_labelled": share.moderator_labelled,
                "posts": f"{posts_url}?{share.query}",
            }
            for share in dist.shares
        ],
    }


def dashboard_dict(dashboard: Dashboard, absolute: UrlBuilder) -> dict:
    posts_url = absolute(reverse("dashboards:posts"))

    def dists(items):
        return [distribution_dict(d, posts_url) for d in items]

    card = dashboard.model_card
    agreement = dashboard.agreement
    return {
        "filters": filters_dict(dashboard.filters),
        "notes": {
            "self_selected": SELF_SELECTED_NOTE,
            "too_few_to_say": f"No percentage for fewer than {MIN_POSTS_FOR_SHARE} posts "
            f"(or {MIN_MEMBERS_FOR_SHARE} members); intervals are 95% Wilson score intervals.",
            "corrected": CORRECTION_NOTE,
            "not_counted": "Posts that are hidden, deleted, by members who opted out of research, "
            "or whose tag "
            "is pending or failed are not counted.",
        },
        "pending_tags": dashboard.pending,
        "failed_tags": dashboard.failed,
        "overall": distribution_dict(dashboard.overall, posts_url),
        "by_intervention": dists(dashboard.by_intervention),
        "by_condition": dists(dashboard.by_condition),
        "by_category": dists(dashboard.by_category),
        "by_month": dists(dashboard.by_month),
        "members": {
            "note": MEMBER_NOTE,
            "overall": distribution_dict(dashboard.members_overall, posts_url),
            "by_intervention": dists(dashboard.members_by_intervention),
            "same_outcome_throughout": dashboard.members_consistent,
            "trajectories": [
                {
                    "first": t.first,
                    "latest": t.latest,
                    "label": t.label,
                    "members": t.members,
                    "posts": f"{posts_url}?{t.query}",
                }
                for t in dashboard.trajectories
            ],
        },
        "study_claims": [
            {
                **claim_dict(view.claim),
                "member_reports": [
                    {
                        "intervention": r.intervention,
                        "posts": distribution_dict(r.posts, posts_url),
                        "members": distribution_dict(r.members, posts_url),
                    }
                    for r in view.reports
                ],
            }
            for view in dashboard.claims
        ]
        + [{**claim_dict(claim), "member_reports": []} for claim in dashboard.unmatched_claims],
        # listed as the page lists them, apart: mechanism papers are not set beside members' reports
        "background_claims": [claim_dict(claim) for claim in dashboard.background_claims],
        "model_card": {
            "labelled_items": card.labelled_items,
            "split": card.split,
            "per_class_f1": card.per_class_f1 or None,
            "macro_f1": card.macro_f1,
            "failure_modes": list(card.failure_modes),
            "real_text": {
                "posts": card.real_text_items,
                "read_as": {
                    row.outcome: {"posts": row.posts, "shares": dict(row.read_as)} for row in card.real_text
                },
                "in_words": [row.sentence for row in card.real_text],
            }
            if card.real_text
            else None,
            "agreement_with_authors": {
                "labelled": agreement.labelled,
                "agreed": agreement.agreed,
                "rate": agreement.rate,
                "ci95": [agreement.interval.low, agreement.interval.high] if agreement.interval else None,
                "per_class": {
                    c.outcome: {"labelled": c.labelled, "agreed": c.agreed, "rate": c.rate}
                    for c in agreement.per_class
                },
            },
        },
    }


def claim_dict(claim) -> dict:
    return {
        "slug": claim.slug,
        "short_name": claim.short_name,
        "authors": claim.authors or None,
        "year": claim.year,
        "title": claim.title or None,
        "journal": claim.journal or None,
        "volume_pages": claim.volume_pages or None,
        "doi": claim.doi or None,
        "url": claim.link or None,
        "source_note": claim.source_note or None,
        "population": claim.population,
        "sample_size": claim.sample_size,
        "study_type": claim.study_type,
        "study_type_label": claim.get_study_type_display(),
        "intervention": claim.intervention,
        "interventions": claim.interventions,
        "claimed_effect": claim.claimed_effect,
        "direction": claim.direction,
        "direction_label": claim.get_direction_display(),
        "certainty": claim.certainty or None,
        "background": claim.background,
        "summary": claim.summary,
    }


def _csv_rows(figure: str, dist: Distribution) -> Iterator[list]:
    for share in dist.shares:
        low_high = share.interval_percent or ("", "")
        yield [
            figure,
            dist.unit,
            csv_text(dist.key),
            csv_text(dist.label),
            dist.n,
            share.outcome,
            csv_text(share.label),
            share.count,
            "" if share.percent is None else share.percent,
            low_high[0],
            low_high[1],
            share.author_confirmed,
            share.moderator_labelled,
            share.machine_only,
            "" if share.corrected is None else share.corrected,
            *(share.corrected_interval_percent or ("", "")),
            csv_text(dist.correction_note),
        ]


def dashboard_csv_rows(dashboard: Dashboard) -> Iterator[list]:
    yield CSV_COLUMNS
    yield from _csv_rows("overall", dashboard.overall)
    for figure, items in (
        ("intervention", dashboard.by_intervention),
        ("condition", dashboard.by_condition),
        ("category", dashboard.by_category),
        ("month", dashboard.by_month),
    ):
        for dist in items:
            yield from _csv_rows(figure, dist)
    yield from _csv_rows("members", dashboard.members_overall)
    for dist in dashboard.members_by_intervention:
        yield from _csv_rows("members_by_intervention", dist)
    for t in dashboard.trajectories:
        yield [
            "member_trajectory",
            "members",
            dashboard.filters.intervention,
            intervention_label(dashboard.filters.intervention),
            dashboard.members_overall.n,
            f"{t.first}->{t.latest}",
            csv_text(t.label),
            t.members,
            "",
            "",
            "",
            "",
            "",
            "",
        ]


def drill_post_dict(post: DrillPost, absolute: UrlBuilder) -> dict:
    return {
        "post_id": post.post_id,
        "url": absolute(reverse("forum:post", args=[post.post_id])),
        "created_at": post.created_at.isoformat(),
        "thread_title": post.thread_title,
        "outcome": post.outcome,
        "label_source": post.source,
        "evidence": [
            {
                "text": e.get("text"),
                "start": e.get("start"),
                "end": e.get("end"),
                "outcome": e.get("outcome"),
                "intervention": e.get("intervention"),
            }
            for e in post.evidence
        ],
    }


def drill_post_csv_row(post: DrillPost, absolute: UrlBuilder) -> list:
    evidence = " | ".join(str(e.get("text") or "") for e in post.evidence)
    return [
        post.post_id,
        absolute(reverse("forum:post", args=[post.post_id])),
        post.created_at.isoformat(),
        csv_text(post.thread_title),
        post.outcome,
        post.source,
        csv_text(evidence, multiline=True),
    ]


def drill_dict(drill: DrillDown) -> dict:
    return {
        "title": drill_title(drill),
        "filters": filters_dict(drill.filters),
        "outcome": drill.outcome,
        "category": drill.category_id,
        "view": "members" if drill.members else "posts",
        "first": drill.first,
    }
