"""Creating threads and replies: one level of replies, quoting, and the tagging hook."""

import pytest
from django.urls import reverse

from forum import services
from forum.models import Post, Thread
from forum.tests.page_parsing import textarea_value

pytestmark = pytest.mark.django_db


@pytest.fixture
def tagging_calls(monkeypatch):
    calls = []
    monkeypatch.setattr("analysis.hooks.post_written", lambda *, post_id: calls.append(post_id))
    return calls


def test_a_member_starts_a_thread_and_lands_on_it(client, member, category, tagging_calls):
    client.force_login(member)
    response = client.post(
        reverse("forum:thread_create", args=[category.slug]),
        {"title": "  Hydrotherapy   helped my hips ", "body": "Warm water, twenty minutes, twice a week."},
    )
    thread = Thread.objects.get()
    assert response.status_code == 302 and response["Location"] == thread.get_absolute_url()
    assert thread.title == "Hydrotherapy helped my hips"
    post = thread.posts.get()
    assert (post.author, post.author_name, post.parent) == (member, "Ordinary Member", None)
    assert tagging_calls == [post.pk]
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "Warm water, twenty minutes" in page


def test_a_reply_to_a_reply_attaches_to_the_top_level_post(member, thread, post_factory, tagging_calls):
    top = thread.posts.get()
    reply = post_factory(parent=top)
    reply_to_reply = services.post_create(thread=thread, author=member, body="Same here.", parent=reply)
    assert reply_to_reply.parent == top
    assert reply_to_reply.reply_to == reply
    assert tagging_calls == [reply_to_reply.pk]


def test_a_reply_to_a_reply_says_whom_it_answers(client, member, thread, post_factory, tagging_calls):
    top = thread.posts.get()
    reply = post_factory(parent=top, author_name="Slow Heron")
    answer = services.post_create(thread=thread, author=member, body="Same here.", parent=reply)
    direct = services.post_create(thread=thread, author=member, body="Welcome.", parent=top)
    page = client.get(thread.get_absolute_url()).content.decode()
    assert f'in reply to <a href="#post-{reply.pk}">Slow Heron</a>' in page
    # only the reply to a reply says so: one beneath the post it answers needs no pointer
    assert page.count("in reply to") == 1
    assert (
        page.index(f'id="post-{answer.pk}"')
        < page.index("in reply to")
        < page.index(f'id="post-{direct.pk}"')
    )


def test_a_reply_to_a_hidden_reply_does_not_name_its_author(
    client, member, moderator, thread, post_factory, tagging_calls
):
    reply = post_factory(parent=thread.posts.get(), author_name="Slow Heron")
    services.post_create(thread=thread, author=member, body="Same here.", parent=reply)
    services.post_hide(post=reply, moderator=moderator, reason="Off topic")
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "in reply to a reply that is no longer shown" in page
    assert "Slow Heron" not in page


def test_replies_show_one_level_deep_beneath_their_post_in_time_order(client, thread, post_factory):
    top = thread.posts.get()
    second_top = post_factory(thread=thread, body="Second top-level post.")
    first_reply = post_factory(parent=top, body="First reply to the opening post.")
    post_factory(parent=second_top, body="Reply to the second post.")
    post_factory(parent=top, body="Later reply to the opening post.")
    page = client.get(thread.get_absolute_url()).content.decode()
    order = [
        page.index("My opening post."),
        page.index("First reply to the opening post."),
        page.index("Later reply to the opening post."),
        page.index("Second top-level post."),
        page.index("Reply to the second post."),
    ]
    assert order == sorted(order)
    # replies are inside the reply list of their post
    reply_list_start = page.index('<ol class="reply-list"')
    assert reply_list_start < page.index(f'id="post-{first_reply.pk}"')


def test_replying_to_a_post_from_its_page(client, member, thread):
    top = thread.posts.get()
    client.force_login(member)
    assert client.get(reverse("forum:post_reply", args=[top.pk])).status_code == 200
    response = client.post(reverse("forum:post_reply", args=[top.pk]), {"body": "Thank you for sharing."})
    reply = Post.objects.get(body="Thank you for sharing.")
    assert reply.parent == top
    assert response["Location"].endswith(f"#post-{reply.pk}")


def test_quoting_prefills_the_editor_with_a_markdown_quote(client, member, thread, post_factory):
    post = post_factory(thread=thread, body="Line one.\n\nLine two.", author_name="Achy Otter")
    client.force_login(member)
    page = client.get(reverse("forum:post_quote", args=[post.pk])).content.decode()
    assert textarea_value(page, "body") == "**Achy Otter** wrote:\n\n> Line one.\n>\n> Line two.\n\n"
    # and the form replies to that post
    assert f'action="{reverse("forum:post_reply", args=[post.pk])}"' in page


def test_the_thread_moves_to_the_top_of_recent_activity_after_a_reply(client, member, thread_factory, thread):
    newer = thread_factory(title="A newer thread")
    client.force_login(member)
    client.post(reverse("forum:reply", args=[thread.pk]), {"body": "Bump."})
    titles = [t.title for t in Thread.objects.all()]
    assert titles == [thread.title, newer.title]


def test_anonymous_visitors_are_invited_to_sign_in_instead_of_an_editor(client, thread):
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "to reply" in page
    assert 'name="body"' not in page
    assert client.post(reverse("forum:reply", args=[thread.pk]), {"body": "x"}).status_code == 403
    assert thread.posts.count() == 1
