"""Invisible and control characters: what a member types is stored and shown as the text others can read.

Terminal colour codes, direction overrides and zero-width characters are removed on input; a post or title
made only of invisible characters is refused like an empty one, and the box keeps what was typed.
"""

import pytest
from django.urls import reverse

from accounts.models import User
from core.text_input import normalise_member_text
from forum.models import Post, Thread
from forum.tests.page_parsing import input_value, textarea_value

pytestmark = pytest.mark.django_db

ESC = "\x1b"
RLO = "\u202e"  # right-to-left override
ZWSP = "\u200b"
ZWJ = "\u200d"
NBSP = "\u00a0"
BOM = "\ufeff"
PDF = "\u202c"  # pop directional formatting
WJ = "\u2060"  # word joiner
INVISIBLE_ONLY = f"{NBSP}{ZWSP}{ZWJ}{BOM}\u2060{NBSP}\u3000"

HIDDEN_CHARACTERS = [ESC, RLO, ZWSP, BOM, "\u2066", "\u2069", "\u202a", "\x07", "\x85", "\x00"]


@pytest.fixture
def signed_in(client, member):
    client.force_login(member)
    return client


def _reply(client, thread, body):
    return client.post(reverse("forum:reply", args=[thread.pk]), {"body": body})


def _assert_clean(text: str):
    assert not any(ch in text for ch in HIDDEN_CHARACTERS), ascii(text)


def test_a_reply_pasted_from_a_terminal_keeps_its_words_but_not_the_colour_codes(signed_in, thread):
    # Given a reply copied from a coloured terminal, with Windows line endings
    body = f"{ESC}[31mERROR{ESC}[0m my watch said HR 150\r\nafter {ESC}[1;32mten{ESC}[0m minutes\a"

    # When it is posted
    response = _reply(signed_in, thread, body)

    # Then the post holds the words only, on two lines
    assert response.status_code == 302
    post = thread.posts.latest("created_at")
    assert post.body == "ERROR my watch said HR 150\nafter ten minutes"
    page = signed_in.get(response["Location"], follow=True).content.decode()
    assert "ERROR my watch said HR 150" in page
    assert ESC not in page and "[31m" not in page


def test_a_thread_title_cannot_be_reversed_with_a_direction_override(signed_in, category):
    # "Walking helped" typed with an override that makes the rest display backwards
    title = f"Walking {RLO}depleh{PDF} me \u2067a lot\u2069"
    response = signed_in.post(
        reverse("forum:thread_create", args=[category.slug]),
        {"title": title, "body": f"Body with {RLO}override{PDF} and {ZWSP}zero{ZWSP}width."},
    )
    assert response.status_code == 302
    thread = Thread.objects.get()
    assert thread.title == "Walking depleh me a lot"
    assert thread.posts.get().body == "Body with override and zerowidth."
    page = signed_in.get(reverse("forum:thread", args=[thread.pk])).content.decode()
    _assert_clean(page)


def test_a_reply_of_only_nbsp_and_zero_width_characters_is_refused_and_kept(signed_in, thread):
    response = _reply(signed_in, thread, INVISIBLE_ONLY)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Your post is empty. Write something before posting." in page
    assert textarea_value(page, "body") == INVISIBLE_ONLY
    assert thread.posts.count() == 1


def test_a_title_of_only_invisible_characters_is_refused_and_everything_kept(signed_in, category):
    body = "My story, which I'd hate to lose."
    title = f"{ZWSP}{NBSP}{ZWJ}{RLO}"
    response = signed_in.post(
        reverse("forum:thread_create", args=[category.slug]), {"title": title, "body": body}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Your thread needs a title." in page
    assert input_value(page, "title") == title
    assert textarea_value(page, "body") == body
    assert not Thread.objects.exists()


def test_an_edit_cannot_empty_a_post_with_invisible_characters(client, member, thread, post_factory):
    post = post_factory(thread=thread, author=member, body="Original words.")
    client.force_login(member)
    response = client.post(reverse("forum:post_edit", args=[post.pk]), {"body": f"{ZWSP}{NBSP}{BOM}"})
    assert response.status_code == 200
    assert "Your post is empty" in response.content.decode()
    assert Post.objects.get(pk=post.pk).body == "Original words."


def test_nbsp_and_unicode_spaces_become_plain_spaces_and_markdown_layout_survives(signed_in, thread):
    body = f"Day{NBSP}1:\u2003walked\u202f5 min  \n\n    code block\n\t- tabbed item{NBSP}{ZWSP}"
    _reply(signed_in, thread, body)
    assert (
        thread.posts.latest("created_at").body == "Day 1: walked 5 min  \n\n    code block\n\t- tabbed item"
    )


def test_emoji_joined_with_zwj_and_persian_words_with_zwnj_are_kept(signed_in, thread):
    health_worker = "\U0001f469\u200d\u2695\ufe0f"  # woman health worker: woman + ZWJ + staff of aesculapius
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"  # "I want", with a ZWNJ inside the word
    _reply(signed_in, thread, f"{ZWJ}My physio {health_worker} said {persian}{ZWJ}")
    assert thread.posts.latest("created_at").body == f"My physio {health_worker} said {persian}"


def test_accents_typed_two_ways_are_stored_the_same_way(signed_in, thread):
    _reply(signed_in, thread, "cafe\u0301 then walk")  # e + combining acute
    assert thread.posts.latest("created_at").body == "caf\u00e9 then walk"


def test_display_name_and_bio_are_cleaned_and_an_invisible_name_falls_back_to_the_username(client, member):
    client.force_login(member)
    response = client.post(
        reverse("accounts:settings"),
        {
            "display_name": f"{ZWSP}{NBSP}{RLO}{WJ}",
            "bio": f"{ESC}[5mWalks{ESC}[0m{RLO} slowly.\r\nDaily.",
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.display_name == ""
    assert member.public_name == "member"
    assert member.bio == "Walks slowly.\nDaily."


def test_a_display_name_is_measured_without_its_invisible_characters(client, member):
    client.force_login(member)
    name = "W" * 60
    response = client.post(
        reverse("accounts:settings"), {"display_name": f"{ZWSP * 5}{name}{RLO}", "bio": ""}
    )
    assert response.status_code == 302
    assert User.objects.get(pk=member.pk).display_name == name


def test_a_cleaned_display_name_is_what_others_see_on_new_posts(client, member, thread):
    client.force_login(member)
    client.post(reverse("accounts:settings"), {"display_name": f"Fern{RLO}{ZWSP} {NBSP}Walker", "bio": ""})
    _reply(client, thread, "Hello.")
    post = thread.posts.latest("created_at")
    assert post.author_name == "Fern Walker"
    _assert_clean(client.get(reverse("forum:thread", args=[thread.pk])).content.decode())


@pytest.mark.parametrize(
    ("typed", "multiline", "stored"),
    [
        (f"{ESC}]0;window title\x07Hello", False, "Hello"),
        ("tab\there\nnew line", False, "tab here new line"),
        ("line\u2028separator", True, "line\nseparator"),
        ("\r\n\r\n  \n  indented first line", True, "  indented first line"),
        (f"a{ZWJ}{ZWJ}b", True, f"a{ZWJ}{ZWJ}b"),
        ("\u200e\u05e9\u05dc\u05d5\u05dd", False, "\u200e\u05e9\u05dc\u05d5\u05dd"),  # LRM kept
        ("\u3164\uffa0", False, ""),  # Hangul fillers draw nothing
        ("", True, ""),
    ],
)
def test_normalise_member_text(typed, multiline, stored):
    assert normalise_member_text(typed, multiline=multiline) == stored
