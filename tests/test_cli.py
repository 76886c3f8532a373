"""The ``invoices`` command, run as a subprocess on copies of the real sample site."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
from pathlib import Path

import pytest

from conftest import SECRET, TODAY, run_invoices, write_files
from invoicepub.numbering import next_number


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in (root / "invoices").rglob("*") if p.is_file()}


def token(*parts: str) -> str:
    return hmac.new(SECRET.encode(), "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()[:32]


@pytest.mark.parametrize("command", [[], ["check"], ["links"], ["new"], ["pay"], ["status"]])
def test_every_command_has_help(site_copy, command):
    result = run_invoices(site_copy, *command, "--help")
    assert result.returncode == 0
    assert "usage: invoices" in result.stdout


def test_check_summarises_a_valid_site(site_copy):
    result = run_invoices(site_copy, "check")
    assert result.returncode == 0
    assert result.stdout.strip() == "ok: 10 invoices (1 draft), 6 clients, 7 open"


def test_check_reports_every_problem_and_exits_1(site_copy):
    write_files(site_copy, {"invoices/2026/bad.yml": 'number: "2026-001"\nclient: nobody\nissued: 2026-13-01\nitems: []\n'})
    before = snapshot(site_copy)
    result = run_invoices(site_copy, "check")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert "invoices/2026/bad.yml:1: duplicate invoice number '2026-001': also in invoices/2026/2026-001.yml:2" in lines
    assert "invoices/2026/bad.yml:2: unknown client 'nobody': no file invoices/clients/nobody.yml" in lines
    assert "invoices/2026/bad.yml:3: issued: expected a date as YYYY-MM-DD, got '2026-13-01'" in lines
    assert "invoices/2026/bad.yml:4: an invoice needs at least one entry under 'items'" in lines
    assert snapshot(site_copy) == before


def test_outside_a_site_root_is_a_clear_error(tmp_path):
    result = run_invoices(tmp_path, "check")
    assert result.returncode == 1
    assert result.stderr.startswith("invoices: error: no mkdocs.yml in")


def test_links_lists_every_client_and_published_invoice(site_copy):
    result = run_invoices(site_copy, "links", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    base = "https://example.github.io/invoices/"
    expected = [
        {"client": "alpenblick", "invoice": None, "url": f"{base}c/{token('client', 'alpenblick', '1')}/"},
        {"client": "alpenblick", "invoice": "2026-007", "url": f"{base}i/{token('invoice', 'alpenblick', '1', '2026-007')}/"},
        {"client": "cafe-olivar", "invoice": None, "url": f"{base}c/{token('client', 'cafe-olivar', '1')}/"},
        {"client": "cafe-olivar", "invoice": "2026-002", "url": f"{base}i/{token('invoice', 'cafe-olivar', '1', '2026-002')}/"},
        {"client": "cafe-olivar", "invoice": "2026-004", "url": f"{base}i/{token('invoice', 'cafe-olivar', '1', '2026-004')}/"},
        {"client": "chai-works", "invoice": None, "url": f"{base}c/{token('client', 'chai-works', '1')}/"},
        {"client": "chai-works", "invoice": "2026-009", "url": f"{base}i/{token('invoice', 'chai-works', '1', '2026-009')}/"},
        {"client": "harbour-finch", "invoice": None, "url": f"{base}c/{token('client', 'harbour-finch', '1')}/"},
    ] + [
        {"client": "harbour-finch", "invoice": n, "url": f"{base}i/{token('invoice', 'harbour-finch', '1', n)}/"}
        for n in ("2026-001", "2026-003", "2026-005")
    ] + [
        {"client": "sabia-cafe", "invoice": None, "url": f"{base}c/{token('client', 'sabia-cafe', '1')}/"},
        {"client": "sabia-cafe", "invoice": "2026-010", "url": f"{base}i/{token('invoice', 'sabia-cafe', '1', '2026-010')}/"},
        {"client": "vltava-studio", "invoice": None, "url": f"{base}c/{token('client', 'vltava-studio', '1')}/"},
        {"client": "vltava-studio", "invoice": "2026-008", "url": f"{base}i/{token('invoice', 'vltava-studio', '1', '2026-008')}/"},
    ]
    assert rows == expected  # the draft 2026-006 is not listed
    table = run_invoices(site_copy, "links").stdout
    assert "2026-006" not in table and expected[3]["url"] in table


def test_links_read_mkdocs_yml_with_python_tags(site_copy):
    config = site_copy / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + "  - pymdownx.emoji:\n      emoji_index: !!python/name:material.extensions.emoji.twemoji\n",
        encoding="utf-8",
    )
    rows = json.loads(run_invoices(site_copy, "links", "--json").stdout)
    assert rows[0]["url"].startswith("https://example.github.io/invoices/c/")


def test_links_without_secret_warn_that_they_are_previews(site_copy):
    result = run_invoices(site_copy, "links", secret=None)
    assert result.returncode == 0
    assert "INVOICES_SECRET is not set" in result.stderr


def test_new_writes_the_next_draft_for_the_client(site_copy):
    result = run_invoices(site_copy, "new", "cafe-olivar")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "invoices/2026/2026-011.yml"  # after 2026-010
    text = (site_copy / "invoices/2026/2026-011.yml").read_text(encoding="utf-8")
    assert 'number: "2026-011"' in text
    assert "client: cafe-olivar" in text
    assert f"issued: {TODAY}" in text
    assert "due: 2026-12-23" in text  # 2026-11-23 + 30 days
    assert "currency: EUR" in text and "status: draft" in text
    assert run_invoices(site_copy, "check").returncode == 0  # still a valid site


def test_new_refuses_unknown_client_and_taken_number(site_copy):
    before = snapshot(site_copy)
    unknown = run_invoices(site_copy, "new", "nobody")
    assert unknown.returncode == 1 and unknown.stderr.startswith("invoices: error: unknown client 'nobody'")
    taken = run_invoices(site_copy, "new", "cafe-olivar", "--number", "2026-004")
    assert taken.returncode == 1 and "invoice number '2026-004' already exists" in taken.stderr
    assert snapshot(site_copy) == before


@pytest.mark.parametrize(
    "existing, expected",
    [
        ([("2026-013", "2026-10-01"), ("2026-012", "2026-09-01")], "2026-014"),
        ([("A-2026-101", "2026-10-01"), ("A-2026-100", "2026-09-01")], "A-2026-102"),
        ([("2025-041", "2025-12-20")], "2026-001"),  # a new year starts a new sequence
        ([("A-2025-101", "2025-12-20"), ("A-2026-003", "2026-01-10")], "A-2026-004"),
        ([("INV-0099", "2025-12-20")], "INV-0100"),  # no year in the number: the sequence goes on
        ([], "2026-001"),
    ],
)
def test_next_number_follows_the_pattern(existing, expected):
    pairs = [(number, datetime.date.fromisoformat(day)) for number, day in existing]
    assert next_number(pairs, datetime.date(2026, 11, 23)) == expected


def test_pay_appends_only_the_payment(site_copy):
    path = site_copy / "invoices/2026/2026-003.yml"
    before = path.read_text(encoding="utf-8")
    result = run_invoices(site_copy, "pay", "2026-003", "200.5", "--date", "2026-11-21", "--method", "card", "--reference", "CH-1")
    assert result.returncode == 0, result.stderr
    # 1916.50 − 200.50 = 1716.00
    assert "balance now 1716.00 EUR" in result.stdout
    after = path.read_text(encoding="utf-8")
    assert after == before + "  - date: 2026-11-21\n    amount: 200.5\n    method: card\n    reference: CH-1\n"


COMMENTED = """\
# Invoice for the spring campaign.   (header comment)

