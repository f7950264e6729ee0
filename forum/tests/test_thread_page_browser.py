"""A thread page whose posts come from the cache (forum.post_html), in headless Chromium at a phone's width:
each form carries the reader's own CSRF token, so pressing "This matches my experience" works, and axe-core
finds no accessibility violations."""

import pytest
from django.test import Client
from selenium.webdriver.common.by import By

from forum.models import Reaction
from tests.browser import axe_violations, press, set_width, sign_in_as

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("production_cache"),
]


def test_a_member_reacts_on_a_cached_thread_page_and_it_passes_axe(
    browser, live_server, member, other_member, thread, post_factory
):
    post = post_factory(author=other_member, body="Short walks after lunch, then a rest, helped me.")
    # another reader's visit puts the post's HTML for members in the cache first
    first = Client()
    first.force_login(post_factory(body="Another reply.").author)
    assert first.get(thread.get_absolute_url()).status_code == 200

    sign_in_as(browser, live_server, member)
    set_width(browser, 390)
    browser.get(live_server.url + thread.get_absolute_url())
    button = browser.find_element(By.CSS_SELECTOR, f"#post-{post.pk} .reaction-button")
    assert button.get_attribute("aria-pressed") == "false"
    press(browser, button)  # and wait for the page the form sends back

    pressed = browser.find_element(By.CSS_SELECTOR, f"#post-{post.pk} .reaction-button")
    assert pressed.get_attribute("aria-pressed") == "true"
    assert "(1)" in pressed.text
    assert Reaction.objects.filter(post=post, user=member).exists()
    assert axe_violations(browser) == []
