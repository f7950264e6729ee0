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

Deleted and hidden posts still count (the rows stay). Edits and reactions are not limited; flags, draft
autosaves and following threads and categories have limits of their own, further down. The seed command
does not go through here.
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

from forum.models import Flag, Post, RateWindow

WINDOW = timedelta(seconds=60)


class TooFast(Exception):
    """A per-minute limit reached: `retry_after` whole seconds until the member may try again."""

    def __init__(self, *, retry_after: int, limit: int):
        super().__init__(f"{type(self).__name__}: retry after {retry_after}s")
        self.retry_after = retry_after
        self.limit = limit

    @property
    def seconds(self) -> str:
        return "1 second" if self.retry_after == 1 else f"{self.retry_after} seconds"


class PostingTooFast(TooFast):
    @property
    def message(self) -> str:
        seconds = self.seconds
        return (
            f"You've posted {self.limit} times in the last minute, which is the most the forum allows. "
            f"Nothing you typed is lost: you can post it in {seconds}."
        )


def _member_lock(*, user_id: int) -> None:
    """Hold the member's row until the surrounding transaction ends (their other posts wait here)."""
    list(get_user_model().objects.select_for_update().filter(pk=user_id).values_list("pk", flat=True))


def _wait_seconds(rows, *, window: timedelta, limit: int) -> float | None:
    """Seconds until fewer than `limit` of `rows` (the member's own) were created within `window`; None if
    they already are. A sliding window, so we can say exactly when."""
    now = timezone.now()
    recent = list(
        rows.filter(created_at__gt=now - window)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:limit]
    )
    if len(recent) < limit:
        return None
    return (recent[-1] + window - now).total_seconds()


def _check(*, user_id: int, limit: int) -> None:
    wait = _wait_seconds(Post.objects.filter(author_id=user_id), window=WINDOW, limit=limit)
    if wait is not None:
        raise PostingTooFast(retry_after=max(1, math.ceil(wait)), limit=limit)


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


# --- flags --------------------------------------------------------------------------------------------
# settings.FORUM_FLAGS_PER_HOUR new flags in a sliding hour, and settings.FORUM_OPEN_FLAGS_PER_MEMBER flags
# waiting for a moderator at once. Counted from the member's flags in the database under their row lock, as
# for posts. Changing the reason on a flag they already have open on the same post is not a new flag.

FLAG_WINDOW = timedelta(hours=1)


class FlaggingLimited(Exception):
    """The member may not raise another flag now; `message` says why and when, in words for them."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _check_flags(*, user_id: int) -> None:
    open_limit = settings.FORUM_OPEN_FLAGS_PER_MEMBER
    if open_limit and Flag.objects.filter(reporter_id=user_id, status=Flag.Status.OPEN).count() >= open_limit:
        raise FlaggingLimited(
            f"You have {open_limit} flags waiting for a moderator, which is the most the forum allows at "
            "once. Thank you for them: you can flag more posts as soon as the moderators have looked at "
            "some of these."
        )
    hourly_limit = settings.FORUM_FLAGS_PER_HOUR
    if not hourly_limit:
        return
    wait = _wait_seconds(Flag.objects.filter(reporter_id=user_id), window=FLAG_WINDOW, limit=hourly_limit)
    if wait is not None:
        minutes = max(1, math.ceil(wait / 60))
        wait = "1 minute" if minutes == 1 else f"{minutes} minutes"
        raise FlaggingLimited(
            f"You've flagged {hourly_limit} posts in the last hour, which is the most the forum allows. "
            f"The moderators have them all; you can flag another post in {wait}."
        )


@contextmanager
def flag_slot(*, user_id: int, post_id: int) -> Iterator[None]:
    """Create or update the member's flag on a post inside this block, or raise FlaggingLimited first.

    Like `post_slot`: one transaction holding the member's lock, so parallel flags queue and count each
    other; a flag that fails to save rolls back and uses nothing up.
    """
    with transaction.atomic():
        if settings.FORUM_FLAGS_PER_HOUR or settings.FORUM_OPEN_FLAGS_PER_MEMBER:
            _member_lock(user_id=user_id)
            already_open = Flag.objects.filter(
                reporter_id=user_id, post_id=post_id, status=Flag.Status.OPEN
            ).exists()
            if not already_open:
                _check_flags(user_id=user_id)
        yield


# --- writes that leave no row to count: draft autosaves, follow changes ----------------------------------
# A draft is updated in place and a follow is turned on and off, so these are counted in RateWindow: a fixed
# one-minute window per member and action, started by the first write after the last window ended. The
# counter lives in the database, not the cache: `make run`'s file cache can't increment atomically, and the
# member's row lock already serialises their writes.

MINUTE_WINDOW = timedelta(seconds=60)


def _minute_window_count(*, user_id: int, action: str, limit: int) -> int | None:
    """Count one more `action` in the member's current minute; the seconds until the window ends if that
    would pass `limit` (and nothing is counted). Call under the member's lock."""
    now = timezone.now()
    window = RateWindow.objects.filter(user_id=user_id, action=action).first()
    if window is None:
        RateWindow.objects.create(user_id=user_id, action=action, started_at=now, count=1)
    elif window.started_at + MINUTE_WINDOW <= now:
        window.started_at, window.count = now, 1
        window.save(update_fields=["started_at", "count"])
    elif window.count >= limit:
        return max(1, math.ceil((window.started_at + MINUTE_WINDOW - now).total_seconds()))
    else:
        window.count += 1
        window.save(update_fields=["count"])
    return None


@contextmanager
def _minute_slot(*, user_id: int, action: str, limit: int, too_fast: type[TooFast]) -> Iterator[None]:
    with transaction.atomic():
        if limit:
            _member_lock(user_id=user_id)
            retry_after = _minute_window_count(user_id=user_id, action=action, limit=limit)
            if retry_after is not None:
                raise too_fast(retry_after=retry_after, limit=limit)
        yield


class DraftSavesTooFast(TooFast):
    @property
    def message(self) -> str:
        seconds = self.seconds
        return (
            f"Your draft is kept on this device. The forum saves drafts at most {self.limit} times a "
            f"minute, so it will save this one in {seconds}."
        )


def draft_save_slot(*, user_id: int):
    """Save one draft inside this block (settings.FORUM_DRAFT_SAVES_PER_MINUTE a minute), or raise
    DraftSavesTooFast before it runs.

    The count and the save share one transaction under the member's lock; a save refused or failing inside
    the block rolls back, so it is not counted.
    """
    return _minute_slot(
        user_id=user_id,
        action=RateWindow.Action.DRAFT_SAVE,
        limit=settings.FORUM_DRAFT_SAVES_PER_MINUTE,
        too_fast=DraftSavesTooFast,
    )


class FollowingTooFast(TooFast):
    @property
    def message(self) -> str:
        seconds = self.seconds
        return (
            f"You've started or stopped following {self.limit} times in the last minute, which is the most "
            f"the forum allows. Nothing was changed this time: you can try again in {seconds}."
        )


def follow_slot(*, user_id: int):
    """Start or stop following a thread or a category inside this block (settings.FORUM_FOLLOWS_PER_MINUTE
    changes a minute), or raise FollowingTooFast before it runs. As for drafts: one transaction under the
    member's lock, so parallel requests count each other and a change that fails is not counted."""
    return _minute_slot(
        user_id=user_id,
        action=RateWindow.Action.FOLLOW,
        limit=settings.FORUM_FOLLOWS_PER_MINUTE,
        too_fast=FollowingTooFast,
    )
