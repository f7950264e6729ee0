from django.contrib.auth.models import AbstractUser
from django.db import models


class Condition(models.TextChoices):
    FIBROMYALGIA = "fibromyalgia", "Fibromyalgia"
    ME_CFS = "me/cfs", "ME/CFS"
    LONG_COVID = "long covid", "Long COVID"
    CHRONIC_PAIN = "chronic pain", "Chronic pain"
    OTHER = "other", "Other"


class User(AbstractUser):
    """A member. Pseudonymous: the username and display name are all others see; no real name is asked."""

    display_name = models.CharField(max_length=60, blank=True)
    bio = models.TextField(max_length=1000, blank=True)
    # The conditions the member chooses to share, as a list of Condition values.
    conditions = models.JSONField(default=list, blank=True)
    research_opt_in = models.BooleanField(
        "use my posts in research dashboards",
        default=True,
        help_text="Counted, without your name, in the public dashboards of what members report.",
    )
    suspended_until = models.DateTimeField(null=True, blank=True)
    suspension_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["username"]

    def __str__(self):
        return self.username

    @property
    def public_name(self) -> str:
        return self.display_name or self.username

    def condition_labels(self) -> list[str]:
        labels = dict(Condition.choices)
        return [labels.get(c, c) for c in self.conditions]


def user_display(user) -> str:
    """How allauth names a member in its messages ("Successfully signed in as ..."): as others see them."""
    return user.public_name


class ResearchConsent(models.Model):
    """One choice a member made about research use of their posts (health data), with its date: the
    history of their consent, given or withdrawn, kept for them (the data export) and for accountability."""

    class Where(models.TextChoices):
        SIGN_UP = "sign-up", "At sign-up"
        SETTINGS = "settings", "In their settings"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="research_consents")
    given = models.BooleanField()
    where = models.CharField(max_length=20, choices=Where.choices)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self):
        state = "given" if self.given else "not given"
        return f"{self.user_id}: {state} ({self.where}, {self.recorded_at:%Y-%m-%d})"
