"""A member's content in the forum, as the accounts app needs it: their posts page, signing their posts with
a new name, what goes into their data export, and what happens to it all when they delete their account.
The one forum module the accounts app imports."""

import re

from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from accounts.models import User
from analysis import hooks as analysis_hooks
from forum.models import Draft, Flag, ModerationEvent, Post, PostRevision, Reaction, Thread
from forum.selectors import member_posts_page, quote_attribution
from notifications import hooks as notification_hooks

__all__ = [
    "DELETED_MEMBER_NAME",
    "member_content_export",
    "member_content_release",
    "member_posts_page",
    "member_posts_rename",
]

DELETED_MEMBER_NAME = "deleted member"
REMOVED_THREAD_TITLE = "(removed)"


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _machine_tag(tag) -> dict | None:
    """What the tagger inferred from a post (health data about its author), with any human labels."""
    if tag is None:
        return None
    return {
        "status": tag.status,
        "outcome": tag.outcome,
        "confidence": tag.confidence,
        "interventions": list(tag.interventions),
        "symptoms": list(tag.symptoms),
        "evidence": list(tag.evidence),
        "tagger_version": tag.tagger_version,
        "tagged_at": _iso(tag.tagged_at),
        "your_label": tag.author_outcome,
        "moderator_label": tag.moderator_outcome,
    }


def _quotes_scrub(*, names: set[str], thread_ids: set[int], own_post_ids: list[int]) -> None:
    """Replace "**Name** wrote:" lines in other members' posts (and their earlier revisions and drafts).

    Quotes are made in the thread of the quoted post, so only the threads the member wrote in are read.
    """
    if not names or not thread_ids:
        return
    pattern = re.compile(
        r"^\*\*(?:" + "|".join(re.escape(n) for n in sorted(names)) + r")\*\* wrote:[ \t]*$", re.MULTILINE
    )
    contains = Q()
    for name in names:
        contains |= Q(body__contains=quote_attribution(name))
    quoting_posts = Post.objects.filter(contains, thread_id__in=thread_ids).exclude(id__in=own_post_ids)
    quoting_revisions = PostRevision.objects.filter(contains, post__thread_id__in=thread_ids).exclude(
        post_id__in=own_post_ids
    )
    quoting_drafts = Draft.objects.filter(contains)
    for model, rows in ((Post, quoting_posts), (PostRevision, quoting_revisions), (Draft, quoting_drafts)):
        changed = []
        for row in rows.only("id", "body"):
            body = pattern.sub(quote_attribution(DELETED_MEMBER_NAME), row.body)
            if body != row.body:
                row.body = body
                changed.append(row)
        model.objects.bulk_update(changed, ["body"], batch_size=500)


def _audit_log_scrub(*, user: User, names: set[str], post_ids: list[int]) -> None:
    """Take the member's names out of the audit entries about them and their posts; the actions stay."""
    events = ModerationEvent.objects.filter(Q(member=user) | Q(post_id__in=post_ids))
    word = (
        re.compile(
            r"(?<!\w)(?:" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")(?!\w)",
            re.IGNORECASE,
        )
        if names
        else None
    )
    changed = []
    for event in events.only("id", "data", "reason"):
        data = dict(event.data or {})
        for key in ("author_name", "username"):
            if key in data:
                data[key] = DELETED_MEMBER_NAME
        reason = word.sub(DELETED_MEMBER_NAME, event.reason) if word else event.reason
        if data != event.data or reason != event.reason:
            event.data, event.reason = data, reason
            changed.append(event)
    ModerationEvent.objects.bulk_update(changed, ["data", "reason"], batch_size=500)


def member_posts_rename(*, user: User) -> None:
    """Sign all the member's posts with their current name (one UPDATE on the author index): renames are
    rare and every page that lists posts reads author_name, so it is cheaper to write it here than to join
    the user on every read."""
    Post.objects.filter(author=user).exclude(author_name=user.public_name).update(
        author_name=user.public_name
    )


