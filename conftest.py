"""Project-wide pytest fixtures: factories for members, moderators, categories, threads and posts, and tagged
posts counted in the rollups (tagged_post, world) for the rollup, dashboard and page-security tests.

Factories build rows directly (no rate limit, no tagging), with explicit, increasing timestamps so ordering
is predictable. Use the services in tests that are about the services.
"""

from __future__ import annotations

import itertools
import random
import uuid
from datetime import datetime, timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from analysis.models import PostTag, TagStatus
from analysis.nlp import load_tagger
from analysis.rollups import rollups_refresh_posts
from forum.models import Post
from tests.reckoning import month
from tests.service_checks import headless_chromium


def pytest_configure(config):
    config.addinivalue_line("markers", "corpus: checks the real seed corpus in forum/seed_data (runs in CI)")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Login limits and cached figures live in the cache, and row ids repeat between tests on SQLite: start
    each test clean."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def production_cache(settings):
    """The cache production uses (Redis) when the tests have one, under keys of this test's own; the
    in-memory cache otherwise."""
    if settings.REDIS_URL:
        settings.CACHES = {
            "default": {
                "BACKEND": "config.cache.FailSoftRedisCache",
                "LOCATION": settings.REDIS_URL,
                "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
            }
        }


@pytest.fixture
def user_factory(db):
    """user_factory(username=..., **fields) -> accounts.User with a verified email and a known password."""
    from allauth.account.models import EmailAddress

    from accounts.models import User

    counter = itertools.count(1)

    def make(
        *,
        username: str | None = None,
        password: str = "a-long-test-password-42",  # noqa: S107 - test accounts only
        email: str | None = None,
        verified_email: bool = True,
        **fields,
    ) -> User:
        username = username or f"member{next(counter)}"
        while User.objects.filter(username=username).exists():
            username = f"{username}_{next(counter)}"
        email = email or f"{username}@example.org"
        user = User(username=username, email=email, **fields)
        user.set_password(password)
        user.save()
        EmailAddress.objects.create(user=user, email=email, verified=verified_email, primary=True)
        user.raw_password = password
        return user

    return make


@pytest.fixture
def member(user_factory):
    """An ordinary signed-up member."""
    return user_factory(username="member", display_name="Ordinary Member", conditions=["fibromyalgia"])


@pytest.fixture
def other_member(user_factory):
    return user_factory(username="other_member")


@pytest.fixture
def moderator(user_factory):
    """A member of the Moderators group (not staff, not a superuser)."""
    from forum.services import moderator_add

    user = user_factory(username="moderator")
    moderator_add(user=user)
    return user


@pytest.fixture
def admin_user(user_factory):
    """A superuser with staff access (overrides pytest-django's admin_user)."""
    return user_factory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def category_factory(db):
    from forum.models import Category

    counter = itertools.count(1)

    def make(**fields) -> Category:
        number = next(counter)
        fields.setdefault("slug", f"category-{number}")
        fields.setdefault("name", f"Category {number}")
        fields.setdefault("position", number)
        return Category.objects.create(**fields)

    return make


@pytest.fixture
def category(category_factory):
    return category_factory(slug="exercise-and-movement", name="Exercise and movement")


@pytest.fixture
def clock():
    """Increasing timestamps, one second apart, ending in the recent past."""
    start = timezone.now() - timedelta(days=1)
    counter = itertools.count()
    return lambda: start + timedelta(seconds=next(counter))


@pytest.fixture
def thread_factory(db, category, user_factory, clock):
    """thread_factory(title=..., author=..., category=..., body=...) -> Thread with its opening post."""
    from forum.models import Post, Thread

    def make(
        *, title: str = "Walking and pacing", author=None, body: str = "My opening post.", **fields
    ) -> Thread:
        author = author or user_factory()
        created = fields.pop("created_at", None) or clock()
        thread = Thread.objects.create(
            category=fields.pop("category", category),
            title=title,
            author=author,
            created_at=created,
            last_posted_at=created,
            **fields,
        )
        Post.objects.create(
            thread=thread, author=author, author_name=author.public_name, body=body, created_at=created
        )
        return thread

    return make


@pytest.fixture
def thread(thread_factory, user_factory):
    """A thread in `category`, started (with an opening post) by a member who is not `member`."""
    return thread_factory(
        title="Did a gentle walking programme wreck anyone else?", author=user_factory(username="starter")
    )


@pytest.fixture
def post_factory(db, request, clock):
    """post_factory(thread=..., author=..., body=..., parent=..., **fields) -> Post (default: in `thread`)."""
    from forum.models import Post, Thread

    def make(
        *, thread=None, author=None, body: str = "This matches what happened to me.", parent=None, **fields
    ) -> Post:
        thread = thread or (parent.thread if parent else request.getfixturevalue("thread"))
        if author is None:
            author = request.getfixturevalue("user_factory")()
        created = fields.pop("created_at", None) or clock()
        post = Post.objects.create(
            thread=thread,
            parent=parent,
            author=author,
            author_name=fields.pop("author_name", author.public_name),
            body=body,
            created_at=created,
            **fields,
        )
        Thread.objects.filter(pk=thread.pk, last_posted_at__lt=created).update(last_posted_at=created)
        return post

    return make


# --- tagged posts, counted in the rollups (the rollup, dashboard and page-security tests) ------------


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


@pytest.fixture
def world(tagged_post, user_factory, category_factory):
    """A small forum with everything the figures must handle: conditions, months, categories, confidences,
    author and moderator labels, opted-out members, hidden and deleted posts, pending and failed tags."""
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


@pytest.fixture(scope="session")
def tagger():
    """The outcome tagger, built once for the whole run (the tagger's tests and its quality checks)."""
    return load_tagger()


# --- threads for the hidden-thread tests (the profile page and the dashboards) --------------------------


@pytest.fixture
def secret_thread(thread_factory, user_factory):
    """A thread whose title names someone: it must not show once the thread or its opening post is hidden."""
    return thread_factory(
        title="Jane Doe at number 12 and what walking did to her", author=user_factory(username="opener")
    )


@pytest.fixture
def open_thread(thread_factory, user_factory):
    return thread_factory(title="Pacing stories", author=user_factory(username="pacer"))


@pytest.fixture
def browser():
    """Headless Chromium (skips, or fails under REQUIRE_SERVICES, without it)."""
    driver = headless_chromium()
    try:
        yield driver
    finally:
        driver.quit()
