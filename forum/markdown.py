"""Members' Markdown to safe HTML.

Two layers: markdown-it-py with raw HTML switched off (so `<script>` typed in a post is shown as text),
then nh3 (the Rust `ammonia` sanitiser) with a small allowlist, which also drops event handlers, styles
and every link that is not http, https or mailto. Images are never embedded (a remote image would be a
request to another host from the reader's browser, and can track them): `![alt](url)` becomes a link.
"""

from __future__ import annotations

import hashlib
import html as html_lib

import nh3
from django.core.cache import cache
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

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


def _build_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.add_render_rule("image", _image_as_link)
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


def render_markdown(text: str) -> SafeString:
    """Render a post body; the result is safe to put in a page as it is."""
    # Headings inside a post would break the page's heading order (h1 title, h2/h3 posts): shift them down.
    html = _parser.render(text or "")
    for level in range(6, 0, -1):
        shifted = min(level + 3, 6)
        html = html.replace(f"<h{level}>", f"<h{shifted}>").replace(f"</h{level}>", f"</h{shifted}>")
    return mark_safe(sanitise_html(html))  # noqa: S308 - sanitised by nh3 just above


# Bump when the rendering rules above change: cached pages of posts are keyed by it and by each text's hash,
# so an edited post gets a new key and nothing ever needs invalidating.
RENDER_VERSION = 1
RENDER_CACHE_SECONDS = 7 * 24 * 3600


def render_markdown_many(texts: list[str]) -> list[SafeString]:
    """render_markdown for a page of posts through the cache: one round trip, and only new texts rendered
    (rendering is most of a thread page's own time)."""
    keys = [f"md:{RENDER_VERSION}:{hashlib.sha256(t.encode()).hexdigest()}" for t in texts]
    found = cache.get_many(keys)
    rendered = {key: str(render_markdown(t)) for key, t in zip(keys, texts, strict=True) if key not in found}
    if rendered:
        cache.set_many(rendered, timeout=RENDER_CACHE_SECONDS)
    # Only render_markdown's sanitised output is ever stored under these keys.
    return [mark_safe(found[key] if key in found else rendered[key]) for key in keys]  # noqa: S308


def render_plain_excerpt(text: str, *, length: int = 280) -> str:
    """A short plain-text excerpt of a post body (search results, moderation queue): no markup at all."""
    plain = nh3.clean(_parser.render(text or ""), tags=set())
    plain = " ".join(plain.split())
    plain = html_lib.unescape(plain)
    if len(plain) <= length:
        return plain
    return plain[: length - 1].rsplit(" ", 1)[0] + "…"
