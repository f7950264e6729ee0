"""Query-count pins: a new N+1 on the busiest pages fails here."""

import pytest
from django.urls import reverse

from forum import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy_forum(category_factory, thread_factory, post_factory, user_factory):
    readers = [user_factory() for _ in range(3)]
    for number in range(3):
        category = category_factory()
        for t in range(4):
            thread = thread_factory(category=category, title=f"Thread {number}-{t}")
            top = thread.posts.get()
            for r in range(3):
                reply = post_factory(parent=top, body=f"Reply {r}")
                services.reaction_toggle(post=reply, user=readers[r])
    return thread


def test_the_index_page_query_count_does_not_grow_with_content(client, busy_forum, django_assert_num_queries):
    # categories with counts; recent threads with counts and starters
    with django_assert_num_queries(2):
        assert client.get(reverse("forum:index")).status_code == 200


def test_the_thread_page_query_count_does_not_grow_with_posts(
    client, thread, post_factory, user_factory, django_assert_num_queries
):
    for n in range(6):
        top = post_factory(thread=thread, body=f"Top {n}")
        for r in range(3):
            reply = post_factory(parent=top, body=f"Reply {r}")
            services.reaction_toggle(post=reply, user=user_factory())
    # thread, page count, top-level posts, their replies
    with django_assert_num_queries(4):
        assert client.get(thread.get_absolute_url()).status_code == 200


def test_the_thread_page_for_a_member_adds_only_fixed_queries(
    client, member, thread, post_factory, user_factory, django_assert_num_queries
):
    for n in range(6):
        top = post_factory(thread=thread, body=f"Top {n}")
        post_factory(parent=top, body="Reply")
    client.force_login(member)
    # + user (the session comes from the cache), the member's permissions (user and group), their draft, the
    # notification bell's count and whether they follow the thread
    with django_assert_num_queries(10):
        assert client.get(thread.get_absolute_url()).status_code == 200


def test_the_category_page_query_count_is_fixed(client, busy_forum, django_assert_num_queries):
    with django_assert_num_queries(3):
        assert client.get(busy_forum.category.get_absolute_url()).status_code == 200
