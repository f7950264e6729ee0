"""Who may do what in the forum: `check_*` functions that raise, and `filter_*` querysets.

Rules of thumb:
- Content a user may not see answers 404 (Http404), so outsiders can't tell it exists.
- Content they can see but may not change answers 403 (PermissionDenied).
- Things a member could do but not right now (suspended, thread locked) raise PostingBlocked, a
  PermissionDenied with a message for the member; views that show a form turn it into a form error
  that keeps what was typed.
- Moderation checks raise PermissionDenied for everyone who is not a moderator, signed in or not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import User
from forum.models import Category, Post, Thread

MODERATORS_GROUP = "Moderators"

# Permission codenames ("forum.<codename>") held by the Moderators group (see migration 0004).
PERM_HIDE_POST = "forum.hide_post"
PERM_VIEW_POST_HISTORY = "forum.view_post_history"
PERM_LOCK_THREAD = "forum.lock_thread"
PERM_MOVE_THREAD = "forum.move_thread"
PERM_HIDE_THREAD = "forum.hide_thread"
PERM_EDIT_THREAD_TITLE = "forum.edit_thread_title"
PERM_REVIEW_FLAGS = "forum.review_flags"
PERM_VIEW_AUDIT_LOG = "forum.view_audit_log"
PERM_SUSPEND_MEMBER = "forum.suspend_member"
MODERATOR_PERMISSIONS = [
    PERM_HIDE_POST,
    PERM_VIEW_POST_HISTORY,
    PERM_LOCK_THREAD,
    PERM_MOVE_THREAD,
    PERM_HIDE_THREAD,
    PERM_EDIT_THREAD_TITLE,
    PERM_REVIEW_FLAGS,
    PERM_VIEW_AUDIT_LOG,
    PERM_SUSPEND_MEMBER,
    # Read access in the Django admin, for moderators who are also staff.
    "forum.view_category",
    "forum.view_thread",
    "forum.view_post",
    "forum.view_postrevision",
    "forum.view_flag",
    "forum.view_reaction",
    "forum.view_moderationevent",
]

AnyUser = User | AnonymousUser


class PostingBlocked(PermissionDenied):
    """The member may not post here right now; `message` says why, in words for them."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- who is who ---------------------------------------------------------------------------------------


def user_is_moderator(user: AnyUser) -> bool:
    """A member of the Moderators group (or anyone holding its permissions), or a superuser."""
    return bool(user.is_authenticated and user.is_active and user.has_perm(PERM_HIDE_POST))


def user_is_suspended(user: AnyUser) -> bool:
    until = getattr(user, "suspended_until", None)
    return bool(user.is_authenticated and until and until > timezone.now())


def suspension_message(user: User) -> str:
    """Short, for form errors; the notice at the top of every page gives the moderators' reason."""
    until = date_format(timezone.localtime(user.suspended_until), "j F Y, H:i")
    return (
        f"Your account is suspended until {until} (UTC), so you can't post, reply, edit, react or flag yet."
    )


def allowed(check: Callable[..., Any], *args: Any) -> bool:
    """True when `check(*args)` does not raise: for templates that show or hide a button."""
    try:
        check(*args)
    except (PermissionDenied, Http404):
        return False
    return True


# --- querysets ----------------------------------------------------------------------------------------


def readable_posts_q(user: AnyUser) -> Q:
    """Posts whose text `user` may read: not deleted, and not hidden unless they wrote it or moderate."""
    if user_is_moderator(user):
        return Q(is_deleted=False)
    if user.is_authenticated:
        return Q(is_deleted=False, thread__is_hidden=False) & (Q(is_hidden=False) | Q(author=user))
    return Q(is_deleted=False, is_hidden=False, thread__is_hidden=False)


def filter_visible_posts(user: AnyUser, qs: QuerySet[Post]) -> QuerySet[Post]:
    """Posts whose text `user` may read (used by search, permalinks and everything that lists posts)."""
    return qs.filter(readable_posts_q(user))


def filter_public_posts(qs: QuerySet[Post]) -> QuerySet[Post]:
    """Posts anyone may read: neither deleted nor hidden (counts shown to everybody use this)."""
    return qs.filter(is_deleted=False, is_hidden=False)


