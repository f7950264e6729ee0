"""Local development: `make run`. Debug on, a generated secret key, SQLite and a file broker by default."""

from config.env import env, local_secret_key
from config.settings.base import *  # noqa: F403

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="") or local_secret_key()
