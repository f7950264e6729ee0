"""Celery tasks of the notifications app. Bodies live in notifications.services and .delivery; these set
delivery and retry rules. notifications.hooks sends them by name after the forum's transaction commits;
Celery beat runs the two email sweeps (settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from core.task_delivery import reliable_delivery
from notifications import delivery, hooks, services

# A mail server that drops the line is worth retrying too. Every task is idempotent, so a retry or a
# redelivery tells nobody twice.
RELIABLE_DELIVERY = reliable_delivery(
    also_retry_on=(ConnectionError, TimeoutError), soft_time_limit=120, time_limit=180
)


def _email_now(notifications) -> None:
    user_ids = sorted({n.recipient_id for n in notifications if n is not None})
    if user_ids:
        delivery.immediate_emails_send(user_ids=user_ids)


@shared_task(name=hooks.NEW_POST, **RELIABLE_DELIVERY)
def new_post(post_id: int) -> int:
    created = services.notifications_for_new_post(post_id=post_id)
    _email_now(created)
    return len(created)


@shared_task(name=hooks.EDITED_POST, **RELIABLE_DELIVERY)
def edited_post(post_id: int) -> int:
    created = services.notifications_for_edited_post(post_id=post_id)
    _email_now(created)
    return len(created)


@shared_task(name=hooks.REACTIONS, **RELIABLE_DELIVERY)
def reactions(post_id: int) -> None:
    services.notifications_for_reactions(post_id=post_id)


@shared_task(name=hooks.MODERATION, **RELIABLE_DELIVERY)
def moderation(event_id: int) -> None:
    _email_now([services.notifications_for_moderation(event_id=event_id)])


@shared_task(name=hooks.SEND_IMMEDIATE, **RELIABLE_DELIVERY)
def send_immediate() -> int:
    """The safety net for "as they happen": emails that waited for quiet hours, or whose task failed."""
    return delivery.immediate_emails_send()


@shared_task(name=hooks.SEND_DIGESTS, **RELIABLE_DELIVERY)
def send_digests() -> int:
    return delivery.digests_send()
