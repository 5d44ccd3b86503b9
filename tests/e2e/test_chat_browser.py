"""The Chat section in real Chromium: a streamed conversation by keyboard only, stop, the
conversation kept across navigation, and axe in both themes."""

import pytest
from playwright.sync_api import Page, Route, expect

from tests.e2e.browser import axe_violations, pretty


def _tab_to(page: Page, selector: str, limit: int = 30) -> None:
    target = page.locator(selector)
    for _ in range(limit):
        if target.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} is not reachable by Tab")


def _pick_endpoint_by_keyboard(page: Page) -> None:
    _tab_to(page, "#chat-endpoint")
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.get_by_role("combobox", name="Chat endpoint")).to_contain_text("docs-assistant")


def test_a_conversation_streams_in_by_keyboard(page: Page) -> None:
    page.goto("/chat")
    expect(page.get_by_role("heading", name="Chat", level=1)).to_be_visible()
    _pick_endpoint_by_keyboard(page)
    _tab_to(page, "#chat-message")
    page.keyboard.type("How does the app get a Lakebase token?")
    page.keyboard.press("Enter")
    log = page.get_by_role("log", name="Conversation")
    expect(log).to_contain_text("How does the app get a Lakebase token?")
    expect(log).to_contain_text("From ", timeout=20_000)
    expect(page.get_by_role("button", name="Send")).to_be_disabled()  # empty draft
    page.get_by_role("link", name="Welcome").click()
    page.get_by_role("link", name="Chat").click()
    expect(page.get_by_role("log", name="Conversation")).to_contain_text("From ")


def test_stop_cancels_the_answer(page: Page) -> None:
    held: list[Route] = []
    page.route("**/api/model-serving/chat", lambda route: held.append(route))
    page.goto("/chat")
    _pick_endpoint_by_keyboard(page)
    page.get_by_label("Your message").fill("Tell me about grants")
    page.get_by_role("button", name="Send").click()
    stop = page.get_by_role("button", name="Stop")
    expect(stop).to_be_enabled()
    stop.focus()
    page.keyboard.press("Enter")
    expect(stop).to_be_disabled()
    expect(page.get_by_role("alert")).to_have_count(0)
    assert len(held) == 1


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_chat_is_axe_clean(page: Page, theme: str) -> None:
    page.request.post(
        "/api/preferences",
        data={"preference_key": "theme", "preference_value": {"mode": theme}},
    )
    page.set_viewport_size({"width": 1280, "height": 420})  # the answer overflows the log
    page.goto("/chat")
    expect(page.locator("html")).to_have_attribute("data-theme", theme)
    _pick_endpoint_by_keyboard(page)
    page.get_by_label("Your message").fill("Where are the local grants?")
    page.get_by_role("button", name="Send").click()
    log = page.get_by_role("log", name="Conversation")
    expect(log).to_contain_text("From ", timeout=20_000)
    expect(log).to_have_attribute("aria-busy", "false")
    assert log.evaluate("el => el.scrollHeight > el.clientHeight"), "the log should scroll here"
    violations = axe_violations(page)
    assert not violations, pretty(violations)
