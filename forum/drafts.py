"""Names of the places a member can be writing in: Draft.key, and the browser's localStorage key."""

from __future__ import annotations

import re

from forum.models import Category, Post, Thread

DRAFT_KEY_RE = re.compile(r"^(?:category:[-a-zA-Z0-9_]{1,60}|thread:\d{1,18}|reply:\d{1,18}|edit:\d{1,18})$")


class DraftTooLong(Exception):
    """Longer than a post (or a title) may be: the server never keeps more than could be posted."""

    def __init__(self, *, field: str, length: int, limit: int):
        super().__init__(f"{field} of {length} characters; the limit is {limit}")
        self.field = field
        if field == "title":
            self.message = (
                f"Your title is {length:,} characters long, and a title can be at most {limit:,}. "
                "Your draft is kept on this device: please shorten the title and it will be saved here too."
            )
        else:
            self.message = (
                f"Your draft is {length:,} characters long, and a post can be at most {limit:,}, so the "
                "forum can't keep it. It is kept on this device: please shorten it or split it into two "
                "posts, and it will be saved here too."
            )


class TooManyDrafts(Exception):
    def __init__(self, *, limit: int):
        super().__init__(f"already {limit} drafts")
        self.limit = limit
        self.message = (
            f"You already have {limit} unfinished drafts saved, which is the most the forum keeps. This "
            "one is kept on this device; post or discard one of your other drafts and it will be saved "
            "here too."
        )


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


def draft_key_parts(key: str) -> tuple[str, str]:
    """("category", slug), ("thread", id), ("reply", post id) or ("edit", post id).

    ValueError if the key is malformed."""
    if not is_valid_draft_key(key):
        raise ValueError(f"not a draft key: {key!r}")
    kind, _, ident = key.partition(":")
    return kind, ident


def draft_key_has_title(key: str) -> bool:
    """Only a new thread has a title; other drafts keep a body alone."""
    return key.startswith("category:")
