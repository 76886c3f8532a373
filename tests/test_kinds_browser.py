"""Estimates, credit notes and the statement of account in Debian's Chromium (SPEC §3, §8):
on a phone nothing scrolls sideways, an item's details are folded on screen and printed
unfolded, and the statement prints on its own."""

from __future__ import annotations

import pytest

from test_browser import browser, open_page, save_screenshot, server, token  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser

ESTIMATE = f"i/{token('invoice', 'harbour-finch', '1', 'Q-2026-002')}/"
CREDIT_NOTE = f"i/{token('invoice', 'harbour-finch', '1', 'R-2026-001')}/"
CLIENT = f"c/{token('client', 'harbour-finch', '1')}/"


@pytest.mark.parametrize("path, name", [(ESTIMATE, "estimate"), (CREDIT_NOTE, "credit-note"), (CLIENT, "client-statement")])
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


def test_the_statement_prints_on_its_own(open_page):
    page = open_page(CLIENT)
    page.evaluate("document.body.classList.add('invoice-printing-statement')")  # what its button does
    page.emulate_media(media="print")
    assert page.locator(".invoice-statement").is_visible()
    for other in ("#invoices-heading", "#estimates-heading", "#credit-notes-heading", ".invoice-support"):
        assert not page.locator(other).first.is_visible(), other
    assert page.locator("[data-closing]").inner_text() == "€7,836.80"
