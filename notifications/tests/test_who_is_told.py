"""Who hears about what: replies, quotes, @mentions, moderator actions and reactions; never about one's own
doings, never twice for the same post, never about hidden or deleted posts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from forum import services as forum_services
from forum.models import ModerationEvent
from forum.selectors import post_quote_markdown
from notifications import services
from notifications.models import Notification
from notifications.selectors import line_text
from notifications.tests.conftest import told

pytestmark = pytest.mark.django_db

Kind = Notification.Kind


@pytest.fixture
def ann(user_factory):
    return user_factory(username="ann", display_name="Ann W")


@pytest.fixture
def ben(user_factory):
    return user_factory(username="ben")


@pytest.fixture
def cat(user_factory):
    return user_factory(username="cat")


def test_a_reply_to_a_post_tells_its_author_once(start_thread, write, ann, ben):
    # Given Ann's thread
    thread = start_thread(author=ann)
    opening = thread.posts.get()
    # When Ben replies to her post
    reply = write(thread=thread, author=ben, body="Short walks, then rest.", parent=opening)
    # Then Ann is told once, as a reply (not again as a follower of her own thread)
    assert told(ann) == [(Kind.REPLY, reply.pk)]
    assert line_text(Notification.objects.get(recipient=ann), ann) == (
        "ben replied to your post in “Pacing after a crash”."
    )
    # and Ben, who wrote it, is told nothing
    assert told(ben) == []


def test_a_reply_to_a_reply_tells_the_member_answered(start_thread, write, ann, ben, cat):
    thread = start_thread(author=ann)
    bens = write(thread=thread, author=ben, body="Pool walking.", parent=thread.posts.get())
    # When Cat answers Ben's reply (shown under Ann's post, one level deep)
    cats = write(thread=thread, author=cat, body="How warm is the pool?", parent=bens)
    # Then Ben is told of a reply, and Ann only as the follower of her thread
    assert (Kind.REPLY, cats.pk) in told(ben)
    assert (Kind.THREAD_POST, cats.pk) in told(ann)


def test_a_quote_tells_the_quoted_member(start_thread, write, ann, ben, cat):
    # Given Ann's thread and Ben's reply in it
    thread = start_thread(author=ann)
    bens = write(thread=thread, author=ben, body="Pool walking kept me going.\nTwice a week.")
    # When Cat quotes Ben's reply the way the reply form does (the quote goes under Ann's opening post)
    body = post_quote_markdown(post=bens) + "Same for me."
    quoting = write(thread=thread, author=cat, body=body, parent=thread.posts.first())
    # Then Ben is told he was quoted
    assert (Kind.QUOTE, quoting.pk) in told(ben)
    # and Ann, whose post Cat answered, is told of a reply
    assert (Kind.REPLY, quoting.pk) in told(ann)


def test_a_quote_of_someone_with_a_shared_display_name_tells_the_one_whose_words_are_quoted(
    start_thread, write, user_factory, cat
):
    first = user_factory(username="sam1", display_name="Sam")
    second = user_factory(username="sam2", display_name="Sam")
    thread = start_thread(author=first, body="Yoga flared my hips.")
    write(thread=thread, author=second, body="Tai chi was kinder to me.")
    write(thread=thread, author=cat, body="**Sam** wrote:\n\n> Tai chi was kinder to me.\n\nGood to know.")
    assert [k for k, _ in told(second)] == [Kind.QUOTE]
    assert Kind.QUOTE not in [k for k, _ in told(first)]


def test_a_mention_tells_the_member_and_links_to_their_profile(start_thread, write, ann, ben, cat, client):
    thread = start_thread(author=ann)
    post = write(
        thread=thread, author=ben, body="@cat, you tried the pool too, didn't you? And @nobody-here."
    )
    assert told(cat) == [(Kind.MENTION, post.pk)]
    page = client.get(thread.get_absolute_url()).content.decode()
    assert '<a href="/members/cat/"' in page and ">@cat</a>" in page
    # a name that is nobody's stays plain text
    assert "@nobody-here" in page and "/members/nobody-here/" not in page


def test_a_mention_inside_a_quote_does_not_tell_anyone_again(start_thread, write, ann, ben, cat):
    thread = start_thread(author=ann)
    first = write(thread=thread, author=ben, body="Ask @cat about hydrotherapy.")
    assert told(cat) == [(Kind.MENTION, first.pk)]
    # When Ann quotes Ben's post, mention and all
    write(thread=thread, author=ann, body=post_quote_markdown(post=first) + "Good idea.")
    # Then Cat is not told again
    assert told(cat) == [(Kind.MENTION, first.pk)]


def test_editing_a_post_tells_only_members_it_newly_mentions(
    start_thread, write, ann, ben, cat, user_factory
):
    dee = user_factory(username="dee")
    thread = start_thread(author=ann)
    post = write(thread=thread, author=ben, body="Thanks @cat.")
    forum_services.post_edit(post=post, editor=ben, body="Thanks @cat and @dee.")
    services.notifications_for_edited_post(post_id=post.pk)
    forum_services.post_edit(post=post, editor=ben, body="Thanks @cat and @dee, both of you.")
    services.notifications_for_edited_post(post_id=post.pk)
    assert told(cat) == [(Kind.MENTION, post.pk)]
    assert told(dee) == [(Kind.MENTION, post.pk)]


def test_members_are_never_told_of_their_own_doings(start_thread, write, ann):
    thread = start_thread(author=ann)
    write(
        thread=thread, author=ann, body="Replying to myself, and @ann mentions me.", parent=thread.posts.get()
    )
    forum_services.reaction_toggle(post=thread.posts.first(), user=ann)
    services.notifications_for_reactions(post_id=thread.posts.first().pk)
    assert told(ann) == []


def test_a_moderator_action_tells_the_author_with_the_reason(start_thread, write, ann, ben, moderator):
    thread = start_thread(author=ann)
    post = write(thread=thread, author=ben, body="Buy my supplements.")
    forum_services.post_hide(post=post, moderator=moderator, reason="Advertising is not allowed here.")
    event = ModerationEvent.objects.get(kind=ModerationEvent.Kind.POST_HIDDEN)
    services.notifications_for_moderation(event_id=event.pk)
    services.notifications_for_moderation(event_id=event.pk)  # a redelivered task
    [notification] = Notification.objects.filter(recipient=ben)
    assert notification.kind == Kind.MODERATION and notification.reason == "Advertising is not allowed here."
    assert line_text(notification, ben) == "A moderator hid your post in “Pacing after a crash”."


def test_reactions_are_one_line_per_post(start_thread, write, ann, user_factory):
    thread = start_thread(author=ann)
    post = thread.posts.get()
    readers = [user_factory() for _ in range(3)]
    for reader in readers:
        forum_services.reaction_toggle(post=post, user=reader)
        services.notifications_for_reactions(post_id=post.pk)
    [line] = Notification.objects.filter(recipient=ann)
    assert line.kind == Kind.REACTIONS and line.count == 3
    assert (
        line_text(line, ann) == "3 members said your post in “Pacing after a crash” matches their experience."
    )
    # Taking one back lowers the count without bringing the line back as new
    services.notification_mark_read(notification=line)
    forum_services.reaction_toggle(post=post, user=readers[0])
    services.notifications_for_reactions(post_id=post.pk)
    line.refresh_from_db()
    assert line.count == 2 and line.read_at is not None


def test_hidden_and_deleted_posts_tell_nobody(start_thread, write, ann, ben, moderator):
    thread = start_thread(author=ann)
    opening = thread.posts.get()
    hidden = forum_services.post_create(thread=thread, author=ben, body="@ann look", parent=opening)
    forum_services.post_hide(post=hidden, moderator=moderator, reason="Off topic.")
    services.notifications_for_new_post(post_id=hidden.pk)
    deleted = forum_services.post_create(thread=thread, author=ben, body="@ann again", parent=opening)
    forum_services.post_delete(post=deleted, actor=ben)
    services.notifications_for_new_post(post_id=deleted.pk)
    assert told(ann) == []


def test_a_suspended_members_visible_posts_still_notify(start_thread, ann, ben, moderator):
    # Given Ben's reply, and Ben suspended before the worker gets to it
    thread = start_thread(author=ann)
    post = forum_services.post_create(
        thread=thread, author=ben, body="Before my break.", parent=thread.posts.get()
    )
    until = timezone.now() + timedelta(days=1)
    forum_services.member_suspend(member=ben, moderator=moderator, until=until, reason="A cooling-off day.")
    services.notifications_for_new_post(post_id=post.pk)
    # Then his post, still visible, tells Ann as any other would
    assert told(ann) == [(Kind.REPLY, post.pk)]


def test_followers_of_a_thread_hear_of_each_new_post_until_they_stop(start_thread, write, ann, ben, cat):
    thread = start_thread(author=ann)
    write(thread=thread, author=ben, body="I posted here, so I follow it.")
    second = write(thread=thread, author=cat, body="Me too.")
    assert (Kind.THREAD_POST, second.pk) in told(ben)
    assert (Kind.THREAD_POST, second.pk) in told(ann)
    # When Ben stops following, and posts again later, he stays unsubscribed
    services.thread_watch_set(user=ben, thread=thread, watching=False)
    write(thread=thread, author=ben, body="One more thing.")
    third = write(thread=thread, author=cat, body="And another.")
    assert (Kind.THREAD_POST, third.pk) not in told(ben)


def test_followers_of_a_category_hear_of_new_threads_only(start_thread, write, category, ann, ben, cat):
    services.category_watch_set(user=cat, category=category, watching=True)
    thread = start_thread(author=ann)
    write(thread=thread, author=ben, body="A reply.")
    assert told(cat) == [(Kind.NEW_THREAD, thread.posts.first().pk)]
    services.category_watch_set(user=cat, category=category, watching=False)
    start_thread(author=ben, title="Another one")
    assert len(told(cat)) == 1


def test_a_reply_to_your_post_in_a_thread_you_follow_is_one_notification(start_thread, write, ann, ben):
    thread = start_thread(author=ann)
    reply = write(thread=thread, author=ben, body="Answering you.", parent=thread.posts.get())
    services.notifications_for_new_post(post_id=reply.pk)  # the task delivered twice
    assert told(ann) == [(Kind.REPLY, reply.pk)]
