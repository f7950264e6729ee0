"""Writes on members' own accounts."""

import re

from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from accounts.models import ResearchConsent, User
from analysis.rollups import rollups_refresh_member, rollups_refresh_posts

DELETED_MEMBER_NAME = "deleted member"
REMOVED_THREAD_TITLE = "(removed)"


def _quote_attribution(name: str) -> str:
    """The first line of a quote, as forum.selectors.post_quote_markdown writes it."""
    return f"**{name}** wrote:"


def _quotes_scrub(*, names: set[str], thread_ids: set[int], own_post_ids: list[int]) -> None:
    """Replace "**Name** wrote:" lines in other members' posts (and their earlier revisions and drafts).

    Quotes are made in the thread of the quoted post, so only the threads the member wrote in are read.
    """
    from forum.models import Draft, Post, PostRevision

    if not names or not thread_ids:
        return
    pattern = re.compile(
        r"^\*\*(?:" + "|".join(re.escape(n) for n in sorted(names)) + r")\*\* wrote:[ \t]*$", re.MULTILINE
    )
    contains = Q()
    for name in names:
        contains |= Q(body__contains=_quote_attribution(name))
    quoting_posts = Post.objects.filter(contains, thread_id__in=thread_ids).exclude(id__in=own_post_ids)
    quoting_revisions = PostRevision.objects.filter(contains, post__thread_id__in=thread_ids).exclude(
        post_id__in=own_post_ids
    )
    quoting_drafts = Draft.objects.filter(contains)
    for model, rows in ((Post, quoting_posts), (PostRevision, quoting_revisions), (Draft, quoting_drafts)):
        changed = []
        for row in rows.only("id", "body"):
            body = pattern.sub(_quote_attribution(DELETED_MEMBER_NAME), row.body)
            if body != row.body:
                row.body = body
                changed.append(row)
        model.objects.bulk_update(changed, ["body"], batch_size=500)


def _audit_log_scrub(*, user: User, names: set[str], post_ids: list[int]) -> None:
    """Take the member's names out of the audit entries about them and their posts; the actions stay."""
    from forum.models import ModerationEvent

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


@transaction.atomic
def account_delete(*, user: User, remove_posts: bool) -> None:
    """Delete a member's account, and what names them.

    Their posts either stay, signed "deleted member", or are removed: soft-deleted (hidden from everyone, so
    reply threads keep their shape) with their text blanked, and threads they opened are renamed
    "(removed)". Either way: the link to the account goes; earlier versions of their posts are deleted;
    their names are taken out of the audit log (the actions stay) and out of other members' quotes.
    """
    from analysis.models import PostTag
    from analysis.services import text_hash
    from forum.models import Post, PostRevision, Thread

    User.objects.select_for_update().filter(pk=user.pk).first()  # no post lands while they are scrubbed
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
    PostTag.objects.filter(post__in=removed).update(
        outcome="",
        confidence=None,
        interventions=[],
        symptoms=[],
        evidence=[],
        text_hash=text_hash(""),
        author_outcome="",
        author_labelled_at=None,
        moderator_outcome="",
        moderator_labelled_at=None,
        moderator=None,
    )
    removed.update(body="")
    # Threads don't have a hidden state (they are public; moderation acts on posts), so a thread whose
    # opening post is removed keeps its replies under a neutral title.
    opening_author = Post.objects.filter(thread=OuterRef("pk")).order_by("created_at", "id")
    Thread.objects.filter(id__in=thread_ids).annotate(
        opening_author=Subquery(opening_author.values("author_id")[:1]),
        opening_deleted=Subquery(opening_author.values("is_deleted")[:1]),
    ).filter(opening_author=user.pk, opening_deleted=True).update(title=REMOVED_THREAD_TITLE)

    posts.update(author=None, author_name=DELETED_MEMBER_NAME)
    Thread.objects.filter(author=user).update(author=None)
    user_id = user.pk
    user.delete()
    # Their posts leave the dashboards: nobody is left to hold the consent to count them.
    rollups_refresh_member(user_id=user_id)
    rollups_refresh_posts(post_ids=post_ids)


def research_consent_record(*, user: User, given: bool, where: str) -> None:
    """Record a member's research choice with its date (at sign-up, or when they change it)."""
    ResearchConsent.objects.create(user=user, given=given, where=where)


@transaction.atomic
def signup_choices_save(*, user: User, conditions: list[str], research_opt_in: bool) -> User:
    """What a new member chose at sign-up; research use only when they ticked it themselves."""
    user.conditions = list(conditions)
    user.research_opt_in = research_opt_in
    user.save(update_fields=["conditions", "research_opt_in"])
    research_consent_record(user=user, given=research_opt_in, where=ResearchConsent.Where.SIGN_UP)
    return user


def _posts_rename(*, user: User) -> None:
    """Sign all the member's posts with their current name (one UPDATE on the author index): renames are
    rare and every page that lists posts reads author_name, so it is cheaper to write it here than to join
    the user on every read."""
    from forum.models import Post

    Post.objects.filter(author=user).exclude(author_name=user.public_name).update(
        author_name=user.public_name
    )


@transaction.atomic
def profile_update(
    *, user: User, display_name: str, bio: str, conditions: list[str], research_opt_in: bool
) -> User:
    """Save what a member shares about themselves; the dashboards follow their research choice at once."""
    counted_before = (list(user.conditions), user.research_opt_in)
    name_before = user.public_name
    user.display_name = display_name
    user.bio = bio
    user.conditions = list(conditions)
    user.research_opt_in = research_opt_in
    user.save(update_fields=["display_name", "bio", "conditions", "research_opt_in"])
    if research_opt_in != counted_before[1]:
        research_consent_record(user=user, given=research_opt_in, where=ResearchConsent.Where.SETTINGS)
    if user.public_name != name_before:
        _posts_rename(user=user)
    if (user.conditions, user.research_opt_in) != counted_before:
        rollups_refresh_member(user_id=user.pk)
    return user
