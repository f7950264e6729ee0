"""Fixtures and helpers for the dashboard tests: tagged posts, and reading tables off a rendered page.

Import the fixtures into a test module:
`from analysis.tests.dashboard_fixtures import tagged_post  # noqa: F401`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest

from analysis.models import PostTag, TagStatus
from analysis.rollups import rollups_refresh_posts


@pytest.fixture
def tagged_post(post_factory, thread_factory, user_factory, category):
    """tagged_post(outcome="helped", interventions=[("walking", "helped")], author=..., created_at=..., ...)

    A post with a done machine tag (or the given status and labels), its rollups refreshed.
    """
    threads = {}

    def make(
        outcome: str = "helped",
        *,
        interventions=(),
        author=None,
        created_at: datetime | None = None,
        confidence: float | None = 0.9,
        status: str = TagStatus.DONE,
        author_outcome: str = "",
        moderator_outcome: str = "",
        category_=None,
        body: str | None = None,
        evidence=None,
        refresh: bool = True,
        **post_fields,
    ):
        cat = category_ or category
        if cat.pk not in threads:
            threads[cat.pk] = thread_factory(category=cat, title=f"Stories in {cat.name}")
        author = author or user_factory(conditions=["fibromyalgia"])
        body = body or f"Exercise {outcome} me. " + " ".join(name for name, _ in interventions)
        post = post_factory(
            thread=threads[cat.pk], author=author, body=body, created_at=created_at, **post_fields
        )
        PostTag.objects.create(
            post=post,
            status=status,
            outcome=outcome if status == TagStatus.DONE else "",
            confidence=confidence if status == TagStatus.DONE else None,
            interventions=[
                {
                    "name": name,
                    "kind": "exercise" if name not in ("ldn", "pacing", "massage") else "treatment",
                    "outcome": o,
                }
                for name, o in interventions
            ],
            evidence=evidence
            if evidence is not None
            else [
                {
                    "start": 0,
                    "end": len(f"Exercise {outcome} me."),
                    "text": f"Exercise {outcome} me.",
                    "outcome": outcome,
                    "intervention": None,
                }
            ],
            author_outcome=author_outcome,
            moderator_outcome=moderator_outcome,
        )
        if refresh:
            rollups_refresh_posts(post_ids=[post.id])
        return post

    return make


def month(year: int, month_: int, day: int = 15) -> datetime:
    return datetime(year, month_, day, 12, 0, tzinfo=UTC)


class _Tables(HTMLParser):
    """Every <table> on a page: its caption and the text of each row's cells."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []
        self._stack: list[str] = []
        self._cell: list[str] | None = None
        self._caption: list[str] | None = None
        self._row: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append({"caption": "", "rows": []})
        elif tag == "caption":
            self._caption = []
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "caption" and self._caption is not None:
            self.tables[-1]["caption"] = " ".join("".join(self._caption).split())
            self._caption = None
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1]["rows"].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        elif self._caption is not None:
            self._caption.append(data)


def page_tables(html: str | bytes) -> list[dict]:
    parser = _Tables()
    parser.feed(html.decode() if isinstance(html, bytes) else html)
    return parser.tables


def page_table(html, caption_starts: str) -> list[list[str]]:
    """The rows (header row first) of the table whose caption starts with `caption_starts`."""
    for table in page_tables(html):
        if table["caption"].startswith(caption_starts):
            return table["rows"]
    raise AssertionError(
        f"no table captioned {caption_starts!r}; have {[t['caption'] for t in page_tables(html)]}"
    )


# --- an independent reckoning, straight from the rows (shares no code with analysis.rollups) -------------

EXERCISE_NAMES = {"walking", "yoga", "pool", "strength", "graded exercise therapy", "stretching", "cycling"}


def counted_reports(
    *, intervention="*", condition="*", since=None, until=None, min_confidence=0.0, confirmed=False
):
    """[(post, outcome)] for every post the dashboard should count under these filters, by the rules in the
    issue: visible posts of opted-in members with a done or person-labelled tag."""
    from forum.models import Post

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
        if intervention == "*":
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


@pytest.fixture
def world(tagged_post, user_factory, category_factory):
    """A small forum with everything the figures must handle: conditions, months, categories, confidences,
    author and moderator labels, opted-out members, hidden and deleted posts, pending and failed tags."""
    import random

    from forum.models import Post

    rng = random.Random(20240601)
    other_category = category_factory(slug="pacing", name="Pacing and crashes")
    condition_sets = [["fibromyalgia"], ["me/cfs"], ["fibromyalgia", "long covid"], [], ["chronic pain"]]
    members = [user_factory(conditions=condition_sets[i % 5]) for i in range(9)]
    opted_out = user_factory(conditions=["fibromyalgia"], research_opt_in=False)
    outcomes = ["helped", "worsened", "mixed", "none"]
    names = ["walking", "yoga", "pool", "strength", "ldn"]
    posts = []
    for i in range(70):
        author = opted_out if i % 13 == 0 else members[i % len(members)]
        interventions = [(name, rng.choice(outcomes)) for name in rng.sample(names, rng.randint(0, 2))]
        labels = {}
        if i % 7 == 0:
            labels["author_outcome"] = rng.choice(outcomes)
        elif i % 11 == 0:
            labels["moderator_outcome"] = rng.choice(outcomes)
        status = "done"
        if i % 17 == 5:
            status = "pending"
        elif i % 19 == 7:
            status = "failed"
        posts.append(
            tagged_post(
                rng.choice(outcomes),
                interventions=interventions,
                author=author,
                created_at=month(2024, 1 + i % 6, 1 + i % 27),
                confidence=round(rng.uniform(0.3, 1.0), 2),
                status=status,
                category_=other_category if i % 3 == 0 else None,
                **labels,
            )
        )
    Post.objects.filter(pk__in=[posts[4].pk, posts[9].pk]).update(is_hidden=True)
    Post.objects.filter(pk=posts[10].pk).update(is_deleted=True)
    rollups_refresh_posts(post_ids=[posts[4].pk, posts[9].pk, posts[10].pk])
    return {"posts": posts, "members": members, "opted_out": opted_out, "other_category": other_category}
