"""Celery tasks of the analysis app. Bodies live in analysis.services and analysis.queueing; these set
delivery and retry rules. They are sent by name (analysis.queueing), never imported by the senders."""

import logging
from datetime import timedelta

from celery import Task, shared_task
from celery.signals import worker_process_init
from django.conf import settings

from analysis import queueing, services
from analysis.rollups import rollups_backlog_size, rollups_refresh_backlog
from analysis.tagging import get_tagger
from core.task_delivery import reliable_delivery

logger = logging.getLogger(__name__)

RELIABLE_DELIVERY = reliable_delivery()


@worker_process_init.connect
def load_tagger_in_each_worker_process(**kwargs):
    """Load the pipeline when a pool process starts, so the first batch doesn't pay for it."""
    get_tagger()


class TagPostsTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        post_ids = kwargs.get("post_ids") or (args[0] if args else [])
        error = f"{type(exc).__name__}: {exc}"
        try:
            if services.post_tags_mark_failed(post_ids=post_ids, error=error):
                queueing.rollups_refresh_soon()
        except Exception:  # noqa: BLE001 - the database may be the thing that failed; the sweep retries
            logger.exception("Could not record the failure of batch %s", task_id)


@shared_task(
    bind=True,
    base=TagPostsTask,
    name=queueing.TAG_POSTS,
    **RELIABLE_DELIVERY,
    soft_time_limit=240,
    time_limit=300,
)
def tag_posts(self, post_ids: list[int], force: bool = False) -> dict:
    report = services.post_tags_compute(post_ids=post_ids, force=force)
    if report.tagged or report.failed:
        queueing.rollups_refresh_soon()  # one refresh applies many batches' posts to the counts
    return {
        "tagged": len(report.tagged),
        "failed": len(report.failed),
        "unchanged": len(report.unchanged),
        "skipped_locked": len(report.skipped_locked),
    }


# Long enough to apply tens of thousands of posts, short enough to leave the queue to tag batches; whatever
# is left is handed to a new refresh at the back of the queue.
REFRESH_MAX_SECONDS = 60


@shared_task(
    name=queueing.REFRESH_ROLLUPS,
    **RELIABLE_DELIVERY,
    time_limit=REFRESH_MAX_SECONDS * 5,
)
def refresh_rollups() -> int:
    """Apply the posts re-tagged since the last refresh to the dashboards' counts."""
    queueing.rollups_refresh_started()
    applied = rollups_refresh_backlog(max_seconds=REFRESH_MAX_SECONDS)
    if rollups_backlog_size():
        queueing.rollups_refresh_soon()
    return applied


@shared_task(name=queueing.SWEEP_TAGS, ignore_result=True, acks_late=True, time_limit=600)
def sweep_tags() -> dict:
    report = queueing.tags_sweep(
        stuck_after=timedelta(seconds=settings.ANALYSIS_PENDING_TIMEOUT_SECONDS),
        batch_size=settings.ANALYSIS_BATCH_SIZE,
    )
    if report.total:
        logger.info("Sweep queued %d post(s): %s", report.total, report)
    # In case a refresh's message was lost; usually nothing is left.
    applied = rollups_refresh_backlog(max_seconds=REFRESH_MAX_SECONDS)
    return {**report.__dict__, "rollups_applied": applied}
