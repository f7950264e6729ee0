"""Limits on drafts: only for places the member can write to, no longer than a post, a cap on how many, and
a rate limit on autosaves. Refusals answer JSON with a message the editor shows, and lose nothing."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from forum.models import Draft
from tests.live_http import live_member
from tests.service_checks import require_postgres

pytestmark = pytest.mark.django_db


def save(client, key: str, body: str = "Some words.", **extra):
    return client.post(reverse("forum:draft_save"), {"key": key, "body": body, **extra})


# --- only places the member can write to ---------------------------------------------------------------


@pytest.mark.parametrize("key", ["thread:999999", "reply:999999", "edit:999999", "category:no-such-place"])
def test_a_draft_for_a_place_that_does_not_exist_is_refused_and_nothing_is_stored(client, member, key):
    client.force_login(member)
    response = save(client, key)
    assert response.status_code == 404
    assert "kept on this device" in response.json()["error"]
    assert not Draft.objects.exists()


def test_a_draft_in_a_locked_thread_is_refused_with_the_reason(client, member, thread):
    thread.is_locked = True
    thread.save(update_fields=["is_locked"])
    client.force_login(member)
    response = save(client, f"thread:{thread.pk}")
    assert response.status_code == 403
    assert "locked" in response.json()["error"]
    assert not Draft.objects.exists()


def test_a_moderator_may_still_draft_a_reply_in_a_locked_thread(client, moderator, thread):
    thread.is_locked = True
    thread.save(update_fields=["is_locked"])
    client.force_login(moderator)
    assert save(client, f"thread:{thread.pk}").status_code == 200


def test_a_draft_editing_someone_elses_post_is_refused(client, member, thread):
    client.force_login(member)
    response = save(client, f"edit:{thread.posts.get().pk}")
    assert response.status_code == 403
    assert "your own posts" in response.json()["error"]
    assert not Draft.objects.exists()


def test_a_draft_replying_to_a_hidden_post_is_refused_as_if_it_did_not_exist(
    client, member, thread, post_factory
):
    hidden = post_factory(thread=thread, is_hidden=True)
    client.force_login(member)
    assert save(client, f"reply:{hidden.pk}").status_code == 404
    assert not Draft.objects.exists()


def test_a_suspended_member_cannot_save_drafts(client, user_factory, thread):
    suspended = user_factory(suspended_until=timezone.now() + timedelta(days=2))
    client.force_login(suspended)
    response = save(client, f"thread:{thread.pk}")
    assert response.status_code == 403
    assert "suspended" in response.json()["error"]


def test_drafts_for_every_kind_of_place_the_member_can_write_to_are_kept(
    client, member, category, thread, post_factory
):
    own = post_factory(thread=thread, author=member)
    other = post_factory(thread=thread)
    client.force_login(member)
    keys = [f"category:{category.slug}", f"thread:{thread.pk}", f"reply:{other.pk}", f"edit:{own.pk}"]
    assert [save(client, key).status_code for key in keys] == [200, 200, 200, 200]
    assert Draft.objects.filter(user=member).count() == 4


# --- size ----------------------------------------------------------------------------------------------


def test_a_draft_longer_than_a_post_may_be_is_refused_and_the_saved_copy_is_kept(
    client, member, thread, settings
):
    client.force_login(member)
    key = f"thread:{thread.pk}"
    save(client, key, "The part that was saved.")
    response = save(client, key, "y" * (settings.FORUM_POST_MAX_CHARS + 1))
    assert response.status_code == 413
    error = response.json()["error"]
    assert f"at most {settings.FORUM_POST_MAX_CHARS:,}" in error and "kept on this device" in error
    assert Draft.objects.get().body == "The part that was saved."


def test_a_hundred_kilobyte_draft_is_not_stored(client, member, thread):
    client.force_login(member)
    assert save(client, f"thread:{thread.pk}", "x" * 100_000).status_code == 413
    assert not Draft.objects.exists()


def test_a_title_longer_than_a_title_may_be_is_refused(client, member, category, settings):
    client.force_login(member)
    response = save(
        client, f"category:{category.slug}", "Body.", title="t" * (settings.FORUM_TITLE_MAX_CHARS + 1)
    )
    assert response.status_code == 413
    assert "title" in response.json()["error"]
    assert not Draft.objects.exists()


def test_a_reply_draft_keeps_no_title(client, member, thread):
    client.force_login(member)
    save(client, f"thread:{thread.pk}", "Body.", title="x" * 150)
    assert Draft.objects.get().title == ""


# --- how many ------------------------------------------------------------------------------------------


def test_a_member_keeps_at_most_the_drafts_the_forum_allows_and_can_still_update_them(
    client, member, thread_factory, settings
):
    settings.FORUM_DRAFTS_PER_MEMBER = 3
    threads = [thread_factory() for _ in range(4)]
    client.force_login(member)
    # given three drafts
    for t in threads[:3]:
        assert save(client, f"thread:{t.pk}").status_code == 200
    # when the member starts a fourth, then it is refused with a way out, and nothing is stored
    response = save(client, f"thread:{threads[3].pk}")
    assert response.status_code == 403
    assert "most the forum keeps" in response.json()["error"]
    assert Draft.objects.filter(user=member).count() == 3
    # but the drafts they have can still be saved
    assert save(client, f"thread:{threads[0].pk}", "Updated.").status_code == 200
    # and once one is discarded, the fourth is kept
    client.post(reverse("forum:draft_discard"), {"key": f"thread:{threads[1].pk}"})
    assert save(client, f"thread:{threads[3].pk}").status_code == 200


def test_the_draft_cap_is_per_member(client, member, other_member, thread_factory, settings):
    settings.FORUM_DRAFTS_PER_MEMBER = 1
    first, second = thread_factory(), thread_factory()
    client.force_login(member)
    save(client, f"thread:{first.pk}")
    client.force_login(other_member)
    assert save(client, f"thread:{second.pk}").status_code == 200


# --- how often -----------------------------------------------------------------------------------------


def test_saving_drafts_too_often_is_refused_with_when_to_try_again(
    client, member, thread, settings, frozen_time
):
    settings.FORUM_DRAFT_SAVES_PER_MINUTE = 3
    client.force_login(member)
    key = f"thread:{thread.pk}"
    # given three saves within twenty seconds
    for number in range(3):
        assert save(client, key, f"Version {number}").status_code == 200
        frozen_time["t"] += 10
    # when the member's editor saves a fourth time
    response = save(client, key, "Version 3")
    # then it is refused with how long to wait (the window began 30 s ago), and the saved copy stays
    assert response.status_code == 429
    assert response.json()["retry_after"] == 30 and response["Retry-After"] == "30"
    assert "kept on this device" in response.json()["error"]
    assert Draft.objects.get().body == "Version 2"
    # and once the minute is over the draft is saved again
    frozen_time["t"] += 30
    assert save(client, key, "Version 3").status_code == 200


def test_the_autosave_limit_is_per_member(client, member, other_member, thread, settings, frozen_time):
    settings.FORUM_DRAFT_SAVES_PER_MINUTE = 1
    client.force_login(member)
    assert save(client, f"thread:{thread.pk}").status_code == 200
    client.force_login(other_member)
    assert save(client, f"thread:{thread.pk}").status_code == 200


def test_refused_saves_do_not_use_up_the_autosave_limit(client, member, thread, settings, frozen_time):
    settings.FORUM_DRAFT_SAVES_PER_MINUTE = 1
    client.force_login(member)
    key = f"thread:{thread.pk}"
    assert save(client, key, "z" * (settings.FORUM_POST_MAX_CHARS + 1)).status_code == 413
    assert save(client, "thread:999999").status_code == 404
    assert save(client, key, "Shorter now.").status_code == 200


# --- under parallel requests (real HTTP to a live server on PostgreSQL) -------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_autosaves_sent_at_once_are_held_to_the_limit(client, live_server, member, thread, settings):
    require_postgres()
    settings.FORUM_DRAFT_SAVES_PER_MINUTE = 5
    browser = live_member(client, live_server, member, settings, thread.get_absolute_url())

    def send(number: int) -> int:
        data = {"key": f"thread:{thread.pk}", "body": f"Version {number}"}
        return browser.post(reverse("forum:draft_save"), data).status_code

    # when twenty saves arrive at the same moment
    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(send, range(20)))
    # then exactly the limit's worth are saved and the rest are told to wait
    assert (statuses.count(200), statuses.count(429)) == (5, 15), statuses


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_new_drafts_sent_at_once_do_not_pass_the_cap(client, live_server, member, thread_factory, settings):
    require_postgres()
    settings.FORUM_DRAFTS_PER_MEMBER = 3
    settings.FORUM_DRAFT_SAVES_PER_MINUTE = 100
    threads = [thread_factory() for _ in range(12)]
    browser = live_member(client, live_server, member, settings, threads[0].get_absolute_url())

    def send(t) -> int:
        return browser.post(
            reverse("forum:draft_save"), {"key": f"thread:{t.pk}", "body": "A start."}
        ).status_code

    with ThreadPoolExecutor(max_workers=len(threads)) as pool:
        statuses = list(pool.map(send, threads))
    assert (statuses.count(200), statuses.count(403)) == (3, 9), statuses
    assert Draft.objects.filter(user=member).count() == 3


# --- in a real browser (headless Chromium): the editor shows refusals, and sign-out forgets drafts ------


def _sign_in(driver, client, live_server, member, settings):
    client.force_login(member)
    driver.get(f"{live_server.url}/no-such-page/")
    driver.add_cookie(
        {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value}
    )


def _local_drafts(driver) -> dict:
    return driver.execute_script(
        "var out = {}; for (var i = 0; i < localStorage.length; i++) { var k = localStorage.key(i);"
        " if (k.indexOf('movement-stories:draft:') === 0) { out[k] = localStorage.getItem(k); } }"
        " return out;"
    )


def _status_text(driver, wanted: str) -> str:
    from selenium.webdriver.support.ui import WebDriverWait

    status = driver.find_element("css selector", "#main [data-draft-status]")
    WebDriverWait(driver, 10).until(lambda _: wanted in status.text)
    return status.text


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_editor_shows_why_the_server_refused_a_draft_and_keeps_the_text(
    browser, client, live_server, member, thread, settings
):
    settings.FORUM_POST_MAX_CHARS = 20
    _sign_in(browser, client, live_server, member, settings)
    browser.get(f"{live_server.url}{thread.get_absolute_url()}")
    # when the member types more than a post may hold
    browser.find_element("css selector", "#main textarea[name=body]").send_keys("x" * 30)
    # then the editor says why the forum didn't keep it, and the text stays in the box and on the device
    assert "at most 20" in _status_text(browser, "kept on this device")
    assert (
        browser.find_element("css selector", "#main textarea[name=body]").get_attribute("value") == "x" * 30
    )
    assert any('"body":"' + "x" * 30 in value for value in _local_drafts(browser).values())
    assert not Draft.objects.exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_signing_out_saves_the_draft_to_the_forum_and_forgets_it_in_this_browser(
    browser, client, live_server, member, thread, settings
):
    _sign_in(browser, client, live_server, member, settings)
    browser.get(f"{live_server.url}{thread.get_absolute_url()}")
    # given a draft kept on this device
    browser.find_element("css selector", "#main textarea[name=body]").send_keys("Private thoughts.")
    assert _local_drafts(browser)
    # when the member signs out straight away (before the autosave pause is over)
    browser.find_element("css selector", ".site-header form button[type=submit]").click()
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 10).until(lambda d: not d.find_elements("css selector", 'meta[name="forum-user"]'))
    # then the next person at this computer finds no draft in the browser, and the member's words are safe
    # on the forum for when they sign in again
    assert _local_drafts(browser) == {}
    assert Draft.objects.get(user=member).body == "Private thoughts."
