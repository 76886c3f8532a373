"""Recurring invoices (SPEC §8): series under invoices/recurring/, ``invoices recur [--until D]``.

Two quarterly series on day 5 from 1 July 2026, one for an English client, one for a Spanish
one, each 1 × 900.00 at 21 %: total 900.00 + 189.00 = 1089.00. Their periods are the calendar
quarters, issued on the 5th of each quarter's first month: 5 Jul 2026, 5 Oct 2026, 5 Jan 2027.
"""

from __future__ import annotations

import hashlib
import textwrap
from pathlib import Path

import pytest
import yaml

from conftest import check_output, copy_site, mkdocs_build, replaced, run_invoices, write_files

BUSINESS = """
    name: Test Studio
    payment:
      bank_transfer:
        iban: ES67 2085 9252 0903 3006 3402
    """
FILES = {
    "invoices/business.yml": BUSINESS,
    "invoices/clients/acme.yml": "name: Acme Ltd\nlanguage: en\n",
    "invoices/clients/olivar.yml": "name: Café Olivar\nlanguage: es\n",
    # An invoice written by hand before the series: the numbers go on from it.
    "invoices/2026/2026-001.yml": """
        # Written by hand; this comment stays.
        number: "2026-001"
        client: acme
        issued: 2026-06-01
        items:
          - description: Setup
            unit_price: 500.00
        """,
    "invoices/recurring/support-acme.yml": """
        # Support retainer, billed every quarter; this comment stays.
        client: acme
        every: quarter
        day: 5
        start: 2026-07-01
        items:
          - description: "Support retainer, {period}"
            quantity: 1
            unit_price: 900.00
            tax: 21%
        """,
    "invoices/recurring/soporte-olivar.yml": """
        client: olivar
        every: quarter
        day: 5
        start: 2026-07-01
        payment_terms_days: 15
        items:
          - description: "Soporte, {period}"
            unit_price: 900.00
            tax: 21%
            details: "Horas incluidas en {period}: 10"
        notes: "Gracias."
        """,
}


@pytest.fixture
def series_site(tmp_path) -> Path:
    copy_site(tmp_path, with_invoices=False)
    write_files(tmp_path, FILES)
    return tmp_path


def snapshot(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted((root / "invoices").rglob("*.yml"))}


def read(root: Path, name: str) -> dict:
    return yaml.safe_load((root / "invoices" / name).read_text(encoding="utf-8"))


def test_a_quarterly_series_crosses_the_year_with_its_period_in_each_language(series_site):
    # Today 23 Nov 2026: the July and October quarters have come for both series. Among the
    # same issue date the series go by name (soporte-olivar before support-acme), numbered
    # after 2026-001: 2026-002 … 2026-005.
    first = run_invoices(series_site, "recur")
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == [
        "invoices/2026/2026-002.yml",  # soporte-olivar, 3rd quarter, issued 5 Jul
        "invoices/2026/2026-003.yml",  # support-acme, 3rd quarter
        "invoices/2026/2026-004.yml",  # soporte-olivar, 4th quarter, issued 5 Oct
        "invoices/2026/2026-005.yml",  # support-acme, 4th quarter
    ]
    # --until 10 Jan 2027: the January quarter too; a new year starts a new sequence (2027-001).
    later = run_invoices(series_site, "recur", "--until", "2027-01-10")
    assert later.returncode == 0, later.stderr
    assert later.stdout.splitlines() == ["invoices/2027/2027-001.yml", "invoices/2027/2027-002.yml"]

    spanish = [read(series_site, name) for name in ("2026/2026-002.yml", "2026/2026-004.yml", "2027/2027-001.yml")]
    english = [read(series_site, name) for name in ("2026/2026-003.yml", "2026/2026-005.yml", "2027/2027-002.yml")]
    assert [i["items"][0]["description"] for i in spanish] == [
        "Soporte, 3.er trimestre de 2026",
        "Soporte, 4.º trimestre de 2026",
        "Soporte, 1.er trimestre de 2027",
    ]
    assert [i["items"][0]["description"] for i in english] == [
        "Support retainer, 3rd quarter 2026",
        "Support retainer, 4th quarter 2026",
        "Support retainer, 1st quarter 2027",
    ]
    assert spanish[0]["items"][0]["details"] == "Horas incluidas en 3.er trimestre de 2026: 10"
    assert [(i["recurring"], i["period"], str(i["issued"])) for i in spanish] == [
        ("soporte-olivar", "2026-07", "2026-07-05"),
        ("soporte-olivar", "2026-10", "2026-10-05"),
        ("soporte-olivar", "2027-01", "2027-01-05"),
    ]
    # Due: 15 days for the Spanish series (5 Jul + 15 = 20 Jul), the business's 30 for the other (5 Jul + 30 = 4 Aug).
    assert str(spanish[0]["due"]) == "2026-07-20" and str(english[0]["due"]) == "2026-08-04"
    assert english[0]["items"][0]["unit_price"] == 900.00 and english[0]["items"][0]["tax"] == "21%"
    assert spanish[0]["notes"] == "Gracias."

    # Each written invoice is a valid one with the series' figures: 900.00 + 21 % = 1089.00, seven open.
    check = run_invoices(series_site, "check")
    assert check.returncode == 0 and check.stdout.startswith("ok: 7 invoices (0 draft)"), check.stdout
    status = run_invoices(series_site, "status")
    assert "1089.00 EUR" in status.stdout


