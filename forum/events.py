"""The moderation audit log: one constructor per event type. Events are only ever created, never changed.

Services call these inside their transaction, so an action and its log entry are saved together.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from accounts.models import User
from forum.models import Category, ModerationEvent, Post, Thread

Kind = ModerationEvent.Kind


def _create(*, kind: str, actor: User, reason: str = "", **fields) -> ModerationEvent:
    return ModerationEvent.objects.create(
        kind=kind, actor=actor, reason=reason, created_at=timezone.now(), **fields
    )


def post_hidden_event(*, post: Post, moderator: User, reason: str, flag_ids: list[int]) -> ModerationEvent:
    return _create(
        kind=Kind.POST_HIDDEN,
        actor=moderator,
        reason=reason,
        post=post,
        thread=post.thread,
        member=post.author,
        data={"flag_ids": flag_ids, "author_name": post.author_name},
    )


def post_restored_event(*, post: Post, moderator: User, reason: str) -> ModerationEvent:
    return _create(
        kind=Kind.POST_RESTORED,
        actor=moderator,
        reason=reason,
        post=post,
        thread=post.thread,
        member=post.author,
        data={"author_name": post.author_name},
    )


def thread_locked_event(*, thread: Thread, moderator: User, reason: str) -> ModerationEvent:
    return _create(kind=Kind.THREAD_LOCKED, actor=moderator, reason=reason, thread=thread)


def thread_unlocked_event(*, thread: Thread, moderator: User, reason: str) -> ModerationEvent:
    return _create(kind=Kind.THREAD_UNLOCKED, actor=moderator, reason=reason, thread=thread)


def thread_moved_event(
    *, thread: Thread, moderator: User, reason: str, from_category: Category, to_category: Category
) -> ModerationEvent:
    return _create(
        kind=Kind.THREAD_MOVED,
        actor=moderator,
        reason=reason,
        thread=thread,
        data={
            "from": {"slug": from_category.slug, "name": from_category.name},
            "to": {"slug": to_category.slug, "name": to_category.name},
        },
    )


def thread_hidden_event(*, thread: Thread, moderator: User, reason: str) -> ModerationEvent:
    return _create(
        kind=Kind.THREAD_HIDDEN, actor=moderator, reason=reason, thread=thread, data={"title": thread.title}
    )


def thread_restored_event(*, thread: Thread, moderator: User, reason: str) -> ModerationEvent:
    return _create(
        kind=Kind.THREAD_RESTORED, actor=moderator, reason=reason, thread=thread, data={"title": thread.title}
    )


def thread_title_changed_event(
    *, thread: Thread, moderator: User, reason: str, from_title: str, to_title: str
) -> ModerationEvent:
    return _create(
        kind=Kind.THREAD_TITLE_CHANGED,
        actor=moderator,
        reason=reason,
        thread=thread,
        data={"from": from_title, "to": to_title},
    )


def member_suspended_event(*, member: User, moderator: User, reason: str, until: datetime) -> ModerationEvent:
    return _create(
        kind=Kind.MEMBER_SUSPENDED,
        actor=moderator,
        reason=reason,
        member=member,
        data={"until": until.isoformat(), "username": member.username},
    )


def member_unsuspended_event(*, member: User, moderator: User, reason: str) -> ModerationEvent:
    return _create(
        kind=Kind.MEMBER_UNSUSPENDED,
        actor=moderator,
        reason=reason,
        member=member,
        data={"username": member.username},
    )


def flags_dismissed_event(
    *, post: Post, moderator: User, reason: str, flag_ids: list[int]
) -> ModerationEvent:
    return _create(
        kind=Kind.FLAG_DISMISSED,
        actor=moderator,
        reason=reason,
        post=post,
        thread=post.thread,
        member=post.author,
        data={"flag_ids": flag_ids, "author_name": post.author_name},
    )


def tag_corrected_event(*, post: Post, moderator: User, reason: str, data: dict) -> ModerationEvent:
    """For the analysis app: a moderator corrected a post's outcome tag (`data`: e.g. from/to outcome)."""
    return _create(
        kind=Kind.TAG_CORRECTED,
        actor=moderator,
        reason=reason,
        post=post,
        thread=post.thread,
        member=post.author,
        data={"author_name": post.author_name, **data},
    )
