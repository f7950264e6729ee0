"""Drafts: saved as the member types, restored when they come back, cleared when the post is published."""

import pytest
from django.urls import reverse

from forum.models import Draft
from forum.tests.page_parsing import input_value, textarea_value

pytestmark = pytest.mark.django_db


def test_a_draft_saved_while_typing_is_restored_on_the_thread_page(client, member, thread):
    client.force_login(member)
    response = client.post(
        reverse("forum:draft_save"), {"key": f"thread:{thread.pk}", "body": "Half a reply, typed in bed."}
    )
    assert response.status_code == 200 and response.json()["saved"] is True
    page = client.get(thread.get_absolute_url()).content.decode()
    assert textarea_value(page, "body") == "Half a reply, typed in bed."
    assert "We kept the draft you were writing" in page


def test_a_new_thread_draft_keeps_title_and_body(client, member, category):
    client.force_login(member)
    client.post(
        reverse("forum:draft_save"),
        {"key": f"category:{category.slug}", "title": "My tai chi year", "body": "It began"},
    )
    page = client.get(reverse("forum:thread_create", args=[category.slug])).content.decode()
    assert input_value(page, "title") == "My tai chi year"
    assert textarea_value(page, "body") == "It began"


def test_saving_again_updates_the_same_draft(client, member, thread):
    client.force_login(member)
    for body in ("First words", "First words and more"):
        client.post(reverse("forum:draft_save"), {"key": f"thread:{thread.pk}", "body": body})
    assert list(Draft.objects.values_list("body", flat=True)) == ["First words and more"]


def test_publishing_clears_the_draft_and_tells_the_browser_to_forget_its_copy(client, member, thread):
    client.force_login(member)
    key = f"thread:{thread.pk}"
    client.post(reverse("forum:draft_save"), {"key": key, "body": "Almost done"})
    response = client.post(reverse("forum:reply", args=[thread.pk]), {"body": "Done now."}, follow=True)
    assert not Draft.objects.exists()
    page = response.content.decode()
    assert f'<meta name="forum-published-drafts" content="{key}">' in page
    assert textarea_value(page, "body") == ""
    # only once
    assert "forum-published-drafts" not in client.get(thread.get_absolute_url()).content.decode()


def test_an_edit_draft_is_restored_in_the_edit_form_and_cleared_on_save(client, member, thread, post_factory):
    post = post_factory(thread=thread, author=member, body="Original.")
    client.force_login(member)
    client.post(reverse("forum:draft_save"), {"key": f"edit:{post.pk}", "body": "Original, improved."})
    assert (
        textarea_value(client.get(reverse("forum:post_edit", args=[post.pk])).content, "body")
        == "Original, improved."
    )
    client.post(reverse("forum:post_edit", args=[post.pk]), {"body": "Original, improved."})
    assert not Draft.objects.exists()


def test_drafts_are_private_to_their_member(client, member, other_member, thread):
    client.force_login(member)
    client.post(reverse("forum:draft_save"), {"key": f"thread:{thread.pk}", "body": "Private words"})
    client.force_login(other_member)
    assert "Private words" not in client.get(thread.get_absolute_url()).content.decode()


def test_an_emptied_draft_is_deleted(client, member, thread):
    client.force_login(member)
    client.post(reverse("forum:draft_save"), {"key": f"thread:{thread.pk}", "body": "x"})
    client.post(reverse("forum:draft_save"), {"key": f"thread:{thread.pk}", "body": "  "})
    assert not Draft.objects.exists()


def test_a_draft_can_be_discarded(client, member, thread):
    client.force_login(member)
    client.post(reverse("forum:draft_save"), {"key": f"thread:{thread.pk}", "body": "Never mind"})
    response = client.post(
        reverse("forum:draft_discard"), {"key": f"thread:{thread.pk}", "next": thread.get_absolute_url()}
    )
    assert response["Location"] == thread.get_absolute_url()
    assert not Draft.objects.exists()


def test_draft_saving_refuses_visitors_and_unknown_keys_with_json(client, member):
    assert client.post(reverse("forum:draft_save"), {"key": "thread:1", "body": "x"}).status_code == 403
    client.force_login(member)
    response = client.post(reverse("forum:draft_save"), {"key": "../../etc", "body": "x"})
    assert response.status_code == 400 and "error" in response.json()


def test_a_draft_as_long_as_a_post_may_be_is_saved(client, member, thread, settings):
    client.force_login(member)
    body = "y" * settings.FORUM_POST_MAX_CHARS
    response = client.post(reverse("forum:draft_save"), {"key": f"thread:{thread.pk}", "body": body})
    assert response.status_code == 200
    assert len(Draft.objects.get().body) == settings.FORUM_POST_MAX_CHARS


def test_the_editor_carries_what_the_autosave_script_needs(client, member, thread):
    client.force_login(member)
    page = client.get(thread.get_absolute_url()).content.decode()
    assert f'data-draft-key="thread:{thread.pk}"' in page
    assert f'data-draft-url="{reverse("forum:draft_save")}"' in page
    assert "/static/js/drafts.js" in page
