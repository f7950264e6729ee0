"""Deleting an account deletes what names the member: in the audit log, in earlier versions of their posts,
in other members' quotes and, when they remove their posts, in the text and titles they leave behind.
And while the account exists, every post shows the member's current name."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import services as account_services
from accounts.models import User
from forum import selectors as forum_selectors
from forum import services as forum_services
from forum.models import ModerationEvent, Post, PostRevision, Thread

pytestmark = pytest.mark.django_db

EMAIL = "fern.q@example.org"


@pytest.fixture
def fern(user_factory):
    return user_factory(username="fernwalker", display_name="Fern Quill")


def delete_account(client, user, posts: str):
    client.force_login(user)
    response = client.post(reverse("accounts:delete"), {"posts": posts, "confirm": "DELETE"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()


def names_in(text: str) -> list[str]:
    return [name for name in ("fernwalker", "Fern Quill") if name in text]


# --- keeping the posts --------------------------------------------------------------------------------


def test_the_audit_log_keeps_the_actions_but_not_the_deleted_members_names(
    client, fern, moderator, thread, post_factory
):
    # Given a post of Fern's hidden by a moderator, and Fern suspended (both logged)
    post = post_factory(thread=thread, author=fern, body="Call me on 0123 456.")
    forum_services.post_hide(post=post, moderator=moderator, reason="Fern Quill posted a phone number.")
    forum_services.member_suspend(
        member=fern, moderator=moderator, until=timezone.now() + timedelta(days=1), reason="fernwalker again"
    )
    forum_services.member_unsuspend(member=fern, moderator=moderator)
    client.force_login(moderator)
    assert names_in(client.get(reverse("forum:mod_log")).content.decode())

    # When Fern deletes their account, keeping their posts
    delete_account(client, fern, "keep")

    # Then the moderators' log still lists every action, without Fern's names
    client.force_login(moderator)
    log = client.get(reverse("forum:mod_log")).content.decode()
    assert names_in(log) == []
    assert "Post hidden" in log and "Member suspended" in log and "Suspension lifted" in log
    assert "posted a phone number" in log
    assert ModerationEvent.objects.count() == 3
    for event in ModerationEvent.objects.all():
        assert names_in(f"{event.data} {event.reason}") == []


def test_earlier_versions_of_kept_posts_are_deleted(client, fern, moderator, thread, post_factory):
    # Given Fern took their email address out of a post
    post = post_factory(thread=thread, author=fern, body=f"Write to me at {EMAIL} about pacing.")
    forum_services.post_edit(post=post, editor=fern, body="Happy to talk about pacing.")
    client.force_login(moderator)
    history_url = reverse("forum:mod_post_history", args=[post.pk])
    assert EMAIL in client.get(history_url).content.decode()

    # When they delete their account, keeping their posts
    delete_account(client, fern, "keep")

    # Then moderators see the post as it is now, and nothing of what was edited out
    client.force_login(moderator)
    history = client.get(history_url).content.decode()
    assert EMAIL not in history
    assert "Happy to talk about pacing." in history
    assert not PostRevision.objects.filter(post=post).exists()


def test_other_members_quotes_attribute_the_text_to_a_deleted_member(
    client, fern, other_member, thread, post_factory
):
    # Given replies quoting Fern, by display name (the quote button) and by an older name (their username)
    quoted = post_factory(thread=thread, author=fern, body="Short walks, then rest.")
    by_button = forum_services.post_create(
        thread=thread,
        author=other_member,
        parent=quoted,
        body=forum_selectors.post_quote_markdown(post=quoted) + "Same for me. Thanks Fern Quill!",
    )
    by_hand = post_factory(
        thread=thread, author=other_member, body="**fernwalker** wrote:\n\n> Rest first.\n\nAgreed."
    )
    forum_services.post_edit(post=by_hand, editor=other_member, body=by_hand.body + " Really.")

    # When Fern deletes their account, keeping their posts
    delete_account(client, fern, "keep")

    # Then the quotes say who wrote them no more; the quoted text and everything else the repliers wrote stay
    by_button.refresh_from_db()
    by_hand.refresh_from_db()
    assert by_button.body.startswith("**deleted member** wrote:\n\n> Short walks, then rest.")
    assert by_button.body.endswith("Same for me. Thanks Fern Quill!")
    assert by_hand.body == "**deleted member** wrote:\n\n> Rest first.\n\nAgreed. Really."
    assert PostRevision.objects.get(post=by_hand).body.startswith("**deleted member** wrote:")
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "<strong>deleted member</strong> wrote:" in page
    assert "<strong>Fern Quill</strong>" not in page and "fernwalker" not in page


# --- removing the posts -------------------------------------------------------------------------------


def test_removed_posts_leave_no_text_and_their_threads_no_title(
    client, fern, moderator, other_member, thread_factory, post_factory
):
    # Given a thread Fern started (with a reply by someone else), and a reply of Fern's, edited once
    started = thread_factory(title="Fern's flare diary", author=fern, body="Day one: everything hurts.")
    reply_to_fern = post_factory(thread=started, author=other_member, body="Hope tomorrow is kinder.")
    elsewhere = thread_factory(title="Pacing tips", author=other_member)
    reply = post_factory(thread=elsewhere, author=fern, body=f"Mail me: {EMAIL}")
    forum_services.post_edit(post=reply, editor=fern, body="Mail me (address removed).")

    # When Fern deletes their account and removes their posts
    delete_account(client, fern, "remove")

    # Then the public sees neither the title nor the text; the other member's reply stays
    for url in (reverse("forum:index"), started.get_absolute_url(), elsewhere.get_absolute_url()):
        page = client.get(url).content.decode()
        assert "flare diary" not in page and "Day one" not in page and "Mail me" not in page
    page = client.get(started.get_absolute_url()).content.decode()
    assert "(removed)" in page and "Hope tomorrow is kinder." in page
    assert "Pacing tips" in client.get(elsewhere.get_absolute_url()).content.decode()
    # and moderators' history has nothing left to read
    client.force_login(moderator)
    for post in Post.objects.filter(author_name="deleted member"):
        history = client.get(reverse("forum:mod_post_history", args=[post.pk])).content.decode()
        assert "Day one" not in history and "Mail me" not in history and EMAIL not in history
        assert post.is_deleted and post.body == ""
    assert Thread.objects.get(pk=started.pk).title == "(removed)"
    assert not PostRevision.objects.exists()
    reply_to_fern.refresh_from_db()
    assert (reply_to_fern.body, reply_to_fern.is_deleted) == ("Hope tomorrow is kinder.", False)


def test_deletion_is_all_or_nothing(monkeypatch, fern, moderator, thread, post_factory):
    # Given a post of Fern's with an earlier version and a logged moderator action
    post = post_factory(thread=thread, author=fern, body=f"Mail {EMAIL}")
    forum_services.post_edit(post=post, editor=fern, body="Mail me.")
    forum_services.post_hide(post=post, moderator=moderator, reason="Fern Quill: off topic")

    # When the deletion fails at its last step
    def fail(**kwargs):
        raise RuntimeError("dashboards unavailable")

    monkeypatch.setattr("analysis.hooks.account_deleted", fail)
    fern_id = fern.pk
    with pytest.raises(RuntimeError):
        account_services.account_delete(user=fern, remove_posts=True)

    # Then nothing was changed: the member can try again
    post.refresh_from_db()
    assert User.objects.filter(pk=fern_id).exists()
    assert (post.body, post.is_deleted, post.author_name) == ("Mail me.", False, "Fern Quill")
    assert PostRevision.objects.filter(post=post).exists()
    assert ModerationEvent.objects.get().reason == "Fern Quill: off topic"


# --- the name on posts while the account exists -------------------------------------------------------


def test_a_new_display_name_shows_on_every_earlier_post(client, fern, thread_factory, post_factory):
    # Given Fern's thread and reply, signed with their display name
    started = thread_factory(title="Pool therapy", author=fern)
    reply = post_factory(thread=started, author=fern, body="Week two went better.")

    # When they change their display name
    client.force_login(fern)
    client.post(
        reverse("accounts:settings"),
        {"display_name": "Heron", "bio": "", "conditions": [], "research_opt_in": "on"},
    )

    # Then the thread page, the thread list and quotes show the new name only
    client.logout()
    for url in (started.get_absolute_url(), reverse("forum:index")):
        page = client.get(url).content.decode()
        assert "Heron" in page and "Fern Quill" not in page
    assert forum_selectors.post_quote_markdown(post=Post.objects.get(pk=reply.pk)).startswith("**Heron**")

    # And with no display name, the username
    account_services.profile_update(
        user=User.objects.get(pk=fern.pk), display_name="", bio="", conditions=[], research_opt_in=True
    )
    assert set(Post.objects.filter(author=fern).values_list("author_name", flat=True)) == {"fernwalker"}
