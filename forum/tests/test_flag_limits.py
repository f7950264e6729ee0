"""Limits on flagging: settings.FORUM_FLAGS_PER_HOUR new flags an hour, and at most
settings.FORUM_OPEN_FLAGS_PER_MEMBER flags waiting for a moderator at once, per member."""

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.urls import reverse

from forum import services
from forum.models import Flag
from forum.tests.page_parsing import textarea_value
from tests.live_http import live_member
from tests.service_checks import require_postgres

pytestmark = pytest.mark.django_db


@pytest.fixture
def posts(thread, post_factory):
    """Twelve posts by other members, for a member to flag."""
    return [post_factory(thread=thread) for _ in range(12)]


def flag(client, post, reason: str = "spam", note: str = ""):
    return client.post(reverse("forum:post_flag", args=[post.pk]), {"reason": reason, "note": note})


def test_flags_beyond_the_hourly_limit_are_refused_with_when_to_try_again(
    client, member, moderator, posts, settings, frozen_time
):
    settings.FORUM_FLAGS_PER_HOUR = 3
    settings.FORUM_OPEN_FLAGS_PER_MEMBER = 100
    client.force_login(member)
    # given three flags in ten minutes
    for post in posts[:3]:
        assert flag(client, post).status_code == 302
        frozen_time["t"] += 300
    # when the member flags a fourth post
    response = flag(client, posts[3], note="Selling pills again.")
    page = response.content.decode()
    # then it is refused, saying when they may flag again (the first flag leaves the hour in 45 minutes),
    # and the note they typed is still in the form
    assert response.status_code == 200
    assert "most the forum allows" in page and "in 45 minutes" in page
    assert textarea_value(page, "note") == "Selling pills again."
    assert Flag.objects.filter(reporter=member).count() == 3
    # even when the moderators have dealt with the first three, the hour still counts them
    for post in posts[:3]:
        services.post_flags_dismiss(post=post, moderator=moderator)
    assert flag(client, posts[3]).status_code == 200
    # once the hour has passed they can flag again
    frozen_time["t"] += 46 * 60
    assert flag(client, posts[3]).status_code == 302


def test_open_flags_beyond_the_cap_are_refused_until_a_moderator_looks_at_them(
    client, member, moderator, posts, settings
):
    settings.FORUM_FLAGS_PER_HOUR = 100
    settings.FORUM_OPEN_FLAGS_PER_MEMBER = 10
    client.force_login(member)
    # given ten flags waiting for a moderator
    for post in posts[:10]:
        assert flag(client, post).status_code == 302
    # when the member flags an eleventh post, then it is refused with a message saying why
    response = flag(client, posts[10])
    assert response.status_code == 200
    assert "10 flags waiting for a moderator" in response.content.decode()
    assert Flag.objects.filter(reporter=member).count() == 10
    # once a moderator has looked at one, they can flag again
    services.post_flags_dismiss(post=posts[0], moderator=moderator)
    assert flag(client, posts[10]).status_code == 302


def test_changing_the_reason_on_an_open_flag_is_not_a_new_flag(client, member, posts, settings):
    settings.FORUM_OPEN_FLAGS_PER_MEMBER = 1
    settings.FORUM_FLAGS_PER_HOUR = 1
    client.force_login(member)
    assert flag(client, posts[0], "spam").status_code == 302
    assert flag(client, posts[0], "harassment", "On reflection.").status_code == 302
    assert Flag.objects.get().reason == "harassment"


def test_the_flag_limits_are_per_member(client, member, other_member, posts, settings):
    settings.FORUM_OPEN_FLAGS_PER_MEMBER = 1
    client.force_login(member)
    assert flag(client, posts[0]).status_code == 302
    client.force_login(other_member)
    assert flag(client, posts[1]).status_code == 302


def test_the_default_limits_refuse_a_burst_of_sixty_flags(client, member, thread, post_factory):
    # the reported abuse: one member flagged 60 posts in under six seconds
    client.force_login(member)
    statuses = [flag(client, post_factory(thread=thread)).status_code for _ in range(60)]
    assert Flag.objects.filter(reporter=member).count() == statuses.count(302) == 10


# --- under parallel requests (real HTTP to a live server on PostgreSQL) -------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_flags_sent_at_once_are_held_to_the_hourly_limit(
    client, live_server, member, thread, post_factory, settings
):
    require_postgres()
    settings.FORUM_FLAGS_PER_HOUR = 5
    settings.FORUM_OPEN_FLAGS_PER_MEMBER = 100
    targets = [post_factory(thread=thread) for _ in range(20)]
    browser = live_member(
        client, live_server, member, settings, reverse("forum:post_flag", args=[targets[0].pk])
    )

    def send(post) -> requests.Response:
        return browser.post(reverse("forum:post_flag", args=[post.pk]), {"reason": "spam"})

    # when the member sends twenty flags on twenty posts at the same moment
    with ThreadPoolExecutor(max_workers=len(targets)) as pool:
        responses = list(pool.map(send, targets))
    # then exactly five are taken and the other fifteen are refused with the message
    accepted = [r for r in responses if r.status_code == 302]
    refused = [r for r in responses if r.status_code == 200 and "most the forum allows" in r.text]
    created = Flag.objects.filter(reporter=member).count()
    assert (created, len(accepted), len(refused)) == (5, 5, 15), [r.status_code for r in responses]
