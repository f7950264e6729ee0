"""A member's notification settings are in their data export; deleting their account deletes their
notifications, what they follow and their email choice, and other members' notifications about the posts
they remove."""

import json

import pytest
from django.urls import reverse

from notifications import services
from notifications.models import CategoryWatch, DigestSend, EmailPreference, Notification, ThreadWatch

pytestmark = pytest.mark.django_db


def test_the_data_export_holds_the_members_notification_settings(client, member, thread, category):
    services.email_preference_save(
        user=member, frequency="weekly", quiet_start=21, quiet_end=7, time_zone="UTC"
    )
    services.thread_watch_set(user=member, thread=thread, watching=True)
    services.category_watch_set(user=member, category=category, watching=True)
    client.force_login(member)
    data = json.loads(client.get(reverse("accounts:export")).content)
    settings = data["notification_settings"]
    assert settings["email"] == {
        "frequency": "weekly",
        "quiet_hours_start": 21,
        "quiet_hours_end": 7,
        "time_zone": "UTC",
    }
    assert settings["following_threads"] == [{"thread": thread.pk, "title": thread.title, "following": True}]
    assert settings["following_categories"] == [category.name]


@pytest.mark.parametrize("posts", ["keep", "remove"])
def test_deleting_an_account_deletes_what_notifications_kept_about_the_member(
    client, start_thread, write, user_factory, category, posts
):
    leaver = user_factory(username="leaver")
    stayer = user_factory(username="stayer")
    # Given the leaver's thread with a reply from the stayer, and the leaver's reply to the stayer
    thread = start_thread(author=leaver)
    stayers = write(thread=thread, author=stayer, body="Hello.", parent=thread.posts.get())
    write(thread=thread, author=leaver, body="Hello back @stayer.", parent=stayers)
    services.category_watch_set(user=leaver, category=category, watching=True)
    services.email_preference_save(
        user=leaver, frequency="daily", quiet_start=None, quiet_end=None, time_zone="UTC"
    )
    DigestSend.objects.create(user=leaver, period="daily:2026-03-04", sent_at=stayers.created_at)
    assert Notification.objects.filter(recipient=leaver).exists()
    assert Notification.objects.filter(recipient=stayer).exists()

    # When the leaver deletes their account
    client.force_login(leaver)
    client.post(reverse("accounts:delete"), {"posts": posts, "confirm": "DELETE"})

    # Then nothing of theirs is left here
    for model in (ThreadWatch, CategoryWatch, EmailPreference, DigestSend):
        assert not model.objects.filter(user_id=leaver.pk).exists()
    assert not Notification.objects.filter(recipient_id=leaver.pk).exists()
    # and the stayer's notifications about the leaver's posts go only with removed posts
    client.force_login(stayer)
    page = client.get(reverse("notifications:list")).content.decode()
    if posts == "remove":
        assert not Notification.objects.filter(recipient=stayer).exists()
    else:
        assert "deleted member" in page and "leaver" not in page
