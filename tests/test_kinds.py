"""Kinds of document (SPEC §8): estimates, credit notes, item details and the statement of account.

Every figure is worked out by hand in the comments; the files are real YAML read by the
real loader, and the commands run as subprocesses on copies of the sample site.
"""

from __future__ import annotations

import datetime
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import TODAY, run_invoices, write_files
from invoicepub.load import load_ledger
from invoicepub.problems import InvoiceError
from invoicepub.site import load_site
from invoicepub.statement import CHARGE, CREDIT, PAYMENT, statements

SECRET = "kinds-of-document-secret-0123456789abcdef"
DAY = datetime.date.fromisoformat(TODAY)  # 2026-11-23

BUSINESS = textwrap.dedent("""
    name: Test Studio
    email: studio@example.com
    payment:
      bank_transfer:
        iban: ES67 2085 9252 0903 3006 3402
""").lstrip()
ACME = "name: Acme\n"
OTHER = "name: Other Ltd\n"
# 2026-001: 10 h × 100.00 at 21 % = 1000.00 + 210.00 tax = 1210.00; paid 400.00 on 2026-11-05.
INVOICE_001 = textwrap.dedent("""
    number: "2026-001"
    client: acme
    issued: 2026-11-02
    items:
      - description: Design
        quantity: 10
        unit_price: 100.00
        tax: 21%
    payments:
      - date: 2026-11-05
        amount: 400.00
""").lstrip()


def site_files(**extra: str) -> dict[str, str]:
    files = {
        "invoices/business.yml": BUSINESS,
        "invoices/clients/acme.yml": ACME,
        "invoices/clients/other.yml": OTHER,
        "invoices/2026/2026-001.yml": INVOICE_001,
    }
    files.update({f"invoices/2026/{name}.yml": text for name, text in extra.items()})
    return files


def problems_of(root: Path, **extra: str) -> list[str]:
    write_files(root, site_files(**extra))
    with pytest.raises(InvoiceError) as caught:
        load_ledger(root, DAY)
    return [str(problem) for problem in caught.value.problems]


def site_of(root: Path, **extra: str):
    write_files(root, site_files(**extra))
    return load_site(root, secret=SECRET, today=DAY)


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in (root / "invoices").rglob("*") if p.is_file()}


# --- credit notes -----------------------------------------------------------------------

CREDIT_ON_001 = textwrap.dedent("""
    number: "CN-001"
    kind: credit_note
    corrects: "2026-001"
    reason: Two hours were not worked.
    client: acme
    issued: 2026-11-10
    items:
      - description: Design (not worked)
        quantity: 2
        unit_price: 100.00
        tax: 21%
""").lstrip()


def test_a_credit_note_reduces_a_partly_paid_invoice(tmp_path):
    site = site_of(tmp_path, **{"CN-001": CREDIT_ON_001})
    note, invoice = site.entry("CN-001"), site.entry("2026-001")
    # The note: 2 × 100.00 = 200.00 + 21 % = 42.00 → total 242.00, no withholding → credited 242.00.
    assert note.figures.credited == Decimal("242.00")
    assert note.figures.balance == Decimal("0.00")  # nothing is due on the note itself
    assert note.figures.status == "issued" and note.ways is None
    # The invoice keeps its lines and total (1210.00); balance = 1210.00 − 400.00 paid − 242.00 = 568.00.
    assert invoice.figures.total == Decimal("1210.00")
    assert len(invoice.invoice.items) == 1
    assert invoice.figures.credited == Decimal("242.00")
    assert invoice.figures.balance == Decimal("568.00")
    assert invoice.figures.status == "partially paid"
    assert [credit.number for credit in invoice.figures.credits] == ["CN-001"]
    # The QR and the hosted links carry what is left to pay: 568.00.
    assert invoice.ways.qr_codes[0].amount == Decimal("568.00")


