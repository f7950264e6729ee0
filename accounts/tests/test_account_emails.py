"""The emails the account pages send (django-allauth's, in templates/account/email/), each triggered as a
member triggers it: plain text in the forum's voice, naming the site, with a person to write to (the
moderators, FORUM_CONTACT_EMAIL) and what to do if it wasn't you."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-walk-on-a-good-day-42"
NEW_PASSWORD = "a-slow-swim-on-a-bad-day-17"


@pytest.fixture(autouse=True)
def contact(settings):
    settings.FORUM_CONTACT_EMAIL = "moderators@forum.example.org"
    settings.SITE_URL = "https://forum.example.org"


def the_email(*, to: str, subject: str):
    """The one email sent, checked for what every account email must be; its body."""
    assert [(m.to, m.subject) for m in mail.outbox] == [([to], subject)]
    message = mail.outbox[0]
    body = message.body
    assert not getattr(message, "alternatives", None), "plain text only"
    assert "Movement Stories" in message.subject and "Movement Stories" in body
    assert "moderators@forum.example.org" in body
    assert "If it wasn't you" in body
    assert "Please contact us" not in body and "{" not in body and "<" not in body
    assert body.startswith("Hello,\n\n") and body.endswith("\n\nMovement Stories\nhttps://forum.example.org/")
    assert "\n\n\n" not in body
    mail.outbox.clear()
    return body


def link_in(body: str, path_start: str) -> str:
    return re.search(rf"https?://[^/\s]+({re.escape(path_start)}\S*)", body).group(1)


def sign_up(client, *, username: str, email: str):
    return client.post(
        reverse("account_signup"),
        {"username": username, "email": email, "password1": PASSWORD, "password2": PASSWORD},
    )


def test_signing_up_sends_a_confirmation_whose_link_signs_the_member_in(client):
    sign_up(client, username="quietheron", email="heron@example.org")
    body = the_email(
        to="heron@example.org",
        subject="Confirm your email address to finish signing up to Movement Stories",
    )
    assert "the username quietheron" in body
    assert "nobody can use the account until this address is confirmed" in body
    client.post(link_in(body, "/accounts/confirm-email/"))
    assert client.get(reverse("accounts:settings")).status_code == 200


def test_signing_up_with_an_address_already_in_use_tells_its_owner_and_makes_no_account(client, member):
    sign_up(client, username="someone_else", email=member.email)
    body = the_email(to=member.email, subject="Signing up to Movement Stories with this email address")
    assert "You already have an account with it, so no new account was made." in body
    assert "your account is unchanged" in body
    assert client.get(link_in(body, "/accounts/password/reset/")).status_code == 200


def test_a_password_reset_sends_a_link_that_lets_the_member_choose_a_new_password(client, member):
    client.post(reverse("account_reset_password"), {"email": member.email})
    body = the_email(to=member.email, subject="Choose a new password for Movement Stories")
    assert f"(your username is {member.username})" in body
    assert "your password stays as it is" in body
    # following the link and choosing a password...
    choose = client.get(link_in(body, "/accounts/password/reset/key/"), follow=True)
    client.post(choose.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    # ...tells the member it happened, from where, and what to do if it wasn't them
    body = the_email(to=member.email, subject="Your Movement Stories password was reset")
    assert f"The password of your Movement Stories account ({member.username}) was reset" in body
    assert "From: the address 127.0.0.1" in body
    assert "https://forum.example.org/accounts/password/reset/" in body
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)


def test_a_password_reset_for_an_unknown_address_says_no_account_uses_it(client, member):
    client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    body = the_email(to="nobody@example.org", subject="Resetting a password on Movement Stories")
    assert "No account uses this address, so nothing was changed." in body
    assert client.get(link_in(body, "/accounts/signup/")).status_code == 200


def test_changing_the_password_tells_the_member(client, user_factory):
    member = user_factory(username="fernwalker", password=PASSWORD)
    client.force_login(member)
    client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    body = the_email(to=member.email, subject="Your Movement Stories password was changed")
    assert "The password of your Movement Stories account (fernwalker) was changed." in body
    assert "If this was you, there is nothing more to do." in body


def test_setting_a_first_password_tells_the_member(client, user_factory):
    member = user_factory(username="pine")
    member.set_unusable_password()
    member.save(update_fields=["password"])
    client.force_login(member)
    client.post(reverse("account_set_password"), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    body = the_email(to=member.email, subject="A password was set for your Movement Stories account")
    assert "(pine): you can now sign in with it." in body


def test_adding_changing_and_removing_an_email_address(client, member):
    client.force_login(member)
    # adding an address sends a confirmation to it
    client.post(reverse("account_email"), {"action_add": "", "email": "new@example.org"})
    body = the_email(to="new@example.org", subject="Confirm your email address for Movement Stories")
    assert f"The Movement Stories member {member.username} asked to add this email address" in body
    assert "the address is not added until someone opens the link" in body
    client.post(link_in(body, "/accounts/confirm-email/"))
    assert EmailAddress.objects.get(email="new@example.org").verified

    # making it the main address tells the old one
    client.post(reverse("account_email"), {"action_primary": "", "email": "new@example.org"})
    body = the_email(to=member.email, subject="Your Movement Stories email address was changed")
    assert f"changed from\n{member.email} to new@example.org" in body

    # removing the old address tells the main one
    client.post(reverse("account_email"), {"action_remove": "", "email": member.email})
    body = the_email(
        to="new@example.org", subject="An email address was removed from your Movement Stories account"
    )
    assert f"The email address {member.email} was removed" in body
