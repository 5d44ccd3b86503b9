"""The SQL editor page in real Chromium: write, run, see rows and a chart, save, reopen; axe."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import axe_violations, choose, pretty, screenshot

STATEMENT = "SELECT status, count(*) AS n FROM main.samples.orders GROUP BY status ORDER BY status"


def run_with_keyboard(tab: Page, statement: str) -> None:
    tab.get_by_label("SQL statement").focus()
    tab.keyboard.press("Control+A")
    tab.keyboard.type(statement)
    tab.keyboard.press("Control+Enter")


def test_write_run_chart_save_reload_and_reopen(page: Page) -> None:
    page.goto("/sql")
    run_with_keyboard(page, STATEMENT)
    expect(page.get_by_text("SUCCEEDED · 4 rows")).to_be_visible(timeout=20_000)
    table = page.get_by_role("table", name="Statement result rows")
    expect(table.get_by_text("DELIVERED")).to_be_visible()
    expect(table.get_by_role("columnheader", name="status")).to_be_visible()
    expect(page.locator("figure svg").first).to_be_visible()
    choose(page, "Chart type", "line")
    expect(page.get_by_text("line chart of n by status")).to_be_visible()
    page.get_by_label("Name").fill("orders by status")
    page.get_by_role("button", name="Save query").click()
    expect(page.get_by_role("button", name="Open orders by status")).to_be_visible()
    page.reload()
    page.get_by_label("SQL statement").fill("SELECT 1")
    page.get_by_role("button", name="Open orders by status").click()
    expect(page.get_by_label("SQL statement")).to_have_value(STATEMENT)


def test_a_refused_statement_shows_its_error(page: Page) -> None:
    page.goto("/sql")
    run_with_keyboard(page, "DROP TABLE main.samples.orders")
    expect(page.get_by_text("Only read statements are allowed", exact=False)).to_be_visible()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_sql_page_is_axe_clean(page: Page, theme: str) -> None:
    if theme == "dark":
        page.request.post(
            "/api/preferences",
            data={"preference_key": "theme", "preference_value": {"mode": "dark"}},
        )
    page.goto("/sql")
    expect(page.locator("html")).to_have_attribute("data-theme", theme)
    run_with_keyboard(page, STATEMENT)
    expect(page.get_by_text("SUCCEEDED · 4 rows")).to_be_visible(timeout=20_000)
    screenshot(page, f"sql-{theme}")
    violations = axe_violations(page)
    assert not violations, pretty(violations)


def test_a_wide_result_scrolls_by_keyboard_at_phone_width(page: Page) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/sql")
    run_with_keyboard(page, "SELECT * FROM main.samples.orders ORDER BY order_id LIMIT 5")
    expect(page.get_by_text("SUCCEEDED · 5 rows")).to_be_visible(timeout=20_000)
    rows = page.get_by_role("region", name="Statement result rows")
    assert rows.evaluate("el => el.scrollWidth > el.clientWidth"), "the result should scroll here"
    rows.focus()
    page.keyboard.press("ArrowRight")
    expect(rows).not_to_have_js_property("scrollLeft", 0)
    violations = axe_violations(page)
    assert not violations, pretty(violations)
