"""Writes of the analysis app: scheduling and storing outcome tags."""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def post_tagging_schedule(*, post_id: int) -> None:
    """Queue a post for tagging once the surrounding transaction commits.

    Never raises: if the broker is down the post is still published, and the periodic sweep tags it later.
    """

    def enqueue():
        from analysis.tasks import tag_posts

        try:
            tag_posts.delay([post_id])
        except Exception:  # noqa: BLE001 - any broker failure; the sweep is the safety net
            logger.warning("Could not queue post %s for tagging; the sweep will pick it up", post_id, exc_info=True)

    transaction.on_commit(enqueue)
