"""Skip a test for want of a service locally, but fail it in CI (REQUIRE_SERVICES=1, set by .ci/run)."""

import os
import shutil
from pathlib import Path

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


def headless_chromium(*, console_log: bool = False):
    """A headless Chromium driven by chromedriver (skipped locally, failed in CI, without them); with
    console_log, the page's console is kept for `driver.get_log("browser")`. The caller quits it."""
    binary, driver_path = require_chromium()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--window-size=1280,1000",
    ):
        options.add_argument(argument)
    if console_log:
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.implicitly_wait(5)
    return driver


def axe_core_source() -> str:
    """axe-core's script, from the npm package that `make test` installs (package.json pins it)."""
    path = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
    if not path.exists():
        service_missing("needs axe-core: run `npm ci` (make test does)")
    return path.read_text(encoding="utf-8")
