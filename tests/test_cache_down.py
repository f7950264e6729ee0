"""The cache only saves work: while Redis is unreachable, thread pages still render from the database and a
member's reply is still saved (config/cache.py)."""

import socket

import pytest
from django.urls import reverse

from forum.models import Post

pytestmark = pytest.mark.django_db


@pytest.fixture
def unreachable_cache(settings):
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.FailSoftRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


def test_with_redis_down_a_thread_page_shows_and_a_reply_is_saved(
    unreachable_cache, client, member, thread, post_factory
):
    post_factory(thread=thread, body="Gentle laps in the warm pool, twice a week.")
    assert "Gentle laps in the warm pool" in client.get(thread.get_absolute_url()).content.decode()

    client.force_login(member)
    response = client.post(
        reverse("forum:reply", args=[thread.pk]), {"body": "Same here, the pool helps me."}
    )
    assert response.status_code == 302
    assert Post.objects.filter(thread=thread, author=member, body="Same here, the pool helps me.").exists()
    page = client.get(response["Location"]).content.decode()
    assert "Same here, the pool helps me." in page
