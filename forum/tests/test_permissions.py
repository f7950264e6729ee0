"""Who may do what: moderation URLs, other members' posts, hidden posts."""

import pytest
from django.urls import reverse

from forum import services
from forum.models import Post

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderation_urls(thread, post_factory, member):
    post = post_factory(thread=thread, body="A reply to moderate.")
    return [
        reverse("forum:mod_flags"),
        reverse("forum:mod_log"),
        reverse("forum:mod_flags_dismiss", args=[post.pk]),
        reverse("forum:mod_post_hide", args=[post.pk]),
        reverse("forum:mod_post_restore", args=[post.pk]),
        reverse("forum:mod_post_history", args=[post.pk]),
        reverse("forum:mod_thread_lock", args=[thread.pk]),
        reverse("forum:mod_thread_unlock", args=[thread.pk]),
        reverse("forum:mod_thread_move", args=[thread.pk]),
        reverse("forum:mod_member_suspend", args=[member.username]),
        reverse("forum:mod_member_unsuspend", args=[member.username]),
    ]


def _statuses(client, urls):
    statuses = {}
    for url in urls:
        statuses[("GET", url)] = client.get(url).status_code
        statuses[("POST", url)] = client.post(url, {"reason": "because", "days": "7"}).status_code
    return statuses


def test_anonymous_visitors_get_403_or_404_on_every_moderation_url(client, moderation_urls):
    # when an anonymous visitor tries each moderation URL, with GET and with POST
    statuses = _statuses(client, moderation_urls)
    # then none of them works, and none redirects to a login page that would confirm it exists
    assert all(status in (403, 404) for status in statuses.values()), statuses


def test_members_get_403_or_404_on_every_moderation_url(client, member, moderation_urls):
    client.force_login(member)
    statuses = _statuses(client, moderation_urls)
    assert all(status in (403, 404) for status in statuses.values()), statuses


def test_moderation_posts_by_members_change_nothing(client, member, thread, post_factory):
    # given a post and a member who is not a moderator
    post = post_factory(thread=thread)
    client.force_login(member)
    # when they try to hide it, lock the thread and suspend its author
    client.post(reverse("forum:mod_post_hide", args=[post.pk]), {"reason": "x"})
    client.post(reverse("forum:mod_thread_lock", args=[thread.pk]), {"reason": "x"})
    client.post(
        reverse("forum:mod_member_suspend", args=[post.author.username]), {"reason": "x", "days": "7"}
    )
    # then nothing changed
    post.refresh_from_db()
    thread.refresh_from_db()
    post.author.refresh_from_db()
    assert not post.is_hidden
    assert not thread.is_locked
    assert post.author.suspended_until is None


def test_staff_without_the_moderators_group_cannot_moderate(client, user_factory, thread):
    staff = user_factory(is_staff=True)
    client.force_login(staff)
    assert client.get(reverse("forum:mod_flags")).status_code == 403


def test_moderators_and_superusers_can_open_every_moderation_page(
    client, moderator, admin_user, moderation_urls
):
    for user in (moderator, admin_user):
        client.force_login(user)
        for url in moderation_urls:
            if "dismiss" in url or "unsuspend" in url:
                continue  # POST-only
            assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("action", ["forum:post_edit", "forum:post_delete"])
def test_nobody_edits_or_deletes_another_members_post(client, member, thread, action):
    # given a post written by someone else
    post = thread.posts.get()
    client.force_login(member)
    # when the member opens the edit/delete page, or posts to it
    get_response = client.get(reverse(action, args=[post.pk]))
    post_response = client.post(reverse(action, args=[post.pk]), {"body": "Vandalised."})
    # then they are refused and the post is untouched
    assert get_response.status_code == 403
    assert post_response.status_code == 403
    post.refresh_from_db()
    assert post.body == "My opening post."
    assert not post.is_deleted


def test_moderators_cannot_edit_members_posts_either(client, moderator, thread):
    post = thread.posts.get()
    client.force_login(moderator)
    response = client.post(reverse("forum:post_edit", args=[post.pk]), {"body": "Changed by a moderator."})
    assert response.status_code == 403
    post.refresh_from_db()
    assert post.body == "My opening post."


