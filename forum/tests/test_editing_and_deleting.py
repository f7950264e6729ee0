"""Authors edit their posts (marked "edited", history kept for moderators) and delete them (softly)."""

import pytest
from django.urls import reverse

from forum import services
from forum.models import Post, PostRevision

pytestmark = pytest.mark.django_db


@pytest.fixture
def tagging_calls(monkeypatch):
    calls = []
    monkeypatch.setattr("analysis.hooks.post_written", lambda *, post_id: calls.append(post_id))
    return calls


@pytest.fixture
def own_post(member, thread, post_factory):
    return post_factory(thread=thread, author=member, body="Yoga made my back worse.")


def test_an_author_edits_their_post_and_it_is_marked_edited(client, member, thread, own_post, tagging_calls):
    client.force_login(member)
    # the edit form starts with the current text
    assert (
        "Yoga made my back worse."
        in client.get(reverse("forum:post_edit", args=[own_post.pk])).content.decode()
    )
    response = client.post(
        reverse("forum:post_edit", args=[own_post.pk]), {"body": "Yoga made my back worse at first."}
    )
    assert response.status_code == 302
    own_post.refresh_from_db()
    assert own_post.body == "Yoga made my back worse at first."
    assert own_post.edited_at is not None
    assert "edited" in client.get(thread.get_absolute_url()).content.decode()
    # the old text is kept, and tagging is scheduled again
    assert list(PostRevision.objects.values_list("body", "edited_by")) == [
        ("Yoga made my back worse.", member.pk)
    ]
    assert tagging_calls == [own_post.pk]


def test_saving_an_edit_without_changes_keeps_no_revision_and_does_not_retag(member, own_post, tagging_calls):
    services.post_edit(post=own_post, editor=member, body="Yoga made my back worse.\r\n")
    assert not PostRevision.objects.exists()
    assert own_post.edited_at is None
    assert tagging_calls == []


def test_moderators_can_read_the_edit_history_and_members_cannot(client, member, moderator, own_post):
    services.post_edit(post=own_post, editor=member, body="Second version.")
    services.post_edit(post=own_post, editor=member, body="Third version.")
    url = reverse("forum:mod_post_history", args=[own_post.pk])

    client.force_login(moderator)
    page = client.get(url).content.decode()
    assert (
        page.index("Third version.") < page.index("Second version.") < page.index("Yoga made my back worse.")
    )

    client.force_login(member)
    assert client.get(url).status_code == 403


def test_an_author_deletes_their_post_softly(client, member, thread, own_post):
    client.force_login(member)
    assert client.get(reverse("forum:post_delete", args=[own_post.pk])).status_code == 200
    response = client.post(reverse("forum:post_delete", args=[own_post.pk]))
    assert response.status_code == 302
    # the row stays, marked deleted, and the post is gone from the page (no replies: no placeholder either)
    own_post.refresh_from_db()
    assert own_post.is_deleted and own_post.deleted_at is not None
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "Yoga made my back worse." not in page
    assert "deleted by its author" not in page
    assert client.get(own_post.get_absolute_url()).status_code == 404


def test_a_deleted_post_with_replies_leaves_a_placeholder(client, member, thread, own_post, post_factory):
    post_factory(parent=own_post, body="Sorry to hear that.")
    services.post_delete(post=own_post, actor=member)
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "Yoga made my back worse." not in page
    assert "This post was deleted by its author." in page
    assert "Sorry to hear that." in page


def test_a_deleted_post_can_no_longer_be_edited_or_deleted_again(client, member, own_post):
    services.post_delete(post=own_post, actor=member)
    client.force_login(member)
    assert client.get(reverse("forum:post_edit", args=[own_post.pk])).status_code == 404
    assert client.post(reverse("forum:post_delete", args=[own_post.pk])).status_code == 404


def test_deleted_posts_are_left_out_of_search(client, member, own_post):
    services.post_delete(post=own_post, actor=member)
    assert "Yoga made my back" not in client.get(reverse("forum:search"), {"q": "yoga"}).content.decode()
    assert Post.objects.filter(pk=own_post.pk).exists()
