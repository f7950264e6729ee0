"""Every account page in a real browser (headless Chromium), on a 390px phone and on a desktop: axe-core finds
no accessibility violation (its WCAG 2.2 target-size rule included), nothing scrolls sideways, every
primary button is at least 44px tall and every other control at least 24px (tests/browser.py). The same runs
over the pages that answer a mistake (sign-up, sign-in, change password, delete account). Screenshots go to
var/screenshots/accounts/."""

import pytest
from selenium.webdriver.common.by import By

from accounts.tests.account_pages import account_pages
from tests.browser import page_problems, sign_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _problems(browser, name: str) -> list[str]:
    return page_problems(browser, name, folder="accounts")


def _submit(browser, fields: dict[str, str], button_text: str):
    for field_id, value in fields.items():
        element = browser.find_element(By.ID, field_id)
        if element.get_attribute("type") in ("radio", "checkbox"):
            element.click()
        else:
            element.clear()
            element.send_keys(value)
    button = next(b for b in browser.find_elements(By.CSS_SELECTOR, "main button") if b.text == button_text)
    button.click()
    browser.find_element(By.ID, "error-summary")


def test_every_account_page_passes_axe_on_a_phone_and_a_desktop(live_server, browser, user_factory):
    member = user_factory(username="fernwalker", display_name="Fern")
    newcomer = user_factory(username="quietheron", verified_email=False)
    no_password = user_factory(username="pine")
    no_password.set_unusable_password()
    no_password.save(update_fields=["password"])
    who = {"visitor": None, "member": member, "no_password": no_password}

    problems = []
    signed_in_as = "nobody"
    for page in account_pages(member=member, newcomer=newcomer):
        if page.who != signed_in_as:
            sign_in_as(browser, live_server, who[page.who])
            signed_in_as = page.who
        browser.get(live_server.url + page.url)
        problems += _problems(browser, page.name)

    # The pages that answer a mistake, as a member meets them
    sign_in_as(browser, live_server, None)
    browser.get(f"{live_server.url}/accounts/signup/")
    _submit(
        browser,
        {"id_username": "newmember", "id_email": "new@example.org", "id_password1": "a-long-walk-42"}
        | {"id_password2": "a-long-walk-43"},
        "Sign up",
    )
    problems += _problems(browser, "sign up with errors")
    browser.get(f"{live_server.url}/accounts/login/")
    _submit(browser, {"id_login": "fernwalker", "id_password": "not the password"}, "Sign in")
    problems += _problems(browser, "sign in with errors")
    sign_in_as(browser, live_server, member)
    browser.get(f"{live_server.url}/accounts/password/change/")
    _submit(
        browser,
        {"id_oldpassword": "wrong", "id_password1": "short", "id_password2": "short"},
        "Change password",
    )
    problems += _problems(browser, "change password with errors")
    browser.get(f"{live_server.url}/members/me/delete/")
    _submit(browser, {"id_posts_1": "", "id_confirm": "delete"}, "Delete my account")
    problems += _problems(browser, "delete with errors")

    assert problems == []
