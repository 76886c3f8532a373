"""What a build keeps for the next: what it read of each document file (``invoicepub.readings``)
and its compiled templates. The next build publishes what one without them would, byte by byte,
and reads again, or compiles again, whatever changed."""

from __future__ import annotations

import filecmp
import pickle
from pathlib import Path

import lxml.html
import pytest

from conftest import mkdocs_build, replaced, token

READINGS = Path(".cache/invoices/readings.pickle")
QUICK = {"INVOICES_NO_FILES": "1"}  # the pages are what the readings change; the PDFs follow from the same figures


def build(root: Path, today: str | None = None) -> None:
    result = mkdocs_build(root, "--strict", **({"today": today} if today else {}), **QUICK)
    assert result.returncode == 0, result.stderr


def page(root: Path, number: str, client: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((root / "site" / "i" / token("invoice", client, "1", number) / "index.html").read_bytes())


def same_tree(one: Path, other: Path) -> list[str]:
    """The files that differ between two folders, or stand in one only."""
    compared = filecmp.dircmp(one, other)
    differ = [*compared.left_only, *compared.right_only, *compared.diff_files, *compared.funny_files]
    for name in compared.common_files:
        if not filecmp.cmp(one / name, other / name, shallow=False):
            differ.append(name)
    for name in compared.common_dirs:
        differ += [f"{name}/{path}" for path in same_tree(one / name, other / name)]
    return sorted(set(differ))


def test_a_build_from_kept_readings_publishes_the_same_site(site_copy, tmp_path):
    build(site_copy)
    first = site_copy / "site"
    first.rename(tmp_path / "first")
    kept = (site_copy / READINGS).stat()
    build(site_copy)
    assert same_tree(tmp_path / "first", site_copy / "site") == []
    # Every reading came from the file: nothing was read again, so the file was not written again.
    assert (site_copy / READINGS).stat().st_mtime_ns == kept.st_mtime_ns


def test_an_edited_invoice_is_read_again(site_copy):
    build(site_copy)
    path = site_copy / "invoices" / "2026" / "2026-004.yml"
    path.write_text(replaced(path.read_text(encoding="utf-8"), "unit_price: 45.00", "unit_price: 46.00"), encoding="utf-8")
    build(site_copy)
    cells = [" ".join(cell.text_content().split()) for cell in page(site_copy, "2026-004", "cafe-olivar").xpath("//td")]
    assert "414,00 €" in cells  # 10 h × 46.00 less 10 % (it was 405,00 €)
    assert "405,00 €" not in cells


def test_a_changed_client_has_its_invoices_read_again(site_copy):
    # The client's language is the default of its invoices': read against the old client, the page would stay Spanish.
    build(site_copy)
    assert page(site_copy, "2026-004", "cafe-olivar").get("lang") == "es"
    client = site_copy / "invoices" / "clients" / "cafe-olivar.yml"
    client.write_text(client.read_text(encoding="utf-8") + "language: de\n", encoding="utf-8")
    build(site_copy)
    assert page(site_copy, "2026-004", "cafe-olivar").get("lang") == "de"


def test_a_payment_after_an_earlier_today_is_still_refused(site_copy):
    # 2026-003 was paid on 2026-10-25: a build on the 23rd of November keeps its reading, and a build
    # dated before the payment must refuse the file all the same.
    build(site_copy)
    result = mkdocs_build(site_copy, "--strict", today="2026-10-24", **QUICK)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "invoices/2026/2026-003.yml:23: date: a payment dated 2026-10-25 is after today" in result.stderr


@pytest.mark.parametrize("damage", [b"", b"not a pickle", b"\x80\x05K\x01."])
def test_a_damaged_readings_file_is_set_aside_and_written_again(site_copy, tmp_path, damage):
    build(site_copy)
    site = site_copy / "site"
    site.rename(tmp_path / "first")
    (site_copy / READINGS).write_bytes(damage)
    build(site_copy)
    assert same_tree(tmp_path / "first", site) == []
    with (site_copy / READINGS).open("rb") as stream:
        header, readings = pickle.load(stream), pickle.load(stream)
    assert header[0] == 1 and len(readings) == len(list((site_copy / "invoices" / "2026").glob("*.yml")))


def test_a_changed_template_is_compiled_again(site_copy):
    # Templates are compiled once and kept in .cache/invoices/templates: a kept one whose text changed is not used.
    build(site_copy)
    assert list((site_copy / ".cache" / "invoices" / "templates").glob("*/*.cache"))
    assert not page(site_copy, "2026-004", "cafe-olivar").xpath("//*[@id='changed-template']")
    template = site_copy / "overrides" / "invoice.html"
    text = template.read_text(encoding="utf-8")
    template.write_text(replaced(text, "{% block private_content %}", '{% block private_content %}<p id="changed-template"></p>'), encoding="utf-8")
    build(site_copy)
    assert page(site_copy, "2026-004", "cafe-olivar").xpath("//*[@id='changed-template']")


def test_a_changed_client_has_only_its_own_documents_read_again(site_copy):
    import datetime

    from invoicepub.load import load_ledger
    from invoicepub.readings import DiskReadings

    class Counting(DiskReadings):
        def __init__(self, path: Path) -> None:
            super().__init__(path)
            self.read = []

        def keep(self, path, text, reading):
            self.read.append(path)
            super().keep(path, text, reading)

    today = datetime.date(2026, 11, 23)
    documents = sorted((site_copy / "invoices" / "2026").glob("*.yml"))
    first = Counting(site_copy / READINGS)
    load_ledger(site_copy, today, first)
    assert sorted(first.read) == [path.relative_to(site_copy).as_posix() for path in documents]
    client = site_copy / "invoices" / "clients" / "cafe-olivar.yml"
    client.write_text(client.read_text(encoding="utf-8") + "language: de\n", encoding="utf-8")
    second = Counting(site_copy / READINGS)
    load_ledger(site_copy, today, second)
    olivar = [path.relative_to(site_copy).as_posix() for path in documents if "\nclient: cafe-olivar\n" in path.read_text(encoding="utf-8")]
    assert len(olivar) >= 3 and sorted(second.read) == olivar
    third = Counting(site_copy / READINGS)
    load_ledger(site_copy, today, third)
    assert third.read == []
