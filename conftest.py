"""Project-wide pytest fixtures: factories for members, moderators, categories, threads and posts.

Factories build rows directly (no rate limit, no tagging), with explicit, increasing timestamps so ordering
is predictable. Use the services in tests that are about the services.
"""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from analysis.nlp import load_tagger


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


@pytest.fixture(scope="session")
def tagger():
    """The outcome tagger, built once for the whole run (the tagger's tests and its quality checks)."""
    return load_tagger()
