"""Following: a member may start or stop following threads and categories settings.FORUM_FOLLOWS_PER_MINUTE
times a minute (the forum's one-minute counter, as for draft autosaves). Past it, nothing changes and the
page they come back to says why and for how long."""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
import requests
from django.urls import reverse
from django.utils import timezone

from notifications.models import CategoryWatch, ThreadWatch
from tests.live_http import live_member
from tests.service_checks import require_postgres

pytestmark = pytest.mark.django_db


@pytest.fixture
def minute_clock(monkeypatch):
    """The clock the limit counts by, in seconds (clock["t"])."""
    now = {"t": timezone.now().timestamp()}
    monkeypatch.setattr(timezone, "now", lambda: datetime.fromtimestamp(now["t"], tz=UTC))
    return now


def follow_thread(client, thread, watch: bool):
    return client.post(
        reverse("notifications:thread_watch", args=[thread.pk]), {"watch": "1" if watch else "0"}, follow=True
    )


def shown_messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_following_past_the_limit_changes_nothing_and_says_when_to_try_again(
    client, member, thread, category, settings, minute_clock
):
    settings.FORUM_FOLLOWS_PER_MINUTE = 3
    client.force_login(member)
    # given a member who has followed, unfollowed and followed a thread within 20 seconds
    for watch in (True, False, True):
        follow_thread(client, thread, watch)
        minute_clock["t"] += 10
    # when they stop following it a fourth time in the minute
    response = follow_thread(client, thread, False)
    # then nothing changes, and the thread page they land on says why and for how long (the window began
    # 30 seconds ago)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == thread.get_absolute_url()
    assert shown_messages(response) == [
        "You've started or stopped following 3 times in the last minute, which is the most the forum "
        "allows. Nothing was changed this time: you can try again in 30 seconds."
    ]
    assert ThreadWatch.objects.get(user=member, thread=thread).watching is True
    # the category follow button counts in the same minute
    response = client.post(
        reverse("notifications:category_watch", args=[category.slug]), {"watch": "1"}, follow=True
    )
    assert "Nothing was changed this time" in shown_messages(response)[0]
    assert not CategoryWatch.objects.filter(user=member).exists()

    # and once the minute is over they can
    minute_clock["t"] += 30
    response = follow_thread(client, thread, False)
    assert shown_messages(response) == ["You no longer follow this thread."]
    assert ThreadWatch.objects.get(user=member, thread=thread).watching is False


def test_the_follow_limit_is_per_member(client, member, other_member, thread, settings, minute_clock):
    settings.FORUM_FOLLOWS_PER_MINUTE = 1
    client.force_login(member)
    follow_thread(client, thread, True)
    client.force_login(other_member)
    follow_thread(client, thread, True)
    assert ThreadWatch.objects.filter(thread=thread, watching=True).count() == 2


def test_no_limit_when_set_to_zero(client, member, thread, settings, minute_clock):
    settings.FORUM_FOLLOWS_PER_MINUTE = 0
    client.force_login(member)
    for watch in (True, False) * 15:
        follow_thread(client, thread, watch)
    assert ThreadWatch.objects.get(user=member, thread=thread).watching is False


# --- under parallel requests (real HTTP to a live server on PostgreSQL) -------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_follows_sent_at_once_are_held_to_the_limit(
    client, live_server, member, category_factory, settings
):
    require_postgres()
    settings.FORUM_FOLLOWS_PER_MINUTE = 5
    categories = [category_factory() for _ in range(20)]
    browser = live_member(client, live_server, member, settings, categories[0].get_absolute_url())

    def follow(category) -> requests.Response:
        return browser.post(reverse("notifications:category_watch", args=[category.slug]), {"watch": "1"})

    # when the member asks to follow twenty categories at the same moment
    with ThreadPoolExecutor(max_workers=20) as pool:
        responses = list(pool.map(follow, categories))
    pages = [browser.follow(r) for r in responses]
    # then exactly the limit's worth are followed, and every other page says the limit was reached
    followed = [p for p in pages if "You follow this category" in p]
    refused = [p for p in pages if "which is the most the forum allows" in p]
    assert (len(followed), len(refused)) == (5, 15)
    assert CategoryWatch.objects.filter(user=member).count() == 5
