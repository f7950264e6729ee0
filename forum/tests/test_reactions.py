"""'This matches my experience': a toggle with a count, that works as a plain form."""

import pytest
from django.urls import reverse

from forum import services
from forum.models import Reaction

pytestmark = pytest.mark.django_db


def test_reacting_toggles_and_the_count_is_shown(client, member, other_member, thread, post_factory):
    post = post_factory(thread=thread, body="Pool sessions helped.")
    url = reverse("forum:post_react", args=[post.pk])

    client.force_login(member)
    response = client.post(url)
    assert response.status_code == 302 and response["Location"].endswith(f"#post-{post.pk}")
    client.force_login(other_member)
    client.post(url)
    assert Reaction.objects.filter(post=post).count() == 2

    page = client.get(thread.get_absolute_url()).content.decode()
    assert 'aria-pressed="true"' in page
    assert "(2)" in page

    # a second press takes the reaction back
    client.post(url)
    assert list(Reaction.objects.filter(post=post).values_list("user", flat=True)) == [member.pk]
    assert "(1)" in client.get(thread.get_absolute_url()).content.decode()


def test_visitors_see_the_count_but_no_button(client, member, thread, post_factory):
    post = post_factory(thread=thread)
    services.reaction_toggle(post=post, user=member)
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "1 member says this matches their experience" in page
    assert reverse("forum:post_react", args=[post.pk]) not in page


def test_reacting_needs_a_post_request(client, member, thread, post_factory):
    post = post_factory(thread=thread)
    client.force_login(member)
    assert client.get(reverse("forum:post_react", args=[post.pk])).status_code == 405
    assert not Reaction.objects.exists()


def test_reacting_needs_a_csrf_token(member, thread, post_factory):
    from django.test import Client

    post = post_factory(thread=thread)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(member)
    assert strict.post(reverse("forum:post_react", args=[post.pk])).status_code == 403
    assert not Reaction.objects.exists()
