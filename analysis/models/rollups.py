"""Precomputed counts the public dashboards read, and the per-post record that keeps them exact.

Written only by analysis/rollups/. Each post's current contribution is recorded (PostFact + FactRow),
so a change is applied as a difference: old contribution out, new one in, in one transaction.

Keys: `scope` folds the two tag filters into one column (0..5: minimum confidence
CONFIDENCE_THRESHOLDS[scope], 6: author-confirmed only); `intervention` "*" is the post-level outcome
(exercise overall); `condition` "*" counts each post once whatever its writer's conditions.
"""

from django.db import models


class LabelSource(models.TextChoices):
    AUTHOR = "author", "Confirmed by the author"
    MODERATOR = "moderator", "Corrected by a moderator"
    TAGGER = "tagger", "Machine tag"


class PostFact(models.Model):
    """One row per post the rollups have seen: the lock that serialises its updates, and what it added."""

    # No database constraint: when a post row is removed, its fact stays until the refresh takes it out.
    post = models.OneToOneField(
        "forum.Post", primary_key=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    counted = models.BooleanField(default=False)
    author_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    # The condition keys its rows were added under (the writer's conditions when last refreshed).
    conditions = models.JSONField(default=list, blank=True)
    # For the tagger's agreement with authors: the machine's and the author's outcome, when both exist.
    machine_outcome = models.CharField(max_length=10, blank=True)
    author_outcome = models.CharField(max_length=10, blank=True)
    # A hash of the contribution recorded, so a refresh can skip posts whose contribution did not change
    # (a retag that reads most posts as before) without reading their rows or writing anything.
    fingerprint = models.CharField(max_length=16, blank=True, default="")

    class Meta:
        ordering = ["post_id"]

    def __str__(self):
        return f"Fact for post {self.post_id} ({'counted' if self.counted else 'not counted'})"


class FactRow(models.Model):
    """What one counted post says about exercise overall ("*") and about each intervention it names.

    Also the index behind the drill-down lists.
    """

    post = models.ForeignKey("forum.Post", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    author_id = models.BigIntegerField()
    intervention = models.CharField(max_length=40)
    outcome = models.CharField(max_length=10)
    month = models.DateField()
    category_id = models.BigIntegerField()
    conf_level = models.PositiveSmallIntegerField()  # highest scope (0..5) its confidence passes
    source = models.CharField(max_length=10, choices=LabelSource.choices)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-post_id"]
        indexes = [
            models.Index(fields=["post"], name="factrow_post"),
            models.Index(fields=["author_id", "intervention"], name="factrow_author"),
            # Newest first within a month range: month leads created_at, so the range is part of the scan.
            models.Index(
                fields=["intervention", "outcome", "-month", "-created_at", "-post"],
                name="factrow_drill_month",
            ),
        ]

    def __str__(self):
        return f"Post {self.post_id}: {self.intervention} {self.outcome}"


class OutcomeRollup(models.Model):
    """Posts by outcome for every (scope, intervention, condition, month, category)."""

    scope = models.PositiveSmallIntegerField()
    intervention = models.CharField(max_length=40)
    condition = models.CharField(max_length=20)
    month = models.DateField()
    category_id = models.BigIntegerField()
    outcome = models.CharField(max_length=10)
    posts = models.IntegerField(default=0)
    author_confirmed = models.IntegerField(default=0)
    moderator_labelled = models.IntegerField(default=0)

    class Meta:
        ordering = ["scope", "intervention", "condition", "month", "category_id", "outcome"]
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "intervention", "condition", "month", "category_id", "outcome"],
                name="outcomerollup_key",
            )
        ]
        # The unique key serves "one intervention, by condition"; this one "one condition, by intervention".
        # On PostgreSQL, migration 0003 makes it a covering index and adds one for the key, so a dashboard
        # reads only indexes (INCLUDE is not supported by SQLite, where these stay plain).
        indexes = [
            models.Index(fields=["scope", "condition", "intervention", "month"], name="outcomerollup_cond")
        ]

    def __str__(self):
        month = f"{self.month:%Y-%m}"
        return f"{self.scope}/{self.intervention}/{self.condition}/{month}/{self.category_id}/{self.outcome}"