def test_anonymous_visitors_are_sent_to_sign_in_to_edit(client, thread):
    post = thread.posts.get()
    response = client.post(reverse("forum:post_edit", args=[post.pk]), {"body": "Anonymous edit."})
    # a signed-out POST gets its text back with a sign-in link, not a redirect (test_nothing_typed_is_lost)
    assert response.status_code == 403
    assert reverse("account_login") in response.content.decode()
    post.refresh_from_db()
    assert post.body == "My opening post."


@pytest.fixture
def hidden_post(thread, member, moderator, post_factory):
    post = post_factory(thread=thread, author=member, body="A secret remedy that cures everything.")
    services.post_hide(post=post, moderator=moderator, reason="Selling a cure.")
    return post


def test_hidden_posts_are_invisible_to_the_public(client, thread, hidden_post):
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "A secret remedy" not in page
    assert "Selling a cure." not in page
    # and the permalink answers 404, as if it never existed
    assert client.get(hidden_post.get_absolute_url()).status_code == 404


def test_hidden_posts_are_invisible_to_other_members(client, other_member, thread, hidden_post):
    client.force_login(other_member)
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "A secret remedy" not in page
    assert client.get(reverse("forum:post_reply", args=[hidden_post.pk])).status_code == 404
    assert client.post(reverse("forum:post_react", args=[hidden_post.pk])).status_code == 404
    assert client.get(reverse("forum:post_flag", args=[hidden_post.pk])).status_code == 404


def test_the_author_sees_their_hidden_post_with_the_reason(client, member, thread, hidden_post):
    client.force_login(member)
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "A secret remedy" in page
    assert "Hidden by a moderator" in page
    assert "Selling a cure." in page


def test_moderators_see_hidden_posts_with_the_reason(client, moderator, thread, hidden_post):
    client.force_login(moderator)
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "A secret remedy" in page
    assert "Selling a cure." in page
    assert reverse("forum:mod_post_restore", args=[hidden_post.pk]) in page


def test_a_hidden_post_with_replies_leaves_a_placeholder_for_the_public(
    client, thread, member, moderator, post_factory
):
    # given a top-level post that has a reply, and is then hidden
    post = post_factory(thread=thread, author=member, body="Buy my supplements.")
    post_factory(parent=post, body="Is this an advert?")
    services.post_hide(post=post, moderator=moderator, reason="Advertising.")
    # then the public sees the reply under a placeholder, not the post
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "Buy my supplements." not in page
    assert "This post was hidden by a moderator." in page
    assert "Is this an advert?" in page


def test_hidden_posts_are_left_out_of_search(client, hidden_post):
    response = client.get(reverse("forum:search"), {"q": "remedy"})
    assert "A secret remedy" not in response.content.decode()


def test_the_author_cannot_edit_a_post_a_moderator_hid(client, member, hidden_post):
    client.force_login(member)
    response = client.post(reverse("forum:post_edit", args=[hidden_post.pk]), {"body": "Sneaky re-edit."})
    assert response.status_code == 200
    assert "A moderator has hidden this post" in response.content.decode()
    assert Post.objects.get(pk=hidden_post.pk).body == "A secret remedy that cures everything."


def test_members_cannot_react_to_or_flag_their_own_posts(client, member, thread, post_factory):
    post = post_factory(thread=thread, author=member)
    client.force_login(member)
    assert client.post(reverse("forum:post_react", args=[post.pk])).status_code == 403
    assert client.post(reverse("forum:post_flag", args=[post.pk]), {"reason": "spam"}).status_code == 403


def test_the_moderators_group_exists_with_its_permissions(db):
    from django.contrib.auth.models import Group

    from forum.permissions import MODERATOR_PERMISSIONS, MODERATORS_GROUP

    group = Group.objects.get(name=MODERATORS_GROUP)
    codenames = {
        f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")
    }
    assert set(MODERATOR_PERMISSIONS) <= codenames
