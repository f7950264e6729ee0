"""The posting limit holds against a burst of parallel requests: real HTTP to a live server on PostgreSQL."""

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.urls import reverse

from forum.models import Post
from forum.tests.page_parsing import input_value
from tests.service_checks import require_postgres

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PARALLEL_REPLIES = 20
TIMEOUT_SECONDS = 30


def _browser(cookies: dict[str, str]) -> requests.Session:
    """One browser tab: its own connection (closed after each request), the given cookies, no proxies."""
    session = requests.Session()
    session.trust_env = False  # talk to the live server on this machine only
    session.headers["Connection"] = "close"  # no idle keep-alive connection holds a database session open
    session.cookies.update(cookies)
    return session


def test_twenty_replies_sent_at_once_create_only_the_posts_the_limit_allows(
    client, live_server, member, thread, settings
):
    require_postgres()
    settings.FORUM_POSTS_PER_MINUTE = 5
    assert live_server.url.startswith(("http://localhost:", "http://127.0.0.1:"))
    # given a signed-in member looking at a thread, with the reply form and its CSRF token
    client.force_login(member)
    cookies = {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}
    with _browser(cookies) as browser:
        thread_page = browser.get(f"{live_server.url}{thread.get_absolute_url()}", timeout=TIMEOUT_SECONDS)
        assert thread_page.status_code == 200
        cookies.update(browser.cookies.get_dict())  # the CSRF cookie
    csrf_token = input_value(thread_page.text, "csrfmiddlewaretoken")
    assert csrf_token
    url = f"{live_server.url}{reverse('forum:reply', args=[thread.pk])}"

    def send_reply(number: int) -> requests.Response:
        with _browser(cookies) as browser:
            return browser.post(
                url,
                data={"body": f"Parallel reply number {number}.", "csrfmiddlewaretoken": csrf_token},
                headers={"Referer": url},
                allow_redirects=False,
                timeout=TIMEOUT_SECONDS,
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