number: "2026-020"     # quoted on purpose
client: harbour-finch

issued: 2026-11-02
items:
    # items indented by four
    -   description: Campaign   # inline comment
        unit_price: 500.00

payments:
    -   date: 2026-11-03   # deposit
        amount: 100.00
        method: "bank transfer"

# notes: maybe later
# trailing comment, last line
"""


def test_pay_on_a_file_full_of_comments_changes_nothing_else(site_copy):
    write_files(site_copy, {"invoices/2026/campaign.yml": COMMENTED})
    result = run_invoices(site_copy, "pay", "2026-020", "50.00", "--date", "2026-11-22", "--method", "cash: at the office")
    assert result.returncode == 0, result.stderr
    after = (site_copy / "invoices/2026/campaign.yml").read_text(encoding="utf-8")
    lines = COMMENTED.splitlines(keepends=True)
    at = lines.index('        method: "bank transfer"\n') + 1
    added = ["    -   date: 2026-11-22\n", "        amount: 50.00\n", '        method: "cash: at the office"\n']
    assert after == "".join(lines[:at] + added + lines[at:])
    assert "balance now 350.00 EUR" in result.stdout  # 500.00 − 100.00 − 50.00


def test_pay_adds_a_payments_list_when_there_is_none(site_copy):
    path = site_copy / "invoices/2026/2026-004.yml"
    before = path.read_text(encoding="utf-8")
    result = run_invoices(site_copy, "pay", "2026-004", "45.75", "--date", "2026-11-23")
    assert result.returncode == 0, result.stderr
    assert path.read_text(encoding="utf-8") == before + "payments:\n  - date: 2026-11-23\n    amount: 45.75\n"
    assert "balance now 1000.00 EUR (partially paid)" in result.stdout  # 1045.75 − 45.75


@pytest.mark.parametrize(
    "args, message",
    [
        (["2026-099", "10"], "unknown invoice number '2026-099'"),
        (["2026-003", "0"], "amount must be greater than zero"),
        (["2026-003", "-5"], "amount must be greater than zero"),
        (["2026-003", "ten"], "amount 'ten' is not a number"),
        (["2026-003", "10.001"], "has more decimals than EUR allows (2)"),
        (["2026-005", "10"], "invoice 2026-005 is void"),
        (["2026-006", "10"], "invoice 2026-006 is draft"),
        (["2026-003", "10", "--date", "yesterday"], "--date 'yesterday' is not a date"),
    ],
)
def test_pay_refuses_bad_input_and_changes_nothing(site_copy, args, message):
    before = snapshot(site_copy)
    result = run_invoices(site_copy, "pay", *args)
    assert result.returncode == 1
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert snapshot(site_copy) == before


def test_pay_warns_when_it_would_overpay(site_copy):
    result = run_invoices(site_copy, "pay", "2026-002", "1000.00")
    assert result.returncode == 0
    assert "more than the balance of 975.20 EUR" in result.stderr  # overpaid by 24.80
    assert "24.80 EUR more" in result.stderr
    assert "balance now -24.80 EUR (paid)" in result.stdout


def test_status_lists_open_invoices_most_urgent_first(site_copy):
    result = run_invoices(site_copy, "status")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    rows = [line.split()[0] for line in lines[1:8]]
    # overdue 53 days; then by due date: 2 Dec, 10 Dec, 12 Dec, 14 Dec, 16 Dec, 20 Dec
    assert rows == ["2026-002", "2026-004", "2026-007", "2026-008", "2026-009", "2026-010", "2026-003"]
    assert "53" in lines[1].split()
    for hidden in ("2026-001", "2026-005", "2026-006"):
        assert hidden not in result.stdout
    # 975.20 + 1045.75 + 1916.50 = 3937.45 outstanding; 975.20 overdue
    assert "total EUR: 3937.45 outstanding, 975.20 overdue" in lines
    # CHF 2 × 1450.00 + 180 × 6.40 = 4052.00; CZK 3 × 8500 + 2400 = 27900.00
    assert "total CHF: 4052.00 outstanding, 0.00 overdue" in lines
    assert "total CZK: 27900.00 outstanding, 0.00 overdue" in lines
    assert "\033[" not in result.stdout  # plain text when piped


def test_status_uses_colour_on_a_terminal(site_copy):
    import os
    import pty
    import subprocess
    import sys

    from conftest import environment

    main, secondary = pty.openpty()
    env = environment(TERM="xterm")
    env.pop("NO_COLOR", None)
    subprocess.run([sys.executable, "-m", "invoicepub.cli", "status"], cwd=site_copy, env=env, stdout=secondary, timeout=60)
    os.close(secondary)
    output = os.read(main, 65536).decode()
    os.close(main)
    overdue_line = next(line for line in output.splitlines() if "2026-002" in line)
    assert overdue_line.startswith("\033[31m")  # overdue in red
