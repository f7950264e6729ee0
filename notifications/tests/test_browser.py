"""The bell, the notifications page and the email settings in headless Chromium at a phone's width (390 px):
they work with the keyboard alone, and axe-core finds no accessibility violations on them."""

import pytest
from django.urls import reverse
from selenium.webdriver.common.by import By

from notifications.models import EmailPreference, Notification
from tests.browser import axe_violations, press, sign_in_as

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
    sign_in_as(phone, live_server, ann)
    return ann


def no_sideways_scroll(driver) -> bool:
    return driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")


def test_the_bell_and_the_notifications_page_at_phone_width(phone, live_server, signed_in):
    phone.get(live_server.url + reverse("forum:index"))
    bell = phone.find_element(By.CSS_SELECTOR, "a.bell")
    # (visually: "Notifications 3"; a screen reader says "Notifications 3 unread")
    assert bell.accessible_name == "Notifications 3 unread"
    assert no_sideways_scroll(phone)
    violations = axe_violations(phone)
    assert violations == []

    # Reached from the keyboard: the bell link opens the page
    press(phone, bell)
    assert phone.find_element(By.TAG_NAME, "h1").text == "Notifications"
    assert len(phone.find_elements(By.CSS_SELECTOR, ".notification-unread")) == 3
    assert no_sideways_scroll(phone)
    violations = axe_violations(phone)
    assert violations == []

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
    assert violations == []
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
    assert violations == []
    press(phone, button)
    assert phone.find_element(By.XPATH, "//button[normalize-space()='Follow this thread']")

    phone.get(live_server.url + category.get_absolute_url())
    press(phone, phone.find_element(By.XPATH, "//button[normalize-space()='Follow this category']"))
    assert phone.find_element(By.XPATH, "//button[normalize-space()='Stop following this category']")
    violations = axe_violations(phone)
    assert violations == []
