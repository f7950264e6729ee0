"""Names of the places a member can be writing in: Draft.key, and the browser's localStorage key."""

from __future__ import annotations

import re

from forum.models import Category, Post, Thread

DRAFT_KEY_RE = re.compile(r"^(?:category:[-a-zA-Z0-9_]{1,60}|thread:\d{1,18}|reply:\d{1,18}|edit:\d{1,18})$")
# Drafts may be longer than a post may be (the member is told at publish time); this only stops abuse.
DRAFT_MAX_CHARS = 100_000


def new_thread_draft_key(category: Category) -> str:
    return f"category:{category.slug}"


def reply_draft_key(thread: Thread) -> str:
    return f"thread:{thread.pk}"


def reply_to_post_draft_key(post: Post) -> str:
    return f"reply:{post.pk}"


def edit_draft_key(post: Post) -> str:
    return f"edit:{post.pk}"


def is_valid_draft_key(key: str) -> bool:
    return bool(DRAFT_KEY_RE.match(key or ""))
