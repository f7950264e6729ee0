"""Thread pages keep each post's HTML in the cache (forum.post_html): every change a reader could notice shows
at once, and nobody is ever shown the HTML meant for another kind of viewer."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from forum import services
from forum.models import Reaction
from forum.post_html import csrf_marker

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("production_cache")]


def page(client, thread) -> str:
    response = client.get(thread.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def article(html: str, post) -> str:
    """The <article> of `post` on a page ("" when it is not there)."""
    match = re.search(rf'<article[^>]* id="post-{post.pk}".*?</article>', html, re.S)
    return match.group(0) if match else ""


def test_an_edit_shows_at_once_to_readers_who_saw_the_old_text(client, member, thread, post_factory):
    post = post_factory(author=member, body="Walking helped at first.")
    assert "Walking helped at first." in page(client, thread)

    services.post_edit(post=post, editor=member, body="Walking made me worse in the end.")

    html = article(page(client, thread), post)
    assert "Walking made me worse in the end." in html
    assert "Walking helped at first." not in html
    assert "edited" in html


def test_hiding_and_restoring_show_at_once_to_each_kind_of_reader(
    client, member, moderator, thread, post_factory
):
    post = post_factory(author=member, body="Buy my miracle supplement.")
    author, mod = signed_in(member), signed_in(moderator)
    for reader in (client, author, mod):  # every view of it is in the cache
        assert "Buy my miracle supplement." in page(reader, thread)

    services.post_hide(post=post, moderator=moderator, reason="Advertising")

    assert "Buy my miracle supplement." not in page(client, thread)
    own = article(page(author, thread), post)
    assert "Hidden by a moderator." in own and "Reason: Advertising" in own
    assert "(moderator)" not in own  # only moderators are told which moderator
    moderated = article(page(mod, thread), post)
    assert "Hidden by a moderator (moderator)." in moderated
    assert reverse("forum:mod_post_restore", args=[post.pk]) in moderated

    services.post_restore(post=post, moderator=moderator)

    html = article(page(client, thread), post)
    assert "Buy my miracle supplement." in html and "Hidden by a moderator" not in html
    assert "Hidden by a moderator" not in article(page(mod, thread), post)


def test_a_moderators_view_of_a_hidden_post_is_never_shown_to_anyone_else(
    client, member, other_member, moderator, thread, post_factory
):
    post = post_factory(author=member, body="Something only moderators may read now.")
    services.post_hide(post=post, moderator=moderator, reason="Personal details")
    # the moderator's page is rendered (and cached) first
    assert "Something only moderators may read now." in page(signed_in(moderator), thread)

    assert "Something only moderators may read now." not in page(client, thread)
    assert "Something only moderators may read now." not in page(signed_in(other_member), thread)
    assert reverse("forum:mod_post_restore", args=[post.pk]) not in page(signed_in(member), thread)


def test_the_authors_own_controls_are_never_shown_to_other_readers(
    client, member, other_member, thread, post_factory
):
    post = post_factory(author=member, body="Pacing let me walk again.")
    edit_url = reverse("forum:post_edit", args=[post.pk])
    assert edit_url in page(signed_in(member), thread)  # the author's view is cached first

    assert edit_url not in page(signed_in(other_member), thread)
    assert edit_url not in page(client, thread)
    assert reverse("forum:post_flag", args=[post.pk]) in page(signed_in(other_member), thread)


def test_a_deleted_post_disappears_at_once(client, member, other_member, thread, post_factory):
    alone = post_factory(author=member, body="A post nobody answered.")
    answered = post_factory(author=member, body="A post with an answer under it.")
    post_factory(parent=answered, author=other_member, body="An answer.")
    html = page(client, thread)
    assert "A post nobody answered." in html and "A post with an answer under it." in html

    services.post_delete(post=alone, actor=member)
    services.post_delete(post=answered, actor=member)

    html = page(client, thread)
    assert "A post nobody answered." not in html
    assert "A post with an answer under it." not in html
    assert "This post was deleted by its author." in article(html, answered)
    assert "An answer." in html


def test_reactions_show_at_once_and_each_member_sees_their_own(
    client, member, other_member, thread, post_factory
):
    post = post_factory(body="The pool helped my hips.")
    mine, theirs = signed_in(member), signed_in(other_member)
    for reader in (client, mine, theirs):
        assert "The pool helped my hips." in article(page(reader, thread), post)

    services.reaction_toggle(post=post, user=member)

    assert "1 member says this matches their experience" in article(page(client, thread), post)
    own = article(page(mine, thread), post)
    assert 'aria-pressed="true"' in own and "(1)" in own
    other = article(page(theirs, thread), post)
    assert 'aria-pressed="false"' in other and "(1)" in other

    services.reaction_toggle(post=post, user=member)

    assert 'aria-pressed="false"' in article(page(mine, thread), post)
    assert "member says" not in article(page(client, thread), post)


def test_locking_a_thread_takes_the_reply_links_away_at_once(member, moderator, thread, post_factory):
    post = post_factory(body="Has anyone tried tai chi?")
    reader = signed_in(member)
    reply_url = reverse("forum:post_reply", args=[post.pk])
    assert reply_url in page(reader, thread)

    services.thread_lock(thread=thread, moderator=moderator)

    assert reply_url not in page(reader, thread)


def test_a_suspension_takes_the_buttons_away_at_once(member, moderator, thread, post_factory):
    post = post_factory(body="Yoga was too much for me.")
    reader = signed_in(member)
    react_url = reverse("forum:post_react", args=[post.pk])
    assert react_url in page(reader, thread)

    services.member_suspend(
        member=member, moderator=moderator, until=timezone.now() + timedelta(days=7), reason="Cooling off"
    )

    html = article(page(reader, thread), post)
    assert react_url not in html and reverse("forum:post_reply", args=[post.pk]) not in html


def test_an_authors_new_conditions_show_at_once(client, user_factory, thread, post_factory):
    writer = user_factory(conditions=["fibromyalgia"])
    post = post_factory(author=writer, body="Stretching is fine for me.")
    assert "Fibromyalgia" in article(page(client, thread), post)

    writer.conditions = ["fibromyalgia", "long covid"]
    writer.save(update_fields=["conditions"])

    assert "Long COVID" in article(page(client, thread), post)


def test_each_form_carries_the_readers_own_csrf_token(member, other_member, thread, post_factory):
    post = post_factory(body="Cycling, slowly, helped.")
    readers = []
    for user in (member, other_member):
        reader = Client(enforce_csrf_checks=True)
        reader.force_login(user)
        readers.append(reader)
    tokens = []
    for reader in readers:  # the second reader gets the first reader's cached HTML for the post
        html = article(page(reader, thread), post)
        assert csrf_marker() not in html
        tokens.append(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1))

    for reader, token in zip(readers, tokens, strict=True):
        response = reader.post(reverse("forum:post_react", args=[post.pk]), {"csrfmiddlewaretoken": token})
        assert response.status_code == 302
    assert Reaction.objects.filter(post=post).count() == 2


def test_a_mention_stops_linking_at_once_when_its_member_leaves(
    client, member, other_member, thread, post_factory
):
    post = post_factory(author=member, body="Thanks @other_member, the pacing tip helped.")
    profile = reverse("accounts:profile", args=[other_member.username])
    assert profile in article(page(client, thread), post)

    other_member.is_active = False
    other_member.save(update_fields=["is_active"])

    html = article(page(client, thread), post)
    assert profile not in html and "@other_member" in html


def test_html_cached_under_another_secret_key_is_never_served(settings, member, thread, post_factory):
    # Given a post's HTML cached for members while the site had one secret key...
    post = post_factory(body="Resting first, then walking, worked for me.")
    assert reverse("forum:post_react", args=[post.pk]) in page(signed_in(member), thread)

    # ...after the key is rotated, the page's forms carry this reader's real token, which the server takes.
    settings.SECRET_KEY = "a-rotated-secret-key-for-this-test-only-0123456789abcdef"
    reader = Client(enforce_csrf_checks=True)
    reader.force_login(member)
    react_form = re.search(
        r'action="{}".*?name="csrfmiddlewaretoken" value="([^"]+)"'.format(
            reverse("forum:post_react", args=[post.pk])
        ),
        article(page(reader, thread), post),
        re.S,
    )
    response = reader.post(
        reverse("forum:post_react", args=[post.pk]), {"csrfmiddlewaretoken": react_form.group(1)}
    )
    assert response.status_code == 302
    assert Reaction.objects.filter(post=post, user=member).exists()


def test_which_posts_a_page_holds_is_never_shared_between_viewers(
    member, other_member, moderator, thread, post_factory
):
    post = post_factory(author=member, body="My own story, hidden for now.")
    services.post_hide(post=post, moderator=moderator, reason="Names a clinic")
    author, other, mod = signed_in(member), signed_in(other_member), signed_in(moderator)

    # another member's page is worked out (and kept) first, then a reader's
    assert article(page(other, thread), post) == ""
    assert article(page(Client(), thread), post) == ""

    assert "My own story, hidden for now." in article(page(author, thread), post)
    assert "My own story, hidden for now." in article(page(mod, thread), post)
    assert article(page(other, thread), post) == ""  # and the author's page went to nobody else


def test_a_members_second_look_at_a_page_does_not_count_the_thread_again(
    member, thread, post_factory, django_assert_num_queries
):
    for n in range(3):
        post_factory(body=f"Post {n}.")
    reader = signed_in(member)
    with django_assert_num_queries(10):
        page(reader, thread)
    with django_assert_num_queries(9):  # which posts are on the page, and how many pages: kept
        page(reader, thread)
