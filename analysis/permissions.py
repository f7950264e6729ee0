"""Who may label tags: `check_*` functions that raise, as in forum.permissions."""

from django.core.exceptions import PermissionDenied

from forum.permissions import check_can_moderate, check_can_view_post


def check_can_label_own_post(user, post) -> None:
    check_can_view_post(user, post)
    if not (user.is_authenticated and post.author_id == user.id):
        raise PermissionDenied("Only the author can say how their own post should be read.")


def check_can_correct_tags(user, post) -> None:
    check_can_moderate(user)
    check_can_view_post(user, post)
