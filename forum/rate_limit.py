"""The per-member posting rate limit (settings.FORUM_POSTS_PER_MINUTE new threads and replies a minute).

A sliding window over the last 60 seconds, kept in Django's cache: the cache holds the times of the
member's recent posts, so we can tell them exactly when they may post again (a fixed window could only say
"next minute"). Read-modify-write is not atomic across processes; two posts racing in the same instant
may both get through, which is fine for a limit meant to slow down floods, not to count exactly.
Edits, reactions and flags are not limited. The seed command does not go through here.
"""

from __future__ import annotations

import math
import time

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 60


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


def _cache_key(user_id: int) -> str:
    return f"forum:post-times:{user_id}"


def _recent(user_id: int, now: float) -> list[float]:
    times = cache.get(_cache_key(user_id)) or []
    return [t for t in times if now - t < WINDOW_SECONDS]


def post_rate_check(*, user_id: int) -> None:
    """Raise PostingTooFast if the member has used up their posts for the current window."""
    limit = settings.FORUM_POSTS_PER_MINUTE
    now = time.time()
    recent = _recent(user_id, now)
    if limit and len(recent) >= limit:
        oldest_that_counts = sorted(recent)[-limit]
        retry_after = max(1, math.ceil(oldest_that_counts + WINDOW_SECONDS - now))
        raise PostingTooFast(retry_after=retry_after, limit=limit)


def post_rate_record(*, user_id: int) -> None:
    """Count one new post against the member's window (call after the post is saved)."""
    now = time.time()
    recent = _recent(user_id, now)
    recent.append(now)
    cache.set(_cache_key(user_id), recent[-100:], timeout=WINDOW_SECONDS + 1)
