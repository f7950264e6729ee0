"""Reads of the analysis app."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet

from analysis.models import PostTag, TagStatus
from analysis.statistics import Interval, wilson_interval


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
    return PostTag.objects.filter(status=TagStatus.FAILED).select_related("post", "post__thread").order_by("-tagged_at")


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
    counts = PostTag.objects.filter(status=TagStatus.DONE).exclude(author_outcome="").aggregate(
        labelled=Count("pk"), agreed=Count("pk", filter=Q(outcome=F("author_outcome")))
    )
    labelled, agreed = counts["labelled"], counts["agreed"]
    return Agreement(labelled, agreed, wilson_interval(agreed, labelled) if labelled else None)
