"""A hidden (or deleted) opening post takes its thread's title with it; moderators can hide whole threads and
edit titles, audit-logged."""

import pytest
from django.test import Client
from django.urls import reverse

from forum import services
from forum.models import ModerationEvent, Thread
from forum.permissions import TITLE_PLACEHOLDER_DELETED, TITLE_PLACEHOLDER_HIDDEN

pytestmark = pytest.mark.django_db
Kind = ModerationEvent.Kind
SECRET_TITLE = "Dr Jane Smith at St Elsewhere ruined my recovery"


@pytest.fixture
def exposed_thread(thread_factory, user_factory, post_factory, category, moderator):
    """A thread whose opening post a moderator hid, with a public reply under it."""
    thread = thread_factory(title=SECRET_TITLE, author=user_factory(username="opener"), category=category)
    post_factory(thread=thread, parent=thread.posts.get(), body="Sorry this happened to you.")
    services.post_hide(
        post=thread.posts.order_by("id").first(), moderator=moderator, reason="Names a doctor."
    )
    return thread


def _pages(thread):
    return [
        reverse("forum:index"),
        thread.category.get_absolute_url(),
        thread.get_absolute_url(),
        reverse("forum:search") + "?q=sorry",
    ]


def test_the_public_and_members_see_a_placeholder_instead_of_a_hidden_opening_posts_title(
    client, member, exposed_thread
):
    for viewer in (None, member):
        if viewer:
            client.force_login(viewer)
        for url in _pages(exposed_thread):
            # when they open the index, the category, the thread or a search hit in it
            page = client.get(url).content.decode()
            # then the title is nowhere, and the placeholder is there instead
            assert SECRET_TITLE not in page, url
            assert TITLE_PLACEHOLDER_HIDDEN in page, url


def test_the_reply_form_in_such_a_thread_shows_the_placeholder_too(client, member, exposed_thread):
    client.force_login(member)
    page = client.get(reverse("forum:reply", args=[exposed_thread.pk])).content.decode()
    assert SECRET_TITLE not in page
    assert TITLE_PLACEHOLDER_HIDDEN in page


def test_moderators_and_the_opening_posts_author_still_see_the_title_marked_hidden(
    client, moderator, exposed_thread
):
    for viewer in (moderator, exposed_thread.author):
        client.force_login(viewer)
        for url in _pages(exposed_thread)[:3]:
            page = client.get(url).content.decode()
            assert SECRET_TITLE in page, url
            assert "Title hidden" in page, url


def test_a_title_comes_back_when_its_opening_post_is_restored(client, moderator, exposed_thread):
    services.post_restore(post=exposed_thread.posts.order_by("id").first(), moderator=moderator)
    page = client.get(reverse("forum:index")).content.decode()
    assert SECRET_TITLE in page
    assert TITLE_PLACEHOLDER_HIDDEN not in page


def test_an_opening_post_deleted_by_its_author_takes_the_title_with_it(client, thread, post_factory):
    post_factory(thread=thread, parent=thread.posts.get(), body="A reply that stays.")
    services.post_delete(post=thread.posts.order_by("id").first(), actor=thread.author)
    page = client.get(thread.get_absolute_url()).content.decode()
    assert thread.title not in page
    assert TITLE_PLACEHOLDER_DELETED in page


# --- hiding whole threads -----------------------------------------------------------------------------


