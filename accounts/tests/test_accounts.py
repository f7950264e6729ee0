"""Sign-up, log-in, profile, data export and account deletion, as a member meets them."""

import json
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from forum.models import Category, Post, Thread

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-walk-in-the-fog-42"


def make_member(username="fernwalker", email=None, verified=True, **fields) -> User:
    user = User.objects.create_user(
        username=username, email=email or f"{username}@example.org", password=PASSWORD, **fields
    )
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=verified)
    return user


def make_post(author, body="Walking helped my back.", **fields) -> Post:
    category, _ = Category.objects.get_or_create(slug="exercise", defaults={"name": "Exercise"})
    now = timezone.now()
    thread = Thread.objects.create(
        category=category, title="Walking", author=author, created_at=now, last_posted_at=now
    )
    return Post.objects.create(
        thread=thread, author=author, author_name=author.username, body=body, created_at=now, **fields
    )


def test_signup_asks_for_no_real_name_and_explains_the_research_setting(client):
    page = client.get(reverse("account_signup")).content.decode()
    assert 'name="username"' in page and 'name="email"' in page
    assert "first_name" not in page and "last_name" not in page
    assert 'name="research_opt_in"' in page
    assert "without your name" in page


def test_a_new_member_must_verify_their_email_before_logging_in(client):
    # When someone signs up
    response = client.post(
        reverse("account_signup"),
        {
            "username": "quietheron",
            "email": "heron@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "conditions": ["me/cfs", "long covid"],
            "research_opt_in": "",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="quietheron")
    # their choices are kept
    assert user.conditions == ["me/cfs", "long covid"]
    assert user.research_opt_in is False
    # a verification email goes out, and they are not logged in until they follow it
    assert len(mail.outbox) == 1
    assert client.get(reverse("accounts:settings")).status_code == 302
    client.logout()
    login = client.post(reverse("account_login"), {"login": "quietheron", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert login.status_code == 302 and "confirm-email" in login["Location"]

    # When they follow the link in the email
    link = re.search(r"https?://[^/]+(/accounts/confirm-email/[^\s]+/)", mail.outbox[-1].body).group(1)
    client.post(link)
    # then they can log in
    client.post(reverse("account_login"), {"login": "quietheron", "password": PASSWORD})
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.parametrize("login", ["fernwalker", "fernwalker@example.org"])
def test_a_member_logs_in_with_username_or_email(client, login):
    user = make_member()
    client.post(reverse("account_login"), {"login": login, "password": PASSWORD})
    assert client.session["_auth_user_id"] == str(user.pk)


def test_repeated_failed_logins_are_rate_limited(client):
    make_member()
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "fernwalker", "password": "wrong"})
    # Even the right password is refused for a while after five failures on one account
    response = client.post(reverse("account_login"), {"login": "fernwalker", "password": PASSWORD})
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_an_email(client):
    make_member()
    client.post(reverse("account_reset_password"), {"email": "fernwalker@example.org"})
    assert len(mail.outbox) == 1
    assert "password" in mail.outbox[0].subject.lower()


def test_the_profile_shows_display_name_conditions_and_visible_posts(client):
    member = make_member(display_name="Fern", conditions=["fibromyalgia"])
    make_post(member, body="The warm pool loosened my shoulders.")
    make_post(member, body="A post the moderators hid.", is_hidden=True, hide_reason="off topic")
    page = client.get(reverse("accounts:profile", args=["fernwalker"])).content.decode()
    assert "Fern" in page and "Fibromyalgia" in page
    assert "The warm pool loosened my shoulders." in page
    assert "A post the moderators hid." not in page


def test_a_member_edits_their_profile_and_research_choice(client):
    member = make_member()
    client.force_login(member)
    client.post(
        reverse("accounts:settings"),
        {
            "display_name": "Fern",
            "bio": "Walks slowly.",
            "conditions": ["chronic pain"],
            "research_opt_in": "",
        },
    )
    member.refresh_from_db()
    assert (member.display_name, member.conditions, member.research_opt_in) == (
        "Fern",
        ["chronic pain"],
        False,
    )


def test_a_member_downloads_their_own_data_as_json(client):
    member = make_member(display_name="Fern")
    make_post(member, body="Tai chi steadied me.")
    other = make_member("someoneelse")
    make_post(other, body="Not mine.")
    client.force_login(member)
    response = client.get(reverse("accounts:export"))
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["profile"]["username"] == "fernwalker"
    assert [p["body"] for p in data["posts"]] == ["Tai chi steadied me."]


def test_data_export_and_deletion_need_a_login(client):
    for name in ("accounts:export", "accounts:delete", "accounts:settings"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_deleting_an_account_can_keep_posts_under_deleted_member(client):
    member = make_member()
    post = make_post(member, body="Cycling on the recumbent is fine for me.")
    client.force_login(member)
    response = client.post(reverse("accounts:delete"), {"posts": "keep", "confirm": "DELETE"})
    assert response.status_code == 302
    assert not User.objects.filter(username="fernwalker").exists()
    post.refresh_from_db()
    assert (post.author, post.author_name, post.is_deleted) == (None, "deleted member", False)
    assert "_auth_user_id" not in client.session


def test_deleting_an_account_can_remove_its_posts(client):
    member = make_member()
    post = make_post(member)
    client.force_login(member)
    client.post(reverse("accounts:delete"), {"posts": "remove", "confirm": "DELETE"})
    post.refresh_from_db()
    assert post.is_deleted and post.author is None and post.author_name == "deleted member"


def test_account_deletion_needs_typed_confirmation(client):
    member = make_member()
    client.force_login(member)
    response = client.post(reverse("accounts:delete"), {"posts": "keep", "confirm": "delete please"})
    assert response.status_code == 200
    assert "Type DELETE" in response.content.decode()
    assert User.objects.filter(pk=member.pk).exists()


def test_health_check_answers_for_any_host(client):
    response = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
