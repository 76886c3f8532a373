"""Estimates, credit notes and the statement of account in Debian's Chromium (SPEC §3, §8):
on a phone nothing scrolls sideways, an item's details are folded on screen and printed
unfolded, and a year's statement prints as one clean A4 page."""

from __future__ import annotations

import pytest

from browsing import browser, save_screenshot  # noqa: F401  (browser: a fixture)
from conftest import token
from test_browser import open_page, server  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser

ESTIMATE = f"i/{token('invoice', 'harbour-finch', '1', 'Q-2026-002')}/"
CREDIT_NOTE = f"i/{token('invoice', 'harbour-finch', '1', 'R-2026-001')}/"
CLIENT = f"c/{token('client', 'harbour-finch', '1')}/"
STATEMENT = CLIENT + "2026/"


@pytest.mark.parametrize("path, name", [(ESTIMATE, "estimate"), (CREDIT_NOTE, "credit-note"), (CLIENT, "client"), (STATEMENT, "statement")])
def test_each_kind_fits_a_phone(open_page, path, name):
    page = open_page(path, width=375, height=800)
    save_screenshot(page, f"{name}-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_details_are_folded_on_screen_and_unfolded_on_paper(open_page):
    page = open_page(ESTIMATE)
    first = page.locator(".invoice-item-details").first
    detail_text = first.locator("li").first
    assert not detail_text.is_visible()  # folded: only "Details" shows
    first.locator("summary").click()
    assert detail_text.is_visible()
    first.locator("summary").click()
    page.emulate_media(media="print")
    assert detail_text.is_visible()  # on paper, without anyone opening it
    assert not first.locator("summary").is_visible()


def test_the_statement_of_the_year_prints_as_one_a4_page(open_page):
    import io

    import pikepdf

    page = open_page(STATEMENT)
    page.emulate_media(media="print")
    save_screenshot(page, "statement-print")
    assert not page.locator(".invoice-statement__back").is_visible()  # the way back is for the screen
    assert page.locator("[data-opening]").inner_text() == "€0.00"
    assert page.locator("[data-closing]").inner_text() == "€7,836.80"
    # The balances it opens and closes on are the bold rows; a movement is not.
    bold = lambda selector: page.locator(selector).first.evaluate("e => getComputedStyle(e).fontWeight")  # noqa: E731
    assert bold(".invoice-statement__closing td") == bold(".invoice-statement__opening td") == "700"
    assert bold("[data-movement] td.num") == "400"
    # Nine movements and the two balances fit one A4 page, inside its width.
    document = pikepdf.open(io.BytesIO(page.pdf(format="A4", print_background=True)))
    assert len(document.pages) == 1
    width_mm = float(document.pages[0].mediabox[2]) * 25.4 / 72
    assert round(width_mm) == 210
    table = page.locator(".invoice-statement__table").bounding_box()
    assert table["x"] >= 0 and table["x"] + table["width"] <= page.evaluate("document.documentElement.clientWidth")
