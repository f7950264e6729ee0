"""Writes of the notifications app: who is told what, what members follow, their email choice.

The forum tells notifications what happened through notifications.hooks; the workers then call the
`notifications_for_*` functions here with ids. Each is idempotent: a task delivered twice notifies nobody
twice (one notification per member per post, one per moderation event, one reactions line per post).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from forum.markdown import members_by_name, mentioned_usernames
from forum.models import Category, ModerationEvent, Post, Reaction, Thread
from notifications.models import CategoryWatch, DigestSend, EmailPreference, Notification, ThreadWatch
from notifications.quotes import quoted_author_ids

Kind = Notification.Kind

# The moderator actions a member hears about: on their post, or on a thread they started.
POST_ACTIONS = {ModerationEvent.Kind.POST_HIDDEN, ModerationEvent.Kind.POST_RESTORED}
THREAD_ACTIONS = {
    ModerationEvent.Kind.THREAD_HIDDEN,
    ModerationEvent.Kind.THREAD_RESTORED,
    ModerationEvent.Kind.THREAD_LOCKED,
    ModerationEvent.Kind.THREAD_UNLOCKED,
    ModerationEvent.Kind.THREAD_MOVED,
    ModerationEvent.Kind.THREAD_TITLE_CHANGED,
}


def _public_post(post_id: int) -> Post | None:
    """The post, if everyone may read it: hidden and deleted posts (and posts in hidden threads) notify
    nobody, whoever wrote them."""
    return (
        Post.objects.select_related("thread", "parent", "reply_to")
        .filter(pk=post_id, is_deleted=False, is_hidden=False, thread__is_hidden=False)
        .first()
    )


def _active(user_ids: Iterable[int]) -> set[int]:
    return set(User.objects.filter(pk__in=set(user_ids), is_active=True).values_list("pk", flat=True))


def _mentioned_ids(post: Post) -> set[int]:
    usernames = members_by_name(mentioned_usernames(post.body)).values()
    return set(User.objects.filter(username__in=usernames).values_list("pk", flat=True))


def _post_notifications_create(post: Post, reasons: list[tuple[str, Iterable[int]]]) -> list[Notification]:
    """One notification per member, for the first reason that applies to them (reasons in order of how
    much they say), never to the post's author. Members already told about this post are not told again."""
    kinds: dict[int, str] = {}
    for kind, user_ids in reasons:
        for user_id in user_ids:
            kinds.setdefault(user_id, kind)
    kinds.pop(post.author_id, None)
    active = _active(kinds)
    now = timezone.now()
    rows = [
        Notification(
            recipient_id=user_id,
            kind=kind,
            post=post,
            thread_id=post.thread_id,
            created_at=now,
            updated_at=now,
        )
        for user_id, kind in kinds.items()
        if user_id in active
    ]
    already = set(
        Notification.objects.filter(post=post, kind__in=Notification.POST_KINDS).values_list(
            "recipient_id", flat=True
        )
    )
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return [row for row in rows if row.recipient_id not in already]


@transaction.atomic
def notifications_for_new_post(*, post_id: int) -> list[Notification]:
    """A post was published: tell those it quotes, the author it replies to, those it mentions, the
    thread's watchers and, for a new thread, the category's watchers."""
    post = _public_post(post_id)
    if post is None or post.author_id is None:
        return []
    is_opening = not Post.objects.filter(thread_id=post.thread_id, created_at__lt=post.created_at).exists()
    thread_watchers = ThreadWatch.objects.filter(thread_id=post.thread_id, watching=True)
    category_watchers = (
        CategoryWatch.objects.filter(category_id=post.thread.category_id)
        if is_opening
        else CategoryWatch.objects.none()
    )
    answered = post.reply_to or post.parent  # a reply to a reply answers that reply, not the top post
    parent_author = [answered.author_id] if answered is not None and answered.author_id else []
    return _post_notifications_create(
        post,
        [
            (Kind.QUOTE, quoted_author_ids(post)),
            (Kind.REPLY, parent_author),
            (Kind.MENTION, _mentioned_ids(post)),
            (Kind.THREAD_POST, thread_watchers.values_list("user_id", flat=True)),
            (Kind.NEW_THREAD, category_watchers.values_list("user_id", flat=True)),
        ],
    )


@transaction.atomic
def notifications_for_edited_post(*, post_id: int) -> list[Notification]:
    """A post's text changed: tell only members it newly quotes or mentions."""
    post = _public_post(post_id)
    if post is None or post.author_id is None:
        return []
    return _post_notifications_create(
        post, [(Kind.QUOTE, quoted_author_ids(post)), (Kind.MENTION, _mentioned_ids(post))]
    )


