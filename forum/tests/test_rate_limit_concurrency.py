"""The posting limit holds against a burst of parallel requests: real HTTP to a live server on PostgreSQL."""

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.urls import reverse

from forum.models import Post
from tests.live_http import live_member
from tests.service_checks import require_postgres

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PARALLEL_REPLIES = 20


def test_twenty_replies_sent_at_once_create_only_the_posts_the_limit_allows(
    client, live_server, member, thread, settings
):
    require_postgres()
    settings.FORUM_POSTS_PER_MINUTE = 5
    # given a signed-in member looking at a thread, with the reply form and its CSRF token
    browser = live_member(client, live_server, member, settings, thread.get_absolute_url())

    def send_reply(number: int) -> requests.Response:
        return browser.post(
            reverse("forum:reply", args=[thread.pk]), {"body": f"Parallel reply number {number}."}
        )

    # when they send twenty replies at the same moment
    with ThreadPoolExecutor(max_workers=PARALLEL_REPLIES) as pool:
        responses = list(pool.map(send_reply, range(PARALLEL_REPLIES)))

    # then exactly the limit's worth are posted, and every other one is refused with the "too fast" page
    posted = [r for r in responses if r.status_code == 302]
    refused = [r for r in responses if r.status_code == 200 and "most the forum allows" in r.text]
    created = Post.objects.filter(thread=thread, author=member).count()
    assert (created, len(posted), len(refused)) == (5, 5, PARALLEL_REPLIES - 5), [
        r.status_code for r in responses
    ]
