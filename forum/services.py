"""Writes of the forum app. Keyword-only, typed, named `entity_action`.

Services trust their caller to have run the matching `forum.permissions.check_*` function (views do);
they keep the data consistent, write the audit log for moderator actions and schedule outcome tagging.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from analysis import hooks as analysis_hooks
from core.text_input import normalise_member_text
from forum import events
from forum.drafts import DraftTooLong, TooManyDrafts, draft_key_has_title
from forum.models import Category, Draft, Flag, Post, PostRevision, Reaction, Thread
from forum.permissions import MODERATORS_GROUP


def normalise_body(body: str) -> str:
    """Line endings as \\n, no invisible or control characters, no trailing whitespace and no blank lines
    before the text (see normalise_member_text)."""
    return normalise_member_text(body, multiline=True)


def normalise_title(title: str) -> str:
    return normalise_member_text(title, multiline=False)


# --- posting ------------------------------------------------------------------------------------------


def _post_insert(
    *,
    thread: Thread,
    author: User,
    body: str,
    parent: Post | None,
    created_at: datetime,
    reply_to: Post | None = None,
) -> Post:
    post = Post.objects.create(
        thread=thread,
        parent=parent,
        reply_to=reply_to or parent,
        author=author,
        author_name=author.public_name,
        body=normalise_body(body),
        created_at=created_at,
    )
    analysis_hooks.post_written(post_id=post.id)
    return post


@transaction.atomic
def thread_create(
    *, category: Category, author: User, title: str, body: str, draft_key: str | None = None
) -> Thread:
    """A new thread with its opening post."""
    now = timezone.now()
    thread = Thread.objects.create(
        category=category, title=normalise_title(title), author=author, created_at=now, last_posted_at=now
    )
    _post_insert(thread=thread, author=author, body=body, parent=None, created_at=now)
    if draft_key:
        draft_delete(user=author, key=draft_key)
    return thread


@transaction.atomic
def post_create(
    *, thread: Thread, author: User, body: str, parent: Post | None = None, draft_key: str | None = None
) -> Post:
    """A reply in `thread`. A reply to a reply attaches to the top-level post (one level deep) and
    remembers the reply it answers."""
    reply_to = parent
    if parent is not None:
        if parent.thread_id != thread.pk:
            raise ValueError("The parent post belongs to another thread.")
        if parent.parent_id is not None:
            parent = parent.parent
    now = timezone.now()
    post = _post_insert(
        thread=thread, author=author, body=body, parent=parent, created_at=now, reply_to=reply_to
    )
    Thread.objects.filter(pk=thread.pk).update(last_posted_at=now)
    thread.last_posted_at = now
    if draft_key:
        draft_delete(user=author, key=draft_key)
    return post


@transaction.atomic
def post_edit(*, post: Post, editor: User, body: str, draft_key: str | None = None) -> Post:
    """Change a post's text, keeping the previous text as a revision. Does nothing if the text is the same."""
    body = normalise_body(body)
    if draft_key:
        draft_delete(user=editor, key=draft_key)
    if body == post.body:
        return post
    now = timezone.now()
    PostRevision.objects.create(post=post, body=post.body, created_at=now, edited_by=editor)
    post.body = body
    post.edited_at = now
    post.save(update_fields=["body", "edited_at"])
    analysis_hooks.post_written(post_id=post.id)
    return post


@transaction.atomic
def post_delete(*, post: Post, actor: User) -> Post:
    """Soft delete: the post disappears (or becomes a placeholder above its replies); the row stays."""
    if post.is_deleted:
        return post
    post.is_deleted = True
    post.deleted_at = timezone.now()
    post.save(update_fields=["is_deleted", "deleted_at"])
    analysis_hooks.posts_visibility_changed(post_ids=[post.pk])
    return post


# --- reactions and flags ------------------------------------------------------------------------------


@transaction.atomic
def reaction_toggle(*, post: Post, user: User) -> bool:
    """Add or take back 'this matches my experience'. Returns True when the member now has the reaction."""
    deleted, _ = Reaction.objects.filter(post=post, user=user).delete()
    if deleted:
        return False
    Reaction.objects.get_or_create(post=post, user=user)
    return True


@transaction.atomic
def flag_create(*, post: Post, reporter: User, reason: str, note: str = "") -> Flag:
    """Report a post to the moderators. A member's second flag on the same post updates their open one."""
    flag = Flag.objects.filter(post=post, reporter=reporter, status=Flag.Status.OPEN).first()
    if flag is not None:
        flag.reason = reason
        flag.note = note.strip()
        flag.save(update_fields=["reason", "note"])
        return flag
    return Flag.objects.create(
        post=post, reporter=reporter, reason=reason, note=note.strip(), created_at=timezone.now()
    )


