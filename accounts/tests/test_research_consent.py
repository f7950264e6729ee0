"""Research use of a member's posts (health data) is their explicit, dated choice: never pre-ticked, and
withdrawable at any time, with the history in their data export."""

import json
import re

import pytest
from django.urls import reverse

from accounts.models import ResearchConsent, User

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-walk-in-the-fog-42"


def _signup(client, username, **extra):
    return client.post(
        reverse("account_signup"),
        {
            "username": username,
            "email": f"{username}@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            **extra,
        },
    )


def test_the_research_choice_is_not_ticked_on_the_sign_up_page(client):
    page = client.get(reverse("account_signup")).content.decode()
    box = re.search(r"<input[^>]*name=\"research_opt_in\"[^>]*>", page).group(0)
    assert "checked" not in box
    # worded as a choice of its own, saying what it means and that it can be undone
    assert "Your posts say things about your health" in page
    assert "change your mind at any time" in page


def test_signing_up_without_ticking_it_keeps_posts_out_of_research_and_records_that(client):
    assert _signup(client, "quietheron").status_code == 302
    user = User.objects.get(username="quietheron")
    assert user.research_opt_in is False
    (consent,) = ResearchConsent.objects.filter(user=user)
    assert (consent.given, consent.where) == (False, "sign-up")
    assert consent.recorded_at is not None


def test_ticking_it_at_sign_up_is_recorded_with_its_date(client):
    _signup(client, "brightwren", research_opt_in="on")
    user = User.objects.get(username="brightwren")
    assert user.research_opt_in is True
    assert list(user.research_consents.values_list("given", "where")) == [(True, "sign-up")]


def test_withdrawing_and_giving_it_again_in_settings_adds_to_the_history_shown_in_the_export(client):
    _signup(client, "brightwren", research_opt_in="on")
    user = User.objects.get(username="brightwren")
    client.force_login(user)
    settings_url = reverse("accounts:settings")
    client.post(settings_url, {"display_name": "Wren", "bio": "", "research_opt_in": ""})
    client.post(settings_url, {"display_name": "Wren", "bio": "", "research_opt_in": ""})  # no change
    client.post(settings_url, {"display_name": "Wren", "bio": "", "research_opt_in": "on"})
    user.refresh_from_db()
    assert user.research_opt_in is True
    data = json.loads(client.get(reverse("accounts:export")).content)
    history = [(c["given"], c["where"]) for c in data["research_consent_history"]]
    assert history == [(True, "sign-up"), (False, "settings"), (True, "settings")]
    assert all(c["recorded_at"] for c in data["research_consent_history"])
