"""How the project's Celery tasks that write are delivered: acknowledged only once done, back in the queue if
their worker dies, retried with backoff on transient errors only (bugs are not worth retrying)."""

from django.db import InterfaceError, OperationalError

# Database restarts and lock timeouts.
DATABASE_HICCUPS = (OperationalError, InterfaceError)


def reliable_delivery(*, also_retry_on: tuple[type[Exception], ...] = (), **options) -> dict:
    """Task options for an idempotent task that writes; `options` add to or override them."""
    return {
        "ignore_result": True,
        "acks_late": True,
        "reject_on_worker_lost": True,
        "autoretry_for": DATABASE_HICCUPS + also_retry_on,
        "retry_backoff": 2,
        "retry_backoff_max": 300,
        "retry_jitter": True,
        "max_retries": 6,
        **options,
    }
