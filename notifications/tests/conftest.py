"""Helpers for the notification tests: write as a member would (through the forum's services), then do what
the worker does with the hook's message (the notifications services), so unit tests need no broker."""

import pytest

from forum import services as forum_services
from forum.models import Post
from notifications import services
from notifications.models import Notification


@pytest.fixture
def write():
    """write(thread=..., author=..., body=..., parent=None) -> Post, published and its notifications made."""

    def make(*, thread, author, body, parent=None) -> Post:
        post = forum_services.post_create(thread=thread, author=author, body=body, parent=parent)
        services.notifications_for_new_post(post_id=post.pk)
        return post

    return make


@pytest.fixture
def start_thread(category):
    def make(
        *, author, title="Pacing after a crash", body="What helped you get back to walking?", category_=None
    ):
        thread = forum_services.thread_create(
            category=category_ or category, author=author, title=title, body=body
        )
        services.notifications_for_new_post(post_id=thread.posts.get().pk)
        return thread

    return make


def told(user) -> list[tuple[str, int | None]]:
    """(kind, post id) of each notification the member has, oldest first."""
    return list(
        Notification.objects.filter(recipient=user)
        .order_by("created_at", "id")
        .values_list("kind", "post_id")
    )
