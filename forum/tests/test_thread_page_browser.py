"""A thread page whose posts come from the cache (forum.post_html), in headless Chromium at a phone's width:
each form carries the reader's own CSRF token, so pressing "This matches my experience" works, and axe-core
finds no accessibility violations."""

import json

import pytest
from django.conf import settings
from django.test import Client
from selenium.webdriver.common.by import By

from forum.models import Reaction
from tests.service_checks import axe_core_source

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("production_cache"),
]


def sign_in(driver, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    driver.get(live_server.url + "/static/favicon.svg")  # a page on the site, to set its cookie on
    driver.add_cookie(
        {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value}
    )


def test_a_member_reacts_on_a_cached_thread_page_and_it_passes_axe(
    browser, live_server, member, other_member, thread, post_factory
):
    browser.set_window_size(390, 844)
    post = post_factory(author=other_member, body="Short walks after lunch, then a rest, helped me.")
    # another reader's visit puts the post's HTML for members in the cache first
    first = Client()
    first.force_login(post_factory(body="Another reply.").author)
    assert first.get(thread.get_absolute_url()).status_code == 200

    sign_in(browser, live_server, member)
    browser.get(live_server.url + thread.get_absolute_url())
    button = browser.find_element(By.CSS_SELECTOR, f"#post-{post.pk} .reaction-button")
    assert button.get_attribute("aria-pressed") == "false"
    button.click()

    pressed = browser.find_element(By.CSS_SELECTOR, f"#post-{post.pk} .reaction-button")
    assert pressed.get_attribute("aria-pressed") == "true"
    assert "(1)" in pressed.text
    assert Reaction.objects.filter(post=post, user=member).exists()

    browser.execute_script(axe_core_source())
    violations = json.loads(
        browser.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {resultTypes: ['violations']}).then(r => done(JSON.stringify(r.violations)));"
        )
    )
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]
