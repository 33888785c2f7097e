"""The overview in a real headless Chromium: logged in through the admin form, its charts drawn from the figures
that /api/costs answers for the same window under a strict Content-Security-Policy, no console error, and a
screenshot kept for CI."""

import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from tests.browser import needs_chromium, start_chromium
from tests.overview.conftest import seed_history

pytest.importorskip("selenium.webdriver", reason="selenium is not installed (requirements/test.txt)")
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = [pytest.mark.integration, needs_chromium]


def screenshot_path() -> Path:
    """Where CI keeps the screenshot: $CI_ARTIFACTS when set, else artifacts/ in the checkout (gitignored)."""
    folder = Path(os.environ.get("CI_ARTIFACTS") or settings.BASE_DIR / "artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "overview.png"


@pytest.fixture
def browser(tmp_path):
    driver = start_chromium(tmp_path / "chromium-profile")
    yield driver
    driver.quit()


# The policy the security hardening sets: nothing inline, nothing from elsewhere. A violation is a console error.
STRICT_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'"


@pytest.fixture
def strict_csp(live_server):
    """Every answer of the live server carries STRICT_CSP during the test: its WSGI application (which its request
    handler reads per request) is wrapped, then restored."""
    server = live_server.thread.httpd
    application = server.get_app()

    def with_policy(environ, start_response):
        def start(status, headers, exc_info=None):
            return start_response(status, [*headers, ("Content-Security-Policy", STRICT_CSP)], exc_info)

        return application(environ, start)

    server.set_app(with_policy)
    yield STRICT_CSP
    server.set_app(application)


@pytest.fixture
def committed_history(transactional_db, django_user_model, settings):
    """The overview's history committed, so the live server's thread reads it; cookies over plain HTTP."""
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    django_user_model.objects.create_user(username="staff", password="s3cret-pass!", is_staff=True)
    return seed_history()


FETCH_API = """
const done = arguments[arguments.length - 1];
fetch(arguments[0], {credentials: "same-origin", headers: {Accept: "application/json"}})
  .then((response) => response.json()).then((body) => done(body.data), (error) => done({error: String(error)}));
"""

CHART_DATA = """
const chart = Chart.getChart(document.getElementById(arguments[0]));
return chart && {
  labels: chart.data.labels,
  datasets: chart.data.datasets.map((set) => ({label: set.label, data: set.data})),
  bars: chart.getDatasetMeta(0).data.length,
};
"""


def test_overview_draws_the_api_figures(live_server, strict_csp, browser, committed_history):
    window = f"start={committed_history['start']}&end={committed_history['today']}"
    browser.get(f"{live_server.url}/?{window}")
    browser.find_element(By.ID, "id_username").send_keys("staff")
    browser.find_element(By.ID, "id_password").send_keys("s3cret-pass!")
    browser.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
    WebDriverWait(browser, 20).until(expected_conditions.presence_of_element_located((By.ID, "trend-chart-USD")))
    assert browser.current_url == f"{live_server.url}/?{window}"
    # Console errors of the overview alone: the log is cleared by reading it, then the page is loaded afresh.
    browser.get_log("browser")
    browser.refresh()

    chart = WebDriverWait(browser, 20).until(lambda driver: driver.execute_script(CHART_DATA, "trend-chart-USD"))
    assert chart["bars"] == len(chart["labels"]) == 5
    api = browser.execute_async_script(FETCH_API, f"/api/costs?{window}&group_by=service&page_size=1000")
    expected = {(row["period"], row["service"]): Decimal(row["amount"]) for row in api["rows"]}
    charted = {
        (day, dataset["label"]): Decimal(str(value))
        for dataset in chart["datasets"]
        for day, value in zip(chart["labels"], dataset["data"], strict=True)
        if value is not None
    }
    assert charted == expected
    assert sum(charted.values()) == Decimal(api["totals"]["USD"])
    month = browser.execute_script(CHART_DATA, "month-chart-USD")
    to_date = browser.execute_async_script(FETCH_API, "/api/costs")["totals"]["USD"]
    assert Decimal(str(month["datasets"][0]["data"][0])) == Decimal(to_date)

    # The whole page in one image: the window as tall as the document (plus the browser frame).
    browser.set_window_size(1400, browser.execute_script("return document.documentElement.scrollHeight") + 150)
    assert browser.save_screenshot(str(screenshot_path()))
    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []
