"""The per-member posting rate limit (settings.FORUM_POSTS_PER_MINUTE, a sliding 60-second window)."""

import pytest
from django.urls import reverse

from forum import rate_limit, services
from forum.models import Post, Thread
from forum.tests.page_parsing import textarea_value

pytestmark = pytest.mark.django_db


def test_the_sixth_post_in_a_minute_is_refused_and_its_text_kept(
    client, member, thread, settings, frozen_time
):
    settings.FORUM_POSTS_PER_MINUTE = 5
    client.force_login(member)
    url = reverse("forum:reply", args=[thread.pk])
    # given five replies within a minute
    for number in range(5):
        frozen_time["t"] += 5
        assert client.post(url, {"body": f"Reply number {number}."}).status_code == 302
    # when the member sends a sixth, 25 seconds after the first
    frozen_time["t"] += 5
    response = client.post(url, {"body": "The sixth, which I typed with care."})
    page = response.content.decode()
    # then it is refused, with a message that says when they can post again, and the text is kept
    assert response.status_code == 200
    assert "most the forum allows" in page
    assert "you can post it in 35 seconds" in page
    assert textarea_value(page, "body") == "The sixth, which I typed with care."
    assert Post.objects.filter(author=member).count() == 5


def test_posting_is_allowed_again_once_the_window_has_passed(client, member, thread, settings, frozen_time):
    settings.FORUM_POSTS_PER_MINUTE = 5
    client.force_login(member)
    url = reverse("forum:reply", args=[thread.pk])
    for number in range(5):
        client.post(url, {"body": f"Reply {number}."})
    frozen_time["t"] += 61
    assert client.post(url, {"body": "After a rest."}).status_code == 302


def test_new_threads_count_towards_the_limit(client, member, category, settings, frozen_time):
    settings.FORUM_POSTS_PER_MINUTE = 2
    client.force_login(member)
    url = reverse("forum:thread_create", args=[category.slug])
    assert client.post(url, {"title": "One", "body": "First."}).status_code == 302
    assert client.post(url, {"title": "Two", "body": "Second."}).status_code == 302
    response = client.post(url, {"title": "Three", "body": "Third."})
    assert response.status_code == 200
    assert "most the forum allows" in response.content.decode()
    assert Thread.objects.count() == 2


def test_the_limit_is_per_member(client, member, other_member, thread, settings, frozen_time):
    settings.FORUM_POSTS_PER_MINUTE = 1
    url = reverse("forum:reply", args=[thread.pk])
    client.force_login(member)
    assert client.post(url, {"body": "Mine."}).status_code == 302
    client.force_login(other_member)
    assert client.post(url, {"body": "Theirs."}).status_code == 302


def test_refused_and_invalid_posts_do_not_use_up_the_limit(client, member, thread, settings, frozen_time):
    settings.FORUM_POSTS_PER_MINUTE = 1
    client.force_login(member)
    url = reverse("forum:reply", args=[thread.pk])
    assert client.post(url, {"body": "   "}).status_code == 200
    assert client.post(url, {"body": "Now a real one."}).status_code == 302


def test_edits_are_not_rate_limited(client, member, thread, post_factory, settings, frozen_time):
    settings.FORUM_POSTS_PER_MINUTE = 1
    post = post_factory(thread=thread, author=member)
    client.force_login(member)
    for number in range(3):
        assert (
            client.post(reverse("forum:post_edit", args=[post.pk]), {"body": f"Edit {number}"}).status_code
            == 302
        )


def test_a_post_that_fails_while_being_saved_does_not_use_up_the_limit(member, thread, settings, frozen_time):
    settings.FORUM_POSTS_PER_MINUTE = 1
    # given a reply that fails half-way through being saved
    with pytest.raises(RuntimeError), rate_limit.post_slot(user_id=member.pk):
        services.post_create(thread=thread, author=member, body="Half-saved.")
        raise RuntimeError("the connection dropped")
    # when the member posts again straight away, then it goes through: the failed reply left no trace
    with rate_limit.post_slot(user_id=member.pk):
        services.post_create(thread=thread, author=member, body="Second try.")
    assert list(Post.objects.filter(author=member).values_list("body", flat=True)) == ["Second try."]