def test_a_credit_note_larger_than_the_balance_leaves_a_credit(tmp_path):
    # 10 × 100.00 credited at 21 % = 1210.00 against a balance of 1210.00 − 400.00 = 810.00:
    # the invoice's balance is 810.00 − 1210.00 = −400.00, a credit in the client's favour.
    whole = CREDIT_ON_001.replace("quantity: 2", "quantity: 10")
    site = site_of(tmp_path, **{"CN-001": whole})
    invoice = site.entry("2026-001")
    assert invoice.figures.balance == Decimal("-400.00")
    assert invoice.figures.status == "paid" and invoice.ways is None
    assert invoice.figures.payable == Decimal("0.00")
    # The statement ends on the same credit: 1210.00 − 400.00 − 1210.00 = −400.00.
    (client,) = [c for c in site.clients if c.client.id == "acme"]
    (statement,) = statements(client)
    assert statement.closing == Decimal("-400.00")


def test_withholding_is_not_credited(tmp_path):
    # 1000.00 at 21 % with 15 % withheld: total 1210.00, withholding 150.00 → credited 1060.00.
    note = CREDIT_ON_001.replace("quantity: 2", "quantity: 10") + "withholding: 15%\n"
    invoice = INVOICE_001 + "withholding: 15%\n"
    write_files(tmp_path, {"invoices/2026/2026-001.yml": invoice})
    site = site_of(tmp_path, **{"CN-001": note, "2026-001": invoice})
    assert site.entry("CN-001").figures.credited == Decimal("1060.00")
    # Invoice amount due 1210.00 − 150.00 = 1060.00; − 400.00 paid − 1060.00 credited = −400.00.
    assert site.entry("2026-001").figures.balance == Decimal("-400.00")


def test_a_credit_note_for_an_unknown_invoice_is_an_error_at_its_corrects_line(tmp_path):
    note = CREDIT_ON_001.replace('corrects: "2026-001"', 'corrects: "2026-999"')
    assert problems_of(tmp_path, **{"CN-001": note}) == [
        "invoices/2026/CN-001.yml:3: corrects: no document has the number '2026-999'"
    ]


def test_a_credit_note_for_another_clients_invoice_is_an_error(tmp_path):
    note = CREDIT_ON_001.replace("client: acme", "client: other")
    assert problems_of(tmp_path, **{"CN-001": note}) == [
        "invoices/2026/CN-001.yml:3: corrects: 2026-001 is for client 'acme', not 'other'"
    ]


def test_a_credit_note_in_another_currency_is_an_error(tmp_path):
    note = CREDIT_ON_001.replace("issued: 2026-11-10", "issued: 2026-11-10\ncurrency: CHF")
    assert problems_of(tmp_path, **{"CN-001": note}) == [
        "invoices/2026/CN-001.yml:3: corrects: invoice 2026-001 is in EUR, this credit note in CHF; they must match"
    ]


@pytest.mark.parametrize("state", ["void", "draft"])
def test_a_credit_note_for_a_void_or_draft_invoice_is_an_error(tmp_path, state):
    invoice = INVOICE_001.replace("issued: 2026-11-02", f"issued: 2026-11-02\nstatus: {state}")
    if state == "void":
        invoice = invoice.split("payments:")[0]
    problems = problems_of(tmp_path, **{"CN-001": CREDIT_ON_001, "2026-001": invoice})
    assert problems == [f"invoices/2026/CN-001.yml:3: corrects: invoice 2026-001 is {state}; a credit note corrects an issued invoice"]


def test_a_credit_note_of_an_estimate_is_an_error(tmp_path):
    note = CREDIT_ON_001.replace('corrects: "2026-001"', 'corrects: "E-1"')
    problems = problems_of(tmp_path, **{"CN-001": note, "E-1": ESTIMATE})
    assert problems == ["invoices/2026/CN-001.yml:3: corrects: E-1 is an estimate, not an invoice"]


def test_a_credit_note_needs_corrects_and_reason_and_positive_amounts(tmp_path):
    note = CREDIT_ON_001
    note = note.replace('corrects: "2026-001"\n', "").replace("reason: Two hours were not worked.\n", "")
    note = note.replace("unit_price: 100.00", "unit_price: -100.00") + "payments: []\n"
    problems = problems_of(tmp_path, **{"CN-001": note})
    assert problems == [
        "invoices/2026/CN-001.yml:1: missing required field 'corrects' in a credit note",
        "invoices/2026/CN-001.yml:1: missing required field 'reason' in a credit note",
        "invoices/2026/CN-001.yml:8: unit_price: a credit note's items hold the amounts credited as positive numbers, got -100.00",
        "invoices/2026/CN-001.yml:10: payments: a credit note has no payments; it reduces the balance of the invoice it corrects",
    ]


