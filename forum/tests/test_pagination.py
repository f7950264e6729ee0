"""Pagination of threads and of posts (top-level posts per page, each with all its replies)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_thread_pages_hold_top_level_posts_with_their_replies(client, thread, post_factory, settings):
    settings.FORUM_POSTS_PER_PAGE = 3
    opening = thread.posts.get()
    tops = [opening] + [post_factory(thread=thread, body=f"Top {n}") for n in range(1, 5)]  # 5 top-level
    reply = post_factory(parent=tops[3], body="A reply to Top 3")

    first = client.get(thread.get_absolute_url()).content.decode()
    second = client.get(thread.get_absolute_url(), {"page": 2}).content.decode()
    assert "Page 1 of 2" in first
    assert "Top 2" in first and "Top 3" not in first
    assert "Top 3" in second and "A reply to Top 3" in second and "Top 4" in second
    # a permalink to the reply lands on the page that shows it
    response = client.get(reply.get_absolute_url())
    assert response["Location"] == f"{thread.get_absolute_url()}?page=2#post-{reply.pk}"


def test_an_out_of_range_page_shows_the_last_page(client, thread):
    response = client.get(thread.get_absolute_url(), {"page": 99})
    assert response.status_code == 200
    assert "My opening post." in response.content.decode()


def test_category_pages_list_threads_newest_activity_first(client, category, thread_factory, settings):
    settings.FORUM_THREADS_PER_PAGE = 2
    for n in range(3):
        thread_factory(title=f"Thread {n}")
    first = client.get(reverse("forum:category", args=[category.slug])).content.decode()
    second = client.get(reverse("forum:category", args=[category.slug]), {"page": 2}).content.decode()
    assert first.index("Thread 2") < first.index("Thread 1")
    assert "Thread 0" in second and "Thread 0" not in first
    assert "Page 2 of 2" in second
