"""The HTML of each post on a thread page, from the cache when nothing it shows has changed.

Rendering post.html (and the tag badge inside it) for 20-50 posts is most of a thread page's own time. Each
post's <article> is cached whole, under a key made from everything the template reads: the post's fields and
body HTML, its author's name and conditions, its tag, its reactions, and what this viewer may do with it
(moderator or not, author or not, each button). So nothing is ever invalidated by hand: an edit, a hide, a
retag or a reaction changes the key, and the page shows the change at once; viewers who would see different
HTML never share an entry, and viewers who would see the same HTML (every reader who is not signed in, say)
do. Templates are part of the key too (their source), so a deploy that changes them needs no flush.

The per-viewer CSRF token is never stored: the cached HTML holds a marker that each page swaps for its own
token. The marker is derived from SECRET_KEY, so no member can type it into a post, and it is part of the
key, so HTML cached under another secret key is never served.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from functools import cache as once

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template import RequestContext, engines
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from forum import permissions
from forum.selectors import PostItem, ThreadPage, post_items_render_bodies

POST_TEMPLATE = "forum/includes/post.html"
# Every template post.html renders: a change to any of them changes every key.
TEMPLATES = [POST_TEMPLATE, "analysis/includes/post_tag.html", "analysis/includes/author_reading_form.html"]
# Bump when what a post's HTML shows changes in Python rather than in the templates (say, a label in
# analysis.vocabulary that the tag badge prints), or when what a key is made of changes.
KEY_VERSION = 1
CACHE_SECONDS = 24 * 3600


def _templates_digest() -> str:
    # Read once per process in production; on every page while developing (DEBUG), so that an edited
    # template shows at the next reload instead of after the cached HTML expires.
    return _read_templates_digest() if settings.DEBUG else _templates_digest_once()


def _read_templates_digest() -> str:
    sources = [engines["django"].get_template(name).template.source for name in TEMPLATES]
    return hashlib.sha256("\0".join(sources).encode()).hexdigest()[:16]


_templates_digest_once = once(_read_templates_digest)


def csrf_marker() -> str:
    return _csrf_marker_for(settings.SECRET_KEY)


@once
def _csrf_marker_for(secret: str) -> str:
    digest = hmac.new(secret.encode(), b"forum.post_html csrf marker", hashlib.sha256)
    return f"csrf{digest.hexdigest()[:32]}"


def _tag_state(post) -> tuple | None:
    try:
        tag = post.tag
    except ObjectDoesNotExist:
        return None
    if tag is None:
        return None
    return tuple(getattr(tag, f.attname) for f in tag._meta.concrete_fields)


def _author_state(post) -> tuple | None:
    if post.author_id is None:
        return None
    return (post.author.username, tuple(post.author.conditions or ()))


def _key(item: PostItem, *, level: int, viewer: tuple, user) -> str:
    post = item.post
    reply_to = (item.in_reply_to.name, item.in_reply_to.post_id) if item.in_reply_to else None
    parts = (
        KEY_VERSION,
        _templates_digest(),
        # HTML cached under another SECRET_KEY (before a rotation, or by another site on the same Redis)
        # holds another marker, which this process would not swap for a token: never share it.
        csrf_marker(),
        viewer,
        level,
        bool(user.is_authenticated and post.author_id is not None and post.author_id == user.pk),
        post.pk,
        post.parent_id,
        post.author_id,
        post.author_name,
        _author_state(post),
        post.created_at.isoformat(),
        post.edited_at.isoformat() if post.edited_at else None,
        post.is_hidden,
        post.hide_reason,
        post.hidden_by.username if post.hidden_by_id else None,
        item.body_key,  # the body's hash and whom its mentions resolve to: its HTML follows from them
        item.placeholder,
        item.reaction_count,
        item.reacted,
        (item.can_reply, item.can_edit, item.can_delete, item.can_react, item.can_flag, item.can_hide),
        item.can_history,
        reply_to,
        _tag_state(post),
    )
    return "posthtml:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _viewer(user) -> tuple:
    """What post.html reads of the viewer besides each post's own flags (and the author check, per post)."""
    return (
        bool(user.is_authenticated),
        permissions.user_is_moderator(user),
        bool(user.is_authenticated and user.has_perm(permissions.PERM_HIDE_POST)),
        timezone.get_current_timezone_name(),
        translation.get_language(),
    )


def _all_items(items: Iterable[PostItem]) -> list[tuple[PostItem, int]]:
    """Each top-level item (heading level 2) followed by its replies (level 3)."""
    out = []
    for item in items:
        out.append((item, 2))
        out.extend((reply, 3) for reply in item.replies)
    return out


def attach_post_html(*, request: HttpRequest, thread_page: ThreadPage) -> None:
    """Set `article` on every item of a thread page (and its replies): the post's whole HTML for this viewer,
    one cache round trip for the page and a render (body included) only for the posts whose key is new."""
    user = request.user
    viewer = _viewer(user)
    entries = _all_items(thread_page.items)
    keys = [_key(item, level=level, viewer=viewer, user=user) for item, level in entries]
    found = cache.get_many(keys)
    missing = {}
    if len(found) < len(keys):
        post_items_render_bodies(
            [item for (item, _level), key in zip(entries, keys, strict=True) if key not in found],
            mentioned_members=thread_page.mentioned_members,
        )
        template = engines["django"].get_template(POST_TEMPLATE).template
        # The page's own context (user, perms, outcome choices...), with the CSRF marker in place of a token
        # (pushed above the context processors' values, which would otherwise win).
        context = RequestContext(request)
        for (item, level), key in zip(entries, keys, strict=True):
            if key not in found and key not in missing:
                with context.push(item=item, level=level, csrf_token=csrf_marker()):
                    missing[key] = str(template.render(context))
        cache.set_many(missing, timeout=CACHE_SECONDS)
    token = None
    marker = csrf_marker()
    for (item, _level), key in zip(entries, keys, strict=True):
        html = found[key] if key in found else missing[key]
        if marker in html:
            token = token or get_token(request)
            html = html.replace(marker, token)
        # Only post.html's own output (autoescaped, bodies sanitised) is ever stored under these keys.
        item.article = mark_safe(html)  # noqa: S308
