"""Quoted text out of a post: what another member wrote is never the writer's own report.

`blank_quotes(text)` replaces every quoted character by a space and keeps line breaks, so the result has
the same length and every other character keeps its offset (evidence offsets index the post as written).

Quoted, as the forum shows it (forum/markdown.py renders CommonMark with markdown-it-py):
- a `>` line (up to three spaces before the marker), nested `>>` included;
- a lazy continuation line: a non-blank line right after a quoted paragraph line that starts no block of
  its own (CommonMark shows it inside the quote). Anything that might start a block (a list item, a
  heading, a rule, a fence, `<`, `===`) ends the quote instead: when in doubt, the line is the writer's;
- the attribution line before a quote block, with only blank lines between: the forum's own
  `**Name** wrote:` (forum.selectors.post_quote_markdown) or a plain `Name wrote:`;
- an HTML `<blockquote>…</blockquote>` (shown as text by the forum, but pasted from elsewhere), when it
  is closed; an unclosed one is left to the writer.
`>` elsewhere is text: "pain 8 > 5", "walk -> rest", and `>` lines inside a fenced code block.
"""

from __future__ import annotations

import re

# A line and its line ending (CommonMark: \n, \r\n or \r).
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
# Block-quote markers, nested ones included: each up to three spaces of indentation, `>`, one optional space.
_MARKERS = re.compile(r"(?: {0,3}> ?)+")
# Anything but a line break: what blanking turns into a space.
_NOT_BREAK = re.compile(r"[^\r\n]")
# Blocks that end a quoted paragraph instead of continuing it lazily (CommonMark "interrupt a paragraph",
# read generously): ATX heading, thematic break or setext underline, code fence, HTML, list item.
_STARTS_BLOCK = re.compile(
    r" {0,3}(?:"
    r"#{1,6}(?:[ \t]|$)"  # ATX heading
    r"|(?:[-*_][ \t]*){3,}$|=+[ \t]*$"  # thematic break, setext underline
    r"|```|~~~|<"  # code fence, HTML
    r"|[-+*](?:[ \t]|$)|\d{1,9}[.)](?:[ \t]|$)"  # list item
    r")"
)
# Quoted content that is not an open paragraph, so the next line cannot continue it lazily: heading,
# thematic break, fence, HTML, or an indented code block (four spaces after the marker's own space).
_NOT_PARAGRAPH = re.compile(r" {0,3}(?:#{1,6}(?:[ \t]|$)|(?:[-*_][ \t]*){3,}$|```|~~~|<)| {4}|\t")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})([^\r\n]*)")
# "**Name** wrote:" (the forum's own quote header) or "Name wrote:" (a name of up to four words), alone on
# its line.
_ATTRIBUTION = re.compile(
    r" {0,3}(?:\*\*[^\r\n]{1,80}?\*\*|__[^\r\n]{1,80}?__|@?[\w.'’-]{1,40}(?: [\w.'’-]{1,40}){0,3})"
    r"[ \t]+wrote[ \t]*:[ \t]*",
    re.IGNORECASE,
)
_BLOCKQUOTE_TAG = re.compile(r"<(/?)blockquote\b[^<>]{0,300}>", re.IGNORECASE)


def blank_quotes(text: str) -> str:
    """The text with every quoted character replaced by a space (line breaks kept): same length."""
    spans = quoted_spans(text)
    if not spans:
        return text
    parts, last = [], 0
    for start, end in spans:
        parts.append(text[last:start])
        parts.append(_NOT_BREAK.sub(" ", text[start:end]))
        last = end
    parts.append(text[last:])
    return "".join(parts)


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) character offsets of the quoted text, sorted and not overlapping."""
    if ">" not in text:
        return []
    spans = _markdown_quote_spans(text) + _html_quote_spans(text)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _quote_content(line: str) -> str | None:
    """What a `>` line holds inside all its markers, or None when the line is no quote line."""
    m = _MARKERS.match(line)
    return line[m.end() :] if m else None


def _closes(m: re.Match[str], fence: tuple[str, int]) -> bool:
    """Whether a _FENCE match closes the open fence (same character, at least as long, nothing after)."""
    return m.group(1)[0] == fence[0] and len(m.group(1)) >= fence[1] and not m.group(2).strip()


def _markdown_quote_spans(text: str) -> list[tuple[int, int]]:
    # (start, end of content) for every line; line breaks are never part of a span
    lines = [(m.start(), m.start() + len(m.group().rstrip("\r\n"))) for m in _LINE.finditer(text)]
    quoted = [False] * len(lines)
    fence: tuple[str, int] | None = None  # the open code fence's character and length
    quote_fence: tuple[str, int] | None = None  # the same, for a fence inside a quote
    paragraph_open = False  # the last line was quoted paragraph text, so a lazy line may follow
    for i, (start, end) in enumerate(lines):
        line = text[start:end]
        if fence is not None:
            m = _FENCE.match(line)
            if m and _closes(m, fence):
                fence = None
            continue
        content = _quote_content(line)
        if content is not None:
            quoted[i] = True
            m = _FENCE.match(content)
            if quote_fence is None and m:
                quote_fence = (m.group(1)[0], len(m.group(1)))
            elif quote_fence is not None and m and _closes(m, quote_fence):
                quote_fence = None
                continue
            is_text = bool(content.strip()) and not _NOT_PARAGRAPH.match(content)
            paragraph_open = quote_fence is None and is_text
            continue
        quote_fence = None
        if paragraph_open and line.strip() and not _STARTS_BLOCK.match(line):
            quoted[i] = True  # lazy continuation of the quoted paragraph
            continue
        paragraph_open = False
        m = _FENCE.match(line)
        if m and not (m.group(1)[0] == "`" and "`" in m.group(2)):
            fence = (m.group(1)[0], len(m.group(1)))
    # the attribution line before each quote block, across blank lines only
    for i in range(1, len(lines)):
        if not quoted[i] or quoted[i - 1]:
            continue
        j = i - 1
        while j >= 0 and not text[lines[j][0] : lines[j][1]].strip():
            j -= 1
        if j >= 0 and not quoted[j] and _ATTRIBUTION.fullmatch(text[lines[j][0] : lines[j][1]]):
            quoted[j] = True
    return [line for line, q in zip(lines, quoted, strict=True) if q and line[0] < line[1]]


def _html_quote_spans(text: str) -> list[tuple[int, int]]:
    if "<" not in text:
        return []
    spans, depth, start = [], 0, 0
    for m in _BLOCKQUOTE_TAG.finditer(text):
        if not m.group(1):
            if depth == 0:
                start = m.start()
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                spans.append((start, m.end()))
    return spans
