"""The moderation flow: flags, review queue, hiding and restoring, locking, moving, suspending, the log."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from forum import services
from forum.models import Flag, ModerationEvent, Post

pytestmark = pytest.mark.django_db
Kind = ModerationEvent.Kind


def test_flag_queue_hide_restore_flow_is_visible_to_the_right_people_and_logged(
    client, member, other_member, moderator, thread, post_factory
):
    post = post_factory(thread=thread, author=member, body="Stop your medication and just push through.")

    # a member flags the post, with a reason
    client.force_login(other_member)
    response = client.post(
        reverse("forum:post_flag", args=[post.pk]), {"reason": "harmful_advice", "note": "Dangerous advice."}
    )
    assert response.status_code == 302
    flag = Flag.objects.get()
    assert (flag.reporter, flag.status, flag.reason) == (other_member, Flag.Status.OPEN, "harmful_advice")

    # it appears in the moderators' review queue
    client.force_login(moderator)
    queue = client.get(reverse("forum:mod_flags")).content.decode()
    assert "Stop your medication" in queue
    assert "Dangerous advice." in queue
    assert "Harmful or dangerous advice" in queue

    # a moderator hides it with a reason
    response = client.post(
        reverse("forum:mod_post_hide", args=[post.pk]),
        {"reason": "Advice to stop medication can hurt people.", "next": reverse("forum:mod_flags")},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("forum:mod_flags")
    post.refresh_from_db()
    assert post.is_hidden and post.hidden_by == moderator
    flag.refresh_from_db()
    assert flag.status == Flag.Status.ACTIONED
    assert "Stop your medication" not in client.get(reverse("forum:mod_flags")).content.decode()

    # the author sees the post and the reason
    client.force_login(member)
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "Stop your medication" in page
    assert "Advice to stop medication can hurt people." in page

    # the public sees neither
    client.logout()
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "Stop your medication" not in page
    assert "Advice to stop medication" not in page

    # a moderator restores it, and everyone can read it again
    client.force_login(moderator)
    assert (
        client.post(
            reverse("forum:mod_post_restore", args=[post.pk]), {"reason": "Author clarified."}
        ).status_code
        == 302
    )
    client.logout()
    assert "Stop your medication" in client.get(thread.get_absolute_url()).content.decode()

    # every moderator action is in the audit log, which moderators can read
    kinds = list(ModerationEvent.objects.order_by("created_at", "id").values_list("kind", "actor", "post"))
    assert kinds == [(Kind.POST_HIDDEN, moderator.pk, post.pk), (Kind.POST_RESTORED, moderator.pk, post.pk)]
    client.force_login(moderator)
    log = client.get(reverse("forum:mod_log")).content.decode()
    assert "Post hidden" in log and "Post restored" in log
    assert "Advice to stop medication can hurt people." in log


def test_hiding_needs_a_reason(client, moderator, thread, post_factory):
    post = post_factory(thread=thread)
    client.force_login(moderator)
    response = client.post(reverse("forum:mod_post_hide", args=[post.pk]), {"reason": ""})
    assert response.status_code == 200
    assert "Give the author a reason" in response.content.decode()
    assert not Post.objects.get(pk=post.pk).is_hidden


def test_dismissing_flags_closes_them_and_is_logged(client, member, moderator, thread, post_factory):
    post = post_factory(thread=thread)
    services.flag_create(post=post, reporter=member, reason="spam")
    client.force_login(moderator)
    response = client.post(reverse("forum:mod_flags_dismiss", args=[post.pk]), {"reason": "Not spam."})
    assert response.status_code == 302
    assert Flag.objects.get().status == Flag.Status.DISMISSED
    event = ModerationEvent.objects.get()
    assert (event.kind, event.reason, event.data["flag_ids"]) == (
        Kind.FLAG_DISMISSED,
        "Not spam.",
        [Flag.objects.get().pk],
    )


def test_a_second_flag_from_the_same_member_updates_the_first(member, thread, post_factory):
    post = post_factory(thread=thread)
    services.flag_create(post=post, reporter=member, reason="spam")
    services.flag_create(post=post, reporter=member, reason="harassment", note="Changed my mind")
    assert Flag.objects.get().reason == "harassment"


def test_locking_stops_replies_and_unlocking_allows_them_again(client, member, moderator, thread):
    client.force_login(moderator)
    assert (
        client.post(
            reverse("forum:mod_thread_lock", args=[thread.pk]), {"reason": "Going in circles."}
        ).status_code
        == 302
    )
    thread.refresh_from_db()
    assert thread.is_locked

    client.force_login(member)
    response = client.post(reverse("forum:reply", args=[thread.pk]), {"body": "One more thing."})
    assert response.status_code == 200
    assert "locked" in response.content.decode()
    assert "This thread is locked." in client.get(thread.get_absolute_url()).content.decode()

    client.force_login(moderator)
    client.post(reverse("forum:mod_thread_unlock", args=[thread.pk]), {"reason": ""})
    client.force_login(member)
    assert (
        client.post(reverse("forum:reply", args=[thread.pk]), {"body": "One more thing."}).status_code == 302
    )
    assert [e.kind for e in ModerationEvent.objects.order_by("created_at", "id")] == [
        Kind.THREAD_LOCKED,
        Kind.THREAD_UNLOCKED,
    ]


def test_moving_a_thread_changes_its_category_and_logs_both(client, moderator, thread, category_factory):
    target = category_factory(slug="pacing-and-crashes", name="Pacing and crashes")
    client.force_login(moderator)
    response = client.post(
        reverse("forum:mod_thread_move", args=[thread.pk]), {"category": target.pk, "reason": "Fits better."}
    )
    assert response.status_code == 302
    thread.refresh_from_db()
    assert thread.category == target
    event = ModerationEvent.objects.get()
    assert event.kind == Kind.THREAD_MOVED
    assert event.data["from"]["slug"] == "exercise-and-movement"
    assert event.data["to"]["slug"] == "pacing-and-crashes"


def test_a_suspended_member_can_read_but_not_post_reply_edit_react_or_flag(
    client, member, moderator, thread, post_factory, category
):
    own_post = post_factory(thread=thread, author=member, body="My own words.")
    others_post = thread.posts.order_by("created_at").first()
    # a moderator suspends the member for a week
    client.force_login(moderator)
    response = client.post(
        reverse("forum:mod_member_suspend", args=[member.username]),
        {"days": "7", "reason": "Repeated rudeness."},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.suspended_until > timezone.now() + timedelta(days=6)
    assert ModerationEvent.objects.get().kind == Kind.MEMBER_SUSPENDED

    client.force_login(member)
    # can read, and sees the end date and the reason
    page = client.get(thread.get_absolute_url()).content.decode()
    assert response.status_code == 302
    assert "Your account is suspended until" in page
    assert "Repeated rudeness." in page
    # cannot post a thread or reply (the text is kept), edit, react or flag
    response = client.post(
        reverse("forum:thread_create", args=[category.slug]), {"title": "Hi", "body": "Typed text."}
    )
    assert response.status_code == 200 and "suspended" in response.content.decode()
    response = client.post(reverse("forum:reply", args=[thread.pk]), {"body": "Typed reply."})
    assert response.status_code == 200 and "Typed reply." in response.content.decode()
    response = client.post(reverse("forum:post_edit", args=[own_post.pk]), {"body": "Edited."})
    assert response.status_code == 200 and "suspended" in response.content.decode()
    client.post(reverse("forum:post_react", args=[others_post.pk]))
    response = client.post(reverse("forum:post_flag", args=[others_post.pk]), {"reason": "spam"})
    assert response.status_code == 200 and "suspended" in response.content.decode()
    assert thread.posts.count() == 2
    assert Post.objects.get(pk=own_post.pk).body == "My own words."
    assert not others_post.reactions.exists()
    assert not Flag.objects.exists()

    # lifting the suspension lets them post again
    client.force_login(moderator)
    client.post(reverse("forum:mod_member_unsuspend", args=[member.username]), {"reason": "Apologised."})
    client.force_login(member)
    assert client.post(reverse("forum:reply", args=[thread.pk]), {"body": "Back again."}).status_code == 302
    assert [e.kind for e in ModerationEvent.objects.order_by("created_at", "id")] == [
        Kind.MEMBER_SUSPENDED,
        Kind.MEMBER_UNSUSPENDED,
    ]


def test_a_suspended_member_is_told_once_on_each_form_page_and_again_by_the_reply_box(
    client, member, thread, post_factory, category
):
    own_post = post_factory(thread=thread, author=member, body="My own words.")
    member.suspended_until = timezone.now() + timedelta(days=3)
    member.suspension_reason = "Cooling off."
    member.save()
    client.force_login(member)
    # the notice at the top of every page sits just above these forms: no second copy of it
    for url in (
        reverse("forum:reply", args=[thread.pk]),
        reverse("forum:thread_create", args=[category.slug]),
        reverse("forum:post_edit", args=[own_post.pk]),
        reverse("forum:post_flag", args=[thread.posts.order_by("created_at").first().pk]),
    ):
        page = client.get(url).content.decode()
        assert page.count("Your account is suspended until") == 1, url
        assert "Cooling off." in page
    # at the foot of the thread page the reply box says it again, where the member looks for it
    page = client.get(thread.get_absolute_url()).content.decode()
    assert page.count("Your account is suspended until") == 2
    # a reply typed anyway is refused beside what was typed, which is kept
    page = client.post(reverse("forum:reply", args=[thread.pk]), {"body": "Typed anyway."}).content.decode()
    assert "Typed anyway." in page and "so you can&#x27;t post" in page


def test_a_suspension_that_has_ended_no_longer_blocks(client, member, thread):
    member.suspended_until = timezone.now() - timedelta(minutes=1)
    member.save()
    client.force_login(member)
    assert client.post(reverse("forum:reply", args=[thread.pk]), {"body": "Hello again."}).status_code == 302


def test_moderators_cannot_suspend_themselves_or_other_moderators(client, moderator, user_factory):
    other = user_factory()
    services.moderator_add(user=other)
    client.force_login(moderator)
    assert client.get(reverse("forum:mod_member_suspend", args=[moderator.username])).status_code == 403
    assert client.get(reverse("forum:mod_member_suspend", args=[other.username])).status_code == 403


def test_moderation_events_cannot_be_changed_in_the_admin(client, admin_user, moderator, thread):
    services.thread_lock(thread=thread, moderator=moderator, reason="x")
    event = ModerationEvent.objects.get()
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:forum_moderationevent_change", args=[event.pk]), {"reason": "rewritten"}
    )
    assert response.status_code == 403
    assert ModerationEvent.objects.get().reason == "x"


def test_a_locked_thread_shows_a_notice_instead_of_an_editor(client, member, moderator, thread):
    services.thread_lock(thread=thread, moderator=moderator, reason="Resolved.")
    client.force_login(member)
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "it doesn't take new replies" in page
    assert 'name="body"' not in page
    # moderators can still reply
    client.force_login(moderator)
    assert 'name="body"' in client.get(thread.get_absolute_url()).content.decode()


def test_a_suspended_member_gets_no_editor_to_write_into_unless_they_have_words_to_keep(
    client, member, moderator, thread, category
):
    services.member_suspend(
        member=member, moderator=moderator, until=timezone.now() + timedelta(days=3), reason="A break."
    )
    client.force_login(member)
    for url in (
        reverse("forum:reply", args=[thread.pk]),
        reverse("forum:thread_create", args=[category.slug]),
    ):
        page = client.get(url).content.decode()
        assert "suspended" in page
        assert "<textarea" not in page

    # a draft written before the suspension stays in front of them, to copy
    services.draft_save(user=member, key=f"thread:{thread.pk}", body="Half a reply about my walks.")
    page = client.get(reverse("forum:reply", args=[thread.pk])).content.decode()
    assert "Half a reply about my walks." in page


def test_moderators_see_how_many_flagged_posts_wait_in_their_navigation(
    client, member, other_member, moderator, thread, post_factory
):
    flagged, also_flagged = post_factory(thread=thread), post_factory(thread=thread)
    services.flag_create(post=flagged, reporter=member, reason="spam")
    services.flag_create(post=flagged, reporter=other_member, reason="spam")
    services.flag_create(post=also_flagged, reporter=member, reason="harassment")

    client.force_login(moderator)
    header = client.get(reverse("forum:index")).content.decode()
    assert 'Moderation <span class="nav-count">2<span class="visually-hidden"> flagged posts</span>' in header
    queue = client.get(reverse("forum:mod_flags")).content.decode()
    assert 'Flagged posts <span class="nav-count">2</span>' in queue

    services.post_flags_dismiss(post=flagged, moderator=moderator, reason="Fine.")
    header = client.get(reverse("forum:index")).content.decode()
    assert 'Moderation <span class="nav-count">1<span class="visually-hidden"> flagged post</span>' in header

    client.force_login(member)
    assert "nav-count" not in client.get(reverse("forum:index")).content.decode()
