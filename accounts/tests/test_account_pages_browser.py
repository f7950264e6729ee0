"""Every account page in a real browser (headless Chromium), on a 390px phone and on a desktop: axe-core finds
no accessibility violation, nothing scrolls sideways, and every button is at least 44px tall. The same runs
over the pages that answer a mistake (sign-up, sign-in, change password, delete account). Screenshots go to
var/screenshots/accounts/."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from selenium.webdriver.common.by import By

from accounts.tests.account_pages import account_pages
from tests.service_checks import axe_core_source

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots" / "accounts"
WIDTHS = {"phone": 390, "desktop": 1280}

RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ["violations"]})
  .then(r => done(r.violations.map(v => `${v.id}: ${v.nodes.map(n => n.target.join(" ")).join(", ")}`)))
  .catch(e => done([`axe failed: ${e}`]));
"""
MEASURE = """
return {
  sideways: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - arguments[0],
  short_buttons: [...document.querySelectorAll("main button, main .button")]
    .filter(b => b.getBoundingClientRect().height < 44)
    .map(b => `${b.textContent.trim()}: ${b.getBoundingClientRect().height}px`),
};
"""


@pytest.fixture
def axe_source():
    return axe_core_source()


def _set_width(browser, width: int):
    # A headless window cannot be narrower than 500px: emulate the phone's screen instead.
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {
            "width": width,
            "height": 844 if width < 500 else 1000,
            "deviceScaleFactor": 1,
            "mobile": width < 500,
        },
    )


def _sign_in_as(browser, live_server, user):
    browser.delete_all_cookies()
    if user is None:
        return
    client = Client()
    client.force_login(user)
    browser.get(f"{live_server.url}/favicon.ico")
    browser.add_cookie(
        {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value}
    )


def _problems(browser, axe_source, name: str) -> list[str]:
    """What is wrong with the page now open, at each width; saves a screenshot of each."""
    problems = []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for label, width in WIDTHS.items():
        _set_width(browser, width)
        browser.execute_script(axe_source)
        problems += [f"{name} ({label}): {v}" for v in browser.execute_async_script(RUN_AXE)]
        measured = browser.execute_script(MEASURE, width)
        if measured["sideways"] > 0:
            problems.append(f"{name} ({label}): scrolls sideways by {measured['sideways']}px")
        problems += [f"{name} ({label}): button under 44px: {b}" for b in measured["short_buttons"]]
        browser.save_screenshot(str(SCREENSHOTS / f"{name.replace(' ', '-')}-{label}.png"))
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    return problems


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


def test_every_account_page_passes_axe_on_a_phone_and_a_desktop(
    live_server, browser, user_factory, axe_source
):
    member = user_factory(username="fernwalker", display_name="Fern")
    newcomer = user_factory(username="quietheron", verified_email=False)
    no_password = user_factory(username="pine")
    no_password.set_unusable_password()
    no_password.save(update_fields=["password"])
    who = {"visitor": None, "member": member, "no_password": no_password}
    browser.set_script_timeout(30)

    problems = []
    signed_in_as = "nobody"
    for page in account_pages(member=member, newcomer=newcomer):
        if page.who != signed_in_as:
            _sign_in_as(browser, live_server, who[page.who])
            signed_in_as = page.who
        browser.get(live_server.url + page.url)
        problems += _problems(browser, axe_source, page.name)

    # The pages that answer a mistake, as a member meets them
    _sign_in_as(browser, live_server, None)
    browser.get(f"{live_server.url}/accounts/signup/")
    _submit(
        browser,
        {"id_username": "newmember", "id_email": "new@example.org", "id_password1": "a-long-walk-42"}
        | {"id_password2": "a-long-walk-43"},
        "Sign up",
    )
    problems += _problems(browser, axe_source, "sign up with errors")
    browser.get(f"{live_server.url}/accounts/login/")
    _submit(browser, {"id_login": "fernwalker", "id_password": "not the password"}, "Sign in")
    problems += _problems(browser, axe_source, "sign in with errors")
    _sign_in_as(browser, live_server, member)
    browser.get(f"{live_server.url}/accounts/password/change/")
    _submit(
        browser,
        {"id_oldpassword": "wrong", "id_password1": "short", "id_password2": "short"},
        "Change password",
    )
    problems += _problems(browser, axe_source, "change password with errors")
    browser.get(f"{live_server.url}/members/me/delete/")
    _submit(browser, {"id_posts_1": "", "id_confirm": "delete"}, "Delete my account")
    problems += _problems(browser, axe_source, "delete with errors")

    assert problems == []