def _resolve_open_flags(*, post: Post, moderator: User, status: str) -> list[int]:
    open_flags = Flag.objects.filter(post=post, status=Flag.Status.OPEN)
    flag_ids = list(open_flags.order_by("id").values_list("id", flat=True))
    if flag_ids:
        Flag.objects.filter(id__in=flag_ids).update(
            status=status, resolved_at=timezone.now(), resolved_by=moderator
        )
    return flag_ids


@transaction.atomic
def post_flags_dismiss(*, post: Post, moderator: User, reason: str = "") -> list[int]:
    """Close the open flags on a post without acting on it."""
    flag_ids = _resolve_open_flags(post=post, moderator=moderator, status=Flag.Status.DISMISSED)
    if flag_ids:
        events.flags_dismissed_event(post=post, moderator=moderator, reason=reason, flag_ids=flag_ids)
    return flag_ids


# --- moderation ---------------------------------------------------------------------------------------


@transaction.atomic
def post_hide(*, post: Post, moderator: User, reason: str) -> Post:
    """Hide a post from everyone but moderators and its author, who sees `reason`. Closes its open flags."""
    _hidden_set(post, moderator=moderator, reason=reason)
    analysis_hooks.posts_visibility_changed(post_ids=[post.pk])
    flag_ids = _resolve_open_flags(post=post, moderator=moderator, status=Flag.Status.ACTIONED)
    events.post_hidden_event(post=post, moderator=moderator, reason=post.hide_reason, flag_ids=flag_ids)
    return post


def _hidden_set(item: Post | Thread, *, moderator: User | None, reason: str = "") -> None:
    """Hide a post or a thread by `moderator` (with the reason), or show it again (moderator None)."""
    item.is_hidden = moderator is not None
    item.hidden_at = timezone.now() if moderator else None
    item.hidden_by = moderator
    item.hide_reason = reason.strip() if moderator else ""
    item.save(update_fields=["is_hidden", "hidden_at", "hidden_by", "hide_reason"])


def _thread_post_ids(thread: Thread) -> list[int]:
    return list(thread.posts.values_list("id", flat=True))


@transaction.atomic
def post_restore(*, post: Post, moderator: User, reason: str = "") -> Post:
    """Show a hidden post again. The reason it was hidden stays in the audit log."""
    _hidden_set(post, moderator=None)
    analysis_hooks.posts_visibility_changed(post_ids=[post.pk])
    events.post_restored_event(post=post, moderator=moderator, reason=reason.strip())
    return post


@transaction.atomic
def thread_lock(*, thread: Thread, moderator: User, reason: str = "") -> Thread:
    thread.is_locked = True
    thread.save(update_fields=["is_locked"])
    events.thread_locked_event(thread=thread, moderator=moderator, reason=reason.strip())
    return thread


@transaction.atomic
def thread_unlock(*, thread: Thread, moderator: User, reason: str = "") -> Thread:
    thread.is_locked = False
    thread.save(update_fields=["is_locked"])
    events.thread_unlocked_event(thread=thread, moderator=moderator, reason=reason.strip())
    return thread


@transaction.atomic
def thread_move(*, thread: Thread, moderator: User, category: Category, reason: str = "") -> Thread:
    from_category = thread.category
    if from_category.pk == category.pk:
        return thread
    thread.category = category
    thread.save(update_fields=["category"])
    analysis_hooks.posts_visibility_changed(post_ids=_thread_post_ids(thread))
    events.thread_moved_event(
        thread=thread,
        moderator=moderator,
        reason=reason.strip(),
        from_category=from_category,
        to_category=category,
    )
    return thread


@transaction.atomic
def thread_hide(*, thread: Thread, moderator: User, reason: str) -> Thread:
    """Hide a whole thread, its posts with it, from everyone but the moderators (who see it marked)."""
    _hidden_set(thread, moderator=moderator, reason=reason)
    analysis_hooks.posts_visibility_changed(post_ids=_thread_post_ids(thread))
    events.thread_hidden_event(thread=thread, moderator=moderator, reason=thread.hide_reason)
    return thread


