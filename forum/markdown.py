"""Members' Markdown to safe HTML.

Two layers: markdown-it-py with raw HTML switched off (so `<script>` typed in a post is shown as text),
then nh3 (the Rust `ammonia` sanitiser) with a small allowlist, which also drops event handlers, styles
and every link that is not http, https or mailto. Images are never embedded (a remote image would be a
request to another host from the reader's browser, and can track them): `![alt](url)` becomes a link.
`@username` becomes a link to that member's profile when the member exists, and stays text otherwise.
"""

from __future__ import annotations

import hashlib
import html as html_lib
import re
from collections.abc import Callable, Iterable, Mapping

import nh3
from django.core.cache import cache
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

from accounts.models import User

ALLOWED_TAGS = {
    "p", "br", "hr", "em", "strong", "s", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "ol": {"start"},
    "th": {"align"},
    "td": {"align"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener ugc"


def _image_as_link(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    alt = self.renderInline(token.children or [], options, env) if token.children else token.content
    src = token.attrGet("src") or ""
    return f'<a href="{escape(src)}">Image: {alt or "(no description)"}</a>'


# A username as Django allows it (letters, digits, _ . + -), not ending in a full stop ("thanks @sam.").
MENTION = re.compile(r"@([\w+-]+(?:\.[\w+-]+)*)")


def _mention_rule(state: StateInline, silent: bool) -> bool:
    """`@name` not inside a link, and not the middle of a word or an email address."""
    if state.src[state.pos] != "@" or state.linkLevel > 0:
        return False
    if state.pos > 0 and (state.src[state.pos - 1].isalnum() or state.src[state.pos - 1] in "_.+-@"):
        return False
    match = MENTION.match(state.src, state.pos)
    if match is None:
        return False
    if not silent:
        token = state.push("mention", "", 0)
        token.content = match.group(0)
        token.meta = {"username": match.group(1)}
    state.pos = match.end()
    return True


def _mention_link(self, tokens, idx, options, env) -> str:
    typed = tokens[idx].meta["username"]
    username = (env.get("members") or {}).get(typed.lower())
    if username is None:
        return escape(tokens[idx].content)
    return f'<a href="{escape(reverse("accounts:profile", args=[username]))}">@{escape(typed)}</a>'


def _build_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.add_render_rule("image", _image_as_link)
    md.inline.ruler.push("mention", _mention_rule)
    md.add_render_rule("mention", _mention_link)
    return md


_parser = _build_parser()


def sanitise_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=LINK_REL,
        clean_content_tags={"script", "style"},
        strip_comments=True,
    )


def _mentions(tokens, *, outside_quotes: bool) -> set[str]:
    names, depth = set(), 0
    for token in tokens:
        if token.type == "blockquote_open":
            depth += 1
        elif token.type == "blockquote_close":
            depth -= 1
        elif token.type == "inline" and not (outside_quotes and depth):
            names.update(t.meta["username"] for t in token.children or [] if t.type == "mention")
    return names


def mention_candidates(text: str) -> set[str]:
    """Every `@name` a post's text holds, as typed (whether or not such a member exists)."""
    if "@" not in (text or ""):
        return set()
    return _mentions(_parser.parse(text), outside_quotes=False)


def mentioned_usernames(text: str) -> set[str]:
    """The `@name`s a post's own words hold, leaving out those inside quotes (`>` blocks) and code."""
    if "@" not in (text or ""):
        return set()
    return _mentions(_parser.parse(text), outside_quotes=True)


def members_by_name(names: Iterable[str]) -> dict[str, str]:
    """{lower-case name: username} for the active members among `names` (case-insensitive, one query)."""
    lowered = {name.lower() for name in names}
    if not lowered:
        return {}
    rows = (
        User.objects.filter(is_active=True)
        .annotate(lowered=Lower("username"))
        .filter(lowered__in=lowered)
        .values_list("lowered", "username")
    )
    return dict(rows)


def render_markdown(text: str, *, members: Mapping[str, str] | None = None) -> SafeString:
    """Render a post body; the result is safe to put in a page as it is.

    `members` ({lower-case name: username}, from members_by_name) lets a page look up the mentions of all
    its posts in one query; without it the mentions in `text` are looked up here.
    """
    if members is None:
        members = members_by_name(mention_candidates(text))
    # Headings inside a post would break the page's heading order (h1 title, h2/h3 posts): shift them down.
    html = _parser.render(text or "", {"members": members})
    for level in range(6, 0, -1):
        shifted = min(level + 3, 6)
        html = html.replace(f"<h{level}>", f"<h{shifted}>").replace(f"</h{level}>", f"</h{shifted}>")
    return mark_safe(sanitise_html(html))  # noqa: S308 - sanitised by nh3 just above


# Bump when the rendering rules above change: cached pages of posts are keyed by it and by each text's hash,
# so an edited post gets a new key and nothing ever needs invalidating.
RENDER_VERSION = 2
RENDER_CACHE_SECONDS = 7 * 24 * 3600


def _render_key(text: str, mentioned: set[str], members: Mapping[str, str]) -> str:
    # A mention renders as a link only while its member exists: whom each one resolved to is in the key.
    resolved = sorted((name.lower(), members.get(name.lower(), "")) for name in mentioned)
    digest = hashlib.sha256(f"{text}\0{resolved!r}".encode()).hexdigest()
    return f"md:{RENDER_VERSION}:{digest}"


def markdown_render_keys(texts: list[str]) -> tuple[list[str], dict[str, str]]:
    """Each text's cache key (its hash and whom its mentions resolve to), without rendering; and the page's
    mentioned members ({lower-case name: username}, one query), for render_markdown_many."""
    mentioned = [mention_candidates(t) for t in texts]
    members = members_by_name(set().union(*mentioned))
    keys = [_render_key(t, names, members) for t, names in zip(texts, mentioned, strict=True)]
    return keys, members


def render_markdown_many(texts: list[str], *, members: Mapping[str, str] | None = None) -> list[SafeString]:
    """render_markdown for a page of posts through the cache: one round trip, and only new texts rendered
    (rendering is most of a thread page's own time). The page's mentions are looked up in one query (none
    when `members` comes from markdown_render_keys)."""
    if members is None:
        keys, members = markdown_render_keys(texts)
    else:
        keys = [_render_key(t, mention_candidates(t), members) for t in texts]
    bodies = _through_cache(keys, texts, lambda t: str(render_markdown(t, members=members)))
    # Only render_markdown's sanitised output is ever stored under these keys.
    return [mark_safe(body) for body in bodies]  # noqa: S308


def render_plain_excerpt(text: str, *, length: int = 280) -> str:
    """A short plain-text excerpt of a post body (search results, moderation queue): no markup at all."""
    plain = nh3.clean(_parser.render(text or ""), tags=set())
    plain = " ".join(plain.split())
    plain = html_lib.unescape(plain)
    if len(plain) <= length:
        return plain
    return plain[: length - 1].rsplit(" ", 1)[0] + "…"


def render_plain_excerpts(texts: list[str], *, length: int = 280) -> list[str]:
    """render_plain_excerpt for a page of posts (search results) through the cache, keyed like bodies by
    each text's hash: one round trip, and only texts not seen before are parsed."""
    keys = [
        f"excerpt:{RENDER_VERSION}:{length}:{hashlib.sha256(text.encode()).hexdigest()}" for text in texts
    ]
    return _through_cache(keys, texts, lambda t: render_plain_excerpt(t, length=length))


def _through_cache(keys: list[str], texts: list[str], make: Callable[[str], str]) -> list[str]:
    """make(text) for each text, from the cache under its key where it is there: one round trip to read,
    one to store what was made."""
    found = cache.get_many(keys)
    made = {key: make(text) for key, text in zip(keys, texts, strict=True) if key not in found}
    if made:
        cache.set_many(made, timeout=RENDER_CACHE_SECONDS)
    return [found[key] if key in found else made[key] for key in keys]
