"""The overview in a real headless Chromium: logged in through the admin form, its charts drawn from the figures
that /api/costs answers for the same window under a strict Content-Security-Policy, no console error, and a
screenshot kept for CI."""

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from overview.templatetags.overview import percent
from tests import factories
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


def log_in(browser, url: str) -> None:
    """Open `url`, which sends to the admin's login form, log in as staff, and wait for the overview's charts."""
    browser.get(url)
    browser.find_element(By.ID, "id_username").send_keys("staff")
    browser.find_element(By.ID, "id_password").send_keys("s3cret-pass!")
    browser.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
    WebDriverWait(browser, 20).until(expected_conditions.presence_of_element_located((By.ID, "trend-chart-USD")))
    assert browser.current_url == url


def test_overview_draws_the_api_figures(live_server, strict_csp, browser, committed_history):
    window = f"start={committed_history['start']}&end={committed_history['today']}"
    log_in(browser, f"{live_server.url}/?{window}")
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


def test_budgets_and_commitments_show_what_the_api_answers(live_server, strict_csp, browser, committed_history):
    factories.BudgetFactory(name="Production", limit=Decimal(100), actual=Decimal("120.5"), forecast=Decimal(240))
    factories.BudgetFactory(name="Storage", limit=Decimal(5000), actual=Decimal(40), forecast=Decimal(80))
    factories.CommitmentRatioFactory(ratio=Decimal("0.875"))
    factories.CommitmentFactory(commitment_id="400000001", ends_at=timezone.now() + dt.timedelta(days=12))
    log_in(browser, f"{live_server.url}/")
    browser.get_log("browser")
    browser.refresh()

    budgets = browser.execute_async_script(FETCH_API, "/api/budgets")
    rows = browser.find_elements(By.CSS_SELECTOR, "#aws-budgets tr[data-budget]")
    assert (
        [row.get_attribute("data-budget") for row in rows] == [b["name"] for b in budgets] == ["Production", "Storage"]
    )
    assert all(row.is_displayed() for row in rows)
    # The budget forecast over its limit stands out in the warning colour; the other does not.
    colours = [row.find_element(By.TAG_NAME, "td").value_of_css_property("color") for row in rows]
    assert colours[0] != colours[1]
    assert rows[0].text.endswith("240.0 % forecast over its limit")

    commitments = browser.execute_async_script(FETCH_API, "/api/commitments?expiring_within_days=30")
    share = browser.find_element(By.CSS_SELECTOR, '[data-figure="commitment-savings_plans-utilization"]')
    assert share.is_displayed()
    assert share.text == "87.5 %" == percent(Decimal(commitments["latest"][0]["ratio"]))
    expiring = browser.find_elements(By.CSS_SELECTOR, '#commitments [data-figure="expiring"]')
    assert [cell.text for cell in expiring] == [c["id"] for c in commitments["commitments"]] == ["400000001"]
    assert [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"] == []