@transaction.atomic
def thread_restore(*, thread: Thread, moderator: User, reason: str = "") -> Thread:
    """Show a hidden thread again. The reason it was hidden stays in the audit log."""
    _hidden_set(thread, moderator=None)
    analysis_hooks.posts_visibility_changed(post_ids=_thread_post_ids(thread))
    events.thread_restored_event(thread=thread, moderator=moderator, reason=reason.strip())
    return thread


@transaction.atomic
def thread_title_edit(*, thread: Thread, moderator: User, title: str, reason: str = "") -> Thread:
    """A moderator changes a thread's title; the old and new titles go in the audit log."""
    title = normalise_title(title)
    from_title = thread.title
    if title == from_title:
        return thread
    thread.title = title
    thread.save(update_fields=["title"])
    events.thread_title_changed_event(
        thread=thread, moderator=moderator, reason=reason.strip(), from_title=from_title, to_title=title
    )
    return thread


@transaction.atomic
def member_suspend(*, member: User, moderator: User, until: datetime, reason: str) -> User:
    """Until `until` the member can read but not post, reply, edit, react or flag. They see `reason`."""
    member.suspended_until = until
    member.suspension_reason = reason.strip()
    member.save(update_fields=["suspended_until", "suspension_reason"])
    events.member_suspended_event(
        member=member, moderator=moderator, reason=member.suspension_reason, until=until
    )
    return member


@transaction.atomic
def member_unsuspend(*, member: User, moderator: User, reason: str = "") -> User:
    member.suspended_until = None
    member.suspension_reason = ""
    member.save(update_fields=["suspended_until", "suspension_reason"])
    events.member_unsuspended_event(member=member, moderator=moderator, reason=reason.strip())
    return member


def moderator_add(*, user: User) -> None:
    """Make `user` a moderator: a member of the Moderators group (created by migration forum/0004)."""
    group = Group.objects.filter(name=MODERATORS_GROUP).first()
    if group is None:  # a database flushed after migrating (e.g. a transactional test): recreate it
        group = _moderators_group_create()
    user.groups.add(group)
    _perm_cache_clear(user)


def moderator_remove(*, user: User) -> None:
    """Stop `user` being a moderator (their past actions stay in the audit log)."""
    user.groups.remove(*Group.objects.filter(name=MODERATORS_GROUP))
    _perm_cache_clear(user)


def _perm_cache_clear(user: User) -> None:
    """has_perm caches per user object; drop the cache so a changed role applies at once."""
    for attr in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(attr, None)


def _moderators_group_create() -> Group:
    from forum.permissions import MODERATOR_PERMISSIONS

    group = Group.objects.create(name=MODERATORS_GROUP)
    for perm in MODERATOR_PERMISSIONS:
        app_label, codename = perm.split(".")
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return group


# --- drafts -------------------------------------------------------------------------------------------


@transaction.atomic
def draft_save(*, user: User, key: str, title: str = "", body: str = "") -> Draft | None:
    """Keep what the member is writing, as it would be posted. An empty draft is deleted rather than stored.

    Refuses a body longer than a post may be or a title longer than a title may be (DraftTooLong), and a new
    draft beyond settings.FORUM_DRAFTS_PER_MEMBER (TooManyDrafts); the member's other drafts are untouched.
    Callers check the member may write at `key` (permissions.check_can_write_draft) and hold
    rate_limit.draft_save_slot, whose lock also keeps parallel saves from passing the cap together.
    """
    title = normalise_title(title) if draft_key_has_title(key) else ""
    body = normalise_body(body)
    if len(body) > settings.FORUM_POST_MAX_CHARS:
        raise DraftTooLong(field="body", length=len(body), limit=settings.FORUM_POST_MAX_CHARS)
    if len(title) > settings.FORUM_TITLE_MAX_CHARS:
        raise DraftTooLong(field="title", length=len(title), limit=settings.FORUM_TITLE_MAX_CHARS)
    if not title and not body.strip():
        draft_delete(user=user, key=key)
        return None
    draft = Draft.objects.filter(user=user, key=key).first()
    if draft is not None:
        draft.title, draft.body, draft.updated_at = title, body, timezone.now()
        draft.save(update_fields=["title", "body", "updated_at"])
        return draft
    cap = settings.FORUM_DRAFTS_PER_MEMBER
    if cap and Draft.objects.filter(user=user).count() >= cap:
        raise TooManyDrafts(limit=cap)
    return Draft.objects.create(user=user, key=key, title=title, body=body, updated_at=timezone.now())


def draft_delete(*, user: User, key: str) -> None:
    Draft.objects.filter(user=user, key=key).delete()
