"""Without JavaScript, a refused post (stale CSRF token, session run out) hands back what was typed."""

import pytest
from django.test import Client
from django.urls import reverse

from forum.models import Post, Thread

pytestmark = pytest.mark.django_db

LONG_POST = (
    "I tried graded exercise for six weeks.\n\nBy week four I couldn't climb the stairs. "
    "<script>alert(1)</script>"
)
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_a_stale_csrf_token_shows_the_typed_text_back_and_says_it_was_not_saved(member, thread):
    # given a member whose form's token no longer matches
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    # when they send a reply
    response = client.post(
        reverse("forum:reply", args=[thread.pk]), {"body": LONG_POST, "csrfmiddlewaretoken": "stale" * 8}
    )
    page = response.content.decode()
    # then it is refused, honestly, with their text to copy (escaped, in a read-only labelled box)
    assert response.status_code == 403
    assert "wasn't saved" in page
    assert "draft is saved" not in page
    assert "By week four I couldn&#x27;t climb the stairs." in page
    assert ESCAPED in page
    assert "<script>alert(1)" not in page
    assert '<label for="typed-body">' in page
    assert 'id="typed-body"' in page and "readonly" in page
    assert Post.objects.filter(thread=thread).count() == 1


def test_a_stale_csrf_token_on_a_new_thread_gives_back_the_title_too(member, category):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    response = client.post(
        reverse("forum:thread_create", args=[category.slug]),
        {"title": "Pacing <b>worked</b> for me", "body": LONG_POST},
    )
    page = response.content.decode()
    assert response.status_code == 403
    assert "Pacing &lt;b&gt;worked&lt;/b&gt; for me" in page
    assert '<label for="typed-title">' in page
    assert not Thread.objects.filter(title__startswith="Pacing").exists()


def test_the_csrf_page_never_echoes_other_fields_such_as_a_password():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("account_login"), {"login": "someone", "password": "hunter2-secret"})
    assert response.status_code == 403
    assert "hunter2-secret" not in response.content.decode()


@pytest.mark.parametrize("route", ["reply", "thread_create"])
def test_a_post_after_the_session_ran_out_shows_the_text_and_a_sign_in_link(client, thread, category, route):
    # given someone whose session has ended (the client is signed out)
    url = (
        reverse("forum:reply", args=[thread.pk])
        if route == "reply"
        else reverse("forum:thread_create", args=[category.slug])
    )
    # when they send what they wrote
    response = client.post(url, {"title": "My week", "body": LONG_POST})
    page = response.content.decode()
    # then they are not silently redirected: their text is there to copy, with a way to sign in and return
    assert response.status_code == 403
    assert "wasn't posted" in page
    assert ESCAPED in page and "<script>alert(1)" not in page
    assert "By week four I couldn&#x27;t climb the stairs." in page
    assert f"{reverse('account_login')}?next={url}" in page.replace("%2F", "/")
    assert Post.objects.count() == 1


def test_a_signed_out_edit_keeps_the_text_too(client, member, thread, post_factory):
    post = post_factory(thread=thread, author=member, body="Original.")
    response = client.post(reverse("forum:post_edit", args=[post.pk]), {"body": "My corrected text."})
    assert response.status_code == 403
    assert "My corrected text." in response.content.decode()
    post.refresh_from_db()
    assert post.body == "Original."


def test_opening_a_writing_form_signed_out_still_goes_to_sign_in(client, thread):
    response = client.get(reverse("forum:reply", args=[thread.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_pages_that_hand_text_back_have_no_inline_script_or_style(client, thread):
    page = client.post(reverse("forum:reply", args=[thread.pk]), {"body": "Hello"}).content.decode()
    assert "<script>" not in page and "<style" not in page and "style=" not in page
