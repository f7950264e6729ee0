"""Cleaning what members type before anyone else sees it: posts, thread titles, display names and bios.

Text pasted from terminals, chat apps and word processors carries characters nobody meant to share:
terminal colour codes, direction overrides that make a title read backwards (or hide what a link says),
zero-width characters that make an empty post look like a post. They are removed once, on input, so every
page, export and the tagger see the same plain text.
"""

from __future__ import annotations

import re
import unicodedata

from django import forms

# Terminal escape sequences, whole (ESC [ 31 m, ESC ] title BEL, and the one-byte CSI): removing only the
# ESC would leave "[31m" behind in the text.
_TERMINAL_ESCAPE = re.compile(r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")

_BIDI_CONTROLS = {*range(0x202A, 0x202F), *range(0x2066, 0x206A)}  # embeddings, overrides, isolates
# zero-width space, word joiner, the invisible maths operators and the byte-order mark
_INVISIBLE = {0x200B, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0xFEFF}
_BLANK_LETTERS = {0x3164, 0xFFA0}  # Hangul fillers: letters that draw nothing, used to fake empty names
_UNICODE_SPACES = {cp for cp in range(0x3001) if unicodedata.category(chr(cp)) == "Zs"} - {0x20}
_LINE_BREAKS = {0x0085: "\n", 0x2028: "\n", 0x2029: "\n\n"}  # next line, line and paragraph separator

_TRANSLATION: dict[int, str | None] = {
    **{cp: None for cp in range(0x20) if cp not in (0x09, 0x0A)},  # C0 controls except tab and newline
    **{cp: None for cp in range(0x7F, 0xA0)},  # DEL and the C1 controls
    **{cp: None for cp in _BIDI_CONTROLS | _INVISIBLE},
    **{cp: " " for cp in _UNICODE_SPACES | _BLANK_LETTERS},
    **_LINE_BREAKS,
}

# ZWNJ and ZWJ are kept only between two visible characters, where they do a job: ZWJ joins emoji
# (👩‍⚕️, 👨‍👩‍👧) and both shape Persian and Indic words. Anywhere else they only hide emptiness.
_STRAY_JOINERS = re.compile(r"(?<!\S)[\u200c\u200d]+|[\u200c\u200d]+(?!\S)")
_LEADING_BLANK_LINES = re.compile(r"\A(?:[ \t]*\n)+")


def normalise_member_text(text: str, *, multiline: bool) -> str:
    """What a member typed, as plain text that looks the same to everyone who reads it.

    Unicode NFC (so "é" typed two ways is one string); CRLF and CR as LF; terminal escapes and other
    C0/C1 control characters removed, keeping newline and tab; bidi embedding, override and isolate
    controls removed (U+202A–U+202E, U+2066–U+2069), so nobody can make text display in an order other
    than the one it is stored in; zero-width characters removed, except ZWJ/ZWNJ between two visible
    characters (emoji sequences, Persian and Indic scripts); NBSP and the other Unicode spaces as a plain
    space. Left-to-right and right-to-left marks (U+200E, U+200F) stay: they only nudge punctuation in
    right-to-left writing. Then stripped, so text made only of invisible characters comes back empty and
    fails the usual "required" check.

    multiline=False (titles, names) also turns tabs and line breaks into spaces and collapses runs of
    spaces; multiline=True (posts, bios) keeps lines, indentation, tabs and the two trailing spaces of a
    Markdown line break, and drops only whitespace at the end and blank lines before the text.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    text = _TERMINAL_ESCAPE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _STRAY_JOINERS.sub("", text.translate(_TRANSLATION))
    if not multiline:
        return " ".join(text.split())
    return _LEADING_BLANK_LINES.sub("", text.rstrip())


class MemberTextField(forms.CharField):
    """A CharField that cleans the text (normalise_member_text) before the required and length checks, so
    invisible characters neither pass as content nor count towards a limit. The form still shows what was
    typed when it is refused."""

    def __init__(self, *, multiline: bool = False, **kwargs):
        self.multiline = multiline
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_member_text(value, multiline=self.multiline) if value else value


# The fields of the forum's writing forms worth handing back when a post can't be accepted (a stale CSRF
# token, a session that ran out): never anything else a form carries, such as a password.
TYPED_TEXT_FIELDS = [
    ("title", "Your title"),
    ("body", "Your post"),
    ("note", "Your note to the moderators"),
    ("reason", "Your reason"),
]


def typed_text_from(data) -> list[dict[str, str]]:
    """What the member typed into a POSTed writing form, to show back (escaped) so they can copy it."""
    typed = []
    for name, label in TYPED_TEXT_FIELDS:
        value = data.get(name, "") if data is not None else ""
        if isinstance(value, str) and value.strip():
            typed.append({"name": name, "label": label, "value": value})
    return typed
