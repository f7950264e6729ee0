"""A real browser (headless Chromium) opens the dashboard, applies a filter with the keyboard, drills down
from a bar, and saves screenshots (desktop and a 390px-wide phone) under var/screenshots/."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from tests.reckoning import month

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def full_page_screenshot(driver, path: Path, width: int):
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, min(height, 12000))
    driver.save_screenshot(str(path))


def emulate_phone(driver, width: int = 390, height: int = 844):
    """A phone-sized viewport (a headless window cannot be narrower than 500px)."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": True},
    )


@pytest.fixture
def forum_with_reports(tagged_post, user_factory):
    call_command("loaddata", "study_claims", verbosity=0)
    members = [user_factory(conditions=c) for c in (["fibromyalgia"], ["me/cfs"], ["long covid"], [])]
    body = "We walked to the park. Walking made my legs burn for three days afterwards. Next week I rest."
    start = body.index("Walking made")
    end = body.index("afterwards.") + len("afterwards.")
    evidence = [
        {
            "start": start,
            "end": end,
            "text": body[start:end],
            "outcome": "worsened",
            "intervention": "walking",
        }
    ]
    for i in range(24):
        outcome = ["worsened", "helped", "mixed", "none"][i % 4]
        tagged_post(
            outcome,
            author=members[i % 4],
            interventions=[("walking", outcome), ("strength", ["helped", "worsened"][i % 2])],
            created_at=month(2024, 1 + i % 6, 1 + i),
            body=body if outcome == "worsened" else None,
            evidence=evidence if outcome == "worsened" else None,
            author_outcome=outcome if i % 5 == 0 else "",
        )


def test_a_reader_filters_the_dashboard_drills_down_and_sees_the_evidence(
    live_server, browser, forum_with_reports
):

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.get(f"{live_server.url}/dashboard/")
    assert browser.find_element(By.TAG_NAME, "h1").text == "What members report exercise did to them"

    # the reader chooses an intervention with the keyboard and applies the filter
    select = browser.find_element(By.ID, "id_intervention")
    select.send_keys("Walking")
    browser.find_element(By.CSS_SELECTOR, ".filter-form button[type=submit]").send_keys(Keys.ENTER)
    WebDriverWait(browser, 10).until(lambda d: "intervention=walking" in d.current_url)
    assert browser.find_element(By.ID, "overall-heading").text == "All reports: walking"
    caption = browser.find_element(By.CSS_SELECTOR, "#overall figcaption").text
    assert caption.startswith("Of 24 posts, 25.0%")
    full_page_screenshot(browser, SCREENSHOTS / "dashboard-walking.png", 1280)

    # then clicks the "made worse" bar of the chart
    browser.set_window_size(1280, 1000)
    browser.execute_script("window.scrollTo(0, 0)")
    bar = browser.find_element(By.CSS_SELECTOR, "#overall svg a[href*='outcome=worsened']")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", bar)
    bar.find_element(By.CSS_SELECTOR, "rect").click()
    WebDriverWait(browser, 10).until(lambda d: "/dashboard/posts/" in d.current_url)

    assert browser.find_element(By.TAG_NAME, "h1").text == "Posts reporting that walking made them worse"
    marks = browser.find_elements(By.CSS_SELECTOR, ".drill-list mark.evidence")
    assert len(marks) == 6
    assert marks[0].text == "Walking made my legs burn for three days afterwards."
    assert (
        browser.find_elements(By.CSS_SELECTOR, ".drill-title a")[0]
        .get_attribute("href")
        .startswith(f"{live_server.url}/p/")
    )
    full_page_screenshot(browser, SCREENSHOTS / "dashboard-drill-down.png", 1280)


def test_the_dashboard_fits_a_phone_screen(live_server, browser, forum_with_reports):

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    emulate_phone(browser)
    browser.get(f"{live_server.url}/dashboard/")
    assert browser.execute_script("return window.innerWidth") == 390
    # nothing but the scrollable tables is wider than the screen
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 390
    for svg in browser.find_elements(By.CSS_SELECTOR, "svg.chart"):
        assert svg.size["width"] <= 390
    # the filters are usable: each has a label and is at least 44px tall
    for field in browser.find_elements(
        By.CSS_SELECTOR, ".filter-grid select, .filter-grid input[type=month]"
    ):
        assert field.size["height"] >= 44
    height = browser.execute_script("return document.documentElement.scrollHeight")
    emulate_phone(browser, 390, min(height, 12000))
    browser.save_screenshot(str(SCREENSHOTS / "dashboard-phone.png"))


def test_on_a_phone_each_study_shows_its_claim_and_members_reports_with_the_details_a_tap_away(
    live_server, browser, forum_with_reports
):
    emulate_phone(browser)
    browser.get(f"{live_server.url}/dashboard/details/#studies")
    claim = browser.find_element(By.ID, "claim-mannerkorpi-2010-nordic-walking-fibromyalgia").find_element(
        By.XPATH, ".."
    )
    assert claim.find_element(By.CSS_SELECTOR, ".claim-summary").is_displayed()
    assert "Claimed effect" in claim.find_element(By.CSS_SELECTOR, ".claim-effect").text
    sentence = claim.find_element(By.CSS_SELECTOR, ".claim-members .chart-description")
    assert sentence.is_displayed() and "of 24 posts" in sentence.text.lower()
    # the study's facts and the members' table wait behind a disclosure each, a tap (or Enter) away
    facts = claim.find_element(By.CSS_SELECTOR, ".claim-facts")
    table = claim.find_element(By.CSS_SELECTOR, ".claim-members table")
    assert not facts.is_displayed() and not table.is_displayed()
    about, show_table = claim.find_elements(By.TAG_NAME, "summary")[:2]
    about.send_keys(Keys.ENTER)
    show_table.click()
    assert facts.is_displayed() and table.is_displayed()
    assert "Source" in facts.text