# --- estimates --------------------------------------------------------------------------

# E-1: 3 × 500.00 at 21 % = 1500.00 + 315.00 = 1815.00; valid until 2026-11-01 + 30 days = 2026-12-01.
ESTIMATE = textwrap.dedent("""
    number: "E-1"
    kind: estimate
    client: acme
    issued: 2026-11-01
    items:
      - description: Workshop
        quantity: 3
        unit_price: 500.00
        tax: 21%
        details: |
          1. **Morning**: goals.
          2. Afternoon: [the plan](https://example.com/plan).
""").lstrip()


def test_an_estimate_is_open_until_valid_until_and_never_due(tmp_path):
    site = site_of(tmp_path, **{"E-1": ESTIMATE})
    entry = site.entry("E-1")
    assert entry.invoice.valid_until == datetime.date(2026, 12, 1)  # issued + 30 days
    assert entry.figures.total == Decimal("1815.00")
    assert entry.figures.status == "open" and entry.ways is None and not entry.figures.is_open
    assert entry.invoice.items[0].details.startswith("1. **Morning**")
    (client,) = [c for c in site.clients if c.client.id == "acme"]
    assert [e.invoice.number for e in client.estimates] == ["E-1"]
    assert [e.invoice.number for e in client.invoices] == ["2026-001"]  # estimates charge nothing


@pytest.mark.parametrize(
    "extra, state",
    [("valid_until: 2026-11-22", "expired"), ("valid_until: 2026-11-23", "open"), ("status: declined", "declined"), ("status: accepted", "accepted")],
)
def test_estimate_states(tmp_path, extra, state):
    # Today is 2026-11-23: valid until the 22nd has expired, until the 23rd is still open.
    site = site_of(tmp_path, **{"E-1": ESTIMATE + extra + "\n"})
    assert site.entry("E-1").figures.status == state


def test_payments_and_due_on_an_estimate_are_errors_at_their_lines(tmp_path):
    estimate = ESTIMATE + "due: 2026-12-01\npayments:\n  - date: 2026-11-02\n    amount: 10.00\n"
    assert problems_of(tmp_path, **{"E-1": estimate}) == [
        "invoices/2026/E-1.yml:13: due: an estimate has no due; once the client accepts it, `invoices accept NUMBER` writes the invoice that takes them",
        "invoices/2026/E-1.yml:14: payments: an estimate has no payments; once the client accepts it, `invoices accept NUMBER` writes the invoice that takes them",
    ]


def test_an_unknown_kind_is_an_error(tmp_path):
    estimate = ESTIMATE.replace("kind: estimate", "kind: quote")
    (problem,) = problems_of(tmp_path, **{"E-1": estimate})
    assert problem.startswith("invoices/2026/E-1.yml:2: kind: ")
    assert "estimate" in problem and "credit_note" in problem


# --- invoices accept --------------------------------------------------------------------

ACCEPTABLE = """\
# Estimate for Acme — keep this comment.
number: "E-1"
kind: estimate   # a quote
client: acme
issued: 2026-11-01
valid_until: 2026-12-01
items:
  - description: Workshop   # half a day
    quantity: 3
    unit_price: 500.00
    tax: 21%
    details: |
      1. **Morning**: goals.
discount: 10%
notes: See you soon.
"""


def accept_site(root: Path, estimate: str = ACCEPTABLE) -> Path:
    files = site_files()
    files["invoices/2026/E-1.yml"] = ""
    write_files(root, {**files, "mkdocs.yml": "site_name: Test\nsite_url: https://example.com/\n"})
    (root / "invoices/2026/E-1.yml").write_text(estimate, encoding="utf-8")
    return root