class MemberReport(models.Model):
    """One member's reports about one intervention, within one scope: their first and latest outcome."""

    user_id = models.BigIntegerField()
    scope = models.PositiveSmallIntegerField()
    intervention = models.CharField(max_length=40)
    first_outcome = models.CharField(max_length=10)
    latest_outcome = models.CharField(max_length=10)
    latest_post = models.ForeignKey(
        "forum.Post", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    latest_at = models.DateTimeField()
    posts = models.PositiveIntegerField()

    class Meta:
        ordering = ["user_id", "scope", "intervention"]
        constraints = [
            models.UniqueConstraint(fields=["user_id", "scope", "intervention"], name="memberreport_key")
        ]
        indexes = [
            models.Index(
                fields=["scope", "intervention", "latest_outcome", "-latest_at"], name="memberreport_drill"
            )
        ]

    def __str__(self):
        return f"Member {self.user_id} on {self.intervention}: {self.first_outcome} -> {self.latest_outcome}"


class MemberFact(models.Model):
    """One row per member the rollups have seen: the lock for their reports, and the conditions applied."""

    user_id = models.BigIntegerField(primary_key=True)
    conditions = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["user_id"]

    def __str__(self):
        return f"Member fact {self.user_id}"


class MemberCondition(models.Model):
    """The conditions a counted member shares (or "unknown"), for the drill-down's condition filter."""

    user_id = models.BigIntegerField()
    condition = models.CharField(max_length=20)

    class Meta:
        ordering = ["user_id", "condition"]
        constraints = [models.UniqueConstraint(fields=["user_id", "condition"], name="membercondition_key")]
        indexes = [models.Index(fields=["condition", "user_id"], name="membercondition_by_condition")]

    def __str__(self):
        return f"{self.user_id}: {self.condition}"


class MemberRollup(models.Model):
    """Members by first and latest outcome for every (scope, intervention, condition)."""

    scope = models.PositiveSmallIntegerField()
    intervention = models.CharField(max_length=40)
    condition = models.CharField(max_length=20)
    first_outcome = models.CharField(max_length=10)
    latest_outcome = models.CharField(max_length=10)
    members = models.IntegerField(default=0)

    class Meta:
        ordering = ["scope", "intervention", "condition", "first_outcome", "latest_outcome"]
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "intervention", "condition", "first_outcome", "latest_outcome"],
                name="memberrollup_key",
            )
        ]
        indexes = [models.Index(fields=["scope", "condition"], name="memberrollup_cond")]

    def __str__(self):
        return (
            f"{self.scope}/{self.intervention}/{self.condition}: {self.first_outcome}->{self.latest_outcome}"
        )


class AgreementRollup(models.Model):
    """Counted posts whose author labelled them, by the machine's outcome and the author's."""

    machine_outcome = models.CharField(max_length=10)
    author_outcome = models.CharField(max_length=10)
    posts = models.IntegerField(default=0)

    class Meta:
        ordering = ["machine_outcome", "author_outcome"]
        constraints = [
            models.UniqueConstraint(fields=["machine_outcome", "author_outcome"], name="agreementrollup_key")
        ]

    def __str__(self):
        return f"{self.machine_outcome} vs {self.author_outcome}: {self.posts}"


class RollupBacklog(models.Model):
    """Posts the workers re-tagged since the rollups last counted them; drained by analysis.refresh_rollups.

    Tag batches add rows here instead of refreshing the rollups themselves, so a retag of thousands of posts
    refreshes the counts in a few large chunks rather than once per batch.
    """

    post_id = models.BigIntegerField(primary_key=True)
    queued_at = models.DateTimeField()

    class Meta:
        ordering = ["post_id"]

    def __str__(self):
        return f"Post {self.post_id} waiting for the rollups"