def member_content_release(*, user: User, remove_posts: bool) -> list[int]:
    """Before a member's account is deleted: part their content from them. Returns their posts' ids.

    Their posts either stay, signed "deleted member", or are removed: soft-deleted (hidden from everyone, so
    reply threads keep their shape) with their text blanked, and threads they opened are renamed
    "(removed)". Either way: the link to the account goes; earlier versions of their posts are deleted;
    their names are taken out of the audit log (the actions stay) and out of other members' quotes.
    Call inside the deletion's transaction, with the member's row locked.
    """
    posts = Post.objects.filter(author=user)
    post_ids = list(posts.values_list("id", flat=True))
    thread_ids = set(posts.values_list("thread_id", flat=True))
    names = {user.username, user.display_name, *posts.values_list("author_name", flat=True).distinct()}
    names = {n for n in names if n and n != DELETED_MEMBER_NAME}

    _audit_log_scrub(user=user, names=names, post_ids=post_ids)
    _quotes_scrub(names=names, thread_ids=thread_ids, own_post_ids=post_ids)
    # Earlier versions can hold what they took out of a post (an email address, a diagnosis).
    PostRevision.objects.filter(post_id__in=post_ids).delete()

    if remove_posts:
        posts.filter(is_deleted=False).update(is_deleted=True, deleted_at=timezone.now())
    # Removed posts (now, or earlier by the member) keep no text, nor the tagger's reading of it.
    removed = posts.filter(is_deleted=True)
    removed_ids = list(removed.values_list("id", flat=True))
    analysis_hooks.posts_text_removed(post_ids=removed_ids)
    notification_hooks.posts_removed(post_ids=removed_ids)
    removed.update(body="")
    # A thread whose opening post is removed keeps its replies under a neutral title.
    opening_author = Post.objects.filter(thread=OuterRef("pk")).order_by("created_at", "id")
    Thread.objects.filter(id__in=thread_ids).annotate(
        opening_author=Subquery(opening_author.values("author_id")[:1]),
        opening_deleted=Subquery(opening_author.values("is_deleted")[:1]),
    ).filter(opening_author=user.pk, opening_deleted=True).update(title=REMOVED_THREAD_TITLE)

    posts.update(author=None, author_name=DELETED_MEMBER_NAME)
    Thread.objects.filter(author=user).update(author=None)
    return post_ids


def member_content_export(*, user: User) -> dict:
    """The member's content for their data export: posts (with earlier versions, the tagger's reading and
    moderators' reasons for hiding them), their own outcome labels, flags raised, reactions given, drafts."""
    posts = (
        Post.objects.filter(author=user)
        .select_related("thread", "thread__category", "tag")
        .prefetch_related(Prefetch("revisions", queryset=PostRevision.objects.order_by("created_at", "id")))
        .order_by("created_at", "id")
    )
    flags = (
        Flag.objects.filter(reporter=user).select_related("post", "post__thread").order_by("created_at", "id")
    )
    reactions = Reaction.objects.filter(user=user).select_related("post__thread").order_by("created_at", "id")
    labelled = (
        posts.exclude(tag__author_outcome="")
        .filter(tag__isnull=False)
        .order_by("tag__author_labelled_at", "id")
    )
    return {
        "posts": [
            {
                "id": post.id,
                "thread": post.thread.title,
                "category": post.thread.category.name,
                "created_at": post.created_at.isoformat(),
                "edited_at": _iso(post.edited_at),
                "deleted": post.is_deleted,
                "hidden_by_moderator": post.is_hidden,
                "hidden_at": _iso(post.hidden_at),
                "hide_reason": post.hide_reason,
                "body": post.body,
                "earlier_versions": [
                    {"body": r.body, "replaced_at": r.created_at.isoformat()} for r in post.revisions.all()
                ],
                "outcome_tag": _machine_tag(getattr(post, "tag", None)),
            }
            for post in posts
        ],
        "outcome_labels": [
            {
                "post": post.id,
                "thread": post.thread.title,
                "outcome": post.tag.author_outcome,
                "labelled_at": _iso(post.tag.author_labelled_at),
            }
            for post in labelled
        ],
        "flags_raised": [
            {
                "post": flag.post_id,
                "thread": flag.post.thread.title,
                "reason": flag.reason,
                "note": flag.note,
                "status": flag.status,
                "created_at": flag.created_at.isoformat(),
                "resolved_at": _iso(flag.resolved_at),
            }
            for flag in flags
        ],
        "reactions_given": [
            {"post": r.post_id, "thread": r.post.thread.title, "created_at": r.created_at.isoformat()}
            for r in reactions
        ],
        "drafts": [
            {"place": d.key, "title": d.title, "body": d.body, "updated_at": d.updated_at.isoformat()}
            for d in Draft.objects.filter(user=user).order_by("-updated_at")
        ],
    }
