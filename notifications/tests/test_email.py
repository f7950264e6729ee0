"""Email about notifications: off until a member chooses, quiet hours kept, each digest sent once (even when
the sweep runs twice, or stops part way and runs again), and a one-click unsubscribe that needs no sign-in."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from notifications import delivery, services
from notifications.models import DigestSend, EmailPreference, Notification

pytestmark = pytest.mark.django_db

Frequency = EmailPreference.Frequency
NINE_AM = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)  # a Wednesday
TEN_PM = datetime(2026, 3, 4, 22, 0, tzinfo=UTC)


@pytest.fixture
def ann(user_factory):
    return user_factory(username="ann", email="ann@example.org")


@pytest.fixture
def reply_to(start_thread, write, user_factory):
    """reply_to(member, n=1) -> n replies to the member's new thread, notifications made."""

    def make(member, n: int = 1, title: str = "Pacing after a crash"):
        thread = start_thread(author=member, title=title)
        opening = thread.posts.get()
        for i in range(n):
            write(thread=thread, author=user_factory(), body=f"Reply {i}.", parent=opening)
        return thread

    return make


def choose(member, frequency, *, quiet=(None, None), zone="UTC", since=None):
    pref = services.email_preference_save(
        user=member, frequency=frequency, quiet_start=quiet[0], quiet_end=quiet[1], time_zone=zone
    )
    if since is not None:
        EmailPreference.objects.filter(pk=pref.pk).update(chosen_at=since)
    return pref


def test_email_is_off_until_a_member_chooses_it(ann, reply_to, client):
    reply_to(ann, 2)
    assert delivery.immediate_emails_send() == 0 and delivery.digests_send(now=NINE_AM) == 0
    assert mail.outbox == []
    client.force_login(ann)
    page = client.get(reverse("accounts:settings")).content.decode()
    assert 'value="never" required id="id_frequency_0" checked' in page


def test_the_settings_page_saves_the_email_choice(ann, client):
    client.force_login(ann)
    response = client.post(
        reverse("notifications:email_settings"),
        {"frequency": "daily", "quiet_start": "22", "quiet_end": "8", "time_zone": "Europe/London"},
    )
    assert response.status_code == 302 and response.url == reverse("accounts:settings")
    pref = EmailPreference.objects.get(user=ann)
    assert (pref.frequency, pref.quiet_start, pref.quiet_end, pref.time_zone) == (
        "daily",
        22,
        8,
        "Europe/London",
    )
    # half a quiet-hours choice is refused with a message, nothing saved
    response = client.post(
        reverse("notifications:email_settings"),
        {"frequency": "weekly", "quiet_start": "22", "time_zone": "UTC"},
    )
    assert response.status_code == 200 and "Choose both a start and an end" in response.content.decode()
    assert EmailPreference.objects.get(user=ann).frequency == "daily"


def test_an_immediate_email_waits_for_quiet_hours_to_end(ann, reply_to):
    # Given Ann wants email as things happen, but not from 21:00 to 07:00 London time
    choose(ann, Frequency.IMMEDIATELY, quiet=(21, 7), zone="Europe/London", since=TEN_PM - timedelta(days=1))
    reply_to(ann)
    # When the sweep runs at 22:00: nothing goes
    assert delivery.immediate_emails_send(now=TEN_PM) == 0
    assert mail.outbox == []
    # At 07:00 the next morning it goes, once
    morning = datetime(2026, 3, 5, 7, 0, tzinfo=UTC)
    assert delivery.immediate_emails_send(now=morning) == 1
    assert delivery.immediate_emails_send(now=morning + timedelta(minutes=1)) == 0
    [email] = mail.outbox
    assert email.to == ["ann@example.org"]
    assert "replied to your post in “Pacing after a crash”" in email.body


def test_notifications_from_before_email_was_switched_on_are_not_emailed(ann, reply_to):
    reply_to(ann)
    choose(ann, Frequency.IMMEDIATELY)
    assert delivery.immediate_emails_send() == 0


def test_every_email_carries_one_click_unsubscribe_headers_and_link(ann, reply_to):
    choose(ann, Frequency.IMMEDIATELY, since=NINE_AM - timedelta(hours=1))
    reply_to(ann)
    delivery.immediate_emails_send()
    [email] = mail.outbox
    url = email.extra_headers["List-Unsubscribe"].strip("<>")
    assert url.startswith("http") and "/notifications/email/unsubscribe/" in url
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in email.body
    message = email.message()
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_unsubscribe_link_works_without_signing_in_and_asks_first(ann, reply_to):
    choose(ann, Frequency.DAILY)
    path = reverse("notifications:unsubscribe", args=[delivery.unsubscribe_token(user_id=ann.pk)])
    client = Client(enforce_csrf_checks=True)
    # A GET (a link scanner, or the member's click) only asks
    page = client.get(path)
    assert page.status_code == 200 and "Stop email about notifications?" in page.content.decode()
    assert EmailPreference.objects.get(user=ann).frequency == Frequency.DAILY
    # The one-click POST a mail program sends, with no cookie and no CSRF token, unsubscribes
    response = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert EmailPreference.objects.get(user=ann).frequency == Frequency.NEVER


