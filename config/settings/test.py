"""pytest: the database and broker come from the environment (PostgreSQL and Redis in CI)."""

import os

from config.env import env
from config.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = env("SECRET_KEY", default="test-only-secret-key-not-for-production-use-0123456789")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Worker processes started by the tests write email to files the test reads (EMAIL_FILE_PATH).
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=None)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Each test process gets a clean cache, so rate limits from one run never leak into another.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Except the worker processes a test starts (analysis/tests/conftest.py): they share one cache of that test's
# own, as production's workers share Redis, because one pool process clears what another set.
if env("TEST_SHARED_CACHE", default="") and REDIS_URL:  # noqa: F405
    CACHES = {
        "default": {
            "BACKEND": "config.cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,  # noqa: F405
            "KEY_PREFIX": env("TEST_SHARED_CACHE"),
        }
    }

# On SQLite the test database is a file, so that worker processes started by the pipeline tests see it;
# one per test run, so that two runs side by side don't share it.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-db-{os.getpid()}.sqlite3")}  # noqa: F405
