"""Twenty members reacting and replying in one thread at the same moment: every write lands (the page-version
triggers lock the thread row in order, so none deadlocks) and the cached reader's page shows them all.
Real HTTP to a live server on PostgreSQL."""

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.test import Client
from django.urls import reverse

from forum.models import Post, Reaction
from tests.live_http import live_member, tab
from tests.service_checks import require_postgres

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("production_cache"),
]

MEMBERS = 20


def test_twenty_parallel_reactions_and_replies_all_land_and_show_on_the_cached_page(
    live_server, thread, post_factory, user_factory, settings
):
    require_postgres()
    settings.FORUM_POSTS_PER_PAGE = 50
    post = post_factory(body="Pool sessions twice a week.")
    readers_url = live_server.url + thread.get_absolute_url()
    with tab({}) as reader:
        assert "0 members" not in reader.get(readers_url).text  # the page is now in the cache
    browsers = [
        live_member(Client(), live_server, user_factory(), settings, thread.get_absolute_url())
        for _ in range(MEMBERS)
    ]

    def write(number: int) -> requests.Response:
        if number % 2:
            return browsers[number].post(reverse("forum:post_react", args=[post.pk]), {})
        return browsers[number].post(
            reverse("forum:reply", args=[thread.pk]), {"body": f"Parallel reply {number}."}
        )

    with ThreadPoolExecutor(max_workers=MEMBERS) as pool:
        responses = list(pool.map(write, range(MEMBERS)))

    assert [r.status_code for r in responses] == [302] * MEMBERS
    assert Reaction.objects.filter(post=post).count() == MEMBERS // 2
    assert Post.objects.filter(thread=thread, body__startswith="Parallel reply").count() == MEMBERS // 2
    with tab({}) as reader:
        html = reader.get(readers_url).text
    assert f"{MEMBERS // 2} members say this matches their experience" in html
    assert all(f"Parallel reply {n}." in html for n in range(0, MEMBERS, 2))
