"""Query-count pins that hold at any depth: a deep page costs the queries a first page costs, whatever the
page size, and a list's count does not grow with the posts behind it (the forum at a million posts)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forum import selectors, services

pytestmark = pytest.mark.django_db


def _queries(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


@pytest.fixture
def long_thread(tagged_post, post_factory, user_factory, moderator):
    """A thread of 30 top-level posts, each tagged (badges), with replies, reactions, a hidden post with a
    readable reply (a placeholder) and a deleted one."""
    readers = [user_factory() for _ in range(3)]
    posts = [tagged_post("helped", interventions=[("walking", "helped")], refresh=False) for _ in range(30)]
    for number, post in enumerate(posts):
        if number % 3 == 0:
            reply = post_factory(parent=post, body=f"Reply under {number}")
            services.reaction_toggle(post=reply, user=readers[number % 3])
        services.reaction_toggle(post=post, user=readers[(number + 1) % 3])
    services.post_hide(post=posts[9], moderator=moderator, reason="off topic")
    services.post_delete(post=posts[20], actor=posts[20].author)
    return posts[0].thread


@pytest.mark.parametrize("per_page", [5, 10])
def test_the_thread_page_costs_the_same_queries_on_its_first_middle_and_last_page(
    client, long_thread, settings, per_page
):
    settings.FORUM_POSTS_PER_PAGE = per_page
    url = long_thread.get_absolute_url()
    last = 30 // per_page  # the opening post and 30 more, less the deleted one with no replies
    counts = {page: _queries(client, url, page=page) for page in (1, last // 2 + 1, last)}
    # the thread, the page count, the page's posts with authors, tags and reactions, their replies
    assert set(counts.values()) == {4}, counts


def test_the_thread_page_for_a_member_costs_the_same_on_every_page(client, long_thread, member, settings):
    settings.FORUM_POSTS_PER_PAGE = 5
    client.force_login(member)
    url = long_thread.get_absolute_url()
    counts = {page: _queries(client, url, page=page) for page in (1, 4, 6)}
    # + user (the session comes from the cache), the member's permissions (user and group), their draft, the
    # bell's unread count and whether they follow the thread
    assert set(counts.values()) == {10}, counts


def test_the_category_page_costs_the_same_on_a_deep_page(
    client, category, thread_factory, post_factory, settings
):
    settings.FORUM_THREADS_PER_PAGE = 3
    for number in range(10):
        thread = thread_factory(title=f"Thread {number}")
        for _ in range(number):
            post_factory(thread=thread)
    url = category.get_absolute_url()
    counts = {page: _queries(client, url, page=page) for page in (1, 2, 4)}
    # the category, the page count, the page's threads with their counts and starters
    assert set(counts.values()) == {3}, counts


def test_the_home_page_query_count_does_not_grow_with_threads(client, category, thread_factory, post_factory):
    for number in range(12):
        post_factory(thread=thread_factory(title=f"Thread {number}"))
    # categories with counts; recent threads with counts and starters
    assert _queries(client, reverse("forum:index")) == 2


def test_search_costs_a_fixed_number_of_queries(client, thread_factory, post_factory):
    thread = thread_factory(title="Walking questions")
    for number in range(25):
        post_factory(thread=thread, body=f"Walking note {number}")
    # PostgreSQL: matching texts, matching titles, their ranking (which gives the count), the page's posts;
    # SQLite: the count and the page
    expected = 4 if connection.vendor == "postgresql" else 2
    assert _queries(client, reverse("forum:search"), q="walking") == expected
    assert _queries(client, reverse("forum:search"), q="walking", page=2) == expected


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the cap applies to PostgreSQL search")
def test_a_search_with_very_many_matches_ranks_the_newest_and_says_so(
    client, thread, post_factory, monkeypatch
):
    monkeypatch.setattr(selectors, "SEARCH_MAX_HITS", 3)
    for number in range(5):
        post_factory(thread=thread, body=f"Swimming diary, day {number}")
    page = client.get(reverse("forum:search"), {"q": "swimming"}).content.decode()
    assert "More than 3 posts found" in page
    assert "day 4" in page and "day 2" in page and "day 1" not in page
    few = client.get(reverse("forum:search"), {"q": "day 3"}).content.decode()
    assert "1 post found" in few