@transaction.atomic
def notifications_for_reactions(*, post_id: int) -> Notification | None:
    """One line per post for its author: how many other members said it matches their experience.

    A new reaction brings the line back as unread; a reaction taken back only lowers the count.
    """
    post = _public_post(post_id)
    if post is None or post.author_id is None or not _active([post.author_id]):
        return None
    count = Reaction.objects.filter(post=post).exclude(user_id=post.author_id).count()
    line = Notification.objects.select_for_update().filter(
        recipient_id=post.author_id, post=post, kind=Kind.REACTIONS
    )
    if count == 0:
        line.filter(read_at__isnull=True).delete()
        return None
    now = timezone.now()
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=post.author_id,
                kind=Kind.REACTIONS,
                post=post,
                thread_id=post.thread_id,
                count=0,
                created_at=now,
                updated_at=now,
            )
        ],
        ignore_conflicts=True,
    )
    notification = line.get()
    if count > notification.count:
        notification.count, notification.updated_at = count, now
        notification.read_at = notification.emailed_at = None
        notification.save(update_fields=["count", "updated_at", "read_at", "emailed_at"])
    elif count < notification.count:
        notification.count = count
        notification.save(update_fields=["count"])
    return notification


@transaction.atomic
def notifications_for_moderation(*, event_id: int) -> Notification | None:
    """A moderator acted on a member's post, or on a thread they started: tell them, with the reason.

    Told even though the post is now hidden: it is about their own post, which they can still see.
    """
    event = ModerationEvent.objects.select_related("post", "thread").filter(pk=event_id).first()
    if event is None:
        return None
    if event.kind in POST_ACTIONS and event.post is not None:
        post, recipient_id = event.post, event.post.author_id
    elif event.kind in THREAD_ACTIONS and event.thread is not None:
        post = Post.objects.filter(thread=event.thread).order_by("created_at", "id").first()
        recipient_id = event.thread.author_id
    else:
        return None
    if recipient_id is None or recipient_id == event.actor_id or not _active([recipient_id]):
        return None
    if post is not None and post.is_deleted:
        return None
    now = timezone.now()
    row = Notification(
        recipient_id=recipient_id,
        kind=Kind.MODERATION,
        post=post,
        thread_id=event.thread_id or (post.thread_id if post else None),
        action=event.kind,
        reason=event.reason,
        moderation_event_id=event.pk,
        created_at=now,
        updated_at=now,
    )
    Notification.objects.bulk_create([row], ignore_conflicts=True)
    return Notification.objects.filter(moderation_event_id=event.pk).first()


# --- reading them ---------------------------------------------------------------------------------------


def notification_mark_read(*, notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


# --- following ------------------------------------------------------------------------------------------


def thread_watch_start_on_posting(*, user_id: int, thread_id: int) -> None:
    """A member who posts in a thread follows it, unless they stopped following it before."""
    ThreadWatch.objects.get_or_create(user_id=user_id, thread_id=thread_id, defaults={"watching": True})


def thread_watch_set(*, user: User, thread: Thread, watching: bool) -> None:
    ThreadWatch.objects.update_or_create(user=user, thread=thread, defaults={"watching": watching})


def category_watch_set(*, user: User, category: Category, watching: bool) -> None:
    if watching:
        CategoryWatch.objects.get_or_create(user=user, category=category)
    else:
        CategoryWatch.objects.filter(user=user, category=category).delete()


# --- email --------------------------------------------------------------------------------------------


@transaction.atomic
def email_preference_save(
    *, user: User, frequency: str, quiet_start: int | None, quiet_end: int | None, time_zone: str
) -> EmailPreference:
    """Save a member's email choice. Switching email on starts from now: nothing older is emailed."""
    pref = EmailPreference.objects.select_for_update().filter(user=user).first()
    now = timezone.now()
    if pref is None:
        pref = EmailPreference(user=user, chosen_at=now)
    elif pref.frequency == EmailPreference.Frequency.NEVER and frequency != pref.frequency:
        pref.chosen_at = now
    pref.frequency, pref.quiet_start, pref.quiet_end, pref.time_zone = (
        frequency,
        quiet_start,
        quiet_end,
        time_zone,
    )
    pref.save()
    return pref


def email_unsubscribe(*, user_id: int) -> None:
    """The one-click unsubscribe: no more email of any kind about notifications."""
    EmailPreference.objects.filter(user_id=user_id).update(frequency=EmailPreference.Frequency.NEVER)


# --- leaving ------------------------------------------------------------------------------------------


def member_notifications_delete(*, user_id: int) -> None:
    """Everything this app keeps about a member who deletes their account."""
    Notification.objects.filter(recipient_id=user_id).delete()
    ThreadWatch.objects.filter(user_id=user_id).delete()
    CategoryWatch.objects.filter(user_id=user_id).delete()
    EmailPreference.objects.filter(user_id=user_id).delete()
    DigestSend.objects.filter(user_id=user_id).delete()


def post_notifications_delete(*, post_ids: Iterable[int]) -> None:
    """Posts removed with their author's account: other members' notifications about them go too."""
    Notification.objects.filter(post_id__in=list(post_ids)).delete()