def test_accept_marks_the_estimate_and_writes_its_invoice(tmp_path):
    root = accept_site(tmp_path)
    result = run_invoices(root, "accept", "E-1", "--date", "2026-11-20")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "accepted estimate E-1; wrote invoice 2026-002: invoices/2026/2026-002.yml\n"
    # One line is added to the estimate, right after `kind`; every comment stays.
    assert (root / "invoices/2026/E-1.yml").read_text(encoding="utf-8") == ACCEPTABLE.replace(
        "kind: estimate   # a quote\n", "kind: estimate   # a quote\nstatus: accepted\n"
    )
    invoice_text = (root / "invoices/2026/2026-002.yml").read_text(encoding="utf-8")
    assert invoice_text == (
        "# The invoice that follows from estimate E-1, accepted on 2026-11-20.\n"
        'number: "2026-002"\n'
        "client: acme\n"
        "issued: 2026-11-20\n"
        "due: 2026-12-20\n"  # issued + 30 days (payment_terms_days default)
        'estimate: "E-1"\n'
        "items:\n"
        "  - description: Workshop   # half a day\n"
        "    quantity: 3\n"
        "    unit_price: 500.00\n"
        "    tax: 21%\n"
        "    details: |\n"
        "      1. **Morning**: goals.\n"
        "discount: 10%\n"
        "notes: See you soon.\n"
    )
    site = load_site(root, secret=SECRET, today=DAY)
    invoice = site.entry("2026-002")
    # 1500.00 − 10 % = 1350.00; + 21 % = 283.50 → 1633.50, due.
    assert invoice.figures.amount_due == Decimal("1633.50")
    assert invoice.invoice.estimate == "E-1" and invoice.figures.status == "due"
    assert site.entry("E-1").figures.status == "accepted"

    # Run twice: refused with one sentence, and nothing changes.
    before = snapshot(root)
    again = run_invoices(root, "accept", "E-1")
    assert again.returncode == 1
    assert again.stderr == "invoices: error: estimate E-1 is already accepted: invoice 2026-002 follows from it\n"
    assert snapshot(root) == before


def test_accept_replaces_a_written_status_in_place(tmp_path):
    root = accept_site(tmp_path, ACCEPTABLE.replace("valid_until:", "status: sent  # by e-mail\nvalid_until:"))
    assert run_invoices(root, "accept", "E-1").returncode == 0
    text = (root / "invoices/2026/E-1.yml").read_text(encoding="utf-8")
    assert "status: accepted  # by e-mail\n" in text and "sent" not in text


@pytest.mark.parametrize(
    "change, message",
    [
        (("valid_until: 2026-12-01", "valid_until: 2026-11-22"),
         "estimate E-1 expired on 2026-11-22; extend its valid_until or write a new estimate before accepting it"),
        (("kind: estimate   # a quote", "kind: estimate\nstatus: declined"),
         "estimate E-1 was declined; write a new estimate if the client has changed their mind"),
        (("kind: estimate   # a quote", "kind: estimate\nstatus: accepted"), "estimate E-1 is already accepted"),
    ],
)
def test_accept_refuses_expired_declined_and_accepted_estimates(tmp_path, change, message):
    root = accept_site(tmp_path, ACCEPTABLE.replace(*change))
    before = snapshot(root)
    result = run_invoices(root, "accept", "E-1")
    assert result.returncode == 1
    assert result.stderr == f"invoices: error: {message}\n"
    assert snapshot(root) == before


def test_accept_refuses_an_invoice_and_an_unknown_number(tmp_path):
    root = accept_site(tmp_path)
    before = snapshot(root)
    result = run_invoices(root, "accept", "2026-001")
    assert (result.returncode, result.stderr) == (1, "invoices: error: 2026-001 is not an estimate (invoices/2026/2026-001.yml has kind: invoice)\n")
    result = run_invoices(root, "accept", "E-9")
    assert (result.returncode, result.stderr) == (1, "invoices: error: no estimate has the number 'E-9'\n")
    assert snapshot(root) == before


def test_pay_refuses_an_estimate(tmp_path):
    root = accept_site(tmp_path)
    before = snapshot(root)
    result = run_invoices(root, "pay", "E-1", "10.00")
    assert (result.returncode, result.stderr) == (1, "invoices: error: E-1 is an estimate: payments are recorded on invoices\n")
    assert snapshot(root) == before


# --- the statement of account -----------------------------------------------------------


