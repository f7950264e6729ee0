"""Sign-up as a screen reader and a tired member meet it: the password rules are read out with the password
box, a mistake keeps what was typed (and says honestly that the passwords must be typed again), and the
confirmation link signs the new member in."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from accounts.tests.account_pages import element_with_id, parse_page, text_of

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-walk-in-the-fog-42"


def test_the_password_box_is_described_by_the_password_rules(client):
    root = parse_page(client.get(reverse("account_signup")).content)
    password = element_with_id(root, "id_password1")
    described_by = password.get("aria-describedby", "").split()
    assert described_by, "the password box names no description"
    descriptions = [element_with_id(root, i) for i in described_by]
    assert all(d is not None for d in descriptions), described_by
    # every rule is in the description, as the browser builds the page (not spilled out of an emptied <p>)
    text = " ".join(text_of(d) for d in descriptions)
    assert "at least 8 characters" in text and "entirely numeric" in text
    assert [li for d in descriptions for li in d.iter("li")], "the rules are no longer a list"


def test_a_sign_up_with_a_mistake_keeps_every_answer_but_the_passwords_and_says_so(client):
    # Given someone who fills in everything but types two different passwords
    response = client.post(
        reverse("account_signup"),
        {
            "username": "quietheron",
            "email": "heron@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD + "x",
            "conditions": ["me/cfs", "long covid"],
            "research_opt_in": "on",
        },
    )
    # then no account is made, and the error box tells the truth about the passwords
    assert response.status_code == 200 and not User.objects.exists()
    root = parse_page(response.content)
    summary = text_of(element_with_id(root, "error-summary"))
    assert "Your other answers are kept; for your safety, please type the password again." in summary
    assert "Nothing you typed is lost" not in summary
    # and everything else they typed or ticked is still there
    assert element_with_id(root, "id_username").get("value") == "quietheron"
    assert element_with_id(root, "id_email").get("value") == "heron@example.org"
    ticked = {
        i.get("value")
        for i in root.iter("input")
        if i.get("name") == "conditions" and i.get("checked") is not None
    }
    assert ticked == {"me/cfs", "long covid"}
    assert element_with_id(root, "id_research_opt_in").get("checked") is not None
    # while the password boxes are empty
    assert element_with_id(root, "id_password1").get("value") is None
    assert element_with_id(root, "id_password2").get("value") is None


def test_a_form_without_a_password_still_says_nothing_was_lost(client, user_factory):
    client.force_login(user_factory())
    response = client.post(reverse("account_email"), {"action_add": "", "email": "not an address"})
    summary = text_of(element_with_id(parse_page(response.content), "error-summary"))
    assert "Nothing you typed is lost." in summary and "password" not in summary


def test_following_the_confirmation_link_signs_the_new_member_in(client):
    # Given a new member who has signed up and is waiting for the email
    client.post(
        reverse("account_signup"),
        {
            "username": "quietheron",
            "email": "heron@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    user = User.objects.get(username="quietheron")
    assert "_auth_user_id" not in client.session
    # When they follow the link and confirm
    link = re.search(r"https?://[^/]+(/accounts/confirm-email/[^\s]+/)", mail.outbox[-1].body).group(1)
    response = client.post(link, follow=True)
    # then they are signed in, with no second trip through the sign-in page
    assert client.session["_auth_user_id"] == str(user.pk)
    assert response.redirect_chain[-1][0] == reverse("forum:index")
    assert user.emailaddress_set.get().verified
