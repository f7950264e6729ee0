"""Writes on members' own accounts."""

from django.db import transaction
from django.utils import timezone

from accounts.models import ResearchConsent, User
from analysis.rollups import rollups_refresh_member, rollups_refresh_posts

DELETED_MEMBER_NAME = "deleted member"


@transaction.atomic
def account_delete(*, user: User, remove_posts: bool) -> None:
    """Delete a member's account.

    Their posts either stay, signed "deleted member", or are soft-deleted (hidden from everyone, so reply
    threads keep their shape). Either way the link to the account goes with it.
    """
    from forum.models import Post, Thread

    posts = Post.objects.filter(author=user)
    if remove_posts:
        posts.update(is_deleted=True, deleted_at=timezone.now())
    post_ids = list(posts.values_list("id", flat=True))
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


@transaction.atomic
def profile_update(
    *, user: User, display_name: str, bio: str, conditions: list[str], research_opt_in: bool
) -> User:
    """Save what a member shares about themselves; the dashboards follow their research choice at once."""
    counted_before = (list(user.conditions), user.research_opt_in)
    user.display_name = display_name
    user.bio = bio
    user.conditions = list(conditions)
    user.research_opt_in = research_opt_in
    user.save(update_fields=["display_name", "bio", "conditions", "research_opt_in"])
    if research_opt_in != counted_before[1]:
        research_consent_record(user=user, given=research_opt_in, where=ResearchConsent.Where.SETTINGS)
    if (user.conditions, user.research_opt_in) != counted_before:
        rollups_refresh_member(user_id=user.pk)
    return user