def test_the_statement_runs_in_date_order_and_closes_on_the_outstanding_total(tmp_path):
    # 2026-002: 500.00 at 0 %, issued 2026-11-06, paid 100.00 on 2026-11-12.
    second = textwrap.dedent("""
        number: "2026-002"
        client: acme
        issued: 2026-11-06
        items:
          - description: Hosting
            unit_price: 500.00
        payments:
          - date: 2026-11-12
            amount: 100.00
    """).lstrip()
    site = site_of(tmp_path, **{"CN-001": CREDIT_ON_001, "2026-002": second, "E-1": ESTIMATE})
    (client,) = [c for c in site.clients if c.client.id == "acme"]
    (statement,) = statements(client)
    rows = [(line.date.isoformat(), line.kind, line.entry.invoice.number, line.amount, line.balance) for line in statement.lines]
    assert rows == [
        ("2026-11-02", CHARGE, "2026-001", Decimal("1210.00"), Decimal("1210.00")),
        ("2026-11-05", PAYMENT, "2026-001", Decimal("400.00"), Decimal("810.00")),  # 1210 − 400
        ("2026-11-06", CHARGE, "2026-002", Decimal("500.00"), Decimal("1310.00")),  # 810 + 500
        ("2026-11-10", CREDIT, "CN-001", Decimal("242.00"), Decimal("1068.00")),  # 1310 − 242
        ("2026-11-12", PAYMENT, "2026-002", Decimal("100.00"), Decimal("968.00")),  # 1068 − 100
    ]
    # Closing 968.00 = 2026-001's balance 568.00 + 2026-002's 400.00; the estimate charges nothing.
    assert statement.closing == Decimal("968.00")
    assert statement.closing == sum(e.figures.balance for e in client.invoices)


def test_a_credit_note_on_an_invoice_paid_in_full_reads_to_be_refunded(tmp_path):
    # SPEC §14. Invoice 2026-001 of the sample: 1200.00 + 24 × 55.00 = 2520.00, reverse charge,
    # paid 2520.00 on 28 Aug. A credit note of 200.00 on it leaves nothing owed: 200.00 goes back.
    from conftest import SECRET, copy_site
    from invoicepub.qr import QrCache
    from invoicepub.views import invoice_page

    root = copy_site(tmp_path / "site")
    write_files(root, {"invoices/2026/R-2026-900.yml": """
        number: "R-2026-900"
        kind: credit_note
        corrects: "2026-001"
        reason: Two workshop hours were not held.
        client: harbour-finch
        issued: 2026-11-20
        items:
          - description: Workshop hours not held
            unit_price: 200.00
            tax: reverse charge
        """})
    site = load_site(root, secret=SECRET, today=DAY)
    qr = QrCache(None)
    invoice = invoice_page(site, site.entry("2026-001"), qr)
    rows = {row.kind: (row.label, row.amount) for row in invoice.totals}
    assert rows["paid"] == ("Paid", "−€2,520.00")
    assert rows["credited"] == ("Credited (to be refunded)", "−€200.00")
    assert rows["balance"] == ("To be refunded", "€200.00")  # 2520.00 − 2520.00 − 200.00 = −200.00
    assert (invoice.summary.label, invoice.summary.amount) == ("To be refunded", "€200.00")
    note = invoice_page(site, site.entry("R-2026-900"), qr)
    assert note.summary.detail == "Invoice 2026-001 was already paid in full: this amount is to be refunded to you."
    # A credit note on an invoice not yet paid in full (the sample's R-2026-001 on 2026-003,
    # 1000.00 paid of 2916.50) is still taken off what is owed.
    partly = invoice_page(site, site.entry("2026-003"), qr)
    rows = {row.kind: (row.label, row.amount) for row in partly.totals}
    assert rows["credited"] == ("Credit notes", "−€119.70") and rows["balance"] == ("Balance due", "€1,796.80")
    assert invoice_page(site, site.entry("R-2026-001"), qr).summary.detail == "Taken off the balance of invoice 2026-003."


# --- statements by year (SPEC §14) -----------------------------------------------------------


def older_invoice(number: str, issued: str, description: str, price: str, paid: tuple[str, str] | None = None, currency: str | None = None) -> str:
    """An invoice file of one line for acme; ``paid`` is (date, amount) of its one payment."""
    text = f'number: "{number}"\nclient: acme\n' + (f"currency: {currency}\n" if currency else "")
    text += f"issued: {issued}\nitems:\n  - description: {description}\n    unit_price: {price}\n"
    return text + (f"payments:\n  - date: {paid[0]}\n    amount: {paid[1]}\n" if paid else "")


