"""Render time of a Unity Catalog page in real Chromium: 500 rows against 25 rows.

The API answer is served from memory (captured once), so the figure is the browser's work: from
clicking Next to the new page on screen. The grid virtualises rows, so 500 rows should cost about
what 25 do. Needs the built client (`make client`) and Debian's Chromium."""

import statistics

from playwright.sync_api import Page, Route, sync_playwright

from benchmarks.stats import Report
from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS, chromium_available
from tests.e2e.server_process import running_server

ROUNDS = 12
TABLE = "/unity-catalog/samples/nyctaxi/trips"
# Clicks Next and resolves with the milliseconds until page 2 is painted.
MEASURE = """
async () => {
  const next = [...document.querySelectorAll('button')].find((b) => b.textContent === 'Next');
  const started = performance.now();
  next.click();
  await new Promise((resolve) => {
    const check = () => (document.body.innerText.includes('Page 2 of') ? resolve() : requestAnimationFrame(check));
    check();
  });
  await new Promise((resolve) => requestAnimationFrame(() => resolve()));
  return performance.now() - started;
}
"""


def _cached_answers(page: Page) -> None:
    """Answer each page request from memory after its first real answer."""
    cache: dict[str, bytes] = {}

    def handle(route: Route) -> None:
        key = route.request.post_data or ""
        if key not in cache:
            cache[key] = route.fetch().body()
        route.fulfill(status=200, content_type="application/json", body=cache[key])

    page.route("**/api/unity-catalog/query", handle)


def _median_render_ms(page: Page, size: int) -> float:
    timings = []
    for round_ in range(ROUNDS + 1):
        page.goto(f"{TABLE}?size={size}")
        page.get_by_text("Page 1 of").wait_for()
        elapsed = float(page.evaluate(MEASURE))
        if round_:  # the first round fills the answer cache
            timings.append(elapsed)
    return statistics.median(timings)


def run(report: Report) -> None:
    """The median render time of a 25-row and a 500-row page, and their ratio."""
    if not chromium_available():
        print("\ngrid render: skipped (no Chromium; apt-get install chromium)")
        return
    with running_server() as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(base_url=url, viewport={"width": 1280, "height": 900})
        _cached_answers(page)
        small = _median_render_ms(page, 25)
        large = _median_render_ms(page, 500)
        browser.close()
    detail = {"rounds": ROUNDS, "25 rows ms": round(small, 2), "500 rows ms": round(large, 2)}
    report.add(
        "grid: Next to painted page, 500 rows / 25 rows", large / small, "x", "", None, detail
    )
