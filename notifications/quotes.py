"""Who a post quotes. The reply form quotes a post as "**Name** wrote:" followed by a `>` block
(forum.selectors.post_quote_markdown); a member may also type that by hand."""

import re

from forum.models import Post

ATTRIBUTION = re.compile(r"^\*\*(?P<name>[^*\n]+)\*\* wrote:[ \t]*$")


def _quoted_blocks(body: str) -> list[tuple[str, str]]:
    """(name, first quoted line) for each attribution line followed, after blank lines, by a `>` line."""
    lines = body.splitlines()
    found = []
    for index, line in enumerate(lines):
        match = ATTRIBUTION.match(line.strip())
        if not match:
            continue
        following = [text for text in lines[index + 1 :] if text.strip()]
        if following and following[0].lstrip().startswith(">"):
            first = following[0].lstrip()[1:].strip()
            found.append((match["name"].strip(), first))
    return found


def quoted_author_ids(post: Post) -> set[int]:
    """The members whose earlier posts in the same thread `post` quotes.

    Display names are not unique, so when several members share the quoted name, the one whose post holds
    the quoted words is meant; a name no earlier post in the thread carries quotes nobody.
    """
    authors: set[int] = set()
    for name, first_line in _quoted_blocks(post.body or ""):
        candidates = list(
            Post.objects.filter(thread_id=post.thread_id, author_name=name, author__isnull=False)
            .filter(created_at__lte=post.created_at)
            .exclude(pk=post.pk)
            .order_by("-created_at", "-id")
            .values_list("author_id", "body")
        )
        if first_line:
            matching = {author for author, body in candidates if first_line in body}
            if matching:
                authors |= matching
                continue
        distinct = {author for author, _ in candidates}
        if len(distinct) == 1:
            authors |= distinct
    return authors