def filter_thread_top_level_posts(user: AnyUser, thread_id: int) -> QuerySet[Post]:
    """Top-level posts shown on a thread page: readable ones, plus unreadable ones with readable replies
    (shown as a placeholder so the conversation under them still makes sense)."""
    readable = readable_posts_q(user)
    # The thread named in the subquery too: PostgreSQL runs it as one hashed set of readable replies,
    # which without it holds every readable reply in the forum (the whole table, per page view).
    readable_reply = Post.objects.filter(readable, thread_id=thread_id, parent=OuterRef("pk"))
    qs = Post.objects.filter(thread_id=thread_id, parent__isnull=True)
    return qs.filter(readable | Q(Exists(readable_reply)))


def filter_visible_threads(user: AnyUser, qs: QuerySet[Thread]) -> QuerySet[Thread]:
    """Threads are public unless the moderators hid the whole thread (then only moderators see it).

    A thread whose opening post is hidden or deleted stays listed, because other members' replies in it
    are still readable; its title is replaced for those who can't read the opening post (see
    can_read_thread_title).
    """
    if user_is_moderator(user):
        return qs
    return qs.filter(is_hidden=False)


# --- thread titles ------------------------------------------------------------------------------------

# What is shown instead of a title whose opening post the reader may not see.
TITLE_PLACEHOLDER_HIDDEN = "Thread title hidden by moderators"
# The same words account deletion writes into the titles of threads it empties (accounts.services).
TITLE_PLACEHOLDER_DELETED = "(removed)"


@dataclass(frozen=True)
class OpeningPostState:
    """What decides who may read a thread's title: the state of its opening post."""

    is_hidden: bool
    is_deleted: bool
    author_id: int | None


def thread_title_is_public(thread: Thread, opening: OpeningPostState) -> bool:
    """The title belongs to the opening post: it is public while that post is, and the thread is."""
    return not (thread.is_hidden or opening.is_hidden or opening.is_deleted)


def can_read_thread_title(user: AnyUser, thread: Thread, opening: OpeningPostState) -> bool:
    """Moderators always; others when they may read the opening post (its author still sees it while it is
    hidden, as with the post itself)."""
    if user_is_moderator(user):
        return True
    if thread.is_hidden or opening.is_deleted:
        return False
    if opening.is_hidden:
        return bool(user.is_authenticated and opening.author_id == user.pk)
    return True


def thread_title_placeholder(opening: OpeningPostState) -> str:
    return TITLE_PLACEHOLDER_DELETED if opening.is_deleted else TITLE_PLACEHOLDER_HIDDEN


# --- reading ------------------------------------------------------------------------------------------


def check_can_view_thread(user: AnyUser, thread: Thread) -> None:
    if thread.is_hidden and not user_is_moderator(user):
        raise Http404("No such thread.")


def check_can_view_post(user: AnyUser, post: Post) -> None:
    if post.is_deleted:
        raise Http404("No such post.")
    check_can_view_thread(user, post.thread)
    if post.is_hidden and not (user_is_moderator(user) or _is_author(user, post)):
        raise Http404("No such post.")


# --- writing ------------------------------------------------------------------------------------------


def check_can_post(user: AnyUser) -> None:
    """Signed in and not suspended: common to creating threads, replying, editing, reacting, flagging."""
    if not user.is_authenticated:
        raise PermissionDenied("Sign in to post.")
    if not user.is_active:
        raise PermissionDenied("This account is not active.")
    if user_is_suspended(user):
        raise PostingBlocked(suspension_message(user))


def check_can_create_thread(user: AnyUser, category: Category) -> None:
    check_can_post(user)


def check_can_reply(user: AnyUser, thread: Thread) -> None:
    check_can_view_thread(user, thread)
    check_can_post(user)
    if thread.is_locked and not user_is_moderator(user):
        raise PostingBlocked("This thread is locked by the moderators, so it can't take new replies.")


def check_can_reply_to_post(user: AnyUser, post: Post) -> None:
    check_can_view_post(user, post)
    check_can_reply(user, post.thread)


