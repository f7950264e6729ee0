"""The per-member posting rate limit (settings.FORUM_POSTS_PER_MINUTE new threads and replies a minute).

A sliding window over the last 60 seconds, counted from the member's own posts in the database, so we can
tell them exactly when they may post again (a fixed window could only say "next minute").

The limit holds under parallel requests: `post_slot` opens a transaction, locks the member's row, counts
their posts of the last minute and, if there is room, lets the caller create the post inside that same
transaction. A second request from the same member waits on the lock until the first has committed, then
counts its post. The lock is a row lock (`SELECT ... FOR UPDATE`) on PostgreSQL; on SQLite, where Django
ignores FOR UPDATE, our settings start every transaction with BEGIN IMMEDIATE, which serialises writers.
A post that fails (an exception inside the block) rolls back with its transaction, so nothing is used up:
only posts that exist count. The cache is not involved, so flushing it never resets anyone's limit.

Deleted and hidden posts still count (the rows stay). Edits, reactions and flags are not limited. The seed
command does not go through here.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from forum.models import Post

WINDOW = timedelta(seconds=60)


class PostingTooFast(Exception):
    def __init__(self, *, retry_after: int, limit: int):
        super().__init__(f"posting too fast; retry after {retry_after}s")
        self.retry_after = retry_after  # whole seconds until the member may post again
        self.limit = limit

    @property
    def message(self) -> str:
        seconds = "1 second" if self.retry_after == 1 else f"{self.retry_after} seconds"
        return (
            f"You've posted {self.limit} times in the last minute, which is the most the forum allows. "
            f"Nothing you typed is lost: you can post it in {seconds}."
        )


def _member_lock(*, user_id: int) -> None:
    """Hold the member's row until the surrounding transaction ends (their other posts wait here)."""
    list(get_user_model().objects.select_for_update().filter(pk=user_id).values_list("pk", flat=True))


def _check(*, user_id: int, limit: int) -> None:
    now = timezone.now()
    recent = list(
        Post.objects.filter(author_id=user_id, created_at__gt=now - WINDOW)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:limit]
    )
    if len(recent) >= limit:
        oldest_that_counts = recent[-1]
        retry_after = max(1, math.ceil((oldest_that_counts + WINDOW - now).total_seconds()))
        raise PostingTooFast(retry_after=retry_after, limit=limit)


@contextmanager
def post_slot(*, user_id: int) -> Iterator[None]:
    """Create one new post (thread or reply) inside this block, or raise PostingTooFast before it runs.

    Everything inside runs in one transaction that holds the member's lock, so the count and the new post
    are one atomic step; if the block raises, the post is rolled back and the member's quota is untouched.
    """
    limit = settings.FORUM_POSTS_PER_MINUTE
    with transaction.atomic():
        if limit:
            _member_lock(user_id=user_id)
            _check(user_id=user_id, limit=limit)
        yield
