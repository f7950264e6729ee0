"""Reading settings from the environment, with the local state kept under var/."""

import secrets
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# A developer's own overrides; never committed (see .env.example).
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def local_secret_key() -> str:
    """A secret key generated once per checkout and kept in var/, for local use only."""
    VAR_DIR.mkdir(exist_ok=True)
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()
