"""Reads of the notifications app: the bell's count, the notifications page, what a member follows."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.urls import reverse

from accounts.models import User
from forum.models import Category, ModerationEvent, Post, Thread
from forum.permissions import readable_posts_q
from forum.selectors import opening_post_state_attach, thread_title_for, with_opening_post_state
from notifications.models import CategoryWatch, EmailPreference, Notification, ThreadWatch

Kind = Notification.Kind
PER_PAGE = 20
# The bell never counts past this: a number is a nudge, not a demand ("9+").
BELL_CAP = 9

MODERATION_WORDS = {
    ModerationEvent.Kind.POST_HIDDEN: "A moderator hid your post in “{title}”.",
    ModerationEvent.Kind.POST_RESTORED: "A moderator restored your post in “{title}”.",
    ModerationEvent.Kind.THREAD_HIDDEN: "A moderator hid your thread “{title}”.",
    ModerationEvent.Kind.THREAD_RESTORED: "A moderator restored your thread “{title}”.",
    ModerationEvent.Kind.THREAD_LOCKED: "A moderator closed your thread “{title}” to new replies.",
    ModerationEvent.Kind.THREAD_UNLOCKED: "A moderator opened your thread “{title}” to replies again.",
    ModerationEvent.Kind.THREAD_MOVED: "A moderator moved your thread “{title}” to another category.",
    ModerationEvent.Kind.THREAD_TITLE_CHANGED: "A moderator changed the title of your thread to “{title}”.",
}


def notifications_for(*, user: User) -> QuerySet[Notification]:
    """The member's notifications about things they may still see: a post deleted or hidden since is left
    out, except the member's own post (moderators' actions on it are about them)."""
    readable = Post.objects.filter(readable_posts_q(user)).values("pk")
    return Notification.objects.filter(recipient=user).filter(
        Q(post__isnull=True) | Q(post__in=readable) | Q(kind=Kind.MODERATION, post__is_deleted=False)
    )


def unread_count(*, user: User) -> int:
    """Unread notifications, counted up to BELL_CAP + 1 (one cheap query on a partial index)."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True)[: BELL_CAP + 1].count()


def bell_label(count: int) -> str:
    return f"{BELL_CAP}+" if count > BELL_CAP else str(count)


@dataclass
class Line:
    notification: Notification
    text: str
    reason: str
    url: str

    @property
    def is_unread(self) -> bool:
        return self.notification.read_at is None


def _title(notification: Notification, user: User) -> str:
    thread = notification.thread
    return thread_title_for(thread=thread, user=user) if thread else "a thread"


def line_text(notification: Notification, user: User) -> str:
    """What happened, in one calm sentence."""
    title = _title(notification, user)
    name = notification.post.author_name if notification.post else "A member"
    kind = notification.kind
    if kind == Kind.REPLY:
        return f"{name} replied to your post in “{title}”."
    if kind == Kind.QUOTE:
        return f"{name} quoted your post in “{title}”."
    if kind == Kind.MENTION:
        return f"{name} mentioned you in “{title}”."
    if kind == Kind.THREAD_POST:
        return f"{name} wrote in “{title}”, a thread you follow."
    if kind == Kind.NEW_THREAD:
        category = notification.thread.category.name if notification.thread else "a category"
        return f"{name} started “{title}” in {category}, which you follow."
    if kind == Kind.REACTIONS:
        members = "1 member" if notification.count == 1 else f"{notification.count} members"
        return f"{members} said your post in “{title}” matches their experience."
    words = MODERATION_WORDS.get(notification.action, "A moderator acted on your post in “{title}”.")
    return words.format(title=title)


def _lines(notifications, user: User) -> list[Line]:
    for n in notifications:
        if n.thread is not None:
            opening_post_state_attach(row=n, thread=n.thread)
    return [
        Line(
            notification=n,
            text=line_text(n, user),
            reason=n.reason if n.kind == Kind.MODERATION else "",
            url=reverse("notifications:open", args=[n.pk]),
        )
        for n in notifications
    ]


def _with_related(qs: QuerySet[Notification]) -> QuerySet[Notification]:
    """Everything a line needs, in the one query (thread titles follow their opening post's state)."""
    return with_opening_post_state(
        qs.select_related("post", "thread", "thread__category"), thread_ref="thread"
    )


def notifications_page(*, user: User, page_number) -> tuple[Page, list[Line]]:
    """A page of the member's notifications, newest first, each as a line of text with its link."""
    qs = _with_related(notifications_for(user=user)).order_by("-updated_at", "-id")
    page = Paginator(qs, PER_PAGE).get_page(page_number)
    return page, _lines(list(page.object_list), user)


def lines_for_email(*, user: User, notification_ids: list[int]) -> list[Line]:
    qs = _with_related(notifications_for(user=user).filter(pk__in=notification_ids)).order_by(
        "updated_at", "id"
    )
    return _lines(qs, user)


def thread_is_watched(*, user: User, thread: Thread) -> bool:
    return ThreadWatch.objects.filter(user=user, thread=thread, watching=True).exists()


def category_is_watched(*, user: User, category: Category) -> bool:
    return CategoryWatch.objects.filter(user=user, category=category).exists()


def email_preference_for(*, user: User) -> EmailPreference:
    """The member's email choice; an unsaved "never" when they have not chosen (email is off by default)."""
    pref = EmailPreference.objects.filter(user=user).first()
    return pref or EmailPreference(user=user, frequency=EmailPreference.Frequency.NEVER)


def email_preference_initial(*, user: User) -> dict:
    """The settings form's values: what the member chose, or email off (in the UK's time zone) if nothing."""
    pref = email_preference_for(user=user)
    return {
        "frequency": pref.frequency,
        "quiet_start": pref.quiet_start,
        "quiet_end": pref.quiet_end,
        "time_zone": pref.time_zone if pref.pk else "Europe/London",
    }


def member_notification_settings(*, user: User) -> dict:
    """For the member's data export: their email choice and what they follow."""
    pref = EmailPreference.objects.filter(user=user).first()
    return {
        "email": {
            "frequency": pref.frequency if pref else EmailPreference.Frequency.NEVER,
            "quiet_hours_start": pref.quiet_start if pref else None,
            "quiet_hours_end": pref.quiet_end if pref else None,
            "time_zone": pref.time_zone if pref else "UTC",
        },
        "following_threads": [
            {
                "thread": w.thread_id,
                "title": thread_title_for(thread=w.thread, user=user),
                "following": w.watching,
            }
            for w in ThreadWatch.objects.filter(user=user)
            .select_related("thread")
            .order_by("created_at", "id")
        ],
        "following_categories": [
            w.category.name
            for w in CategoryWatch.objects.filter(user=user)
            .select_related("category")
            .order_by("created_at", "id")
        ],
        "notifications": notifications_for(user=user).count(),
    }
