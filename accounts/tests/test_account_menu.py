"""The header's account menu names the member as others see them, and the delete-account form answers a
mistake the way every other form here does."""

import pytest
from django.urls import reverse

from accounts.models import User
from accounts.tests.account_pages import element_with_id, parse_page, text_of

pytestmark = pytest.mark.django_db


def _profile_link_text(client, user) -> str:
    nav = parse_page(client.get(reverse("forum:index")).content).find(".//header//nav")
    profile_url = reverse("accounts:profile", args=[user.username])
    return next(text_of(a) for a in nav.iter("a") if a.get("href") == profile_url)


def test_the_header_shows_the_members_display_name(client, user_factory):
    fern = user_factory(username="fernwalker", display_name="Fern")
    client.force_login(fern)
    assert _profile_link_text(client, fern) == "Your profile: Fern"


def test_the_header_falls_back_to_the_username_without_a_display_name(client, user_factory):
    heron = user_factory(username="quietheron", display_name="")
    client.force_login(heron)
    assert _profile_link_text(client, heron) == "Your profile: quietheron"


def test_the_header_offers_sign_in_and_sign_up_to_visitors(client):
    nav = parse_page(client.get(reverse("forum:index")).content).find(".//header//nav")
    assert {text_of(a): a.get("href") for a in nav.iter("a")}.items() >= {
        "Sign in": reverse("account_login"),
        "Sign up": reverse("account_signup"),
    }.items()


def test_a_wrong_confirmation_on_the_delete_form_is_shown_our_way_and_keeps_the_choice(client, user_factory):
    member = user_factory(username="fernwalker")
    client.force_login(member)
    # When the member chooses to remove their posts but types the confirmation in lower case
    response = client.post(reverse("accounts:delete"), {"posts": "remove", "confirm": "delete"})
    # then nothing is deleted
    assert response.status_code == 200
    assert User.objects.filter(pk=member.pk, is_active=True).exists()
    root = parse_page(response.content)
    # the error summary links to the box, and the box is marked invalid and described by its error
    summary = element_with_id(root, "error-summary")
    assert [a.get("href") for a in summary.iter("a")] == ["#id_confirm"]
    assert "Nothing you typed is lost." in text_of(summary)
    confirm = element_with_id(root, "id_confirm")
    assert confirm.get("aria-invalid") == "true"
    assert "id_confirm_error" in confirm.get("aria-describedby").split()
    assert "Type DELETE, in capitals" in text_of(element_with_id(root, "id_confirm_error"))
    # and what they typed and chose is still there
    assert confirm.get("value") == "delete"
    chosen = [
        i.get("value")
        for i in root.iter("input")
        if i.get("name") == "posts" and i.get("checked") is not None
    ]
    assert chosen == ["remove"]
    button = next(root.find(".//main").iter("button"))
    assert button.get("class").split() == ["button", "button-danger"]


def test_a_delete_without_a_choice_for_the_posts_asks_for_one(client, user_factory):
    member = user_factory()
    client.force_login(member)
    response = client.post(reverse("accounts:delete"), {"confirm": "DELETE"})
    root = parse_page(response.content)
    assert User.objects.filter(pk=member.pk).exists()
    assert [a.get("href") for a in element_with_id(root, "error-summary").iter("a")] == ["#id_posts"]
    assert element_with_id(root, "id_posts") is not None
    assert element_with_id(root, "id_confirm").get("value") == "DELETE"
