"""Writes on members' own accounts."""

from django.db import transaction
from django.utils import timezone

from accounts.models import User

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
    posts.update(author=None, author_name=DELETED_MEMBER_NAME)
    Thread.objects.filter(author=user).update(author=None)
    user.delete()