def test_a_moderator_hides_a_thread_with_a_reason_and_it_is_gone_for_everyone_else(
    client, member, moderator, thread, post_factory
):
    reply = post_factory(thread=thread, body="A reply somewhere in it, about sleep.")
    client.force_login(moderator)
    response = client.post(reverse("forum:mod_thread_hide", args=[thread.pk]), {"reason": "Doxxing."})
    assert response.status_code == 302

    event = ModerationEvent.objects.get(kind=Kind.THREAD_HIDDEN)
    assert (event.actor, event.thread, event.reason) == (moderator, thread, "Doxxing.")
    # moderators still see it, marked
    page = client.get(thread.get_absolute_url()).content.decode()
    assert thread.title in page and "Thread hidden" in page and "Doxxing." in page

    for viewer in (None, member):
        other = Client()
        if viewer:
            other.force_login(viewer)
        assert other.get(thread.get_absolute_url()).status_code == 404
        assert other.get(reverse("forum:post", args=[reply.pk])).status_code == 404
        assert thread.title not in other.get(reverse("forum:index")).content.decode()
        assert thread.title not in other.get(thread.category.get_absolute_url()).content.decode()
        assert "about sleep" not in other.get(reverse("forum:search") + "?q=sleep").content.decode()
    client.force_login(member)
    assert client.post(reverse("forum:reply", args=[thread.pk]), {"body": "Hello?"}).status_code == 404

    # restoring brings it back, and is logged
    client.force_login(moderator)
    client.post(reverse("forum:mod_thread_restore", args=[thread.pk]), {"reason": "Names removed."})
    assert ModerationEvent.objects.filter(kind=Kind.THREAD_RESTORED, thread=thread).exists()
    assert Client().get(thread.get_absolute_url()).status_code == 200


def test_hiding_a_thread_needs_a_reason(client, moderator, thread):
    client.force_login(moderator)
    response = client.post(reverse("forum:mod_thread_hide", args=[thread.pk]), {"reason": ""})
    assert response.status_code == 200
    assert "Give a reason" in response.content.decode()
    thread.refresh_from_db()
    assert not thread.is_hidden


# --- editing titles -----------------------------------------------------------------------------------


def test_a_moderator_edits_a_title_and_the_old_and_new_titles_are_logged(client, moderator, thread):
    old_title = thread.title
    client.force_login(moderator)
    response = client.post(
        reverse("forum:mod_thread_title", args=[thread.pk]),
        {"title": "Walking programme experiences", "reason": "Removed a name."},
    )
    assert response.status_code == 302
    assert "Walking programme experiences" in Client().get(thread.get_absolute_url()).content.decode()
    event = ModerationEvent.objects.get(kind=Kind.THREAD_TITLE_CHANGED)
    assert event.data == {"from": old_title, "to": "Walking programme experiences"}
    assert (event.actor, event.reason) == (moderator, "Removed a name.")
    assert "Walking programme experiences" in client.get(reverse("forum:mod_log")).content.decode()


@pytest.mark.parametrize(
    "route", ["forum:mod_thread_title", "forum:mod_thread_hide", "forum:mod_thread_restore"]
)
def test_only_moderators_may_edit_titles_or_hide_threads(client, member, thread, route):
    url = reverse(route, args=[thread.pk])
    data = {"title": "Spam spam spam", "reason": "because"}
    assert client.post(url, data).status_code == 403  # signed out: 403, not a login redirect
    client.force_login(member)
    assert client.get(url).status_code == 403
    assert client.post(url, data).status_code == 403
    thread.refresh_from_db()
    assert thread.title != "Spam spam spam" and not thread.is_hidden
    assert not ModerationEvent.objects.exists()


def test_moderator_thread_actions_refuse_a_post_without_a_csrf_token(moderator, thread):
    client = Client(enforce_csrf_checks=True)
    client.force_login(moderator)
    response = client.post(reverse("forum:mod_thread_title", args=[thread.pk]), {"title": "Changed"})
    assert response.status_code == 403
    response = client.post(reverse("forum:mod_thread_hide", args=[thread.pk]), {"reason": "x"})
    assert response.status_code == 403
    thread.refresh_from_db()
    assert thread.title != "Changed" and not thread.is_hidden


def test_the_thread_page_offers_moderators_the_title_and_hide_tools(client, member, moderator, thread):
    client.force_login(member)
    page = client.get(thread.get_absolute_url()).content.decode()
    assert reverse("forum:mod_thread_title", args=[thread.pk]) not in page
    client.force_login(moderator)
    page = client.get(thread.get_absolute_url()).content.decode()
    assert reverse("forum:mod_thread_title", args=[thread.pk]) in page
    assert reverse("forum:mod_thread_hide", args=[thread.pk]) in page


def test_category_counts_leave_out_hidden_threads(client, moderator, thread):
    services.thread_hide(thread=thread, moderator=moderator, reason="Spam.")
    assert Thread.objects.count() == 1
    assert "0 threads" in client.get(reverse("forum:index")).content.decode()
