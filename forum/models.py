from django.conf import settings
from django.db import models
from django.urls import reverse


class Category(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("forum:category", args=[self.slug])


class Thread(models.Model):
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="threads")
    title = models.CharField(max_length=200)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="threads"
    )
    created_at = models.DateTimeField()
    last_posted_at = models.DateTimeField()
    is_locked = models.BooleanField(default=False)
    # The seed corpus file this thread came from (its stem), so `seed_forum` can run twice; "" otherwise.
    seed_key = models.CharField(max_length=120, blank=True, default="")

    # A thread hidden by the moderators is gone for everyone else (404), its posts with it.
    is_hidden = models.BooleanField(default=False)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hide_reason = models.CharField(max_length=500, blank=True)

    # Moved on by database triggers (migrations forum 0013, analysis 0008) whenever the thread, one of its
    # posts, their reactions or their tags change, however they are written: the whole-page cache
    # (forum.page_cache) keys on it. Never set it from Python; a save from a stale copy cannot move it back.
    page_version = models.PositiveBigIntegerField(default=0, db_default=0, editable=False)

    class Meta:
        ordering = ["-last_posted_at", "-id"]
        # With the id, so a list stops after its page even when many threads share a time.
        indexes = [
            models.Index(fields=["last_posted_at", "id"], name="thread_last_posted_idx"),
            models.Index(fields=["category", "last_posted_at", "id"], name="thread_category_last_idx"),
            # Counting a category's threads (the forum's index page) reads this small index alone.
            models.Index(fields=["category"], condition=models.Q(is_hidden=False), name="thread_visible_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["seed_key"], condition=~models.Q(seed_key=""), name="unique_thread_seed_key"
            )
        ]
        permissions = [
            ("lock_thread", "Can lock and unlock threads"),
            ("move_thread", "Can move threads to another category"),
            ("hide_thread", "Can hide and restore whole threads, and see hidden threads"),
            ("edit_thread_title", "Can change the title of any thread"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("forum:thread", args=[self.pk])


class Post(models.Model):
    """One post. Replies point at a top-level post of the same thread (one level deep); `reply_to` keeps
    the post actually answered, which for a reply to a reply is that reply."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    reply_to = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="posts"
    )
    # Kept on the post so it survives account deletion ("deleted member").
    author_name = models.CharField(max_length=60)
    body = models.TextField()
    created_at = models.DateTimeField()
    edited_at = models.DateTimeField(null=True, blank=True)

    is_deleted = models.BooleanField(default=False)
    deleted_at = models.DateTimeField(null=True, blank=True)

    is_hidden = models.BooleanField(default=False)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hide_reason = models.CharField(max_length=500, blank=True)

    # The post's key inside its seed corpus file (e.g. "p3"); "" for posts written on the site.
    seed_key = models.CharField(max_length=40, blank=True, default="")

    class Meta:
        ordering = ["created_at", "id"]
        # Posts are listed by (created_at, id), newest or oldest first: with the id in the index a page (or
        # search's newest matches) reads only its own rows, however many posts share a time.
        indexes = [
            models.Index(fields=["thread", "created_at", "id"], name="post_thread_created_idx"),
            models.Index(fields=["created_at", "id"], name="post_created_idx"),
            # Counting a thread's public posts (thread lists) reads this index alone, not every post's row.
            models.Index(
                fields=["thread"],
                condition=models.Q(is_deleted=False, is_hidden=False),
                name="post_public_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["thread", "seed_key"], condition=~models.Q(seed_key=""), name="unique_post_seed_key"
            )
        ]
        permissions = [
            ("hide_post", "Can hide and restore posts, and see hidden posts"),
            ("view_post_history", "Can read the edit history of posts"),
        ]

    def __str__(self):
        return f"Post {self.pk} in {self.thread_id}"

    def get_absolute_url(self) -> str:
        """A permalink that redirects to the right page of the thread."""
        return reverse("forum:post", args=[self.pk])

    @property
    def is_visible_to_public(self) -> bool:
        return not (self.is_deleted or self.is_hidden)


class PostRevision(models.Model):
    """The text a post had before an edit; moderators can read the history."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    created_at = models.DateTimeField()
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Revision of post {self.post_id} ({self.created_at:%Y-%m-%d %H:%M})"


class Reaction(models.Model):
    """'This matches my experience'."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reactions")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="one_reaction_per_member")]

    def __str__(self):
        return f"Reaction by {self.user_id} on post {self.post_id}"


class Flag(models.Model):
    class Reason(models.TextChoices):
        HARMFUL_ADVICE = "harmful_advice", "Harmful or dangerous advice"
        HARASSMENT = "harassment", "Harassment or unkindness"
        SPAM = "spam", "Spam or advertising"
        PERSONAL_INFO = "personal_info", "Shares someone's personal information"
        OTHER = "other", "Something else"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACTIONED = "actioned", "Actioned"
        DISMISSED = "dismissed", "Dismissed"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="flags")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="flags_raised"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    note = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    created_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        permissions = [("review_flags", "Can review and dismiss flags")]

    def __str__(self):
        return f"Flag on post {self.post_id}: {self.get_reason_display()} ({self.get_status_display()})"


class ModerationEvent(models.Model):
    """The append-only audit log of moderator actions. Create through forum.events, never edit."""

    class Kind(models.TextChoices):
        POST_HIDDEN = "post_hidden", "Post hidden"
        POST_RESTORED = "post_restored", "Post restored"
        THREAD_LOCKED = "thread_locked", "Thread locked"
        THREAD_UNLOCKED = "thread_unlocked", "Thread unlocked"
        THREAD_MOVED = "thread_moved", "Thread moved"
        THREAD_HIDDEN = "thread_hidden", "Thread hidden"
        THREAD_RESTORED = "thread_restored", "Thread restored"
        THREAD_TITLE_CHANGED = "thread_title_changed", "Thread title changed"
        MEMBER_SUSPENDED = "member_suspended", "Member suspended"
        MEMBER_UNSUSPENDED = "member_unsuspended", "Suspension lifted"
        FLAG_DISMISSED = "flag_dismissed", "Flag dismissed"
        TAG_CORRECTED = "tag_corrected", "Outcome tag corrected"

    kind = models.CharField(max_length=30, choices=Kind.choices, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="moderation_actions"
    )
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    thread = models.ForeignKey(Thread, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=500, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [
            ("view_audit_log", "Can read the moderation audit log"),
            ("suspend_member", "Can suspend members and lift suspensions"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d %H:%M})"


class Draft(models.Model):
    """What a member is writing, saved as they type so a long post is never lost.

    One draft per member per place: a new thread in a category, a reply in a thread, or an edit of a post.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drafts")
    key = models.CharField(max_length=80)  # e.g. "thread:12", "category:exercise-and-movement", "edit:345"
    title = models.CharField(max_length=500, blank=True)
    body = models.TextField(blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-updated_at"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_draft_per_place")]

    def __str__(self):
        return f"Draft {self.key} by {self.user_id}"


class RateWindow(models.Model):
    """How many times a member has done one kind of write in the current minute, for the writes that leave no
    row of their own to count (a draft saved in place, a follow turned on and off): a rate limit's counter.

    One row per member and kind, updated while the member's row is locked (see forum.rate_limit).
    """

    class Action(models.TextChoices):
        DRAFT_SAVE = "draft_save", "Draft saves"
        FOLLOW = "follow", "Follow changes"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=20, choices=Action.choices)
    started_at = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["user", "action"]
        constraints = [models.UniqueConstraint(fields=["user", "action"], name="one_rate_window_per_action")]

    def __str__(self):
        return f"{self.count} {self.action} by {self.user_id} since {self.started_at:%H:%M:%S}"


class MembersVersion(models.Model):
    """One row, moved on by a database trigger (migration 0013) whenever a member joins, leaves, or changes
    what pages show of them (username, display name, conditions, active): every cached page that names
    members or links their @mentions keys on it."""

    version = models.PositiveBigIntegerField(default=0, db_default=0)

    ROW_ID = 1

    def __str__(self):
        return f"members version {self.version}"
