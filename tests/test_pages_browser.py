"""The forum's pages in a real browser (headless Chromium) at a phone's width (390 px) and a desktop's
(1280 px), each as the member who meets it: axe-core finds no accessibility violation, nothing scrolls
sideways, nothing a finger must hit is under 24 px (primary buttons under 44 px), and the controls that
matter are reached with the keyboard. Screenshots go to var/screenshots/pages/.

The Django admin's markup is Django's: static/css/admin.css gives its small links and boxes room (axe-core's
target-size and link-in-text-block found them), and the test also checks what we control there (search,
the filter, the Moderators action, no drafts).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select

from accounts.models import User
from analysis.models import PostTag, TagStatus
from analysis.services import post_tag_correct_by_moderator
from forum import services
from forum.models import Draft, Flag, Reaction
from forum.permissions import MODERATORS_GROUP
from tests.browser import page_problems, press, reachable_by_keyboard, sign_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUOTE = (
    "**Rowan** wrote:\n\n> Ten minutes of walking left me in bed for two days.\n\nThe same happened to me."
)


def _tag(
    post, outcome="worsened", *, confidence=0.9, interventions=(("walking", "worsened"),), evidence=None
):
    sentence = evidence or post.body.split(".")[0] + "."
    return PostTag.objects.update_or_create(
        post=post,
        defaults={
            "status": TagStatus.DONE,
            "outcome": outcome,
            "confidence": confidence,
            "interventions": [
                {"name": n, "kind": "treatment" if n in ("ldn", "pregabalin") else "exercise", "outcome": o}
                for n, o in interventions
            ],
            "evidence": [
                {
                    "start": 0,
                    "end": len(sentence),
                    "text": sentence,
                    "outcome": interventions[0][1] if interventions else outcome,
                    "intervention": interventions[0][0] if interventions else None,
                }
            ],
        },
    )[0]


@pytest.fixture
def forum(user_factory, moderator, thread_factory, post_factory):
    """A thread with everything a thread page shows: a reply to a reply, a quote, reactions, a hidden post,
    tags (one about a medication, one low-certainty tag in the review queue, one corrected by a moderator),
    a dismissed flag and an open one."""
    rowan = user_factory(username="rowan", display_name="Rowan", conditions=["fibromyalgia", "me/cfs"])
    sage = user_factory(username="sage", display_name="Sage", conditions=["long covid"])
    ash = user_factory(username="ash", display_name="Ash")
    thread = thread_factory(
        title="Graded walking made my fatigue worse: anyone else?",
        author=rowan,
        body="Ten minutes of walking left me in bed for two days. My physio said push through.",
    )
    opening = thread.posts.get()
    reply = post_factory(
        thread=thread, author=sage, parent=opening, body="Walking made me worse too, until I paced it."
    )
    answer = post_factory(thread=thread, author=ash, parent=opening, reply_to=reply, body=QUOTE)
    medication = post_factory(
        thread=thread,
        author=sage,
        body="Low dose naltrexone helped my pain more than anything. I still can't walk far.",
    )
    hidden = post_factory(thread=thread, author=ash, body="Buy my miracle supplement at example.com.")
    _tag(opening, "worsened", confidence=0.92)
    _tag(reply, "mixed", confidence=0.55, interventions=(("walking", "mixed"), ("pacing", "helped")))
    _tag(answer, "worsened", confidence=0.8, evidence="The same happened to me.")
    _tag(
        medication,
        "none",
        confidence=0.85,
        interventions=(("ldn", "helped"),),
        evidence="Low dose naltrexone helped my pain more than anything.",
    )
    Reaction.objects.create(post=opening, user=sage)
    Reaction.objects.create(post=opening, user=ash)
    # the audit log: a dismissed flag, a hidden post, a tag correction
    services.flag_create(post=reply, reporter=ash, reason=Flag.Reason.OTHER, note="Not sure this is allowed")
    services.post_flags_dismiss(post=reply, moderator=moderator, reason="Nothing wrong here")
    services.flag_create(post=hidden, reporter=rowan, reason=Flag.Reason.SPAM, note="Selling something")
    services.post_hide(post=hidden, moderator=moderator, reason="Advertising")
    services.flag_create(post=answer, reporter=sage, reason=Flag.Reason.OTHER, note="Please check the quote")
    post_tag_correct_by_moderator(post=answer, moderator=moderator, outcome="mixed", reason="Paced: mixed")
    suspended = user_factory(username="resting", display_name="Resting")
    services.member_suspend(
        member=suspended, moderator=moderator, until=timezone.now() + timedelta(days=3), reason="Cooling off"
    )
    return {
        "thread": thread,
        "opening": opening,
        "reply": reply,
        "answer": answer,
        "medication": medication,
        "hidden": hidden,
        "rowan": rowan,
        "sage": sage,
        "ash": ash,
        "suspended": suspended,
    }


def _visit(browser, live_server, path: str):
    browser.get(live_server.url + path)
    return browser.find_element(By.TAG_NAME, "main")


def test_the_thread_page_as_a_member_an_author_and_a_moderator(browser, live_server, forum, moderator):
    thread_url = forum["thread"].get_absolute_url()
    problems = []

    # Sage, who wrote the reply that Ash answered and the post about medication
    sign_in_as(browser, live_server, forum["sage"])
    main = _visit(browser, live_server, thread_url)
    answer = main.find_element(By.ID, f"post-{forum['answer'].pk}")
    assert "in reply to Sage" in answer.find_element(By.CSS_SELECTOR, ".post-in-reply-to").text
    assert answer.find_element(By.CSS_SELECTOR, ".post-body blockquote").text.startswith("Ten minutes")
    own = main.find_element(By.ID, f"post-{forum['medication'].pk}")
    # The author is asked beside the badge, not inside "Why this tag?"
    legend = own.find_element(By.CSS_SELECTOR, ".author-reading legend")
    assert legend.is_displayed() and legend.text.startswith("Is this how you meant it?")
    badges = [b.text for b in own.find_elements(By.CSS_SELECTOR, ".badge")]
    # The badge names the medication the post is about, apart from exercise
    assert "LDN (low-dose naltrexone): helped" in badges, badges
    react = main.find_element(By.CSS_SELECTOR, f"#post-{forum['opening'].pk} .reaction-button")
    assert "(2)" in react.text
    assert reachable_by_keyboard(browser, react)
    problems += page_problems(browser, "thread as an author", folder="pages")

    # A moderator sees the hidden post, marked as hidden, with a way to restore it
    sign_in_as(browser, live_server, moderator)
    main = _visit(browser, live_server, thread_url)
    hidden = main.find_element(By.ID, f"post-{forum['hidden'].pk}")
    assert "Hidden by a moderator" in hidden.find_element(By.CSS_SELECTOR, ".hidden-notice").text
    restore = hidden.find_element(By.LINK_TEXT, "Restore")
    assert reachable_by_keyboard(browser, restore)
    problems += page_problems(browser, "thread as a moderator", folder="pages")

    # A visitor: no hidden post
    sign_in_as(browser, live_server, None)
    main = _visit(browser, live_server, thread_url)
    assert not main.find_elements(By.ID, f"post-{forum['hidden'].pk}")
    problems += page_problems(browser, "thread as a visitor", folder="pages")

    assert problems == [], "\n".join(problems)


def test_the_reply_editor_for_a_suspended_member_and_a_member(browser, live_server, forum):
    problems = []
    reply_url = reverse("forum:post_reply", args=[forum["reply"].pk])

    sign_in_as(browser, live_server, forum["suspended"])
    main = _visit(browser, live_server, reply_url)
    assert "suspended until" in main.find_element(By.CSS_SELECTOR, ".notice").text
    assert not main.find_elements(By.TAG_NAME, "textarea")
    assert not main.find_elements(By.CSS_SELECTOR, "form.editor")
    problems += page_problems(browser, "reply editor suspended", folder="pages")

    sign_in_as(browser, live_server, forum["rowan"])
    main = _visit(browser, live_server, reply_url)
    body = main.find_element(By.TAG_NAME, "textarea")
    assert reachable_by_keyboard(browser, body)
    assert reachable_by_keyboard(
        browser, main.find_element(By.XPATH, "//button[normalize-space()='Post reply']")
    )
    problems += page_problems(browser, "reply editor", folder="pages")

    assert problems == [], "\n".join(problems)


def test_the_moderators_pages(browser, live_server, forum, moderator):
    problems = []
    sign_in_as(browser, live_server, moderator)

    main = _visit(browser, live_server, reverse("forum:mod_flags"))
    assert "Please check the quote" in main.text
    for label in ("Hide post", "Dismiss flags"):
        assert reachable_by_keyboard(
            browser, main.find_element(By.XPATH, f"//button[normalize-space()='{label}']")
        )
    problems += page_problems(browser, "flag queue", folder="pages")

    main = _visit(browser, live_server, reverse("forum:mod_log"))
    rows = [row.text for row in main.find_elements(By.CSS_SELECTOR, "tbody tr")]
    assert any("made worse → mixed" in row for row in rows), rows
    assert any("post by Sage" in row and "dismissed" in row.lower() for row in rows), rows
    problems += page_problems(browser, "audit log", folder="pages")

    main = _visit(browser, live_server, reverse("analysis:review"))
    assert "Walking made me worse too, until I paced it." in main.text  # its evidence, 55% sure
    assert reachable_by_keyboard(browser, main.find_element(By.CSS_SELECTOR, "form button[type=submit]"))
    problems += page_problems(browser, "tag review queue", folder="pages")

    assert problems == [], "\n".join(problems)


def test_the_delete_account_page(browser, live_server, forum):
    sign_in_as(browser, live_server, forum["rowan"])
    main = _visit(browser, live_server, reverse("accounts:delete"))
    button = main.find_element(By.XPATH, "//button[normalize-space()='Delete my account']")
    assert "button-danger" in button.get_attribute("class")
    background = button.value_of_css_property("background-color")
    problems = page_problems(browser, "delete account", folder="pages")

    # Sent without saying what happens to the posts and without typing "delete": our own errors, linked to
    # their fields, no browser bubble
    press(browser, button)
    summary = browser.find_element(By.ID, "error-summary")
    assert browser.switch_to.active_element == summary  # focus starts at the list of problems
    links = summary.find_elements(By.TAG_NAME, "a")
    assert [link.text for link in links] == [
        "Choose what should happen to your posts: keep them or remove them.",
        "Type DELETE, in capitals, to confirm.",
    ]
    for link in links:
        field = browser.find_element(By.CSS_SELECTOR, link.get_attribute("hash"))
        assert field.get_attribute("aria-invalid") == "true" or field.find_elements(
            By.CSS_SELECTOR, "[aria-invalid=true]"
        )
    assert User.objects.filter(pk=forum["rowan"].pk).exists()
    assert background != "rgba(0, 0, 0, 0)"
    problems += page_problems(browser, "delete account with errors", folder="pages")
    assert problems == [], "\n".join(problems)


def test_the_member_admin(browser, live_server, forum, admin_user):
    Draft.objects.create(
        user=forum["sage"], key="reply:1", body="what I have not posted yet", updated_at=timezone.now()
    )
    sign_in_as(browser, live_server, admin_user)
    findings = []

    # search
    browser.get(f"{live_server.url}{reverse('admin:accounts_user_changelist')}?q=Sage")
    listed = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "#result_list tbody th a")]
    assert listed == ["sage"]
    findings += page_problems(browser, "admin members searched", folder="pages")

    # the Moderators action, as an admin does it: tick the member, choose the action, Go
    browser.find_element(By.CSS_SELECTOR, "#result_list input.action-select").click()
    Select(browser.find_element(By.NAME, "action")).select_by_value("make_moderators")
    press(browser, browser.find_element(By.CSS_SELECTOR, "button[name=index]"))
    assert "1 member(s) are now moderators." in browser.find_element(By.CSS_SELECTOR, ".messagelist").text
    assert User.objects.get(pk=forum["sage"].pk).groups.filter(name=MODERATORS_GROUP).exists()

    # the filter
    browser.get(f"{live_server.url}{reverse('admin:accounts_user_changelist')}?moderator=yes")
    listed = {a.text for a in browser.find_elements(By.CSS_SELECTOR, "#result_list tbody th a")}
    assert "sage" in listed and "rowan" not in listed
    findings += page_problems(browser, "admin moderators filtered", folder="pages")

    # no drafts anywhere in the admin
    browser.get(f"{live_server.url}{reverse('admin:index')}")
    assert "Draft" not in browser.find_element(By.ID, "content").text
    browser.get(f"{live_server.url}/admin/forum/draft/")
    assert "what I have not posted yet" not in browser.page_source

    assert findings == [], "\n".join(findings)
