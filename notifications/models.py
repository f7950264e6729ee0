"""What a member is told about (Notification), what they follow (ThreadWatch, CategoryWatch), how they want
email (EmailPreference) and which digests went out (DigestSend, so none goes twice)."""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Q

from forum.models import Category, Post, Thread


class Notification(models.Model):
    class Kind(models.TextChoices):
        REPLY = "reply", "Reply to your post"
        QUOTE = "quote", "Quote of your post"
        MENTION = "mention", "Mention of you"
        THREAD_POST = "thread_post", "New post in a thread you follow"
        NEW_THREAD = "new_thread", "New thread in a category you follow"
        REACTIONS = "reactions", "Members said your post matches their experience"
        MODERATION = "moderation", "A moderator acted on your post"

    # The kinds about a new post: one notification per member per post, whichever reasons apply, so an edit
    # or a second delivery of the same task never notifies anyone again.
    POST_KINDS = (Kind.REPLY, Kind.QUOTE, Kind.MENTION, Kind.THREAD_POST, Kind.NEW_THREAD)

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey(Thread, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # Reactions: how many other members said the post matches their experience.
    count = models.PositiveIntegerField(default=1)
    # Moderation: what the moderator did (a forum ModerationEvent kind), their reason, and the event's id.
    action = models.CharField(max_length=30, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    moderation_event_id = models.BigIntegerField(null=True, blank=True, unique=True)
    created_at = models.DateTimeField()
    # When the line last changed (a new reaction moves it up the list): the list's order.
    updated_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-updated_at"]),
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread_idx"
            ),
            models.Index(
                fields=["recipient", "created_at"],
                condition=Q(emailed_at__isnull=True, read_at__isnull=True),
                name="notification_to_email_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "post"],
                condition=Q(kind__in=["reply", "quote", "mention", "thread_post", "new_thread"]),
                name="one_post_notification_per_member",
            ),
            models.UniqueConstraint(
                fields=["recipient", "post"],
                condition=Q(kind="reactions"),
                name="one_reactions_line_per_post",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.recipient_id}"


class ThreadWatch(models.Model):
    """A member following a thread. `watching=False` remembers that they stopped, so posting there again
    does not start it again behind their back."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="+")
    watching = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "thread"], name="one_watch_per_thread")]

    def __str__(self):
        return f"{self.user_id} {'watches' if self.watching else 'stopped watching'} thread {self.thread_id}"


class CategoryWatch(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "category"], name="one_watch_per_category")]

    def __str__(self):
        return f"{self.user_id} watches category {self.category_id}"


class EmailPreference(models.Model):
    """How a member wants email about their notifications. No row means never (email is off by default)."""

    class Frequency(models.TextChoices):
        NEVER = "never", "Never"
        IMMEDIATELY = "immediately", "As they happen"
        DAILY = "daily", "Once a day, in one email"
        WEEKLY = "weekly", "Once a week, in one email"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    frequency = models.CharField(max_length=12, choices=Frequency.choices, default=Frequency.NEVER)
    # Quiet hours, in `time_zone`: no email from start until end (start 22, end 8 wraps past midnight).
    quiet_start = models.PositiveSmallIntegerField(null=True, blank=True)
    quiet_end = models.PositiveSmallIntegerField(null=True, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    # When email was switched on: nothing from before then is emailed.
    chosen_at = models.DateTimeField()

    class Meta:
        ordering = ["user"]

    def __str__(self):
        return f"{self.user_id}: {self.frequency}"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def is_quiet(self, when) -> bool:
        if self.quiet_start is None or self.quiet_end is None or self.quiet_start == self.quiet_end:
            return False
        hour = when.astimezone(self.zone).hour
        if self.quiet_start < self.quiet_end:
            return self.quiet_start <= hour < self.quiet_end
        return hour >= self.quiet_start or hour < self.quiet_end


class DigestSend(models.Model):
    """One digest sent to one member for one period ("daily:2026-03-04", "weekly:2026-W10"): the unique key
    that keeps a digest from going twice, whichever process or retry gets there."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=30)
    notification_count = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "period"], name="one_digest_per_period")]

    def __str__(self):
        return f"Digest {self.period} for {self.user_id}"
