"""Every account page a member can reach, with what it takes to see it, and a browser-like HTML parser.

The wording test renders each with Django's test client; the browser test opens each in Chromium.
"""

from __future__ import annotations

from dataclasses import dataclass

import html5lib
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.urls import reverse


@dataclass(frozen=True)
class AccountPage:
    name: str
    url: str
    # who looks: "visitor" (signed out), "member", or "no_password" (a member without a usable password)
    who: str = "visitor"


def account_pages(*, member, newcomer) -> list[AccountPage]:
    """The pages, visitors' first (a password reset link signs out whoever else is signed in). `member` has
    a password and a confirmed address; `newcomer` has just signed up and not yet confirmed theirs."""
    reset_key = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(member), "key": default_token_generator.make_token(member)},
    )
    confirmation = EmailConfirmationHMAC(EmailAddress.objects.get(user=newcomer))
    return [
        AccountPage("sign in", reverse("account_login")),
        AccountPage("sign up", reverse("account_signup")),
        AccountPage("password reset", reverse("account_reset_password")),
        AccountPage("password reset sent", reverse("account_reset_password_done")),
        AccountPage("new password from the emailed link", reset_key),
        AccountPage(
            "a used password link",
            reverse("account_reset_password_from_key", kwargs={"uidb36": "1", "key": "used-up"}),
        ),
        AccountPage("new password saved", reverse("account_reset_password_from_key_done")),
        AccountPage("confirm email", reverse("account_confirm_email", args=[confirmation.key])),
        AccountPage("an expired confirmation link", reverse("account_confirm_email", args=["expired"])),
        AccountPage("verification sent", reverse("account_email_verification_sent")),
        AccountPage("account inactive", reverse("account_inactive")),
        AccountPage("change password", reverse("account_change_password"), "member"),
        AccountPage("email addresses", reverse("account_email"), "member"),
        AccountPage("reauthenticate", reverse("account_reauthenticate"), "member"),
        AccountPage("sign out", reverse("account_logout"), "member"),
        AccountPage("delete account", reverse("accounts:delete"), "member"),
        AccountPage("set password", reverse("account_set_password"), "no_password"),
    ]


def parse_page(html: str | bytes):
    """The page as a browser builds it (html5lib follows the HTML standard: a <ul> closes an open <p>)."""
    return html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)


def text_of(element) -> str:
    return " ".join("".join(element.itertext()).split())


def element_with_id(root, element_id: str):
    return next((e for e in root.iter() if e.get("id") == element_id), None)