def older_credit_note(number: str, corrects: str, reason: str, issued: str, description: str, price: str) -> str:
    """A credit note file of one line for acme, correcting ``corrects``."""
    return (
        f'number: "{number}"\nkind: credit_note\ncorrects: "{corrects}"\nreason: {reason}\nclient: acme\n'
        f"issued: {issued}\nitems:\n  - description: {description}\n    unit_price: {price}\n"
    )


# Three years with activity and one without. By hand, with 2026-001 (1210.00, 400.00 paid):
# 2023: opening 0.00; +300.00 (2023-001) = 300.00; closing 300.00.
# 2024: opening 300.00; −300.00 (paid 2024-01-15) = 0.00; +200.00 (2024-001) = 200.00;
#       −50.00 (CN-2024) = 150.00; closing 150.00.
# 2025: nothing moved, no statement.
# 2026: opening 150.00; +1210.00 = 1360.00; −400.00 = 960.00; closing 960.00
#       = the outstanding total: 0.00 (2023-001) + 150.00 (2024-001) + 810.00 (2026-001).
OLDER = {
    "2023-001": older_invoice("2023-001", "2023-03-01", "Audit", "300.00", paid=("2024-01-15", "300.00")),
    "2024-001": older_invoice("2024-001", "2024-06-10", "Hosting", "200.00"),
    "CN-2024": older_credit_note("CN-2024", "2024-001", "One month of hosting was not provided.", "2024-07-01", "Hosting, one month off", "50.00"),
}


def test_each_year_opens_on_the_balance_the_years_before_closed_on(tmp_path):
    from invoicepub.statement import year_statements

    site = site_of(tmp_path, **OLDER)
    (client,) = [c for c in site.clients if c.client.id == "acme"]
    assert [page.year for page in client.statements] == [2023, 2024, 2026]
    chain = []
    for year in (2023, 2024, 2026):
        (statement,) = year_statements(client, year)
        chain.append((year, statement.opening, [(line.date.isoformat(), line.balance) for line in statement.lines], statement.closing))
    assert chain == [
        (2023, Decimal("0"), [("2023-03-01", Decimal("300.00"))], Decimal("300.00")),
        (2024, Decimal("300.00"), [("2024-01-15", Decimal("0.00")), ("2024-06-10", Decimal("200.00")), ("2024-07-01", Decimal("150.00"))], Decimal("150.00")),
        (2026, Decimal("150.00"), [("2026-11-02", Decimal("1360.00")), ("2026-11-05", Decimal("960.00"))], Decimal("960.00")),
    ]
    # No page for 2025 (nothing moved); asked for, the year only carries the 150.00 through.
    assert [(s.opening, s.lines, s.closing) for s in year_statements(client, 2025)] == [(Decimal("150.00"), (), Decimal("150.00"))]
    # The last year closes on what the client owes today.
    assert chain[-1][-1] == sum(e.figures.balance for e in client.invoices) == Decimal("960.00")
    # Each year's page lives in the client page's private folder.
    assert [page.path for page in client.statements] == [f"{client.path}{year}/" for year in (2023, 2024, 2026)]


def test_the_client_page_lists_open_documents_and_the_last_24_months(tmp_path):
    from invoicepub.views import client_page, statement_page

    site = site_of(tmp_path, **OLDER)
    (client,) = [c for c in site.clients if c.client.id == "acme"]
    view = client_page(site, client)
    # Today is 2026-11-23, so the last 24 months start on 2024-11-23. 2023-001 is paid and older:
    # left off; 2024-001 is older but still open (150.00 due): listed, with CN-2024 that corrects
    # it. The payment of 2024-01-15 is older: left off, and the page says where it is.
    assert [row.number for row in view.invoices] == ["2026-001", "2024-001"]
    assert [row.number for row in view.credit_notes] == ["CN-2024"]
    assert [(row.date_iso, row.amount) for row in view.payments] == [("2026-11-05", "€400.00")]
    assert view.older_note == "Documents and payments older than 24 months are in the statements by year."
    # The outstanding total still counts everything: 150.00 + 810.00.
    assert [total.outstanding for total in view.totals] == ["€960.00"]
    assert [(row.year, row.opening, row.closing) for row in view.statement_years] == [
        (2026, "€150.00", "€960.00"),
        (2024, "€300.00", "€150.00"),
        (2023, "€0.00", "€300.00"),
    ]
    page = statement_page(site, client.statements[1])
    (account,) = page.statements
    assert page.title == "Statement of account 2024"
    assert page.period == "January 1, 2024 to December 31, 2024"
    assert (account.opening_label, account.opening, account.closing_label, account.closing) == (
        "Opening balance", "€300.00", "Closing balance", "€150.00"
    )
    assert [(row.document, row.charged, row.credited, row.paid, row.balance) for row in account.rows] == [
        ("Payment on invoice 2023-001", "", "", "€300.00", "€0.00"),
        ("Invoice 2024-001", "€200.00", "", "", "€200.00"),
        ("Credit note CN-2024", "", "€50.00", "", "€150.00"),
    ]


