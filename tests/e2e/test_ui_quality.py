"""Defects a user sees at once, in real Chromium: races, URL state, contrast, phone width, failures."""

import json
import re

import pytest
from playwright.sync_api import Page, Route, expect

from tests.e2e.browser import axe_incomplete_contrast, choose, contrast_failures, pretty, screenshot

# Slows the browser's fetch of any request whose URL or body mentions `marker`, by `ms`.
SLOW_FETCH = """
([marker, ms]) => {
  const original = window.fetch;
  window.fetch = async (input, init) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const body = request.method === 'GET' ? '' : await request.clone().text();
    if (request.url.includes(marker) || body.includes(marker)) await new Promise((r) => setTimeout(r, ms));
    return original(request);
  };
}
"""


def slow_down(page: Page, marker: str, ms: int) -> None:
    """Every later page load delays the requests that mention `marker`."""
    page.add_init_script(f"({SLOW_FETCH})({json.dumps([marker, ms])})")


def test_slow_first_table_never_replaces_the_second(page: Page) -> None:
    slow_down(page, '"table":"products"', 1500)
    page.goto("/unity-catalog/main/samples/products")
    choose(page, "Table", "customers")
    expect(page.get_by_text("rows 1–25 of 500")).to_be_visible()
    page.wait_for_timeout(2000)  # the slow products page has answered by now
    expect(page.get_by_role("heading", name="main.samples.customers")).to_be_visible()
    grid = page.get_by_role("table", name="Rows of main.samples.customers")
    expect(grid.get_by_role("columnheader", name=re.compile("customer_id"))).to_be_visible()
    expect(page.get_by_role("table", name="Rows of main.samples.products")).to_have_count(0)
    screenshot(page, "race-unity-catalog")


def test_slow_first_endpoint_never_replaces_the_second(page: Page) -> None:
    slow_down(page, "/endpoints/taxi-fare-regressor", 1500)
    page.goto("/model-serving")
    choose(page, "Endpoint", "taxi-fare-regressor (READY)")
    choose(page, "Endpoint", "ticket-classifier (READY)")
    editor = page.get_by_label("Input (JSON)")
    expect(editor).to_contain_text('"text"', timeout=20_000)  # the first read loads the model
    page.wait_for_timeout(2000)
    expect(editor).to_contain_text('"text"')
    expect(editor).not_to_contain_text("trip_distance")


def test_url_keeps_table_page_sort_and_filter(page: Page) -> None:
    page.goto("/unity-catalog/main/samples/orders?page=3&size=10")
    expect(page.get_by_text("Page 3 of 500 · rows 21–30 of 5,000")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^main\.samples\.orders · Unity Catalog"))
    expect(page.get_by_role("combobox", name="Table")).to_contain_text("orders")
    page.get_by_role("columnheader", name=re.compile("total")).get_by_role("button").click()
    expect(page).to_have_url(re.compile(r"sort=total"))
    expect(page.get_by_role("columnheader", name=re.compile("total"))).to_have_attribute(
        "aria-sort", "ascending"
    )
    status = page.get_by_label("Filter status")
    status.fill("SHIPPED")
    status.press("Enter")
    expect(page.get_by_text("rows 1–10 of 1,250")).to_be_visible()
    expect(page).to_have_url(re.compile(r"f\.status=SHIPPED"))
    page.reload()
    expect(page.get_by_text("rows 1–10 of 1,250")).to_be_visible()
    expect(page.get_by_label("Filter status")).to_have_value("SHIPPED")
    page.go_back()
    expect(page.get_by_text("Page 1 of 500 · rows 1–10 of 5,000")).to_be_visible()
    page.go_back()
    expect(page.get_by_text("Page 3 of 500 · rows 21–30 of 5,000")).to_be_visible()


def test_numbers_are_right_aligned_and_grouped(page: Page) -> None:
    page.set_viewport_size({"width": 1920, "height": 1000})
    page.set_extra_http_headers({"X-Forwarded-Email": "alice@example.com"})  # an analyst reads tpch
    page.goto("/unity-catalog/samples/tpch/lineitem?size=500")
    grid = page.get_by_role("region", name="Rows of samples.tpch.lineitem")
    expect(grid).to_be_visible()
    cell = grid.locator("td.num").first
    assert cell.evaluate("el => getComputedStyle(el).textAlign") == "right"
    expect(page.get_by_text(re.compile(r"of 60,\d{3}$"))).to_be_visible()
    sizes = grid.evaluate(
        "el => [el.scrollWidth, el.clientWidth, el.scrollHeight, el.clientHeight]"
    )
    assert sizes[2] > sizes[3], "500 rows scroll inside the grid, not the page"
    header = grid.locator("thead th").first
    top = header.evaluate("el => el.getBoundingClientRect().top")
    grid.evaluate("el => el.scrollTo(0, 4000)")
    assert header.evaluate("el => el.getBoundingClientRect().top") == pytest.approx(top, abs=1)
    assert grid.locator("tbody tr").count() < 120, "rows off screen are not rendered"
    main_width = page.locator("main").evaluate("el => el.getBoundingClientRect().width")
    assert main_width > 1400, "the content is not capped at 1400 px"
    screenshot(page, "uc-lineitem-1920")


def test_unknown_path_shows_page_not_found(page: Page) -> None:
    page.goto("/does-not-exist")
    expect(page.get_by_role("heading", name="Page not found", level=1)).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Page not found"))
    page.get_by_role("main").get_by_role("link", name="Unity Catalog").click()
    expect(page.get_by_role("heading", name="Unity Catalog", level=1)).to_be_visible()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_contrast_of_every_visible_control(page: Page, theme: str) -> None:
    page.request.post(
        "/api/preferences", data={"preference_key": "theme", "preference_value": {"mode": theme}}
    )
    page.request.post(
        "/api/preferences",
        data={
            "preference_key": "favorite_tables",
            "preference_value": {"tables": ["main.samples.orders", "main.hr.salaries"]},
        },
    )
    report = {}
    undecided = {}
    for path in [
        "/",
        "/preferences",
        "/unity-catalog/main/samples/orders",
        "/unity-catalog/main/hr/salaries",
        "/model-serving",
    ]:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        expect(page.locator("html")).to_have_attribute("data-theme", theme)
        report[path] = contrast_failures(page)
        undecided[path] = axe_incomplete_contrast(page)
    screenshot(page, f"contrast-model-serving-{theme}")
    assert all(not failures for failures in report.values()), pretty(
        {"failures": report, "axe_incomplete": undecided}
    )


def test_phone_width_has_no_sideways_scroll(page: Page) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    for path in [
        "/",
        "/unity-catalog/main/samples/customers",
        "/model-serving",
        "/preferences",
        "/nowhere",
    ]:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} scrolls sideways: {width} px"
    page.goto("/unity-catalog/main/samples/customers")
    expect(page.get_by_role("navigation", name="Sections")).to_be_hidden()
    grid = page.get_by_role("region", name="Rows of main.samples.customers")
    assert grid.evaluate("el => el.scrollWidth > el.clientWidth"), "the grid scrolls inside itself"
    screenshot(page, "narrow-unity-catalog")
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_have_attribute("aria-expanded", "false")
    menu.click()
    page.get_by_role("navigation", name="Sections").get_by_role("link", name="Preferences").click()
    expect(page.get_by_role("heading", name="Preferences", level=1)).to_be_visible()
    expect(page.get_by_role("navigation", name="Sections")).to_be_hidden()


