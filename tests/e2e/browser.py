"""Real Chromium (Debian's /usr/bin/chromium) driven by Playwright; never a downloaded browser."""

import json
import shutil
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

from server.config import PROJECT_ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_SCRIPT = PROJECT_ROOT / "client" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = PROJECT_ROOT / "test-output" / "screenshots"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def chromium_available() -> bool:
    """Debian's Chromium is installed."""
    return Path(CHROMIUM).exists() or shutil.which("chromium") is not None


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core on the page for WCAG 2.1 A and AA; the violations, summarised."""
    page.add_script_tag(path=str(AXE_SCRIPT))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_TAGS,
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot under test-output/screenshots."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def choose(page: Page, label: str, option: str) -> None:
    """Pick an option of a labelled DuBois select."""
    page.get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=option, exact=True).click()


def pretty(value: object) -> str:
    """Readable JSON for assertion messages."""
    return json.dumps(value, indent=2)


# Contrast of every visible text (controls, their labels, headings, cells), computed from the rendered colours (WCAG 2.1
# relative luminance). axe reports text whose background it cannot determine as "incomplete" rather
# than as a violation; this check decides those cases instead of ignoring them.
_CONTRAST_SCRIPT = """
() => {
  const parse = (c) => {
    const m = c.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const [r, g, b, a] = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return [r, g, b, a === undefined ? 1 : a];
  };
  const blend = (top, bottom) => {
    const a = top[3];
    return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a)).concat([1]);
  };
  const background = (el) => {
    const layers = [];
    for (let node = el; node; node = node.parentElement) {
      const c = parse(getComputedStyle(node).backgroundColor);
      if (c && c[3] > 0) {
        layers.push(c);
        if (c[3] >= 1) break;
      }
    }
    let colour = [255, 255, 255, 1];
    for (const layer of layers.reverse()) colour = blend(layer, colour);
    return colour;
  };
  const luminance = (c) => {
    const [r, g, b] = c.slice(0, 3).map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const failures = [];
  for (const el of document.querySelectorAll('body *:not(script):not(style)')) {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (!box.width || !box.height || style.visibility === 'hidden' || style.opacity === '0') continue;
    const ownText = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    const isField = el.matches('input, textarea');
    if (!ownText && !isField) continue;
    if (el.closest('[disabled], [aria-disabled="true"]')) continue;
    const fg = parse(style.color);
    if (!fg) continue;
    const bg = background(el);
    const front = blend(fg, bg);
    const [hi, lo] = [luminance(front), luminance(bg)].sort((x, y) => y - x);
    const ratio = (hi + 0.05) / (lo + 0.05);
    const size = parseFloat(style.fontSize);
    const bold = Number(style.fontWeight) >= 700;
    const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < needed) {
      failures.push({
        element: el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ')[0] : ''),
        text: (el.textContent || el.value || '').trim().slice(0, 40),
        ratio: Math.round(ratio * 100) / 100,
        needed,
      });
    }
  }
  return failures;
}
"""


def contrast_failures(page: Page) -> list[dict[str, Any]]:
    """Visible text (and text fields) whose contrast with its background is below WCAG AA."""
    failures: list[dict[str, Any]] = page.evaluate(_CONTRAST_SCRIPT)
    return failures


def axe_incomplete_contrast(page: Page) -> int:
    """How many nodes axe could not decide for color-contrast (reported, decided by the check above)."""
    page.add_script_tag(path=str(AXE_SCRIPT))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'rule', values: ['color-contrast']}})"
    )
    return sum(len(item["nodes"]) for item in result["incomplete"])
