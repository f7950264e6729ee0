from django.conf import settings
from django.db import models


class Outcome(models.TextChoices):
    HELPED = "helped", "Helped"
    WORSENED = "worsened", "Made worse"
    MIXED = "mixed", "Mixed"
    NONE = "none", "No outcome reported"


class TagStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class PostTag(models.Model):
    """The current outcome tag of one post: the machine's reading, and the author's or a moderator's label.

    The machine fields are rewritten by the workers (an upsert keyed by post); the human labels are never
    touched by them.
    """

    post = models.OneToOneField("forum.Post", on_delete=models.CASCADE, related_name="tag")
    status = models.CharField(max_length=10, choices=TagStatus.choices, default=TagStatus.PENDING)

    # What the tagger read, for the text whose hash is text_hash, by tagger_version.
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    confidence = models.FloatField(null=True, blank=True)
    interventions = models.JSONField(default=list, blank=True)
    symptoms = models.JSONField(default=list, blank=True)
    evidence = models.JSONField(default=list, blank=True)
    tagger_version = models.CharField(max_length=64, blank=True, db_index=True)
    text_hash = models.CharField(max_length=64, blank=True)
    tagged_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)  # times the tagger ran on this post
    queued_at = models.DateTimeField(null=True, blank=True)  # last time it was sent to the workers

    # The author's own reading of their post, shown instead of the machine's and counted for agreement.
    author_outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    author_labelled_at = models.DateTimeField(null=True, blank=True)
    # A moderator's correction, shown when the author has not labelled the post.
    moderator_outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    moderator_labelled_at = models.DateTimeField(null=True, blank=True)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["post_id"]
        indexes = [
            models.Index(fields=["status", "queued_at"]),
            models.Index(fields=["status", "confidence"]),
        ]

    def __str__(self):
        return f"{self.post_id}: {self.shown_outcome or self.status}"

    @property
    def confidence_percent(self) -> int | None:
        """The machine's confidence as a whole percentage for people; never 100: it is a model's guess."""
        if self.confidence is None:
            return None
        return max(0, min(99, round(self.confidence * 100)))

    @property
    def shown_outcome(self) -> str:
        """The label readers see: the author's, else a moderator's, else the machine's."""
        return self.author_outcome or self.moderator_outcome or self.outcome

    @property
    def shown_outcome_label(self) -> str:
        return Outcome(self.shown_outcome).label if self.shown_outcome else ""

    @property
    def label_source(self) -> str:
        if self.author_outcome:
            return "author"
        if self.moderator_outcome:
            return "moderator"
        return "tagger"