def _unavailable(route: Route) -> None:
    route.fulfill(
        status=503,
        headers={"Retry-After": "2", "X-Request-ID": "req-test-503"},
        json={
            "error_code": "DATABASE_UNAVAILABLE",
            "message": "The database is unavailable. Please retry shortly.",
            "technical_details": {},
            "retry_after": 2,
        },
    )


def test_failed_reads_show_failure_with_retry_after(page: Page) -> None:
    page.route("**/api/preferences", _unavailable)
    page.goto("/preferences")
    alert = page.get_by_role("alert").filter(has_text="The database is unavailable")
    expect(alert).to_contain_text("request id req-test-503")
    expect(page.get_by_text("No preferences yet")).to_have_count(0)
    retry = alert.get_by_role("button", name=re.compile(r"^Retry in \d s$"))
    expect(retry).to_be_disabled()
    screenshot(page, "failed-preferences")
    page.unroute("**/api/preferences")
    expect(alert.get_by_role("button", name="Retry", exact=True)).to_be_enabled(timeout=4000)
    alert.get_by_role("button", name="Retry", exact=True).click()
    expect(page.get_by_text("No preferences yet")).to_be_visible()


def test_failed_history_is_not_empty_history(page: Page) -> None:
    page.route("**/api/model-serving/history*", _unavailable)
    page.goto("/model-serving")
    expect(page.get_by_role("alert").filter(has_text="The database is unavailable")).to_be_visible()
    expect(page.get_by_text("No invocations yet")).to_have_count(0)


def test_failed_next_page_keeps_the_view_and_offers_retry(page: Page) -> None:
    page.goto("/unity-catalog/main/samples/orders")
    expect(page.get_by_text("rows 1–25 of 5,000")).to_be_visible()
    page.route("**/api/unity-catalog/query", _unavailable)
    page.get_by_role("button", name="Next").click()
    alert = page.get_by_role("alert").filter(has_text="The database is unavailable")
    expect(alert).to_be_visible()
    page.unroute("**/api/unity-catalog/query")
    alert.get_by_role("button", name="Retry", exact=True).click(timeout=5000)
    expect(page.get_by_text("Page 2 of 200 · rows 26–50 of 5,000")).to_be_visible()


def test_scripts_and_styles_arrive_precompressed(page: Page) -> None:
    codings: dict[str, str | None] = {}
    page.on(
        "response",
        lambda r: (
            codings.update({r.url: r.headers.get("content-encoding")})
            if "/assets/" in r.url
            else None
        ),
    )
    page.goto("/")
    expect(page.get_by_role("heading", name="Welcome", level=1)).to_be_visible()
    assert any("vendor" in url for url in codings), pretty(codings)
    plain = {url for url, coding in codings.items() if coding not in ("br", "gzip")}
    # Only files under 1 KB are left uncompressed (client/scripts/compress.mjs).
    assert all(len(page.request.get(url).body()) < 1024 for url in plain), pretty(codings)