def test_recur_run_twice_changes_nothing_and_a_renamed_file_is_still_found(series_site):
    assert run_invoices(series_site, "recur", "--until", "2027-01-10").returncode == 0
    before = snapshot(series_site)
    again = run_invoices(series_site, "recur", "--until", "2027-01-10")
    assert again.returncode == 0
    assert again.stdout.strip() == "no recurring invoices to write up to 2027-01-10"
    assert snapshot(series_site) == before
    # The comments of the hand-written invoice and of the series file are as they were.
    assert (series_site / "invoices/2026/2026-001.yml").read_text(encoding="utf-8").startswith("# Written by hand; this comment stays.")
    assert "this comment stays" in (series_site / "invoices/recurring/support-acme.yml").read_text(encoding="utf-8")
    # A series finds its invoices by (recurring, period), not by file name.
    (series_site / "invoices/2026/2026-002.yml").rename(series_site / "invoices/2026/soporte-julio.yml")
    assert run_invoices(series_site, "recur", "--until", "2027-01-10").stdout.startswith("no recurring invoices")


def test_before_the_first_issue_date_and_after_the_end_nothing_is_written(series_site):
    write_files(series_site, {"invoices/recurring/support-acme.yml": FILES["invoices/recurring/support-acme.yml"].rstrip(" ") + "        end: 2026-09-30\n"})
    # Until 4 Jul nothing has come; until 10 Jan 2027 the ended series writes only its July quarter.
    assert run_invoices(series_site, "recur", "--until", "2026-07-04").stdout.startswith("no recurring invoices")
    written = run_invoices(series_site, "recur", "--until", "2027-01-10").stdout.splitlines()
    assert [read(series_site, name.removeprefix("invoices/"))["recurring"] for name in written].count("support-acme") == 1


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ("day: 5", "day: 31", "invoices/recurring/support-acme.yml:4: day: must be between 1 and 28 (a day every month has), got 31"),
        ("every: quarter", "every: week", "invoices/recurring/support-acme.yml:3: every: expected one of month, quarter, year, got 'week'"),
        ("client: acme", "client: nobody", "invoices/recurring/support-acme.yml:2: unknown client 'nobody': no file invoices/clients/nobody.yml"),
        ("start: 2026-07-01", "start: 2026-07-01\nend: 2026-01-01", "invoices/recurring/support-acme.yml:6: end 2026-01-01 is before start 2026-07-01"),
        ("    quantity: 1", "    quantiy: 1", "invoices/recurring/support-acme.yml:8: unknown field 'quantiy' in an item (did you mean 'quantity'?)"),
    ],
)
def test_a_bad_series_is_an_error_at_its_line_and_nothing_is_written(series_site, old, new, expected):
    path = series_site / "invoices/recurring/support-acme.yml"
    path.write_text(replaced(path.read_text(encoding="utf-8"), old, new), encoding="utf-8")
    before = snapshot(series_site)
    result = run_invoices(series_site, "recur", "--until", "2027-01-10")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert expected in result.stdout.splitlines(), result.stdout
    assert expected in check_output(series_site)
    assert snapshot(series_site) == before


def test_recur_refuses_a_bad_date(series_site):
    result = run_invoices(series_site, "recur", "--until", "next week")
    assert result.returncode == 1
    assert result.stderr.strip() == "invoices: error: --until 'next week' is not a date as YYYY-MM-DD"


def test_the_series_file_is_no_invoice_and_the_site_builds(series_site):
    assert run_invoices(series_site, "recur").returncode == 0
    result = mkdocs_build(series_site, "--strict")
    assert result.returncode == 0, result.stderr
    # The series itself is published nowhere: only the invoices it wrote are.
    assert "{period}" not in "".join(p.read_text(encoding="utf-8") for p in (series_site / "site").rglob("*.html"))


def test_the_sample_series_has_written_its_november_invoice():
    from conftest import REPO

    sample = textwrap.dedent((REPO / "invoices/2026/2026-013.yml").read_text(encoding="utf-8"))
    assert "recurring: hosting-olivar" in sample and 'period: "2026-11"' in sample
    assert "Alojamiento y mantenimiento web — noviembre de 2026" in sample
