"""Reads of the analysis app."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet

from analysis.models import PostTag, TagStatus
from analysis.statistics import Interval, wilson_interval
from analysis.tagging import tagger_version
from forum.models import Post


def tags_review_queue() -> QuerySet[PostTag]:
    """Tags the tagger was least sure of, that no person has labelled yet, least certain first."""
    return (
        PostTag.objects.filter(
            status=TagStatus.DONE,
            confidence__lt=settings.ANALYSIS_REVIEW_CONFIDENCE,
            author_outcome="",
            moderator_outcome="",
        )
        .select_related("post", "post__thread")
        .order_by("confidence", "post_id")
    )


def tags_failed() -> QuerySet[PostTag]:
    return (
        PostTag.objects.filter(status=TagStatus.FAILED)
        .select_related("post", "post__thread")
        .order_by("-tagged_at")
    )


@dataclass(frozen=True)
class Agreement:
    labelled: int
    agreed: int
    interval: Interval | None

    @property
    def rate(self) -> float | None:
        return self.agreed / self.labelled if self.labelled else None


def tagger_author_agreement() -> Agreement:
    """How often the machine's outcome equals the one the author gave their own post."""
    counts = (
        PostTag.objects.filter(status=TagStatus.DONE)
        .exclude(author_outcome="")
        .aggregate(labelled=Count("pk"), agreed=Count("pk", filter=Q(outcome=F("author_outcome"))))
    )
    labelled, agreed = counts["labelled"], counts["agreed"]
    return Agreement(labelled, agreed, wilson_interval(agreed, labelled) if labelled else None)


def post_ids_to_retag(*, mode: str):
    """Post ids for `retag`: "all", "stale" (no tag, an older tagger, or pending: new, edited or stuck),
    or "failed"."""
    posts = Post.objects.order_by("id")
    if mode == "all":
        return posts.values_list("id", flat=True).iterator(chunk_size=5000)
    if mode == "failed":
        return (
            PostTag.objects.filter(status=TagStatus.FAILED)
            .order_by("post_id")
            .values_list("post_id", flat=True)
        )
    if mode == "stale":
        stale = (
            Q(tag__isnull=True)
            | Q(tag__status=TagStatus.PENDING)
            | (Q(tag__status=TagStatus.DONE) & ~Q(tag__tagger_version=tagger_version()))
        )
        return posts.filter(stale).values_list("id", flat=True).iterator(chunk_size=5000)
    raise ValueError(f"unknown mode {mode!r}")


def _chunks(ids, size=5000):
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def tags_finished_since(*, post_ids, since) -> int:
    """How many of these posts the workers have finished (tagged or failed) since a moment."""
    return sum(
        PostTag.objects.filter(post_id__in=chunk, tagged_at__gte=since)
        .exclude(status=TagStatus.PENDING)
        .count()
        for chunk in _chunks(post_ids)
    )


def tags_failed_since(*, post_ids, since) -> int:
    return sum(
        PostTag.objects.filter(post_id__in=chunk, tagged_at__gte=since, status=TagStatus.FAILED).count()
        for chunk in _chunks(post_ids)
    )
