"""Sending work to the Celery workers: tag batches, rollup refreshes and the sweep that recovers lost ones.

Tasks are sent by name through the Celery app (AnalysisConfig.ready registers them in every process), so
this module and analysis.tasks do not import each other: the tasks call these functions for their
follow-up work, and nothing here runs a task's body.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from celery import current_app
from django.core.cache import cache
from django.db import transaction

from analysis import services
from analysis.tagging import tagger_version

logger = logging.getLogger(__name__)

TAG_POSTS = "analysis.tag_posts"
REFRESH_ROLLUPS = "analysis.refresh_rollups"
SWEEP_TAGS = "analysis.sweep_tags"

# Set while a rollup refresh is queued and not yet started, so a retag queues a handful of refreshes, not
# one per batch. Expires in case that message is lost (the sweep drains the backlog too).
ROLLUP_REFRESH_QUEUED_KEY = "analysis:rollup-refresh-queued"
ROLLUP_REFRESH_QUEUED_SECONDS = 15


def _send(task_name: str, *args, what: str, **kwargs) -> bool:
    """Queue a task; False (and a warning) when the broker can't be reached. The sweep is the safety net."""
    try:
        current_app.tasks[task_name].delay(*args, **kwargs)
    except Exception:  # noqa: BLE001 - any broker failure
        logger.warning("Could not queue %s; the sweep will catch up", what, exc_info=True)
        return False
    return True


def tags_enqueue(*, post_ids: Sequence[int], force: bool = False) -> bool:
    """Send one batch to the workers. Returns False (and logs) when the broker can't be reached."""
    return _send(TAG_POSTS, list(post_ids), force=force, what=f"{len(post_ids)} post(s) for tagging")


def tags_queue(*, post_ids: Sequence[int], batch_size: int, force: bool = False) -> int:
    """Mark posts pending and send them to the workers in batches of batch_size.

    Each chunk of posts is recorded as pending (one large statement) before its batches are sent, so the
    sweep can recover any batch whose message is lost, and the workers start on the first chunk while the
    rest are marked. Returns how many batches the broker refused (their posts stay pending for the sweep).
    """
    chunk_size = max(services.PENDING_CHUNK // batch_size, 1) * batch_size
    refused = 0
    for start in range(0, len(post_ids), chunk_size):
        chunk = post_ids[start : start + chunk_size]
        with transaction.atomic():
            services.tags_mark_pending(post_ids=chunk)
        refused += sum(
            not tags_enqueue(post_ids=chunk[offset : offset + batch_size], force=force)
            for offset in range(0, len(chunk), batch_size)
        )
    return refused


def post_tagging_schedule(*, post_id: int) -> None:
    """Mark a new or edited post pending and queue it once the surrounding transaction commits.

    Never raises and never waits on the broker for long: publishing a post must not depend on analysis.
    """
    services.tags_mark_pending(post_ids=[post_id])
    transaction.on_commit(lambda: tags_enqueue(post_ids=[post_id]))


def rollups_refresh_soon() -> None:
    """Queue one refresh of the dashboards' counts from the backlog, unless one is already waiting.

    Never raises: if the broker is down, the sweep drains the backlog.
    """
    if not cache.add(ROLLUP_REFRESH_QUEUED_KEY, True, timeout=ROLLUP_REFRESH_QUEUED_SECONDS):
        return
    if not _send(REFRESH_ROLLUPS, what="a rollup refresh"):
        cache.delete(ROLLUP_REFRESH_QUEUED_KEY)


def rollups_refresh_started() -> None:
    """A refresh has started: changes from now on need another one queued."""
    cache.delete(ROLLUP_REFRESH_QUEUED_KEY)


@dataclass
class SweepReport:
    missing: int = 0
    stale: int = 0
    stuck: int = 0
    batches: int = 0
    enqueue_failures: int = 0

    @property
    def total(self) -> int:
        return self.missing + self.stale + self.stuck


def tags_sweep(*, stuck_after: timedelta, batch_size: int = 100, version: str | None = None) -> SweepReport:
    """Queue every post whose tag is missing, made by an older tagger, or pending for longer than stuck_after.

    The safety net under the on-commit queueing: a message lost to a broker outage or a killed worker only
    delays a tag until the next sweep.
    """
    report = SweepReport()
    for reason, page in services.tags_needing_work(
        stuck_after=stuck_after, version=version or tagger_version()
    ):
        report.enqueue_failures += tags_queue(post_ids=page, batch_size=batch_size)
        report.batches += -(-len(page) // batch_size)
        setattr(report, reason, getattr(report, reason) + len(page))
    return report
