"""Readers who are not signed in get whole thread pages from the cache (forum.page_cache): one query a page,
and every change they could see shows at once, whichever way it was written."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts import services as account_services
from forum import page_cache, services
from forum.models import Category, Post, Thread

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("production_cache")]


def page(client, thread, query: str = "") -> str:
    response = client.get(thread.get_absolute_url() + query)
    assert response.status_code == 200
    return response.content.decode()


def test_a_reader_who_is_not_signed_in_gets_the_same_page_from_one_query(
    client, thread, post_factory, django_assert_num_queries
):
    for n in range(5):
        post_factory(parent=post_factory(body=f"Top post {n}."), body=f"Reply {n}.")
    first = page(client, thread)

    with django_assert_num_queries(1):  # the thread, with its versions
        again = page(Client(), thread)

    assert again == first
    assert "Top post 4." in again and "Reply 4." in again


def _reply(thread, member, post):
    services.post_create(thread=thread, author=member, body="A brand new reply about pacing.")
    return "A brand new reply about pacing."


def _edit(thread, member, post):
    services.post_edit(post=post, editor=post.author, body="Swimming, not walking, as it turned out.")
    return "Swimming, not walking, as it turned out."


def _react(thread, member, post):
    services.reaction_toggle(post=post, user=member)
    return "1 member"


def _lock(thread, member, post):
    services.thread_lock(thread=thread, moderator=member, reason="Calm down")
    return "This thread is locked."


def _move(thread, member, post):
    other = Category.objects.create(slug="living-with-pain", name="Living with pain every day")
    services.thread_move(thread=thread, moderator=member, category=other)
    return "Living with pain every day"


def _rename_category(thread, member, post):
    Category.objects.filter(pk=thread.category_id).update(name="Movement, gently")
    return "Movement, gently"


def _author_renames(thread, member, post):
    account_services.profile_update(
        user=post.author,
        display_name="Heron by the lake",
        bio="",
        conditions=["me_cfs"],
        research_opt_in=False,
    )
    return "Heron by the lake"


def _bulk_update(thread, member, post):
    # as the admin, a data fix or any other write that goes round the services would
    Post.objects.filter(pk=post.pk).update(body="Rewritten by a plain update.")
    return "Rewritten by a plain update."


@pytest.mark.parametrize(
    "change",
    [_reply, _edit, _react, _lock, _move, _rename_category, _author_renames, _bulk_update],
    ids=lambda change: change.__name__.strip("_"),
)
def test_every_change_shows_at_once_to_readers_served_from_the_cache(
    client, moderator, thread, post_factory, user_factory, change
):
    post = post_factory(author=user_factory(username="walker"), body="Walking helped at first.")
    before = page(client, thread)
    assert page(Client(), thread) == before  # now served from the cache

    shown = change(thread, moderator, post)

    assert shown not in before
    assert shown in page(Client(), thread)


def test_a_hidden_post_leaves_the_cached_page_at_once(client, moderator, thread, post_factory):
    post = post_factory(body="My phone number is 0123 456 789.")
    assert "0123 456 789" in page(client, thread)

    services.post_hide(post=post, moderator=moderator, reason="Personal details")

    assert "0123 456 789" not in page(Client(), thread)


def test_a_hidden_thread_is_not_found_even_after_its_page_was_cached(client, moderator, thread):
    page(client, thread)

    services.thread_hide(thread=thread, moderator=moderator, reason="Spam")

    assert Client().get(thread.get_absolute_url()).status_code == 404


def test_a_mentioned_member_leaving_unlinks_the_mention_on_the_cached_page(
    client, member, thread, post_factory, user_factory
):
    leaver = user_factory(username="leaving_soon")
    post_factory(author=member, body="Thanks @leaving_soon, the pool tip helped.")
    profile = reverse("accounts:profile", args=["leaving_soon"])
    assert profile in page(client, thread)

    account_services.account_delete(user=leaver, remove_posts=False)

    assert profile not in page(Client(), thread)


def test_a_save_from_an_old_copy_of_the_thread_cannot_bring_an_old_page_back(
    client, member, thread, post_factory
):
    post = post_factory(body="Tai chi on Tuesdays.")
    stale = Thread.objects.get(pk=thread.pk)
    page(client, thread)  # cached before the reaction
    services.reaction_toggle(post=post, user=member)
    assert "1 member" in page(Client(), thread)

    stale.save()  # writes the page version it was read with

    assert "1 member" in page(Client(), thread)


def test_signed_in_members_never_get_the_readers_page_and_readers_never_get_theirs(client, member, thread):
    reader_page = page(client, thread)
    assert "Sign in</a> or" in reader_page

    signed_in = Client()
    signed_in.force_login(member)
    member_page = page(signed_in, thread)

    assert "Sign in</a> or" not in member_page and "Post reply" in member_page
    assert page(Client(), thread) == reader_page


def test_a_message_waiting_for_a_reader_is_shown_and_not_lost(client, member, thread):
    page(client, thread)  # cached
    leaving = Client()
    leaving.force_login(member)
    # signing out leaves a message for the next page
    assert leaving.post(reverse("account_logout")).status_code == 302

    html = page(leaving, thread)

    assert "You have signed out." in html
    assert "You have signed out." not in page(leaving, thread)  # shown once, then the cached page again


def test_page_numbers_past_the_end_show_the_last_page_and_are_not_kept(
    client, thread, post_factory, settings, django_assert_num_queries
):
    settings.FORUM_POSTS_PER_PAGE = 2
    for n in range(5):
        post_factory(body=f"Post number {n}.")
    last = page(client, thread, "?page=999")
    assert "Post number 4." in last

    with django_assert_num_queries(4):  # rendered again: nothing was kept under page 999
        page(Client(), thread, "?page=999")
    page(Client(), thread, "?page=3")
    with django_assert_num_queries(1):
        assert "Post number 4." in page(Client(), thread, "?page=3")


def test_a_deploy_that_changes_any_template_or_module_keys_pages_afresh(settings, tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "base.html").write_text("<title>Old</title>")
    (tmp_path / "forum").mkdir()
    (tmp_path / "forum" / "views.py").write_text("OLD = 1\n")
    settings.BASE_DIR = tmp_path

    def digest() -> str:
        page_cache.code_digest.cache_clear()
        return page_cache.code_digest()

    try:
        first = digest()
        (tmp_path / "templates" / "base.html").write_text("<title>New</title>")
        second = digest()
        (tmp_path / "forum" / "views.py").write_text("OLD = 2\n")
        third = digest()
        (tmp_path / "forum" / "tests").mkdir()
        (tmp_path / "forum" / "tests" / "test_x.py").write_text("# tests are not what pages are made of\n")
        fourth = digest()
    finally:
        page_cache.code_digest.cache_clear()
    assert len({first, second, third}) == 3
    assert fourth == third
