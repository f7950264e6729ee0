"""Celery tasks of the analysis app."""

from celery import shared_task


@shared_task(name="analysis.tag_posts", ignore_result=True)
def tag_posts(post_ids: list[int]) -> None:
    """Tag a batch of posts (implemented with the pipeline issue)."""
