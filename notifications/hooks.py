"""What the forum and the accounts tell notifications: the one module of notifications they import.

Each call names something that happened; notifications decides who hears about it. Call them inside the
transaction that made the change: the work is queued for the workers once it commits (so a post request
stays fast, and a rolled-back post notifies nobody), and a broker that is down never fails the request.
"""

import logging
from collections.abc import Sequence

from celery import current_app
from django.db import transaction

from notifications import selectors, services

logger = logging.getLogger(__name__)

NEW_POST = "notifications.new_post"
EDITED_POST = "notifications.edited_post"
REACTIONS = "notifications.reactions"
MODERATION = "notifications.moderation"
SEND_IMMEDIATE = "notifications.send_immediate"
SEND_DIGESTS = "notifications.send_digests"


def _send_after_commit(task_name: str, **kwargs) -> None:
    def send():
        try:
            current_app.tasks[task_name].delay(**kwargs)
        except Exception:  # noqa: BLE001 - any broker failure: a missed notification must not fail a post
            logger.warning("Could not queue %s %s", task_name, kwargs, exc_info=True)

    transaction.on_commit(send)


def post_published(*, post_id: int, author_id: int, thread_id: int) -> None:
    """A new thread's opening post or a reply: its author now follows the thread; others are told."""
    services.thread_watch_start_on_posting(user_id=author_id, thread_id=thread_id)
    _send_after_commit(NEW_POST, post_id=post_id)


def post_edited(*, post_id: int) -> None:
    """A post's text changed: only members it newly quotes or mentions are told."""
    _send_after_commit(EDITED_POST, post_id=post_id)


def reactions_changed(*, post_id: int) -> None:
    """A member said a post matches their experience, or took it back."""
    _send_after_commit(REACTIONS, post_id=post_id)


def moderation_recorded(*, event_id: int) -> None:
    """A moderator acted (forum.events): the author of the post or thread is told, with the reason."""
    _send_after_commit(MODERATION, event_id=event_id)


def posts_removed(*, post_ids: Sequence[int]) -> None:
    """Posts removed with their author's account: notifications about them go."""
    services.post_notifications_delete(post_ids=post_ids)


def account_deleting(*, user_id: int) -> None:
    """Before a member's account is deleted: their notifications, what they follow and their email choice."""
    services.member_notifications_delete(user_id=user_id)


def member_data(*, user) -> dict:
    """The member's notification settings, for their data export."""
    return {"notification_settings": selectors.member_notification_settings(user=user)}
