"""Flashcards as a phone shows them: headless Chromium at 360 px, in day and night mode.

Each card is laid out as Anki lays it out (the note type's CSS in the page,
``class="card card1"`` on the body, ``nightMode night_mode`` added at night).
Text colours are read back from the browser and their contrast computed here
with WCAG 2.x's formula; the layout must keep a margin at the screen edge and
wrap long source URLs instead of scrolling sideways.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from export_common import CHROMIUM, launch_chromium  # noqa: E402

from helpers.exports import flashcards  # noqa: E402

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 740}
MARGIN_PX = 8


def relative_luminance(rgb: tuple[float, float, float]) -> float:
    def channel(value: float) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    high, low = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_contrast_formula_gives_published_values():
    assert contrast((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert contrast((0x55, 0x55, 0x55), (0x22, 0x22, 0x22)) == pytest.approx(2.1, abs=0.05)  # issue 20's sources
    assert contrast((0x77, 0x77, 0x77), (0x22, 0x22, 0x22)) == pytest.approx(3.6, abs=0.05)  # issue 20's notice
    assert contrast((0x76, 0x76, 0x76), (255, 255, 255)) == pytest.approx(4.54, abs=0.01)


def _rgb(css: str) -> tuple[float, float, float]:
    values = [float(v) for v in re.findall(r"[\d.]+", css)[:3]]
    return values[0], values[1], values[2]


def card_page(card: flashcards.Flashcard, night: bool) -> str:
    """The back of a card, as Anki renders it (front side, answer line, back, sources)."""
    back = flashcards.BACK_TEMPLATE.replace("{{FrontSide}}", card.front).replace("{{Back}}", card.back)
    back = back.replace("{{Sources}}", card.sources)
    classes = "card card1" + (" nightMode night_mode" if night else "")
    return (f"<!doctype html><html><head><meta name='viewport' content='width=device-width'>"
            f"<style>{flashcards.CARD_CSS}</style></head><body class='{classes}'><div id='qa'>{back}</div></body></html>")


@pytest.fixture(scope="module")
def cards() -> list[flashcards.Flashcard]:
    """A side-effect card (context line), and the card whose sources have the longest URL."""
    notes = flashcards.notes()
    longest = max(notes, key=lambda c: max((len(u) for u in re.findall(r'href="([^"]+)"', c.sources)), default=0))
    effect = next(c for c in notes if c.note_id == "side_effect:chemo_hair_loss")
    return [effect, longest]


@pytest.fixture(scope="module")
def page():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"headless Chromium not found at {CHROMIUM}: run 'make test' (it installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        context = browser.new_context(viewport=PHONE)
        context.route("**/*", lambda route: route.abort() if route.request.url.startswith("http") else route.continue_())
        yield context.new_page()
        browser.close()


MEASURE = """() => {
  const bg = getComputedStyle(document.body).backgroundColor;
  const out = [];
  for (const el of document.querySelectorAll('#qa *')) {
    const own = Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const r = el.getBoundingClientRect();
    out.push({tag: el.tagName, cls: el.className, text: el.textContent.trim().slice(0, 40),
              color: getComputedStyle(el).color, left: r.left, right: r.right});
  }
  return {bg, items: out, scroll: document.documentElement.scrollWidth,
          links: Array.from(document.querySelectorAll('a[href^="https://"], a[href^="http://"]')).map(a => a.href)};
}"""


@pytest.mark.parametrize("night", [False, True], ids=["day", "night"])
def test_cards_are_readable_on_a_phone_by_day_and_at_night(page, cards, night):
    for card in cards:
        page.set_content(card_page(card, night))
        found = page.evaluate(MEASURE)
        background = _rgb(found["bg"])
        assert relative_luminance(background) < 0.05 if night else relative_luminance(background) > 0.9
        assert found["items"], card.note_id
        for item in found["items"]:
            ratio = contrast(_rgb(item["color"]), background)
            assert ratio >= 4.5, f"{card.note_id}: {item['tag']}.{item['cls']} '{item['text']}' has contrast {ratio:.2f}:1"
            assert item["left"] >= MARGIN_PX and item["right"] <= PHONE["width"] - MARGIN_PX, (
                f"{card.note_id}: '{item['text']}' reaches the screen edge ({item['left']:.0f}-{item['right']:.0f} px)")
        assert found["scroll"] <= PHONE["width"], f"{card.note_id}: the card scrolls sideways ({found['scroll']} px)"
        urls = re.findall(r'href="([^"]+)"', card.sources)
        assert urls and found["links"] == urls, "every source URL is a link"