def test_a_year_that_closes_in_credit_opens_the_next_in_credit(tmp_path):
    from invoicepub.statement import year_statements
    from invoicepub.views import statement_page

    # 2025-001: 100.00, paid 150.00 on 2025-05-02: the year closes on −50.00, a credit; 2026 opens
    # on it: −50.00 + 1210.00 = 1160.00; − 400.00 = 760.00.
    overpaid = older_invoice("2025-001", "2025-05-01", "Review", "100.00", paid=("2025-05-02", "150.00"))
    site = site_of(tmp_path, **{"2025-001": overpaid})
    (client,) = [c for c in site.clients if c.client.id == "acme"]
    assert [s.closing for s in year_statements(client, 2025)] == [Decimal("-50.00")]
    assert [(s.opening, s.closing) for s in year_statements(client, 2026)] == [(Decimal("-50.00"), Decimal("760.00"))]
    (y2025,) = statement_page(site, client.statements[0]).statements
    (y2026,) = statement_page(site, client.statements[1]).statements
    assert (y2025.closing_label, y2025.closing) == ("Credit in your favour", "€50.00")
    assert (y2026.opening_label, y2026.opening) == ("Opening credit in your favour", "€50.00")


def test_an_older_invoice_owed_back_stays_on_the_client_page_with_its_credit_note(tmp_path):
    from invoicepub.views import client_page

    # 2023-010: 100.00, paid in full on 2023-04-01, then credited 40.00 on 2023-05-01: 40.00 is
    # to be refunded, so both stay on the page although older than 24 months.
    files = {
        "2023-010": older_invoice("2023-010", "2023-03-01", "Audit", "100.00", paid=("2023-04-01", "100.00")),
        "CN-2023": older_credit_note("CN-2023", "2023-010", "Part of the audit was not done.", "2023-05-01", "Audit, part not done", "40.00"),
    }
    site = site_of(tmp_path, **files)
    (client,) = [c for c in site.clients if c.client.id == "acme"]
    view = client_page(site, client)
    assert "2023-010" in [row.number for row in view.invoices]
    assert [row.number for row in view.credit_notes] == ["CN-2023"]


def test_a_year_page_keeps_a_currency_that_carried_a_balance_without_moving(tmp_path):
    from invoicepub.statement import year_statements

    # 2024-020: 100.00 EUR, never paid. In 2025 only a CHF invoice moved, paid the same day: the
    # 2025 statement still shows the 100.00 EUR owed all year, opening and closing on it.
    files = {
        "2024-020": older_invoice("2024-020", "2024-03-01", "Hosting", "100.00"),
        "2025-020": older_invoice("2025-020", "2025-03-01", "Translation", "200.00", paid=("2025-03-01", "200.00"), currency="CHF"),
    }
    site = site_of(tmp_path, **files)
    (client,) = [c for c in site.clients if c.client.id == "acme"]
    assert 2025 in [page.year for page in client.statements]
    found = {s.currency: (s.opening, len(s.lines), s.closing) for s in year_statements(client, 2025)}
    assert found == {"CHF": (Decimal("0"), 2, Decimal("0.00")), "EUR": (Decimal("100.00"), 0, Decimal("100.00"))}
    # Its page and its PDF show it: an opening and a closing row, no movement between them.
    from invoicepub import paper, pdf
    from invoicepub.views import statement_page

    (y2025,) = [page for page in client.statements if page.year == 2025]
    views = {account.closing: account.rows for account in statement_page(site, y2025).statements}
    assert views["€100.00"] == ()
    drawn = pdf.render(paper.statement_request(site, y2025, pdf.Theme.of(Path(__file__).resolve().parent.parent / "overrides")))
    assert drawn.startswith(b"%PDF-")