def check_can_edit_post(user: AnyUser, post: Post) -> None:
    check_can_view_post(user, post)
    if not _is_author(user, post):
        raise PermissionDenied("You can only edit your own posts.")
    if post.is_hidden:
        raise PostingBlocked("A moderator has hidden this post, so it can't be edited.")
    check_can_post(user)
    if post.thread.is_locked and not user_is_moderator(user):
        raise PostingBlocked("This thread is locked by the moderators, so its posts can't be edited.")


def check_can_delete_post(user: AnyUser, post: Post) -> None:
    """Authors may delete their own posts, even while suspended (it is their writing)."""
    check_can_view_post(user, post)
    if not _is_author(user, post):
        raise PermissionDenied("You can only delete your own posts.")


def check_can_react(user: AnyUser, post: Post) -> None:
    check_can_view_post(user, post)
    if post.is_hidden:
        raise PermissionDenied("Hidden posts can't take reactions.")
    if _is_author(user, post):
        raise PermissionDenied("You can't react to your own post.")
    check_can_post(user)


def check_can_flag(user: AnyUser, post: Post) -> None:
    check_can_view_post(user, post)
    if not user.is_authenticated:
        raise PermissionDenied("Sign in to flag a post.")
    if _is_author(user, post):
        raise PermissionDenied("You can't flag your own post; edit or delete it instead.")
    if post.is_hidden:
        raise PermissionDenied("A moderator has already hidden this post.")
    check_can_post(user)


def check_can_use_drafts(user: AnyUser) -> None:
    if not user.is_authenticated:
        raise PermissionDenied("Sign in to save drafts.")


def check_can_write_draft(user: AnyUser, kind: str, target: Category | Thread | Post) -> None:
    """A draft only for a place the member could publish it now: the check of the form it belongs to.

    `kind` and `target` come from the draft key (forum.drafts): a new thread in a category, a reply in a
    thread, a reply to a post, or an edit of a post.
    """
    check_can_use_drafts(user)
    checks: dict[str, Callable[[AnyUser, Any], None]] = {
        "category": check_can_create_thread,
        "thread": check_can_reply,
        "reply": check_can_reply_to_post,
        "edit": check_can_edit_post,
    }
    checks[kind](user, target)


# --- moderation ---------------------------------------------------------------------------------------


def _require(user: AnyUser, perm: str) -> None:
    if not (user.is_authenticated and user.is_active and user.has_perm(perm)):
        raise PermissionDenied("Only moderators can do that.")


def check_can_moderate(user: AnyUser) -> None:
    """Any moderation page at all (the moderation link in the header)."""
    _require(user, PERM_HIDE_POST)


def check_can_review_flags(user: AnyUser) -> None:
    _require(user, PERM_REVIEW_FLAGS)


def check_can_hide_post(user: AnyUser, post: Post) -> None:
    _require(user, PERM_HIDE_POST)
    if post.is_deleted:
        raise Http404("No such post.")


def check_can_view_post_history(user: AnyUser, post: Post) -> None:
    _require(user, PERM_VIEW_POST_HISTORY)


def check_can_lock_thread(user: AnyUser, thread: Thread) -> None:
    _require(user, PERM_LOCK_THREAD)


def check_can_move_thread(user: AnyUser, thread: Thread) -> None:
    _require(user, PERM_MOVE_THREAD)


def check_can_hide_thread(user: AnyUser, thread: Thread) -> None:
    _require(user, PERM_HIDE_THREAD)


def check_can_edit_thread_title(user: AnyUser, thread: Thread) -> None:
    _require(user, PERM_EDIT_THREAD_TITLE)


def check_can_view_audit_log(user: AnyUser) -> None:
    _require(user, PERM_VIEW_AUDIT_LOG)


def check_can_suspend_member(user: AnyUser, member: User) -> None:
    _require(user, PERM_SUSPEND_MEMBER)
    if member.pk == user.pk:
        raise PermissionDenied("You can't suspend yourself.")
    if member.is_superuser or (user_is_moderator(member) and not user.is_superuser):
        raise PermissionDenied("Only an administrator can suspend a moderator.")


def _is_author(user: AnyUser, post: Post) -> bool:
    return bool(user.is_authenticated and post.author_id is not None and post.author_id == user.pk)
