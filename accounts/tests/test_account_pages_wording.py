"""allauth's pages speak the forum's language: "Sign in", "Sign up", "Sign out", "Forgot your password?",
sentence case, our buttons, and a real address to write to where a page says to write to us."""

import re

import pytest
from django.test import Client

from accounts.tests.account_pages import account_pages, parse_page, text_of

pytestmark = pytest.mark.django_db

# What the new member found: three words for signing in, two for a forgotten password, "contact us" with no
# contact, and allauth's Title Case.
NOT_OUR_WORDS = re.compile(
    r"(?i:\blog ?in\b|\blog ?out\b|\blogged in\b|\bforgotten\b|\bcontact us\b)|"
    r"\bSign In\b|\bSign Up\b|\bSign Out\b|\bReset My Password\b|\bChange Password\b|\bEmail Addresses\b|"
    r"\bRemember Me\b|\bNew Password\b|\bCurrent Password\b"
)


@pytest.fixture
def clients(user_factory):
    member = user_factory(username="fern", display_name="Fern")
    newcomer = user_factory(username="heron", verified_email=False)
    no_password = user_factory(username="pine")
    no_password.set_unusable_password()
    no_password.save(update_fields=["password"])
    signed_in = {"visitor": Client()}
    for who, user in (("member", member), ("no_password", no_password)):
        signed_in[who] = Client()
        signed_in[who].force_login(user)
    return signed_in, account_pages(member=member, newcomer=newcomer)


def _render(clients, page):
    signed_in, _ = clients
    response = signed_in[page.who].get(page.url, follow=True)
    assert response.status_code == 200, page.name
    return parse_page(response.content)


def test_every_account_page_uses_one_word_for_each_thing_and_sentence_case(clients):
    for page in clients[1]:
        root = _render(clients, page)
        text = text_of(root.find(".//body"))
        assert not NOT_OUR_WORDS.search(text), (page.name, NOT_OUR_WORDS.search(text).group(0))
        heading = text_of(root.find(".//main//h1"))
        assert heading and not any(c.isupper() for c in heading[1:]), (page.name, heading)


def test_every_button_on_an_account_page_is_one_of_ours(clients):
    for page in clients[1]:
        main = _render(clients, page).find(".//main")
        for button in main.iter("button"):
            classes = (button.get("class") or "").split()
            assert "button" in classes, (page.name, text_of(button))
            label = text_of(button)
            assert label and not any(c.isupper() for c in label[1:]), (page.name, label)


def test_the_sign_in_page_says_sign_in_everywhere_and_forgot_your_password(client):
    root = parse_page(client.get("/accounts/login/").content)
    assert text_of(root.find(".//title")).startswith("Sign in")
    assert text_of(root.find(".//main//h1")) == "Sign in"
    assert [text_of(b) for b in root.find(".//main").iter("button")] == ["Sign in"]
    assert text_of(root.find(".//label[@for='id_login']")) == "Username or email"
    links = [text_of(a) for a in root.iter("a")]
    assert "Forgot your password?" in links
    assert "Sign in" in links and "Sign up" in links  # the header, for a visitor


@pytest.mark.parametrize(
    "name", ["password reset", "password reset sent", "verification sent", "account inactive"]
)
def test_pages_that_say_write_to_us_give_the_address_from_the_setting(clients, settings, name):
    settings.FORUM_CONTACT_EMAIL = "moderators@forum.test"
    page = next(p for p in clients[1] if p.name == name)
    root = _render(clients, page)
    mailto = [a.get("href") for a in root.find(".//main").iter("a")]
    assert "mailto:moderators@forum.test" in mailto
