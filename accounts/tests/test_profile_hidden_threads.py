"""A member's profile lists their posts under the title the forum shows each viewer: the placeholder for a
thread whose opening post is hidden, nothing for a hidden thread, and no query per post."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forum.permissions import TITLE_PLACEHOLDER_HIDDEN
from forum.services import post_hide, thread_hide

pytestmark = pytest.mark.django_db


def test_the_profile_page_shows_others_the_placeholder_for_a_thread_whose_opening_post_is_hidden(
    client, post_factory, secret_thread, member, other_member, moderator
):
    # Given a member's reply in a thread whose opening post a moderator hid
    post_factory(thread=secret_thread, author=member, body="Same here.")
    post_hide(post=secret_thread.posts.order_by("created_at", "id").first(), moderator=moderator, reason="x")
    url = reverse("accounts:profile", args=[member.username])

    # Then visitors and other members see the placeholder, not the title
    for viewer in (None, other_member, member):
        client.logout()
        if viewer is not None:
            client.force_login(viewer)
        html = client.get(url).content.decode()
        assert "Same here." in html
        assert secret_thread.title not in html
        assert TITLE_PLACEHOLDER_HIDDEN in html
    # The opening post's own author still reads the title on their profile, and the moderators do
    client.force_login(secret_thread.author)
    assert secret_thread.title in client.get(reverse("accounts:profile", args=["opener"])).content.decode()
    client.force_login(moderator)
    assert secret_thread.title in client.get(url).content.decode()


def test_the_profile_page_leaves_out_posts_in_a_hidden_thread(
    client, post_factory, secret_thread, member, moderator
):
    post_factory(thread=secret_thread, author=member, body="Same here.")
    thread_hide(thread=secret_thread, moderator=moderator, reason="personal details")
    html = client.get(reverse("accounts:profile", args=[member.username])).content.decode()
    assert "Same here." not in html
    assert secret_thread.title not in html


def test_the_profile_page_costs_no_query_per_post(client, post_factory, secret_thread, open_thread, member):
    post_factory(thread=secret_thread, author=member)
    url = reverse("accounts:profile", args=[member.username])
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(4):
        post_factory(thread=open_thread, author=member)
    with CaptureQueriesContext(connection) as five:
        client.get(url)
    assert len(five) == len(one)
