"""What the browser tests share: signing a member in to headless Chromium, emulating a phone's screen, and
checking the page now open (axe-core, sideways scrolling, the size of what a finger must hit), with a
screenshot of it at each width.

axe-core runs its default rules plus `target-size` (WCAG 2.2 AA: 24 px), which axe ships switched off."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.test import Client
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.wait import WebDriverWait

from tests.service_checks import axe_core_source

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
WIDTHS = {"phone": 390, "desktop": 1280}

RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ["violations"], rules: {"target-size": {enabled: true}}})
  .then(r => done(r.violations.map(v => `${v.id}: ${v.nodes.map(n => n.target.join(" ")).join(", ")}`)))
  .catch(e => done([`axe failed: ${e}`]));
"""

# Primary buttons (the forum's .button) are 44 px tall, as the account pages' are; every other form control in
# the page's main part at least 24 px each way (links are left to axe-core's target-size rule, which knows
# WCAG's exceptions for links in running text and for small targets with room around them).
MEASURE = """
const width = arguments[0];
const size = e => e.getBoundingClientRect();
const shown = e => size(e).width > 0 && size(e).height > 0 && getComputedStyle(e).visibility !== "hidden";
const name = e => (e.textContent || e.value || e.getAttribute("aria-label") || e.name || e.tagName).trim()
  .replace(/\\s+/g, " ").slice(0, 40);
const controls = [...document.querySelectorAll(
  "main button, main .button, main select, main summary, main textarea, main input:not([type=hidden])"
)].filter(shown);
return {
  sideways: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - width,
  short_buttons: [...document.querySelectorAll(
    "main .button:not(.small), main button[type=submit]:not(.small, .link-button, .reaction-button)"
  )].filter(shown).filter(b => size(b).height < 44)
    .map(b => `${name(b)}: ${Math.round(size(b).height)}px tall`),
  small_targets: controls
    .filter(c => size(c).height < 24 || size(c).width < 24)
    .map(c => `${name(c)}: ${Math.round(size(c).width)}x${Math.round(size(c).height)}px`),
  cut_off: controls.filter(c => size(c).right > width + 1 || size(c).left < -1)
    .map(c => `${name(c)} reaches ${Math.round(size(c).left)}..${Math.round(size(c).right)}px`),
};
"""


def sign_in_as(browser, live_server, user) -> None:
    """Sign `user` in (or everyone out, for None) by giving the browser a session cookie."""
    browser.delete_all_cookies()
    if user is None:
        return
    client = Client()
    client.force_login(user)
    browser.get(f"{live_server.url}/favicon.ico")  # a page on the site, to set its cookie on
    browser.add_cookie(
        {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value}
    )


def set_width(browser, width: int, *, height: int | None = None) -> None:
    # A headless window cannot be narrower than 500px: emulate the phone's screen instead.
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {
            "width": width,
            "height": height or (844 if width < 500 else 1000),
            "deviceScaleFactor": 1,
            "mobile": width < 500,
        },
    )


def axe_violations(browser) -> list[str]:
    """axe-core's violations on the page now open, one line each: "rule: selector, selector"."""
    browser.set_script_timeout(30)
    browser.execute_script(axe_core_source())
    return browser.execute_async_script(RUN_AXE)


def page_problems(browser, name: str, *, folder: str, open_details: bool = True) -> list[str]:
    """What is wrong with the page now open, at a phone's width and a desktop's: axe-core's violations,
    sideways scrolling, controls cut off or too small to hit. Saves a screenshot of each under
    var/screenshots/<folder>/. With open_details, every <details> is opened first, so what it holds is
    checked too."""
    problems = []
    shots = SCREENSHOTS / folder
    shots.mkdir(parents=True, exist_ok=True)
    if open_details:
        browser.execute_script("document.querySelectorAll('details').forEach(d => d.open = true)")
    for label, width in WIDTHS.items():
        set_width(browser, width)
        problems += [f"{name} ({label}): {v}" for v in axe_violations(browser)]
        measured = browser.execute_script(MEASURE, width)
        if measured["sideways"] > 0:
            problems.append(f"{name} ({label}): scrolls sideways by {measured['sideways']}px")
        for kind in ("short_buttons", "small_targets", "cut_off"):
            problems += [f"{name} ({label}): {kind.replace('_', ' ')}: {item}" for item in measured[kind]]
        # the whole page, not only the first screen, so that a person can look it over
        whole = browser.execute_script("return document.documentElement.scrollHeight")
        set_width(browser, width, height=min(whole, 8000))
        browser.save_screenshot(str(shots / f"{name.replace(' ', '-')}-{label}.png"))
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    return problems


def _gone(element):
    # Chromium answers either "stale element" or, mid-navigation, "node does not belong to the document".
    def check(_driver) -> bool:
        try:
            element.is_enabled()
        except WebDriverException:
            return True
        return False

    return check


def press(browser, element) -> None:
    """Press Enter on a link or button, and wait until the next page has loaded."""
    page = browser.find_element("tag name", "html")
    element.send_keys(Keys.ENTER)
    WebDriverWait(browser, 30).until(_gone(page))
    WebDriverWait(browser, 30).until(lambda d: d.execute_script("return document.readyState") == "complete")


def reachable_by_keyboard(browser, element, *, most_tabs: int = 200) -> bool:
    """Whether pressing Tab from the top of the page reaches `element`."""
    browser.execute_script("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)")
    body = browser.find_element("tag name", "body")
    body.send_keys(Keys.TAB)
    for _ in range(most_tabs):
        focused = browser.switch_to.active_element
        if focused == element:
            return True
        focused.send_keys(Keys.TAB)
    return False
