"""Skip a test for want of a service locally, but fail it in CI (REQUIRE_SERVICES=1, set by .ci/run)."""

import os
import shutil

import pytest
from django.conf import settings
from django.db import connection


def service_missing(reason: str) -> None:
    if os.environ.get("REQUIRE_SERVICES"):
        pytest.fail(f"CI requires this service: {reason}")
    pytest.skip(reason)


def require_postgres() -> None:
    if connection.vendor != "postgresql":
        service_missing("needs PostgreSQL: set DATABASE_URL=postgres://...")


def require_redis() -> str:
    url = settings.REDIS_URL
    if not url:
        service_missing("needs Redis: set REDIS_URL=redis://...")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        service_missing(f"Redis at {url} did not answer: {exc}")
    return url


def require_chromium() -> tuple[str, str]:
    browser = shutil.which("chromium")
    driver = shutil.which("chromedriver")
    if not (browser and driver):
        service_missing(
            "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)"
        )
    return browser, driver
