"""The bank-change notice (SPEC §13) as a client sees it: at 375 px, in print, in reading order."""

from __future__ import annotations

import pypdfium2
import pytest

from conftest import SECRET, TODAY, mkdocs_build
from test_bank_history import NEW_IBAN, OLD_IBAN, change, repository
from browsing import launched, served
from invoicepub.site import load_site
import datetime

pytestmark = pytest.mark.browser
EXPECTED = (
    "Nuestros datos bancarios cambiaron el 1 de noviembre de 2026. "
    "Confírmelos con nosotros por teléfono en el +34 960 000 124 antes de pagar."
)


@pytest.fixture(scope="module")
def changed_site(tmp_path_factory):
    root = repository(tmp_path_factory.mktemp("bank"))
    change(root, OLD_IBAN, NEW_IBAN, "2026-11-01T09:30:00+01:00")
    result = mkdocs_build(root, "--strict")
    assert result.returncode == 0, result.stderr
    entry = load_site(root, secret=SECRET, today=datetime.date.fromisoformat(TODAY)).entry("2026-004")
    with served(root / "site") as url:
        yield url + entry.path


def test_the_notice_is_read_before_the_ways_to_pay_and_fits_a_phone_and_paper(changed_site):
    with launched() as browser:
        page = browser.new_page(viewport={"width": 375, "height": 800})
        page.goto(changed_site, wait_until="networkidle")
        notice = page.locator("[data-bank-notice]")
        assert notice.inner_text().strip() == EXPECTED and notice.is_visible()
        box = notice.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375  # nothing cut at 375 px
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        # Reading order: the pay block's heading, the notice, then the first way to pay.
        order = page.evaluate(
            """() => {
                const [h, n, w] = ['#pay-heading', '[data-bank-notice]', '.invoice-pay__way'].map(s => document.querySelector(s));
                return [h.compareDocumentPosition(n) & Node.DOCUMENT_POSITION_FOLLOWING, n.compareDocumentPosition(w) & Node.DOCUMENT_POSITION_FOLLOWING];
            }"""
        )
        assert all(order)
        # Its text is the page's language only, and it is not hidden from assistive technology.
        assert page.evaluate("document.querySelector('[data-bank-notice]').closest('[aria-hidden=true]') === null")
        page.emulate_media(media="print")
        printed = pypdfium2.PdfDocument(page.pdf(format="A4", print_background=True))
        text = " ".join(" ".join(printed[i].get_textpage().get_text_range() for i in range(len(printed))).split())
        assert EXPECTED in text and text.index(EXPECTED) < text.index("Transferencia bancaria")
