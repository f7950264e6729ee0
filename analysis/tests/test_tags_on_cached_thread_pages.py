"""Thread pages keep each post's HTML in the cache (forum.post_html), and whole pages for readers who are not
signed in (forum.page_cache): a new tag, the author's own reading and a moderator's correction show at once to
readers who saw the post before."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from analysis import services
from analysis.models import PostTag

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("production_cache")]

HELPED = "Gentle walking every morning has eased my pain and I sleep better for it."
WORSENED = "Every time I tried gentle walking I crashed for a week and my pain got much worse."


def badge(client, post) -> str:
    """The tag part of `post` on its thread page."""
    html = client.get(reverse("forum:thread", args=[post.thread_id])).content.decode()
    pattern = rf'<article[^>]* id="post-{post.pk}".*?<div class="post-tag">(.*?)</article>'
    return re.search(pattern, html, re.S).group(1)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_retag_after_an_edit_shows_at_once(client, member, post_factory):
    post = post_factory(author=member, body=HELPED)
    services.post_tags_compute(post_ids=[post.pk])
    assert "Walking: helped" in badge(client, post)

    post.body = WORSENED
    post.save(update_fields=["body"])
    services.tags_mark_pending(post_ids=[post.pk])
    assert "being re-read after an edit" in badge(client, post)

    services.post_tags_compute(post_ids=[post.pk])
    shown = badge(client, post)
    assert "badge badge-worsened" in shown
    assert "being re-read" not in shown and "Walking: helped" not in shown


def test_the_authors_own_reading_shows_at_once(client, member, post_factory):
    post = post_factory(author=member, body=HELPED)
    services.post_tags_compute(post_ids=[post.pk])
    author = signed_in(member)
    assert "Is this how you meant it?" in badge(author, post)
    assert "read by the tagger" in badge(client, post)

    services.post_tag_label_by_author(post=post, author=member, outcome="mixed")

    assert "the author's own reading" in badge(client, post)
    own = badge(author, post)
    assert "Is this how you meant it?" not in own and "Change your reading" in own


def test_a_moderators_correction_shows_at_once_and_its_form_stays_with_moderators(
    client, member, moderator, post_factory
):
    post = post_factory(author=member, body=HELPED)
    services.post_tags_compute(post_ids=[post.pk])
    mod = signed_in(moderator)
    assert "Correct tag" in badge(mod, post)
    assert "Correct tag" not in badge(client, post)

    services.post_tag_correct_by_moderator(post=post, moderator=moderator, outcome="worsened")

    assert "corrected by a moderator" in badge(client, post)
    assert "Correct tag" not in badge(client, post)
    assert "corrected by a moderator" in badge(mod, post)
    assert PostTag.objects.get(post=post).moderator_outcome == "worsened"
