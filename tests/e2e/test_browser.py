"""The web UI in real Chromium against the app started as `make run` starts it."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.browser import axe_violations, choose, pretty, screenshot
from tests.e2e.server_process import running_server

SECTIONS = {
    "welcome": "/",
    "unity-catalog": "/unity-catalog",
    "model-serving": "/model-serving",
    "preferences": "/preferences",
}


def test_unity_catalog_pick_and_page(page: Page) -> None:
    page.goto("/unity-catalog")
    expect(page.get_by_role("combobox", name="Schema")).to_be_disabled()
    choose(page, "Catalog", "main")
    choose(page, "Schema", "samples")
    choose(page, "Table", "orders")
    expect(page).to_have_url(re.compile(r"/unity-catalog/main/samples/orders$"))
    expect(page.get_by_text("rows 1–25 of 5,000")).to_be_visible()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_text("rows 26–50 of 5,000")).to_be_visible()
    choose(page, "Rows per page", "10")
    expect(page.get_by_text("rows 1–10 of 5,000")).to_be_visible()
    page.get_by_role("button", name="Last").click()
    expect(page.get_by_text("Page 500 of 500 · rows 4,991–5,000 of 5,000")).to_be_visible()
    page.get_by_label("Go to page").fill("42")
    page.get_by_role("button", name="Go", exact=True).click()
    expect(page.get_by_text("Page 42 of 500")).to_be_visible()
    page.get_by_role("button", name="Add to favourites").click()
    expect(page.get_by_role("button", name="★ Favourite")).to_be_visible()
    page.goto("/unity-catalog")
    page.get_by_role("group", name="Favourite tables").get_by_role(
        "button", name="main.samples.orders"
    ).click()
    expect(page.get_by_text("rows 1–25 of 5,000")).to_be_visible()


def test_preferences_create_change_delete_and_theme(page: Page) -> None:
    page.goto("/preferences")
    page.get_by_text("Dark", exact=True).click()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    page.reload()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    page.get_by_text("Light", exact=True).click()
    expect(page.locator("html")).to_have_attribute("data-theme", "light")
    editor = page.get_by_label("Value (JSON object)")
    editor.fill("[1, 2]")
    expect(page.get_by_text("The value must be a JSON object")).to_be_visible()
    expect(page.get_by_role("button", name="Save")).to_be_disabled()
    editor.fill('{"mode": "Dark"}')
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved theme.")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    page.get_by_role("button", name="Edit theme").click()
    editor.fill('{"mode": "light"}')
    page.get_by_role("button", name="Save").click()
    expect(page.locator("html")).to_have_attribute("data-theme", "light")
    page.get_by_role("button", name="Delete theme").click()
    page.get_by_role("dialog").get_by_role("button", name="Delete").click()
    expect(page.get_by_text("Deleted theme.")).to_be_visible()
    expect(page.get_by_role("button", name="Delete theme")).to_have_count(0)


def test_model_serving_valid_and_invalid_input(page: Page) -> None:
    invocations: list[str] = []
    page.on("request", lambda r: invocations.append(r.url) if "/invoke" in r.url else None)
    page.goto("/model-serving")
    choose(page, "Endpoint", "taxi-fare-regressor (READY)")
    editor = page.get_by_label("Input (JSON)")
    expect(editor).to_contain_text("trip_distance")
    page.get_by_role("button", name="Invoke").click()
    expect(page.get_by_label("Predictions")).to_be_visible(timeout=20_000)
    expect(page.get_by_text("request id")).to_be_visible()
    assert len(invocations) == 1
    editor.fill('{"trip_distance": 2.5, "pickup_hour": 9}')
    expect(page.get_by_text("missing required field 'trip_duration_minutes'")).to_be_visible()
    expect(page.get_by_role("button", name="Invoke")).to_be_disabled()
    page.get_by_role("button", name="Show example").click()
    page.get_by_label("Timeout (seconds)").fill("0")
    expect(page.get_by_text("Timeout must be a whole number from 1 to 300.").first).to_be_visible()
    expect(page.get_by_role("button", name="Invoke")).to_be_disabled()
    assert len(invocations) == 1, "an invalid input must not be sent"
    choose(page, "Endpoint", "churn-scorer (UPDATING)")
    expect(page.get_by_text("it can be invoked once READY")).to_be_visible()
    expect(page.get_by_role("button", name="Invoke")).to_be_disabled()


def test_keyboard_only_flows_with_visible_focus(page: Page) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", name="Welcome")).to_be_visible()
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Unity Catalog":
            break
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", ""), "focused link has no visible focus indicator"
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/unity-catalog$"))
    expect(page.get_by_role("heading", name="Unity Catalog")).to_be_visible()
    catalog = page.get_by_role("combobox", name="Catalog")
    for _ in range(15):
        page.keyboard.press("Tab")
        if catalog.evaluate("el => el === document.activeElement"):
            break
    assert catalog.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.get_by_role("combobox", name="Schema")).to_be_enabled()
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(page.get_by_role("option").first).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("option")).to_have_count(0)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_accessibility_and_screenshots(page: Page, theme: str) -> None:
    if theme == "dark":
        page.request.post(
            "/api/preferences",
            data={"preference_key": "theme", "preference_value": {"mode": "dark"}},
        )
    report = {}
    for name, path in SECTIONS.items():
        page.goto(path)
        page.wait_for_load_state("networkidle")
        expect(page.locator("html")).to_have_attribute("data-theme", theme)
        if name == "unity-catalog":
            choose(page, "Catalog", "main")
            choose(page, "Schema", "samples")
            choose(page, "Table", "customers")
            expect(page.get_by_text("rows 1–25 of 500")).to_be_visible()
        if name == "model-serving":
            choose(page, "Endpoint", "ticket-classifier (READY)")
            page.get_by_role("button", name="Invoke").click()
            expect(page.get_by_label("Predictions")).to_be_visible(timeout=20_000)
        screenshot(page, f"{name}-{theme}")
        report[name] = axe_violations(page)
    assert all(not v for v in report.values()), pretty(report)


def test_axe_scan_reports_real_violations(page: Page) -> None:
    page.goto("/")
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<input id=unlabelled>')")
    assert any(v["id"] == "label" for v in axe_violations(page))


def test_back_and_reload_keep_the_section(page: Page) -> None:
    page.goto("/")
    page.get_by_role("link", name="Model Serving").click()
    expect(page.get_by_role("heading", name="Model Serving", level=1)).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", name="Model Serving", level=1)).to_be_visible()
    page.go_back()
    expect(page.get_by_role("heading", name="Welcome", level=1)).to_be_visible()


def test_errors_show_message_and_request_id(page: Page) -> None:
    page.request.post(
        "/api/preferences",
        data={
            "preference_key": "favorite_tables",
            "preference_value": {"tables": ["main.hr.salaries"]},
        },
    )
    page.goto("/unity-catalog")
    page.get_by_role("group", name="Favourite tables").get_by_role(
        "button", name="main.hr.salaries"
    ).click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("You don't have access to this table.")
    expect(alert).to_contain_text(
        "SELECT on the table, USE SCHEMA on main.hr and USE CATALOG on main"
    )
    expect(alert).to_contain_text("Ask the table's owner or a workspace admin")
    expect(alert).to_contain_text("CATALOG_PERMISSION_DENIED")
    expect(alert).to_contain_text("request id")
    expect(page.get_by_role("combobox", name="Table")).to_contain_text("salaries (no access)")
    expect(page.get_by_role("navigation", name="Pages")).to_have_count(0)
    expect(page.get_by_role("button", name="Retry")).to_have_count(0)


def test_no_endpoint_explains_how_to_configure_one(browser: Browser, tmp_path: Path) -> None:
    config = tmp_path / "serving_endpoints.json"
    config.write_text('{"endpoints": []}')
    with running_server({"SERVING_CONFIG_FILE": str(config)}) as url:
        context = browser.new_context(base_url=url)
        page = context.new_page()
        page.goto("/model-serving")
        expect(page.get_by_text("No serving endpoint is configured.")).to_be_visible()
        expect(page.get_by_text("config/serving_endpoints.json")).to_be_visible()
        context.close()
