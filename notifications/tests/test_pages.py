"""The bell, the notifications page, opening and marking read, the follow buttons: signed-in members only,
each member's own notifications only, state changes by POST with CSRF."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from forum import services as forum_services
from notifications import services
from notifications.models import CategoryWatch, Notification, ThreadWatch

pytestmark = pytest.mark.django_db


@pytest.fixture
def ann(user_factory):
    return user_factory(username="ann")


@pytest.fixture
def replies_to_ann(start_thread, write, ann, user_factory):
    """make(n) -> Ann's thread with n replies to her opening post, one per member."""

    def make(n: int):
        thread = start_thread(author=ann)
        opening = thread.posts.get()
        for i in range(n):
            write(thread=thread, author=user_factory(), body=f"Reply number {i}.", parent=opening)
        return thread

    return make


def bell(client) -> str:
    """The bell as a screen reader names it ("" when there is none)."""
    header = client.get(reverse("forum:index")).content.decode()
    match = re.search(r'<a class="bell"[^>]*?(?: aria-label="([^"]*)")?>(.*?)</a>', header, re.S)
    if not match:
        return ""
    return match.group(1) or re.sub(r"<[^>]+>", "", match.group(2))


def test_the_bell_shows_the_unread_count_and_stops_at_nine(client, ann, replies_to_ann):
    client.force_login(ann)
    assert bell(client) == "Notifications"
    replies_to_ann(3)
    assert bell(client) == "Notifications 3 unread"
    replies_to_ann(8)
    assert bell(client) == "Notifications 9+ unread"


def test_no_bell_for_readers_who_are_not_signed_in(client, replies_to_ann):
    replies_to_ann(1)
    assert bell(client) == ""


def test_the_page_lists_newest_first_and_opening_one_marks_it_read(client, ann, replies_to_ann):
    replies_to_ann(2)
    client.force_login(ann)
    page = client.get(reverse("notifications:list")).content.decode()
    assert page.index("replied to your post") < page.rindex("replied to your post")
    newest = Notification.objects.filter(recipient=ann).order_by("-updated_at", "-id").first()
    assert page.count("New: ") == 2
    # a line that just arrived says so, not "0 minutes ago"
    assert "0 minutes" not in page and ">now<" in page
    response = client.get(reverse("notifications:open", args=[newest.pk]))
    assert response.status_code == 302 and response.url.endswith(f"#post-{newest.post_id}")
    newest.refresh_from_db()
    assert newest.read_at is not None
    assert bell(client) == "Notifications 1 unread"


def test_the_page_is_paginated(client, ann, replies_to_ann):
    replies_to_ann(23)
    client.force_login(ann)
    first = client.get(reverse("notifications:list")).content.decode()
    second = client.get(reverse("notifications:list") + "?page=2").content.decode()
    assert first.count('class="notification ') == 20 and second.count('class="notification ') == 3
    assert "Page 1 of 2" in first


def test_mark_all_read_needs_a_post_with_csrf(ann, replies_to_ann):
    replies_to_ann(2)
    client = Client(enforce_csrf_checks=True)
    client.force_login(ann)
    assert client.get(reverse("notifications:read_all")).status_code == 405
    assert client.post(reverse("notifications:read_all")).status_code == 403
    assert Notification.objects.filter(recipient=ann, read_at__isnull=True).count() == 2
    page = client.get(reverse("notifications:list")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert client.post(reverse("notifications:read_all"), {"csrfmiddlewaretoken": token}).status_code == 302
    assert Notification.objects.filter(recipient=ann, read_at__isnull=True).count() == 0


def test_the_pages_need_signing_in(client, ann, replies_to_ann):
    replies_to_ann(1)
    notification = Notification.objects.get(recipient=ann)
    for response in (
        client.get(reverse("notifications:list")),
        client.get(reverse("notifications:open", args=[notification.pk])),
        client.post(reverse("notifications:read_all")),
        client.get(reverse("notifications:email_settings")),
    ):
        assert response.status_code == 302 and "/accounts/login/" in response.url
    notification.refresh_from_db()
    assert notification.read_at is None


def test_nobody_else_can_open_or_read_a_members_notifications(client, ann, other_member, replies_to_ann):
    replies_to_ann(1)
    notification = Notification.objects.get(recipient=ann)
    client.force_login(other_member)
    assert client.get(reverse("notifications:open", args=[notification.pk])).status_code == 404
    assert "replied to your post" not in client.get(reverse("notifications:list")).content.decode()
    client.post(reverse("notifications:read_all"))
    notification.refresh_from_db()
    assert notification.read_at is None


def test_a_notification_about_a_post_since_hidden_leaves_the_list(client, ann, replies_to_ann, moderator):

    thread = replies_to_ann(1)
    reply = thread.posts.order_by("id").last()
    forum_services.post_hide(post=reply, moderator=moderator, reason="Spam.")
    client.force_login(ann)
    assert "replied to your post" not in client.get(reverse("notifications:list")).content.decode()


def test_follow_buttons_on_the_thread_and_category_pages(client, member, thread, category):
    client.force_login(member)
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "Follow this thread" in page
    client.post(reverse("notifications:thread_watch", args=[thread.pk]), {"watch": "1"})
    assert ThreadWatch.objects.get(user=member, thread=thread).watching
    assert "Stop following this thread" in client.get(thread.get_absolute_url()).content.decode()
    client.post(reverse("notifications:thread_watch", args=[thread.pk]), {"watch": "0"})
    assert not ThreadWatch.objects.get(user=member, thread=thread).watching

    assert "Follow this category" in client.get(category.get_absolute_url()).content.decode()
    client.post(reverse("notifications:category_watch", args=[category.slug]), {"watch": "1"})
    assert CategoryWatch.objects.filter(user=member, category=category).exists()
    client.post(reverse("notifications:category_watch", args=[category.slug]), {"watch": "0"})
    assert not CategoryWatch.objects.filter(user=member, category=category).exists()


def test_a_hidden_thread_cannot_be_followed(client, member, thread, moderator):

    forum_services.thread_hide(thread=thread, moderator=moderator, reason="Personal details.")
    client.force_login(member)
    assert (
        client.post(reverse("notifications:thread_watch", args=[thread.pk]), {"watch": "1"}).status_code
        == 404
    )
    assert not ThreadWatch.objects.filter(user=member).exists()


def test_the_follow_buttons_are_for_members_only(client, thread):
    assert "Follow this thread" not in client.get(thread.get_absolute_url()).content.decode()
    response = client.post(reverse("notifications:thread_watch", args=[thread.pk]), {"watch": "1"})
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_reading_them_all_marks_only_ones_own(ann, other_member, replies_to_ann, client):
    replies_to_ann(1)
    services.notifications_mark_all_read(user=other_member)
    assert Notification.objects.get(recipient=ann).read_at is None
