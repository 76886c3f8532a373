"""The ``invoices`` command, run as a subprocess on copies of the real sample site."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
from pathlib import Path

import pytest

from conftest import TODAY, run_invoices, token, write_files
from invoicepub.numbering import next_number


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in (root / "invoices").rglob("*") if p.is_file()}



@pytest.mark.parametrize("command", [[], ["check"], ["links"], ["new"], ["pay"], ["status"]])
def test_every_command_has_help(site_copy, command):
    result = run_invoices(site_copy, *command, "--help")
    assert result.returncode == 0
    assert "usage: invoices" in result.stdout


def test_check_summarises_a_valid_site(site_copy):
    result = run_invoices(site_copy, "check")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    # 2026-001 … 2026-013 (2026-012 with a payment plan, 2026-013 written by the recurring series),
    # the draft 2026-006 among them; open: 002, 003, 004, 007 … 013.
    assert lines[0] == "ok: 13 invoices (1 draft), 2 estimate(s), 1 credit note(s), 6 clients, 10 open"
    # Then a note (not an error: exit 0) for each published invoice without an e-invoice (SPEC §9):
    # 2026-002, 2026-004 and 2026-013 withhold IRPF, 2026-005 is void; every other one has its XML.
    assert lines[1:] == [
        "note: invoices/2026/2026-002.yml:2: invoice 2026-002 has no e-invoice (XML): it has income tax withheld, which EN 16931 has no place for",
        "note: invoices/2026/2026-004.yml:2: invoice 2026-004 has no e-invoice (XML): it has income tax withheld, which EN 16931 has no place for",
        "note: invoices/2026/2026-005.yml:2: invoice 2026-005 has no e-invoice (XML): it is void",
        "note: invoices/2026/2026-013.yml:2: invoice 2026-013 has no e-invoice (XML): it has income tax withheld, which EN 16931 has no place for",
        # The copy is not a git repository: the bank-change check (SPEC §13) says it could not run.
        "info: invoices/business.yml is not in a git repository: changes of the bank accounts could not be checked",
    ]


def test_check_notes_a_credit_note_without_an_e_invoice(site_copy):
    # The sample's credit note has its XML; the same note withholding IRPF cannot have one.
    note = site_copy / "invoices/2026/R-2026-001.yml"
    note.write_text(note.read_text(encoding="utf-8").replace("discount: 5%", "discount: 5%\nwithholding: 15%"), encoding="utf-8")
    result = run_invoices(site_copy, "check")
    assert result.returncode == 0
    assert (
        "note: invoices/2026/R-2026-001.yml:3: credit note R-2026-001 has no e-invoice (XML): "
        "it has income tax withheld, which EN 16931 has no place for"
    ) in result.stdout.splitlines()


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
        {"client": "cafe-olivar", "invoice": "2026-013", "url": f"{base}i/{token('invoice', 'cafe-olivar', '1', '2026-013')}/"},
        {"client": "chai-works", "invoice": None, "url": f"{base}c/{token('client', 'chai-works', '1')}/"},
        {"client": "chai-works", "invoice": "2026-009", "url": f"{base}i/{token('invoice', 'chai-works', '1', '2026-009')}/"},
        {"client": "harbour-finch", "invoice": None, "url": f"{base}c/{token('client', 'harbour-finch', '1')}/"},
    ] + [
        {"client": "harbour-finch", "invoice": n, "url": f"{base}i/{token('invoice', 'harbour-finch', '1', n)}/"}
        # Every published document, whatever its kind: the estimates and the credit note too.
        for n in ("2026-001", "2026-003", "2026-005", "2026-011", "2026-012", "Q-2026-001", "Q-2026-002", "R-2026-001")
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
    assert result.stdout.strip() == "invoices/2026/2026-014.yml"  # after 2026-013, the recurring series' November invoice
    text = (site_copy / "invoices/2026/2026-014.yml").read_text(encoding="utf-8")
    assert 'number: "2026-014"' in text
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
    # 2916.50 due − 1000.00 paid − 119.70 credited (R-2026-001) = 1796.80; − 200.50 = 1596.30
    assert "1596.30 EUR still to pay (partially paid)" in result.stdout
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
    assert "350.00 EUR still to pay" in result.stdout  # 500.00 − 100.00 − 50.00


def test_pay_adds_a_payments_list_when_there_is_none(site_copy):
    path = site_copy / "invoices/2026/2026-004.yml"
    before = path.read_text(encoding="utf-8")
    result = run_invoices(site_copy, "pay", "2026-004", "45.75", "--date", "2026-11-23")
    assert result.returncode == 0, result.stderr
    assert path.read_text(encoding="utf-8") == before + "payments:\n  - date: 2026-11-23\n    amount: 45.75\n"
    assert "1000.00 EUR still to pay (partially paid)" in result.stdout  # 1045.75 − 45.75


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
    assert "more than was still to pay (975.20 EUR)" in result.stderr  # overpaid by 24.80
    assert "24.80 EUR more" in result.stderr
    assert "paid in full, with a credit of 24.80 EUR in the client's favour" in result.stdout


def test_status_lists_open_invoices_most_urgent_first(site_copy):
    result = run_invoices(site_copy, "status")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    rows = [line.split()[0] for line in lines[1:11]]
    # overdue 53 days; then by due date: 2 Dec, 10 Dec (twice, by number), 12 Dec, 14 Dec,
    # 15 Dec (2026-012's next instalment, not its last on 15 Jan), 16 Dec, 18 Dec, 20 Dec
    assert rows == ["2026-002", "2026-004", "2026-007", "2026-013", "2026-008", "2026-009", "2026-012", "2026-010", "2026-011", "2026-003"]
    assert "53" in lines[1].split()
    assert lines[7].split()[:6] == ["2026-012", "Harbour", "&", "Finch", "Ltd.", "partially"]
    assert "2026-12-15" in lines[7] and lines[7].endswith("3700.00 EUR")  # 6000.00 − 1800.00 − 500.00
    for hidden in ("2026-001", "2026-005", "2026-006"):
        assert hidden not in result.stdout
    # 975.20 (002) + 1045.75 (004) + 63.60 (013: 60.00 + 12.60 IVA − 9.00 IRPF) + 3700.00 (012)
    # + 2340.00 (011) + 1796.80 (003: 1916.50 − 119.70 credited by R-2026-001) = 9921.35; 975.20 overdue
    assert "total EUR: 9921.35 outstanding, 975.20 overdue" in lines
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


# --- secrets, preview keys and absolute links (SPEC §4, §5) -----------------------------


SHORT_SECRET = "x" * 31  # one short of the 32 characters a secret needs


@pytest.mark.parametrize(
    "command",
    [["check"], ["links"], ["new", "cafe-olivar"], ["pay", "2026-003", "10"], ["status"], ["remind"]],
)
def test_a_short_secret_stops_every_command(site_copy, command):
    before = snapshot(site_copy)
    result = run_invoices(site_copy, *command, secret=SHORT_SECRET)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "invoices: error: INVOICES_SECRET has 31 characters; it needs at least 32. "
        'Make one with: python -c "import secrets; print(secrets.token_urlsafe(32))"'
    )
    assert "Traceback" not in result.stderr and snapshot(site_copy) == before


def test_a_short_secret_stops_the_build(site_copy):
    from conftest import mkdocs_build

    result = mkdocs_build(site_copy, secret=SHORT_SECRET)
    assert result.returncode != 0
    assert "INVOICES_SECRET has 31 characters; it needs at least 32" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (site_copy / "site" / "index.html").exists()


def test_preview_links_use_a_random_key_kept_in_the_cache(site_copy, tmp_path):
    from conftest import copy_site, mkdocs_build

    first = json.loads(run_invoices(site_copy, "links", "--json", secret=None).stdout)
    second = json.loads(run_invoices(site_copy, "links", "--json", secret=None).stdout)
    assert first == second  # the key is kept between runs
    key = (site_copy / ".cache/invoices/preview-key").read_text(encoding="ascii").strip()
    assert len(key) >= 32
    assert (site_copy / ".cache/invoices/preview-key").stat().st_mode & 0o077 == 0
    # A local build agrees with `invoices links`: every listed page exists in the built site.
    assert mkdocs_build(site_copy, secret=None).returncode == 0
    for row in first:
        path = row["url"].removeprefix("https://example.github.io/invoices/")
        assert (site_copy / "site" / path / "index.html").is_file(), path
    # Nobody else can work the links out: the old fixed preview key is gone, and a fresh copy gets another key.
    published_with_old_key = hmac.new(b"invoices-local-preview-not-for-publishing", b"client\x1fcafe-olivar\x1f1", hashlib.sha256).hexdigest()[:32]
    assert not any(published_with_old_key in row["url"] for row in first)
    other = copy_site(tmp_path / "fresh-clone")
    third = json.loads(run_invoices(other, "links", "--json", secret=None).stdout)
    assert {row["url"] for row in third}.isdisjoint(row["url"] for row in first)


def test_site_url_is_read_with_env_like_mkdocs(site_copy):
    config = site_copy / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace(
        "site_url: https://example.github.io/invoices/", "site_url: !ENV [INVOICES_SITE_URL, 'https://fallback.example/']"
    )
    config.write_text(text, encoding="utf-8")
    with_variable = run_invoices(site_copy, "links", "--json", INVOICES_SITE_URL="https://billing.lumen.example/")
    assert with_variable.returncode == 0, with_variable.stderr
    assert {row["url"].split("/c/")[0].split("/i/")[0] for row in json.loads(with_variable.stdout)} == {"https://billing.lumen.example"}
    without = run_invoices(site_copy, "links", "--json")
    assert json.loads(without.stdout)[0]["url"].startswith("https://fallback.example/c/")
    assert "still the sample's" not in without.stderr


@pytest.mark.parametrize(
    "site_url, args, message",
    [
        (None, [], "site_url in mkdocs.yml is not set: links must be absolute addresses"),
        ("/invoices/", [], "site_url in mkdocs.yml ('/invoices/'): links must be absolute addresses"),
        ("https://example.github.io/invoices/", ["--base", "/local/"], "--base ('/local/'): links must be absolute addresses"),
        ("ftp://files.example/", [], "site_url in mkdocs.yml ('ftp://files.example/'): links must be absolute"),
    ],
)
def test_links_and_remind_never_print_a_relative_link(site_copy, site_url, args, message):
    config = site_copy / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace("site_url: https://example.github.io/invoices/\n", f"site_url: {site_url}\n" if site_url else "")
    config.write_text(text, encoding="utf-8")
    links_result = run_invoices(site_copy, "links", *args)
    assert links_result.returncode == 1 and message in links_result.stderr and links_result.stdout == ""
    if not args:
        remind_result = run_invoices(site_copy, "remind", today="2026-12-02")
        assert remind_result.returncode == 1 and message in remind_result.stderr and "http" not in remind_result.stdout


def test_links_warn_while_site_url_is_the_samples(site_copy):
    result = run_invoices(site_copy, "links")
    assert result.returncode == 0
    assert "site_url in mkdocs.yml is still the sample's (https://example.github.io/invoices/)" in result.stderr


def test_pay_refuses_a_date_after_today(site_copy):
    before = snapshot(site_copy)
    result = run_invoices(site_copy, "pay", "2026-003", "10", "--date", "2026-11-24")  # today is 2026-11-23
    assert result.returncode == 1
    assert result.stderr.strip() == "invoices: error: --date 2026-11-24 is after today (2026-11-23): record a payment once it is received"
    assert snapshot(site_copy) == before


def test_pay_takes_a_payment_on_an_empty_flow_list(site_copy):
    path = site_copy / "invoices/2026/2026-004.yml"
    path.write_text(path.read_text(encoding="utf-8") + "payments: []   # none yet\n", encoding="utf-8")
    before = path.read_text(encoding="utf-8")
    result = run_invoices(site_copy, "pay", "2026-004", "1045.75", "--date", "2026-11-23", "--method", "bank transfer")
    assert result.returncode == 0, result.stderr
    expected = before.replace("payments: []   # none yet\n", "payments: # none yet\n  - date: 2026-11-23\n    amount: 1045.75\n    method: bank transfer\n")
    assert path.read_text(encoding="utf-8") == expected
    assert "paid in full" in result.stdout  # the whole balance of 1045.75


def test_new_writes_the_defaults_and_speaks_the_clients_language(site_copy):
    # business.yml: tax 21 %, withholding 15 %; cafe-olivar (es) has no defaults of its own.
    spanish = run_invoices(site_copy, "new", "cafe-olivar")
    assert spanish.returncode == 0, spanish.stderr
    text = (site_copy / spanish.stdout.strip()).read_text(encoding="utf-8")
    assert text.startswith('# Factura 2026-014 para Café Olivar, S.L.\n# Rellene los conceptos y borre la línea "status: draft" para publicarla.\n')
    assert "\nwithholding: 15%" in text and "\n    tax: 21%\n" in text
    assert "# 30 días después de la fecha de emisión" in text
    # harbour-finch (en) overrides both: reverse charge, no withholding line at all.
    english = run_invoices(site_copy, "new", "harbour-finch", "--number", "2026-050")
    assert english.returncode == 0, english.stderr
    text = (site_copy / english.stdout.strip()).read_text(encoding="utf-8")
    assert text.startswith("# Invoice 2026-050 for Harbour & Finch Ltd.\n# Fill in the items")
    assert "withholding" not in text.split("items:")[0] and "\n    tax: reverse charge\n" in text
    assert run_invoices(site_copy, "check").returncode == 0


def test_defaults_never_change_an_invoice_already_written(site_copy):
    before = run_invoices(site_copy, "status").stdout
    business = site_copy / "invoices/business.yml"
    business.write_text(business.read_text(encoding="utf-8").replace("tax: 21%", "tax: 10%").replace("withholding: 15%", "withholding: 7%"), encoding="utf-8")
    assert run_invoices(site_copy, "status").stdout == before


@pytest.mark.parametrize(
    "defaults, message",
    [
        ("defaults:\n  tax: 121%\n", "invoices/business.yml:{line}: tax: a percentage must be between 0% and 100%, got 121%"),
        ("defaults:\n  tx: 21%\n", "invoices/business.yml:{line}: unknown field 'tx' in defaults (did you mean 'tax'?)"),
    ],
)
def test_bad_defaults_are_refused(site_copy, defaults, message):
    business = site_copy / "invoices/business.yml"
    text = business.read_text(encoding="utf-8")
    start = text.index("defaults:\n")
    end = text.index("\n\n", start)
    text = text[:start] + defaults.rstrip("\n") + text[end:]
    business.write_text(text, encoding="utf-8")
    line = text[:start].count("\n") + 2
    result = run_invoices(site_copy, "check")
    assert result.returncode == 1 and message.format(line=line) in result.stdout.splitlines()


@pytest.mark.parametrize(
    "number, message",
    [
        ("X-1\nnotes: injected", "invoices: error: --number: must be one line of text, without a newline"),
        ("2026\t004", "invoices: error: --number: must be one line of text, without a tab"),
        # "2026-004" exists; the same number in another normalisation is the same number.
        ("A\u0301-1", None),
    ],
)
def test_new_checks_the_number_like_a_file_would(site_copy, number, message):
    before = snapshot(site_copy)
    if message is None:
        write_files(site_copy, {"invoices/2026/nfc.yml": 'number: "\u00c1-1"\nclient: cafe-olivar\nissued: 2026-11-02\nitems:\n  - description: x\n    unit_price: 1\n'})
        before = snapshot(site_copy)
        message = "invoices: error: invoice number '\u00c1-1' already exists"
    result = run_invoices(site_copy, "new", "cafe-olivar", "--number", number)
    assert result.returncode == 1
    assert result.stderr.strip() == message
    assert snapshot(site_copy) == before
