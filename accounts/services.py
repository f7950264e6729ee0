"""Writes on members' own accounts."""

from django.db import transaction

from accounts.models import ResearchConsent, User
from analysis import hooks as analysis_hooks
from forum.member_content import member_content_release, member_posts_rename
from notifications import hooks as notification_hooks


@transaction.atomic
def account_delete(*, user: User, remove_posts: bool) -> None:
    """Delete a member's account, and what names them (forum.member_content.member_content_release says
    what becomes of their posts); their notifications, what they follow and their email choice go too."""
    User.objects.select_for_update().filter(pk=user.pk).first()  # no post lands while they are scrubbed
    post_ids = member_content_release(user=user, remove_posts=remove_posts)
    notification_hooks.account_deleting(user_id=user.pk)
    user_id = user.pk
    user.delete()
    analysis_hooks.account_deleted(user_id=user_id, post_ids=post_ids)


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
    name_before = user.public_name
    user.display_name = display_name
    user.bio = bio
    user.conditions = list(conditions)
    user.research_opt_in = research_opt_in
    user.save(update_fields=["display_name", "bio", "conditions", "research_opt_in"])
    if research_opt_in != counted_before[1]:
        research_consent_record(user=user, given=research_opt_in, where=ResearchConsent.Where.SETTINGS)
    if user.public_name != name_before:
        member_posts_rename(user=user)
    if (user.conditions, user.research_opt_in) != counted_before:
        analysis_hooks.member_sharing_changed(user_id=user.pk)
    return user
