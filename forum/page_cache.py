"""What thread pages keep in the cache between requests, under versions the database moves on every write.

Whole pages for readers who are not signed in. Four in five page views come from readers who are not
signed in, and they all see the same page: rendering it for each costs the posts' queries and the template,
about 25 ms of the two cores a page, where a cached page costs a single query. The key holds everything such
a page shows:
- the thread's page_version, which the database moves on at every write to the thread, its posts, their
  reactions and their tags, and the members' version, moved on when a member joins, leaves or changes their
  name, conditions or active state (triggers: migrations forum 0013 and analysis 0008, so no write path can
  forget it); both are read with the thread, before the posts, so a page is never stored under a version
  newer than what it shows;
- the category's name and slug (the breadcrumb), the path (the sign-in link comes back to it), the
  timezone and language;
- the code: every template, stylesheet, script and module, digested once per process, so a deploy needs no
  flush.
Only a page that depends on nothing else is stored: a reader with no session and no message waiting, a page
number that exists as asked, a 200 without a CSRF token.

Which posts a page holds, for everyone else (thread_page_of_ids): counting the posts a viewer may see and
skipping to a deep page, under the same page_version and who the viewer is.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from functools import cache as once
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from forum import permissions
from forum.models import Post, Thread
from forum.permissions import AnyUser

# Bump when what a key is made of changes.
KEY_VERSION = 1
_PAGE_PARAM = re.compile(r"[1-9][0-9]{0,6}")
_CODE_SUFFIXES = {".py", ".html", ".css", ".js", ".svg", ".txt"}
_NOT_CODE = {"tests", "migrations", "__pycache__", "node_modules", "var", "devtools"}


def _seconds() -> int:
    return settings.FORUM_PAGE_CACHE_SECONDS


@once
def code_digest() -> str:
    """Every file the pages are made from (templates, static files, the project's modules), hashed."""
    base = Path(settings.BASE_DIR)
    digest = hashlib.sha256()
    for folder, subfolders, files in os.walk(base):
        subfolders[:] = sorted(
            name for name in subfolders if name not in _NOT_CODE and not name.startswith(".")
        )
        for name in sorted(files):
            path = Path(folder, name)
            if path.suffix in _CODE_SUFFIXES:
                digest.update(str(path.relative_to(base)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _page_asked(page_number: str | int | None) -> str | None:
    """The page number asked for as the cache keys it ("1" when none), or None when it is not one of ours
    (anything else would let a caller fill the cache with one entry per string)."""
    asked = str(page_number or "1")
    return asked if _PAGE_PARAM.fullmatch(asked) else None


def _cacheable(request: HttpRequest) -> bool:
    if _seconds() <= 0 or request.user.is_authenticated:
        return False
    if not request.session.is_empty() or len(messages.get_messages(request)):
        return False  # the page would show (or use up) something of this reader's own
    query = request.GET
    return not query or (list(query) == ["page"] and _page_asked(query["page"]) is not None)


def thread_page_key(request: HttpRequest, thread: Thread) -> str | None:
    """The key of this request's page of `thread`, or None when it is not served from the cache. `thread` is
    as selectors.thread_get fetched it: with its page_version and members_version."""
    if not _cacheable(request):
        return None
    parts = (
        KEY_VERSION,
        code_digest(),
        thread.pk,
        thread.page_version,
        thread.members_version,
        thread.category.slug,
        thread.category.name,
        request.get_full_path(),
        timezone.get_current_timezone_name(),
        translation.get_language(),
    )
    return "threadpage:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def cached_response(key: str | None) -> HttpResponse | None:
    if key is None:
        return None
    html = cache.get(key)
    return None if html is None else HttpResponse(html)


def store(key: str | None, request: HttpRequest, response: HttpResponse, *, page_number: int) -> None:
    """Keep the page for the next reader, when it is the same for every one of them."""
    if key is None or response.status_code != 200 or response.cookies:
        return
    if str(page_number) != _page_asked(request.GET.get("page")):
        return  # a page number past the end (or before it) shows another page: don't fill the cache with them
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return  # the page holds this reader's CSRF token
    html = response.content.decode()
    cache.set(key, html, timeout=_seconds())


def thread_page_of_ids(
    top_level: QuerySet[Post], *, thread: Thread, user: AnyUser, page_number
) -> tuple[Page, Callable[[Page], None]]:
    """Which top-level posts are on the page (their ids, or a subquery for them), how many pages there are,
    and a function that keeps the answer once the page's posts are fetched.

    Counting and skipping to a deep page weigh which posts this viewer may see, over every top-level post of
    the thread (7 ms of the database on the largest thread's last page): the answer is kept under the
    thread's page_version, which the database moves on every change to its posts (see above), and
    under who the viewer is, as far as what they may read goes (readable_posts_q)."""
    per_page = settings.FORUM_POSTS_PER_PAGE
    requested = _page_asked(page_number)
    if _seconds() <= 0 or requested is None:
        return Paginator(top_level.values("pk"), per_page).get_page(page_number), lambda page: None
    if permissions.user_is_moderator(user):
        viewer = "moderator"
    else:
        viewer = f"member{user.pk}" if user.is_authenticated else "reader"
    key = f"threadpageids:{thread.pk}:{thread.page_version}:{viewer}:{per_page}:{requested}"
    if (found := cache.get(key)) is not None:
        count, number, ids = found
        return Page(ids, number, Paginator(range(count), per_page)), lambda page: None

    def remember(page: Page) -> None:
        if str(page.number) != requested:
            return  # a page number past the end shows the last page: don't keep one entry per number asked
        ids = [post.pk for post in page.object_list]
        cache.set(key, (page.paginator.count, page.number, ids), timeout=_seconds())

    return Paginator(top_level.values("pk"), per_page).get_page(page_number), remember
