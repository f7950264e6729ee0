"""Every page carries a strict Content-Security-Policy and a Permissions-Policy, and still works under them.

The policy allows only the site's own files: no inline script or style, no plugins, no <base>, forms
posting only to the site, and no framing. The browser tests load the main pages in headless Chromium,
use the drafts script, and read the console for violations.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.reckoning import month
from tests.service_checks import headless_chromium

STRICT_DIRECTIVES = {
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
}
TURNED_OFF_FEATURES = ("camera", "microphone", "geolocation", "payment", "usb", "browsing-topics")


def directives(header: str) -> set[str]:
    return {part.strip() for part in header.split(";") if part.strip()}


def features(header: str) -> dict[str, str]:
    return dict(part.strip().split("=", 1) for part in header.split(","))


# The headers, with Django's test client


@pytest.fixture
def pages(thread, tagged_post):
    tagged_post("helped", interventions=[("walking", "helped")], created_at=month(2024, 3))
    return {
        "home": reverse("forum:index"),
        "thread": thread.get_absolute_url(),
        "dashboard": "/dashboard/",
        "login": reverse("account_login"),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["home", "thread", "dashboard", "login"])
def test_each_page_carries_the_strict_content_security_policy(client, pages, page):
    # When a reader opens the page
    response = client.get(pages[page])
    # then the response allows only the site's own scripts, styles and images, and nothing inline
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert policy == STRICT_DIRECTIVES
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "Content-Security-Policy-Report-Only" not in response


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["home", "thread", "dashboard", "login"])
def test_each_page_turns_off_the_browser_features_the_forum_never_uses(client, pages, page):
    response = client.get(pages[page])
    policy = features(response["Permissions-Policy"])
    for feature in TURNED_OFF_FEATURES:
        assert policy[feature] == "()", feature


@pytest.mark.django_db
def test_a_signed_in_members_editor_page_carries_both_headers(client, member, category):
    client.force_login(member)
    response = client.get(reverse("forum:thread_create", args=[category.slug]))
    assert response.status_code == 200
    assert directives(response["Content-Security-Policy"]) == STRICT_DIRECTIVES
    assert features(response["Permissions-Policy"])["camera"] == "()"


@pytest.mark.django_db
def test_the_drafts_endpoint_and_error_pages_carry_the_policy_too(client, member):
    client.force_login(member)
    draft = client.post(reverse("forum:draft_save"), {"key": "category:nowhere", "body": "x"})
    missing = client.get("/no-such-page/")
    for response in (draft, missing):
        assert directives(response["Content-Security-Policy"]) == STRICT_DIRECTIVES


INLINE_CODE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> block"),
    (re.compile(r"\sstyle\s*=", re.I), "style= attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "on*= event handler"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_no_template_has_inline_script_or_style_that_the_policy_would_block():
    # Given every template of our own
    templates = sorted((Path(settings.BASE_DIR) / "templates").rglob("*.html"))
    assert templates
    # then none holds code or styling that style-src/script-src 'self' would refuse
    found = [
        f"{path.relative_to(settings.BASE_DIR)}: {what}"
        for path in templates
        for pattern, what in INLINE_CODE
        if pattern.search(path.read_text())
    ]
    assert found == []


# The pages in a real browser


@pytest.fixture
def logging_browser():
    """Headless Chromium that keeps the console log and records every CSP violation event on each page."""
    driver = headless_chromium(console_log=True)
    # Injected by the browser itself, so the policy under test does not apply to this listener.
    driver.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument",
        {
            "source": "window.__cspViolations = [];"
            "document.addEventListener('securitypolicyviolation', function (e) {"
            "  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);"
            "});"
        },
    )
    try:
        yield driver
    finally:
        driver.quit()


def complaints(driver) -> list[str]:
    """What the browser complained about since the last call: every console error, any message about the
    CSP or the Permissions-Policy, and every CSP violation event on the current page."""
    policy = re.compile(r"Content.Security.Policy|Permissions.Policy|Unrecognized feature", re.I)
    console = [
        entry["message"]
        for entry in driver.get_log("browser")
        if entry["level"] == "SEVERE" or policy.search(entry["message"])
    ]
    return console + driver.execute_script("return window.__cspViolations || []")


@pytest.fixture
def forum_to_browse(thread, post_factory, member, tagged_post):
    reply = post_factory(thread=thread, body="Pacing helped **me** more than the programme did.")
    own_post = post_factory(thread=thread, author=member, body="My own earlier post.")
    for i, outcome in enumerate(["helped", "worsened", "mixed", "worsened"]):
        tagged_post(outcome, interventions=[("walking", outcome)], created_at=month(2024, 1 + i))
    return {"thread": thread, "reply": reply, "own_post": own_post}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_main_pages_load_under_the_policy_without_a_single_violation(
    live_server, logging_browser, forum_to_browse, category
):
    from selenium.webdriver.common.by import By

    driver = logging_browser
    thread = forum_to_browse["thread"]
    pages = {
        "home": reverse("forum:index"),
        "category": category.get_absolute_url(),
        "thread": thread.get_absolute_url(),
        "search": reverse("forum:search") + "?q=pacing",
        "dashboard": "/dashboard/",
        "dashboard drill-down": "/dashboard/posts/?outcome=worsened",
        "sign in": reverse("account_login"),
        "join": reverse("account_signup"),
    }
    for name, path in pages.items():
        # When a reader opens the page
        driver.get(live_server.url + path)
        # then it has rendered with its stylesheet, and the browser refused nothing
        assert driver.find_element(By.TAG_NAME, "h1").text, name
        assert driver.execute_script("return getComputedStyle(document.body).marginTop") == "0px", name
        assert complaints(driver) == [], name

    # The dashboard's charts are inline SVG, drawn under the policy
    driver.get(live_server.url + "/dashboard/")
    assert driver.find_elements(By.CSS_SELECTOR, "svg.chart")
    assert complaints(driver) == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_member_signs_in_and_the_drafts_script_still_works_under_the_policy(
    live_server, logging_browser, forum_to_browse, member, category
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from forum.models import Draft

    driver = logging_browser
    thread = forum_to_browse["thread"]

    # Given a member who signs in through the form (form-action 'self', and the redirect after it)
    driver.get(live_server.url + reverse("account_login"))
    driver.find_element(By.ID, "id_login").send_keys(member.username)
    driver.find_element(By.ID, "id_password").send_keys(member.raw_password)
    driver.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]").click()
    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, 'meta[name="forum-user"]'))
    assert complaints(driver) == []

    # When they type a reply on the thread page
    driver.get(live_server.url + thread.get_absolute_url())
    body = driver.find_element(By.CSS_SELECTOR, "form[data-draft-key] textarea[name=body]")
    body.send_keys("Typed under a strict policy.")
    # then the script counts the characters and saves the draft to the server (fetch, connect-src 'self')
    count = driver.find_element(By.CSS_SELECTOR, ".char-count")
    assert count.text.startswith("28 of ")
    status = driver.find_element(By.CSS_SELECTOR, "[data-draft-status]")
    WebDriverWait(driver, 10).until(lambda d: status.text.startswith("Draft saved at"))
    assert Draft.objects.get(user=member).body == "Typed under a strict policy."
    assert complaints(driver) == []

    # and the other editors and member pages load cleanly as well
    for path in [
        reverse("forum:thread_create", args=[category.slug]),
        reverse("forum:post_reply", args=[forum_to_browse["reply"].pk]),
        reverse("forum:post_edit", args=[forum_to_browse["own_post"].pk]),
        reverse("accounts:profile", args=[member.username]),
        reverse("accounts:settings"),
    ]:
        driver.get(live_server.url + path)
        assert driver.find_element(By.TAG_NAME, "h1").text, path
        assert complaints(driver) == [], path

    # and publishing the reply posts the form and comes back to the thread
    driver.get(live_server.url + thread.get_absolute_url())
    driver.find_element(By.CSS_SELECTOR, "form[data-draft-key] button[type=submit]").click()
    WebDriverWait(driver, 10).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, 'meta[name="forum-published-drafts"]')
    )
    assert "Typed under a strict policy." in driver.find_element(By.ID, "main").text
    assert not Draft.objects.filter(user=member).exists()
    assert complaints(driver) == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_policy_really_blocks_injected_inline_script_and_style(live_server, logging_browser):
    # Given a page of the forum (this also shows that the console check above can see a violation)
    driver = logging_browser
    driver.get(live_server.url + reverse("forum:index"))
    # When something on the page tries to run inline code or add inline style
    driver.execute_script(
        "var s = document.createElement('script'); s.textContent = 'window.injected = true;';"
        "document.head.appendChild(s);"
        "document.querySelector('h1').setAttribute('style', 'color: rgb(255, 0, 0)');"
    )
    # then the browser refuses both, and says so
    assert driver.execute_script("return window.injected === undefined")
    assert driver.execute_script("return getComputedStyle(document.querySelector('h1')).color") != (
        "rgb(255, 0, 0)"
    )
    problems = complaints(driver)
    assert any("script-src" in problem for problem in problems), problems
    assert any("style-src" in problem for problem in problems), problems


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_admin_works_under_the_policy(live_server, logging_browser, admin_user, thread):
    from selenium.webdriver.common.by import By

    # Given a staff member signed in to the admin
    driver = logging_browser
    driver.get(live_server.url + reverse("admin:login"))
    driver.find_element(By.ID, "id_username").send_keys(admin_user.username)
    driver.find_element(By.ID, "id_password").send_keys(admin_user.raw_password)
    driver.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
    assert driver.find_element(By.ID, "site-name")
    # when they open the index, a list and a change form, the browser refuses nothing
    for path in [
        reverse("admin:index"),
        reverse("admin:forum_thread_changelist"),
        reverse("admin:forum_thread_change", args=[thread.pk]),
    ]:
        driver.get(live_server.url + path)
        assert driver.find_element(By.ID, "content"), path
        # (the admin's pages name no icon, so the browser's guess at /favicon.ico is a 404)
        assert [c for c in complaints(driver) if "/favicon.ico" not in c] == [], path
