"""Sanitising: nothing a member types can run script, load remote content or link to javascript:."""

import re

import pytest
from django.urls import reverse

from forum.markdown import render_markdown
from forum.tests.page_parsing import elements, parse

ATTACKS = "\n\n".join(
    [
        "<script>alert('script tag')</script>",
        "<img src=x onerror=alert(1)>",
        "[click me](javascript:alert(1))",
        '<a href="javascript:alert(2)">raw link</a>',
        "[sneaky](JaVaScRiPt:alert(3))",
        "[encoded](java&#x09;script:alert(4))",
        "![remote image](https://tracker.example.com/pixel.png)",
        '<iframe src="https://evil.example.com"></iframe>',
        '<div style="background:url(https://evil.example.com/x)" onclick="alert(5)">styled</div>',
        "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "<svg onload=alert(6)></svg>",
        "A [fine link](https://example.org/page) and **bold** text.",
    ]
)


def _assert_inert(html: str):
    document = parse(html)
    for tag, attrs in document.elements:
        # The page's own <script src=".../drafts.js"> is the only script allowed.
        if tag == "script" and (attrs.get("src") or "").endswith("/static/js/drafts.js"):
            continue
        assert tag not in {"script", "img", "iframe", "svg", "object", "embed", "style"}, tag
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            assert name != "style", tag
            if name in {"href", "src", "action", "formaction"} and value:
                scheme = re.match(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*):", value)
                assert scheme is None or scheme.group(1).lower() in {"http", "https", "mailto"}, value


def test_render_markdown_leaves_nothing_active():
    html = render_markdown(ATTACKS)
    _assert_inert(html)
    assert "<script" not in html
    assert "onerror=" not in html.replace("onerror=alert(1)&gt;", "")  # only as escaped, visible text


def test_links_are_marked_nofollow_and_only_web_links_survive():
    html = render_markdown("[a](https://example.org) [b](mailto:x@example.org) [c](ftp://example.org/file)")
    links = elements(html, "a")
    assert [link.get("href") for link in links] == ["https://example.org", "mailto:x@example.org", None]
    assert all(link["rel"] == "nofollow noopener ugc" for link in links)


def test_images_are_never_embedded_but_become_links():
    html = render_markdown("![a graph](https://example.org/graph.png)")
    assert "<img" not in html
    assert elements(html, "a")[0]["href"] == "https://example.org/graph.png"
    assert "Image: a graph" in html


def test_markdown_features_members_use_still_work():
    html = render_markdown(
        "# Heading\n\n**bold** *it* ~~gone~~\n\n> quoted\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    )
    for fragment in (
        "<strong>bold</strong>",
        "<em>it</em>",
        "<s>gone</s>",
        "<blockquote>",
        "<li>one</li>",
        "<table>",
    ):
        assert fragment in html
    # headings inside a post sit below the page's own headings
    assert "<h4>Heading</h4>" in html


@pytest.mark.django_db
def test_attacks_posted_to_a_thread_do_not_survive_in_the_page(client, member, thread):
    # given a member who posts every trick at once
    client.force_login(member)
    response = client.post(reverse("forum:reply", args=[thread.pk]), {"body": ATTACKS})
    assert response.status_code == 302
    # when anyone reads the thread
    client.logout()
    page = client.get(thread.get_absolute_url()).content.decode()
    # then the post is there, and nothing in the whole page is active: no script, iframe or image elements,
    # no event handlers or style attributes, no link to anything but http(s) and mailto. (What the member
    # typed may still show as harmless, escaped text, like "&lt;script&gt;".)
    assert '<a href="https://example.org/page" rel="nofollow noopener ugc">fine link</a>' in page
    _assert_inert(page)
    assert page.count("<script") == 1  # drafts.js
    assert "<img" not in page
