"""The bell, the notifications page and the email settings in headless Chromium at a phone's width (390 px):
they work with the keyboard alone, and axe-core finds no accessibility violations on them."""

import json

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.wait import WebDriverWait

from notifications.models import EmailPreference, Notification
from tests.service_checks import axe_core_source

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser):
    browser.set_window_size(390, 844)
    return browser


@pytest.fixture
def signed_in(phone, live_server, user_factory, start_thread, write):
    """Ann, signed in in the browser, with three replies to her thread waiting."""
    ann = user_factory(username="ann")
    thread = start_thread(author=ann, title="Gentle stretching on bad days")
    opening = thread.posts.get()
    for i in range(3):
        write(thread=thread, author=user_factory(), body=f"Reply {i}.", parent=opening)
    client = Client()
    client.force_login(ann)
    phone.get(live_server.url + "/static/favicon.svg")  # a page on the site, to set its cookie on
    phone.add_cookie(
        {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value}
    )
    return ann


def axe_violations(driver) -> list[dict]:
    driver.execute_script(axe_core_source())
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done(JSON.stringify(r.violations)));"
    )
    return json.loads(result)


def summary(violations) -> str:
    return "\n".join(f"{v['id']}: {[n['target'] for n in v['nodes']]}" for v in violations)


def _gone(element):
    # Chromium answers either "stale element" or, mid-navigation, "node does not belong to the document".
    def check(_driver) -> bool:
        try:
            element.is_enabled()
        except WebDriverException:
            return True
        return False

    return check


def press(driver, element) -> None:
    """Press Enter on a link or button, and wait until the next page has loaded."""
    page = driver.find_element(By.TAG_NAME, "html")
    element.send_keys(Keys.ENTER)
    WebDriverWait(driver, 30).until(_gone(page))
    WebDriverWait(driver, 30).until(lambda d: d.execute_script("return document.readyState") == "complete")


def no_sideways_scroll(driver) -> bool:
    return driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")


def test_the_bell_and_the_notifications_page_at_phone_width(phone, live_server, signed_in):
    phone.get(live_server.url + reverse("forum:index"))
    bell = phone.find_element(By.CSS_SELECTOR, "a.bell")
    # (visually: "Notifications 3"; a screen reader says "Notifications 3 unread")
    assert bell.accessible_name == "Notifications 3 unread"
    assert no_sideways_scroll(phone)
    violations = axe_violations(phone)
    assert violations == [], summary(violations)

    # Reached from the keyboard: the bell link opens the page
    press(phone, bell)
    assert phone.find_element(By.TAG_NAME, "h1").text == "Notifications"
    assert len(phone.find_elements(By.CSS_SELECTOR, ".notification-unread")) == 3
    assert no_sideways_scroll(phone)
    violations = axe_violations(phone)
    assert violations == [], summary(violations)

    # Mark all read: the count goes
    press(phone, phone.find_element(By.XPATH, "//button[normalize-space()='Mark all as read']"))
    assert (
        "All your notifications are marked as read." in phone.find_element(By.CSS_SELECTOR, ".messages").text
    )
    assert phone.find_element(By.CSS_SELECTOR, "a.bell").accessible_name == "Notifications"
    assert not Notification.objects.filter(recipient=signed_in, read_at__isnull=True).exists()


def test_the_email_settings_at_phone_width(phone, live_server, signed_in):
    phone.get(live_server.url + reverse("accounts:settings"))
    never = phone.find_element(By.ID, "id_frequency_0")
    assert never.is_selected()
    assert no_sideways_scroll(phone)
    violations = axe_violations(phone)
    assert violations == [], summary(violations)
    phone.find_element(By.ID, "id_frequency_2").click()
    press(phone, phone.find_element(By.XPATH, "//button[normalize-space()='Save email choice']"))
    assert "Your email choice was saved." in phone.find_element(By.CSS_SELECTOR, ".messages").text
    assert EmailPreference.objects.get(user=signed_in).frequency == "daily"


def test_the_follow_buttons_at_phone_width(phone, live_server, signed_in, category):
    thread_url = live_server.url + reverse("forum:thread", args=[signed_in.threads.get().pk])
    phone.get(thread_url)
    button = phone.find_element(By.XPATH, "//button[normalize-space()='Stop following this thread']")
    assert no_sideways_scroll(phone)
    violations = axe_violations(phone)
    assert violations == [], summary(violations)
    press(phone, button)
    assert phone.find_element(By.XPATH, "//button[normalize-space()='Follow this thread']")

    phone.get(live_server.url + category.get_absolute_url())
    press(phone, phone.find_element(By.XPATH, "//button[normalize-space()='Follow this category']"))
    assert phone.find_element(By.XPATH, "//button[normalize-space()='Stop following this category']")
    violations = axe_violations(phone)
    assert violations == [], summary(violations)
