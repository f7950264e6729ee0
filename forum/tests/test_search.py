"""Full-text search: PostgreSQL full-text search on PostgreSQL, a word-by-word fallback on SQLite."""

import pytest
from django.db import connection
from django.urls import reverse

from forum import services
from forum.selectors import search_posts_page

pytestmark = pytest.mark.django_db

only_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL full-text search (set DATABASE_URL to a PostgreSQL database)",
)
only_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite fallback search")


def _bodies(page):
    return [hit.post.body for hit in page.object_list]


@pytest.fixture
def corpus(thread_factory, post_factory):
    pool = thread_factory(title="Hydrotherapy pool sessions", body="Warm water eased my joints.")
    post_factory(thread=pool, body="The pool was too cold for me.")
    walking = thread_factory(title="Walking programme", body="Walking every day made me crash.")
    post_factory(thread=walking, body="I walked to the shops and was fine.")
    return pool, walking


def test_search_finds_posts_by_their_words(client, corpus):
    response = client.get(reverse("forum:search"), {"q": "cold pool"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "The pool was too cold for me." in page
    assert "Walking every day" not in page


def test_a_thread_title_finds_the_threads_opening_post_only(corpus, member):
    page = search_posts_page(user=member, query="hydrotherapy", page_number=1)
    assert _bodies(page) == ["Warm water eased my joints."]


def test_only_visible_posts_are_found(corpus, member, moderator, other_member):
    pool, _ = corpus
    post = pool.posts.get(body="The pool was too cold for me.")
    services.post_hide(post=post, moderator=moderator, reason="test")
    assert _bodies(search_posts_page(user=other_member, query="cold", page_number=1)) == []
    assert _bodies(search_posts_page(user=moderator, query="cold", page_number=1)) == [
        "The pool was too cold for me."
    ]


def test_an_empty_query_finds_nothing(client, corpus):
    response = client.get(reverse("forum:search"), {"q": "   "})
    assert response.status_code == 200
    assert "found for" not in response.content.decode()


def test_search_results_are_paginated(client, thread, post_factory):
    for number in range(25):
        post_factory(thread=thread, body=f"Stretching note {number}")
    first = client.get(reverse("forum:search"), {"q": "stretching"}).content.decode()
    second = client.get(reverse("forum:search"), {"q": "stretching", "page": 2}).content.decode()
    assert "25 posts found" in first
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert second.count('class="search-hit"') == 5
    assert "q=stretching" in first.split('rel="next"')[0].rsplit("href=", 1)[1]


def test_search_results_link_to_the_post(client, corpus):
    pool, _ = corpus
    post = pool.posts.get(body="The pool was too cold for me.")
    page = client.get(reverse("forum:search"), {"q": "cold"}).content.decode()
    assert post.get_absolute_url() in page


@only_postgresql
def test_postgresql_search_understands_word_forms_and_ranks(member, corpus):
    # "walks" stems to "walk", which matches "walking" and "walked"
    page = search_posts_page(user=member, query="walks", page_number=1)
    assert set(_bodies(page)) == {"Walking every day made me crash.", "I walked to the shops and was fine."}
    # the opening post matches in both title and body, so it ranks first
    assert _bodies(page)[0] == "Walking every day made me crash."


@only_postgresql
def test_postgresql_search_supports_quoted_phrases_and_exclusions(member, corpus):
    assert _bodies(search_posts_page(user=member, query='"too cold"', page_number=1)) == [
        "The pool was too cold for me."
    ]
    assert "The pool was too cold for me." not in _bodies(
        search_posts_page(user=member, query="pool -cold", page_number=1)
    )


@only_postgresql
def test_postgresql_has_the_full_text_search_indexes():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE 'forum_%%_search'")
        names = {row[0] for row in cursor.fetchall()}
    assert names == {"forum_post_body_search", "forum_thread_title_search"}


@only_sqlite
def test_sqlite_search_matches_every_word_anywhere_in_the_post(member, corpus):
    assert _bodies(search_posts_page(user=member, query="SHOPS walked", page_number=1)) == [
        "I walked to the shops and was fine."
    ]
    assert _bodies(search_posts_page(user=member, query="shops pool", page_number=1)) == []


@pytest.mark.usefixtures("production_cache")
def test_an_edited_post_shows_its_new_words_in_search_results_at_once(client, member, thread, post_factory):
    # Excerpts are cached by each text's hash: an edit is a new text, so a new excerpt.
    post = post_factory(author=member, body="Swimming slowly helped my back.")
    assert (
        "Swimming slowly helped my back."
        in client.get(reverse("forum:search"), {"q": "swimming"}).content.decode()
    )

    services.post_edit(post=post, editor=member, body="Swimming slowly helped, then a relapse.")

    page = client.get(reverse("forum:search"), {"q": "swimming"}).content.decode()
    assert "Swimming slowly helped, then a relapse." in page
    assert "helped my back" not in page
