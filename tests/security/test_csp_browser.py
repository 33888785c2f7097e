"""A Content-Security-Policy on every HTML page, checked in a real headless Chromium: /api/docs/ and /api/redoc/
render their operations from local assets (drf-spectacular-sidecar), and no page logs a CSP violation.

Needs Debian's `chromium` and `chromium-driver` (`apt-get install -y chromium chromium-driver`); skipped without."""

import pytest
from django.conf import settings

from tests import factories
from tests.browser import needs_chromium, start_chromium

pytestmark = [
    needs_chromium,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def browser(tmp_path):
    """Headless Chromium with its console log kept, offline but for the live server on loopback."""
    driver = start_chromium(tmp_path / "chromium-profile")
    try:
        yield driver
    finally:
        driver.quit()


def console_errors(driver) -> list[str]:
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] in ("SEVERE", "WARNING")]


def csp_violations(driver) -> list[str]:
    return [message for message in console_errors(driver) if "Content Security Policy" in message]


def login(driver, live_server, user) -> None:
    from django.test import Client

    client = Client()
    client.force_login(user)
    driver.get(f"{live_server.url}/admin/login/")
    driver.add_cookie(
        {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value}
    )


def test_swagger_ui_renders_the_operations_from_local_assets_without_a_violation(browser, live_server):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(f"{live_server.url}/api/docs/")
    WebDriverWait(browser, 30).until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ".opblock")))
    paths = {element.text for element in browser.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")}
    assert {"/api/costs/", "/api/runs/", "/api/forecast/"} <= paths, paths
    # Every script and stylesheet came from this origin: nothing from a CDN.
    sources = browser.execute_script(
        "return [...document.scripts].map(s => s.src).concat([...document.querySelectorAll('link')].map(l => l.href))"
    )
    assert sources
    assert all(source.startswith(live_server.url) for source in sources), sources
    assert csp_violations(browser) == []
    assert console_errors(browser) == []


def test_redoc_renders_the_operations_from_local_assets_without_a_violation(browser, live_server):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(f"{live_server.url}/api/redoc/")
    WebDriverWait(browser, 30).until(lambda driver: "Cost per period and group" in driver.page_source)
    # ReDoc styled its page: its styled-components' <style> elements, admitted by the page's nonce, took effect.
    assert browser.execute_script("return document.querySelectorAll('style[data-styled]').length") > 0
    assert browser.find_element(By.CSS_SELECTOR, "h1").text.startswith("costmonitor API")
    sources = browser.execute_script("return [...document.scripts].map(s => s.src).filter(Boolean)")
    assert all(source.startswith(live_server.url) for source in sources), sources
    # ReDoc's "powered by" logo comes from its CDN: refused, the image hides itself (its onError), no request made.
    violations = [message for message in csp_violations(browser) if "cdn.redoc.ly/redoc/logo-mini.svg" not in message]
    assert violations == [], "\n".join(violations)


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/collection/collectionrun/",
        "/admin/collection/collectionrun/1/change/",
        "/admin/django_celery_beat/periodictask/",
        "/admin/django_celery_beat/periodictask/add/",
        "/admin/api/apitoken/add/",
        "/api/costs?format=api",
        "/api/",
    ],
)
def test_admin_and_browsable_api_pages_log_no_violation(browser, live_server, staff_user, path):
    factories.CollectionRunFactory()
    login(browser, live_server, staff_user)
    from selenium.webdriver.common.by import By

    browser.get(f"{live_server.url}{path}")
    shown = ".response-info" if path.startswith("/api/") else "#content"  # the answer, the admin's page
    assert browser.find_element(By.CSS_SELECTOR, shown).text
    assert csp_violations(browser) == []


def test_the_admin_login_page_logs_no_violation(browser, live_server):
    browser.get(f"{live_server.url}/admin/login/")
    assert browser.find_element("name", "username")
    assert csp_violations(browser) == []


def test_an_inline_script_is_refused(browser, live_server, settings):
    """The probe works: a page that runs inline script logs the violation the tests above look for."""
    browser.get(f"{live_server.url}/admin/login/")
    browser.execute_script("document.body.insertAdjacentHTML('beforeend', '<img src=x onerror=\"alert(1)\">')")
    browser.execute_script(
        "const s = document.createElement('script'); s.textContent = 'window.ran = 1'; document.body.append(s)"
    )
    assert browser.execute_script("return window.ran") is None
    assert csp_violations(browser)


def test_the_periodic_task_form_runs_its_script_from_a_file(browser, live_server, staff_user):
    from django_celery_beat.models import CrontabSchedule
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    crontab = CrontabSchedule.objects.create(minute="30", hour="4")
    login(browser, live_server, staff_user)
    browser.get(f"{live_server.url}/admin/django_celery_beat/periodictask/add/")
    Select(browser.find_element(By.ID, "id_crontab")).select_by_value(str(crontab.pk))
    help_text = browser.find_element(By.CSS_SELECTOR, ".field-crontab .help").text
    assert "Translation:" in help_text
    assert csp_violations(browser) == []