def test_a_tampered_unsubscribe_token_is_refused(ann, other_member):
    choose(ann, Frequency.DAILY)
    choose(other_member, Frequency.DAILY)
    token = delivery.unsubscribe_token(user_id=ann.pk)
    value, signature = token.split(":", 1)
    forged = delivery.unsubscribe_token(user_id=other_member.pk).split(":", 1)[0] + ":" + signature
    for bad in (forged, token[:-2] + "xx", "nonsense"):
        assert Client().post(reverse("notifications:unsubscribe", args=[bad])).status_code == 404
    assert set(EmailPreference.objects.values_list("frequency", flat=True)) == {Frequency.DAILY}


def test_a_daily_digest_is_sent_once_even_when_the_sweep_runs_twice(ann, reply_to, user_factory):
    choose(ann, Frequency.DAILY, since=NINE_AM - timedelta(days=1))
    reply_to(ann, 3)
    assert delivery.digests_send(now=NINE_AM) == 1
    assert delivery.digests_send(now=NINE_AM + timedelta(minutes=10)) == 0
    [digest] = mail.outbox
    assert digest.body.count("replied to your post") == 3
    assert DigestSend.objects.get(user=ann).period == "daily:2026-03-04"
    # something new later that day waits for tomorrow's digest
    reply_to(ann, 1, title="A second thread")
    assert delivery.digests_send(now=NINE_AM + timedelta(hours=5)) == 0
    assert delivery.digests_send(now=NINE_AM + timedelta(days=1)) == 1
    assert "A second thread" in mail.outbox[1].body and mail.outbox[1].body.count("replied to your post") == 1


def test_a_digest_is_not_sent_before_the_digest_hour_or_in_quiet_hours(ann, reply_to, settings):
    settings.NOTIFICATIONS_DIGEST_HOUR = 8
    choose(ann, Frequency.DAILY, quiet=(8, 10), since=NINE_AM - timedelta(days=1))
    reply_to(ann)
    assert delivery.digests_send(now=NINE_AM - timedelta(hours=2)) == 0  # 07:00, before the hour
    assert delivery.digests_send(now=NINE_AM) == 0  # 09:00, in quiet hours
    assert delivery.digests_send(now=NINE_AM + timedelta(hours=1)) == 1


def test_a_weekly_digest_goes_once_a_week(ann, reply_to, settings):
    settings.NOTIFICATIONS_DIGEST_WEEKDAY = 0
    choose(ann, Frequency.WEEKLY, since=NINE_AM - timedelta(days=7))
    reply_to(ann)
    monday = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
    assert delivery.digests_send(now=monday) == 1
    reply_to(ann, title="Later that week")
    assert delivery.digests_send(now=monday + timedelta(days=2)) == 0
    assert delivery.digests_send(now=monday + timedelta(days=7)) == 1


def test_a_run_that_stops_part_way_sends_the_rest_once_next_time(reply_to, user_factory, settings):
    # Given five members with a daily digest due
    members = [user_factory(email=f"m{i}@example.org") for i in range(5)]
    for member in members:
        choose(member, Frequency.DAILY, since=NINE_AM - timedelta(days=1))
        reply_to(member, 2)
    # When the mail server goes away at the fourth member
    settings.EMAIL_BACKEND = "notifications.tests.failing_mail.EmailBackend"
    settings.NOTIFICATIONS_TEST_MAIL_DOWN_FOR = ["m3@example.org"]
    with pytest.raises(ConnectionResetError):
        delivery.digests_send(now=NINE_AM)
    # Then the first three got their digest, and the fourth's was not recorded as sent
    assert [m.to[0] for m in mail.outbox] == ["m0@example.org", "m1@example.org", "m2@example.org"]
    assert not DigestSend.objects.filter(user=members[3]).exists()
    assert not Notification.objects.filter(recipient=members[3], emailed_at__isnull=False).exists()
    # When the next run finds the server back, the other two get theirs, and nobody gets one twice
    settings.NOTIFICATIONS_TEST_MAIL_DOWN_FOR = []
    assert delivery.digests_send(now=NINE_AM + timedelta(minutes=10)) == 2
    assert delivery.digests_send(now=NINE_AM + timedelta(minutes=20)) == 0
    assert sorted(m.to[0] for m in mail.outbox) == [f"m{i}@example.org" for i in range(5)]


def test_what_was_read_on_the_site_is_not_emailed(ann, reply_to):
    choose(ann, Frequency.DAILY, since=NINE_AM - timedelta(days=1))
    reply_to(ann)
    services.notifications_mark_all_read(user=ann)
    assert delivery.digests_send(now=NINE_AM) == 0
