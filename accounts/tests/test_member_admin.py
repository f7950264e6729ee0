"""Admins find members, deactivate them and make them moderators in the Django admin; they never read a
member's unpublished drafts there."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from forum.models import Draft
from forum.permissions import MODERATORS_GROUP, PERM_HIDE_POST

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_an_admin_finds_a_member_by_display_name(admin_client, user_factory):
    user_factory(username="fern_q", display_name="Fern Quill")
    user_factory(username="harbour", display_name="Harbour Light")
    page = admin_client.get(reverse("admin:accounts_user_changelist"), {"q": "Quill"}).content.decode()
    assert "fern_q" in page and "harbour" not in page


def test_an_admin_makes_members_moderators_and_stops_it(admin_client, user_factory):
    fern = user_factory(username="fern_q")
    url = reverse("admin:accounts_user_changelist")

    admin_client.post(url, {"action": "make_moderators", "_selected_action": [fern.pk]})
    fern = User.objects.get(pk=fern.pk)
    assert fern.groups.filter(name=MODERATORS_GROUP).exists()
    assert fern.has_perm(PERM_HIDE_POST)
    listed = admin_client.get(url, {"moderator": "yes"}).content.decode()
    assert "fern_q" in listed

    admin_client.post(url, {"action": "remove_moderators", "_selected_action": [fern.pk]})
    fern = User.objects.get(pk=fern.pk)
    assert not fern.groups.filter(name=MODERATORS_GROUP).exists()
    assert not fern.has_perm(PERM_HIDE_POST)
    assert "fern_q" not in admin_client.get(url, {"moderator": "yes"}).content.decode()


def test_an_admin_deactivates_members_but_not_themselves(admin_client, admin_user, user_factory):
    fern = user_factory(username="fern_q")
    admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "deactivate", "_selected_action": [fern.pk, admin_user.pk]},
    )
    assert not User.objects.get(pk=fern.pk).is_active
    assert User.objects.get(pk=admin_user.pk).is_active


def test_the_admin_cannot_delete_a_member_around_account_deletion(admin_client, user_factory):
    fern = user_factory(username="fern_q")
    page = admin_client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert "delete_selected" not in page
    assert admin_client.get(reverse("admin:accounts_user_delete", args=[fern.pk])).status_code == 403


def test_drafts_are_not_in_the_admin(admin_client, member):
    draft = Draft.objects.create(
        user=member, key="reply:1", title="", body="what I have not posted yet", updated_at=timezone.now()
    )
    index = admin_client.get(reverse("admin:index")).content.decode()
    assert "Drafts" not in index
    assert admin_client.get(f"/admin/forum/draft/{draft.pk}/change/").status_code == 404
