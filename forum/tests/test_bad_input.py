"""Bad input: a clear error at the top and by the field, and everything the member typed kept."""

import pytest
from django.urls import reverse

from forum.models import Post, Thread
from forum.tests.page_parsing import element_by_id, input_value, textarea_value

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, member):
    client.force_login(member)
    return client


def _assert_error_shown_for(page: str, field: str, message: str):
    # at the top of the form, in the error summary, linking to the field
    assert 'class="error-summary"' in page
    assert f'href="#id_{field}"' in page
    # and by the field, which points at its message for screen readers
    assert message in page
    _, attrs = element_by_id(page, f"id_{field}")
    assert f"id_{field}_error" in attrs["aria-describedby"]
    assert attrs["aria-invalid"] == "true"
    assert element_by_id(page, f"id_{field}_error") is not None


@pytest.mark.parametrize("body", ["", "   ", "\n\n \t \r\n"])
def test_an_empty_or_whitespace_reply_is_refused_with_a_clear_error(signed_in, thread, body):
    response = signed_in.post(reverse("forum:reply", args=[thread.pk]), {"body": body})
    assert response.status_code == 200
    _assert_error_shown_for(response.content.decode(), "body", "Your post is empty")
    assert thread.posts.count() == 1


def test_a_post_of_20001_characters_is_refused_and_kept_in_full(signed_in, thread, settings):
    assert settings.FORUM_POST_MAX_CHARS == 20_000
    body = "I walked a little further every day. " * 540
    body = (body + "x" * 20_001)[:20_001]
    response = signed_in.post(reverse("forum:reply", args=[thread.pk]), {"body": body})
    page = response.content.decode()
    assert response.status_code == 200
    _assert_error_shown_for(page, "body", "20,001 characters long")
    assert "at most 20,000" in page
    # every character is still in the box, and the box has no maxlength to cut it
    assert textarea_value(page, "body") == body
    assert "maxlength" not in dict(element_by_id(page, "id_body")[1])
    assert thread.posts.count() == 1


def test_a_post_of_exactly_20000_characters_is_accepted(signed_in, thread):
    body = "a" * 20_000
    response = signed_in.post(reverse("forum:reply", args=[thread.pk]), {"body": body})
    assert response.status_code == 302
    assert thread.posts.latest("created_at").body == body


def test_a_title_of_201_characters_is_refused_and_everything_kept(signed_in, category):
    title = "T" * 201
    body = "My story about the pool, which I'd hate to lose."
    response = signed_in.post(
        reverse("forum:thread_create", args=[category.slug]), {"title": title, "body": body}
    )
    page = response.content.decode()
    assert response.status_code == 200
    _assert_error_shown_for(page, "title", "at most 200")
    assert input_value(page, "title") == title
    assert textarea_value(page, "body") == body
    assert "maxlength" not in dict(element_by_id(page, "id_title")[1])
    assert not Thread.objects.exists()


def test_a_title_of_200_characters_is_accepted(signed_in, category):
    response = signed_in.post(
        reverse("forum:thread_create", args=[category.slug]), {"title": "T" * 200, "body": "Hello."}
    )
    assert response.status_code == 302
    assert Thread.objects.get().title == "T" * 200


def test_an_empty_title_and_empty_body_are_both_reported(signed_in, category):
    response = signed_in.post(
        reverse("forum:thread_create", args=[category.slug]), {"title": "  ", "body": " "}
    )
    page = response.content.decode()
    _assert_error_shown_for(page, "title", "needs a title")
    _assert_error_shown_for(page, "body", "Your post is empty")


def test_an_empty_edit_is_refused_and_the_post_keeps_its_text(client, member, thread, post_factory):
    post = post_factory(thread=thread, author=member, body="Original words.")
    client.force_login(member)
    response = client.post(reverse("forum:post_edit", args=[post.pk]), {"body": "  "})
    assert response.status_code == 200
    _assert_error_shown_for(response.content.decode(), "body", "Your post is empty")
    assert Post.objects.get(pk=post.pk).body == "Original words."


def test_a_reply_to_a_locked_thread_is_refused_and_kept(signed_in, thread):
    thread.is_locked = True
    thread.save()
    response = signed_in.post(reverse("forum:reply", args=[thread.pk]), {"body": "My long reply."})
    page = response.content.decode()
    assert response.status_code == 200
    _assert_error_shown_for(page, "body", "This thread is locked")
    assert textarea_value(page, "body") == "My long reply."
    assert thread.posts.count() == 1


def test_the_body_textarea_is_labelled(signed_in, thread):
    page = signed_in.get(reverse("forum:reply", args=[thread.pk])).content.decode()
    assert '<label for="id_body">' in page
