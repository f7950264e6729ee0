"""Production's cache (Redis) made to fail soft.

The cache only saves work here (rendered Markdown, each post's HTML, search excerpts, a "refresh queued"
flag): everything in it can be made again from the database. Django's own Redis backend raises while Redis
is unreachable, which turned every thread page into a server error whenever Redis was down. This one reads
as empty and drops writes instead, logging each failure, so pages render from the database and posts are
saved; the queues (Celery, on the same Redis) have their own fallbacks.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


def _fail_soft(method: Callable, fallback: Callable) -> Callable:
    """`method`, answering `fallback(*its arguments)` while Redis is unreachable."""

    @functools.wraps(method)
    def call(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except UNREACHABLE as error:
            logger.warning("cache %s skipped, Redis unreachable: %s", method.__name__, error)
            return fallback(*args, **kwargs)

    return call


class FailSoftRedisCache(RedisCache):
    get = _fail_soft(RedisCache.get, lambda key, default=None, version=None: default)
    get_many = _fail_soft(RedisCache.get_many, lambda *args, **kwargs: {})
    has_key = _fail_soft(RedisCache.has_key, lambda *args, **kwargs: False)
    set = _fail_soft(RedisCache.set, lambda *args, **kwargs: None)
    set_many = _fail_soft(RedisCache.set_many, lambda data, *args, **kwargs: list(data))  # none stored
    # Nothing is there to say "already done": callers go ahead (a queued refresh is then sent, and the
    # broker's own fallback takes over if it is down too).
    add = _fail_soft(RedisCache.add, lambda *args, **kwargs: True)
    delete = _fail_soft(RedisCache.delete, lambda *args, **kwargs: False)
    delete_many = _fail_soft(RedisCache.delete_many, lambda *args, **kwargs: None)
    touch = _fail_soft(RedisCache.touch, lambda *args, **kwargs: False)
