"""Email about notifications: one email per batch for members who chose "as they happen", one digest a day
or a week for the others. Run by the workers (notifications.tasks), on Celery beat's schedule.

Nothing is sent twice. A notification is claimed (emailed_at set, the row locked with SKIP LOCKED so two
runs never take the same one) in the same transaction that sends its email; a digest also writes its
DigestSend row, unique per member and period. When a run stops part way (a crash, a mail server that goes
away), what was sent is committed and what was not is rolled back, for the next run to send once.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from notifications import selectors
from notifications.models import DigestSend, EmailPreference, Notification

logger = logging.getLogger(__name__)

Frequency = EmailPreference.Frequency
UNSUBSCRIBE_SALT = "notifications.unsubscribe"
# At most this many lines in one email; the rest wait for the next one.
MAX_LINES = 50


def _signer() -> signing.Signer:
    # No timestamp: an unsubscribe link in an old email must still work (RFC 8058 asks for that).
    return signing.Signer(salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(*, user_id: int) -> str:
    """A signed token naming the member: the unsubscribe link works without signing in, for them alone."""
    return _signer().sign_object({"u": user_id})


def unsubscribe_user_id(token: str) -> int | None:
    """The member a token names, or None for a token that was altered or made with another key."""
    try:
        return int(_signer().unsign_object(token)["u"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _message(*, pref: EmailPreference, subject: str, lines: list, digest: bool) -> EmailMessage:
    unsubscribe_url = _absolute(
        reverse("notifications:unsubscribe", args=[unsubscribe_token(user_id=pref.user_id)])
    )
    body = render_to_string(
        "notifications/email/notifications.txt",
        {
            "lines": [(line.text, line.reason, _absolute(line.url)) for line in lines],
            "digest": digest,
            "period": "weekly" if pref.frequency == Frequency.WEEKLY else "daily",
            "choice": pref.get_frequency_display(),
            "settings_url": _absolute(reverse("accounts:settings")),
            "unsubscribe_url": unsubscribe_url,
        },
    )
    return EmailMessage(
        subject=subject,
        body=body,
        to=[pref.user.email],
        headers={
            # RFC 8058: mail programs show an unsubscribe button that POSTs here, with no page to read.
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def _has_pending():
    """Only members with something unread and not yet emailed: the sweeps skip everyone else in SQL."""
    return Exists(
        Notification.objects.filter(
            recipient_id=OuterRef("user_id"),
            read_at__isnull=True,
            emailed_at__isnull=True,
            updated_at__gte=OuterRef("chosen_at"),
        )
    )


def _claim(pref: EmailPreference, *, now: datetime, include_reactions: bool) -> list[int]:
    """Lock and mark as emailed the member's unread, not yet emailed notifications since they chose email.
    Rows another run holds are skipped, not waited for."""
    pending = Notification.objects.filter(
        recipient_id=pref.user_id,
        read_at__isnull=True,
        emailed_at__isnull=True,
        updated_at__gte=pref.chosen_at,
    )
    if not include_reactions:
        pending = pending.exclude(kind=Notification.Kind.REACTIONS)
    visible = selectors.notifications_for(user=pref.user).values("pk")
    ids = list(
        pending.filter(pk__in=visible)
        .select_for_update(skip_locked=True, of=("self",))
        .order_by("updated_at", "id")
        .values_list("pk", flat=True)[:MAX_LINES]
    )
    if ids:
        Notification.objects.filter(pk__in=ids).update(emailed_at=now)
    return ids


def immediate_emails_send(*, now: datetime | None = None, user_ids: list[int] | None = None) -> int:
    """Email members who chose "as they happen" what is new for them, unless it is their quiet hours (then
    it waits for the first run after they end). Reactions wait for the digests: a count going up one by one
    is not worth an email each. Returns the number of emails sent."""
    now = now or timezone.now()
    prefs = EmailPreference.objects.filter(
        _has_pending(), frequency=Frequency.IMMEDIATELY, user__is_active=True
    )
    if user_ids is not None:
        prefs = prefs.filter(user_id__in=user_ids)
    sent = 0
    for pref in prefs.select_related("user").order_by("user_id"):
        if pref.is_quiet(now):
            continue
        with transaction.atomic():
            ids = _claim(pref, now=now, include_reactions=False)
            if not ids:
                continue
            lines = selectors.lines_for_email(user=pref.user, notification_ids=ids)
            subject = lines[0].text if len(lines) == 1 else f"{len(lines)} new things on Movement Stories"
            _message(pref=pref, subject=subject, lines=lines, digest=False).send()
            sent += 1
    return sent


def digest_period(*, pref: EmailPreference, now: datetime) -> str | None:
    """The period a digest for `pref` would cover now ("daily:2026-03-04", "weekly:2026-W10"), or None when
    none is due: before NOTIFICATIONS_DIGEST_HOUR (in the member's time zone), before the digest weekday,
    or in their quiet hours."""
    local = now.astimezone(pref.zone)
    if local.hour < settings.NOTIFICATIONS_DIGEST_HOUR or pref.is_quiet(now):
        return None
    if pref.frequency == Frequency.DAILY:
        return f"daily:{local.date().isoformat()}"
    if pref.frequency == Frequency.WEEKLY and local.weekday() >= settings.NOTIFICATIONS_DIGEST_WEEKDAY:
        year, week, _ = local.isocalendar()
        return f"weekly:{year}-W{week:02d}"
    return None


def digests_send(*, now: datetime | None = None) -> int:
    """Send each daily and weekly digest that is due and not yet sent. Returns how many were sent."""
    now = now or timezone.now()
    prefs = EmailPreference.objects.filter(
        _has_pending(), frequency__in=[Frequency.DAILY, Frequency.WEEKLY], user__is_active=True
    ).select_related("user")
    sent = 0
    for pref in prefs.order_by("user_id"):
        period = digest_period(pref=pref, now=now)
        if period is None or DigestSend.objects.filter(user_id=pref.user_id, period=period).exists():
            continue
        with transaction.atomic():
            try:
                # A second run waits here on the first one's row, then finds the digest taken.
                with transaction.atomic():
                    record = DigestSend.objects.create(user_id=pref.user_id, period=period, sent_at=now)
            except IntegrityError:
                continue
            ids = _claim(pref, now=now, include_reactions=True)
            if not ids:
                transaction.set_rollback(True)  # nothing to say: a later run in the period may have something
                continue
            lines = selectors.lines_for_email(user=pref.user, notification_ids=ids)
            what = "daily" if pref.frequency == Frequency.DAILY else "weekly"
            _message(
                pref=pref, subject=f"Your {what} digest from Movement Stories", lines=lines, digest=True
            ).send()
            record.notification_count = len(ids)
            record.save(update_fields=["notification_count"])
            sent += 1
    return sent
