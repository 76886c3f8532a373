"""Payment plans (SPEC §8 "Instalments and deposits"): the instalments, "to pay now" and
everything that carries it — QR payload, JSON-LD, reminders and calendar events.

Every figure is worked out by hand in the comments. The plan most tests use:

    10 h × 100.00 at 21 %: net 1000.00, tax 210.00, total = amount due 1210.00 (no withholding)
    deposit    2026-10-01  25 %     = 302.50
    instalment 2026-11-01  400.00
    last       2026-12-01  the rest = 1210.00 − 302.50 − 400.00 = 507.50
    payments   2026-10-05  300.00   (the deposit, short by 2.50)
               2026-11-10  200.00   (2.50 closes the deposit, 197.50 goes to the second)
"""

from __future__ import annotations

import datetime
import json
import re
import textwrap
from decimal import Decimal

import pytest
from icalendar import Calendar

from conftest import SECRET, check_output, copy_site, mkdocs_build, replaced, run_invoices, token, write_files
from invoicepub.figures import Credit, compute
from invoicepub.jsonld import invoice_jsonld
from invoicepub.reminders import reminders_due
from invoicepub.site import load_site
from invoicepub.views import client_page

BUSINESS = """
    name: Test Studio
    email: billing@test.example
    payment:
      bank_transfer:
        account_holder: Test Studio SL
        iban: ES67 2085 9252 0903 3006 3402
        bic: CAZRES2Z
    """
CLIENT = """
    name: Acme Ltd
    email: accounts@acme.example
    language: en
    """
PLAN = """
    number: "2026-001"
    client: acme
    issued: 2026-10-01
    items:
      - description: Consulting
        quantity: 10
        unit: h
        unit_price: 100.00
        tax: 21%
    schedule:                 # line 10
      - due: 2026-10-01
        percent: 25%
      - due: 2026-11-01
        amount: 400.00
      - due: 2026-12-01
    payments:
      - date: 2026-10-05
        amount: 300.00
      - date: 2026-11-10
        amount: 200.00
    """
NOV_23 = datetime.date(2026, 11, 23)



def site_with(root, invoice: str, today: datetime.date = NOV_23, *, full: bool = False):
    if full:
        copy_site(root, with_invoices=False)
    write_files(root, {"invoices/business.yml": BUSINESS, "invoices/clients/acme.yml": CLIENT, "invoices/2026/a.yml": invoice})
    return load_site(root, secret=SECRET, today=today)


def test_three_instalments_with_a_deposit_two_partial_payments_and_one_overdue(tmp_path):
    entry = site_with(tmp_path, PLAN).entry("2026-001")
    figures = entry.figures
    assert figures.amount_due == Decimal("1210.00")
    assert [(i.due.isoformat(), i.amount, i.paid, i.status) for i in figures.instalments] == [
        ("2026-10-01", Decimal("302.50"), Decimal("302.50"), "paid"),  # 300.00 + 2.50 of the second payment
        ("2026-11-01", Decimal("400.00"), Decimal("197.50"), "overdue"),  # 200.00 − 2.50; due 1 Nov < 23 Nov
        ("2026-12-01", Decimal("507.50"), Decimal("0"), "due"),
    ]
    assert figures.paid == Decimal("500.00")
    assert figures.balance == Decimal("710.00")  # 1210.00 − 500.00
    assert figures.to_pay_now == Decimal("202.50")  # 400.00 − 197.50: the only unpaid part due by today
    assert figures.status == "overdue"  # an instalment is
    assert figures.next_due == datetime.date(2026, 11, 1)
    assert figures.days_overdue == 22  # 1 Nov → 23 Nov, from the overdue instalment, not the invoice's due date
    assert entry.invoice.due == datetime.date(2026, 12, 1)  # no `due:`: the last instalment's date
    # Every payment rail carries what is to pay now, not the balance.
    (epc,) = entry.ways.qr_codes
    assert epc.payload.split("\n")[7] == "EUR202.50"


@pytest.mark.parametrize(
    ("today", "overdue"),
    [
        ("2026-11-23", "202.50"),  # only the second instalment (due 1 Nov) is late: 400.00 − 197.50
        ("2026-12-02", "710.00"),  # the last one too: 202.50 + 507.50, the whole balance
    ],
)
def test_overdue_totals_count_only_the_late_instalments(tmp_path, today, overdue):
    site = site_with(tmp_path, PLAN, datetime.date.fromisoformat(today), full=True)
    (client,) = site.clients
    (total,) = client_page(site, client).totals
    assert total.outstanding == "€710.00"  # 1210.00 − 500.00 paid, whatever is late
    assert total.overdue == f"€{overdue}" and total.has_overdue == (overdue != "0.00")
    result = run_invoices(tmp_path, "status", today=today)
    assert result.returncode == 0, result.stderr
    assert f"total EUR: 710.00 outstanding, {overdue} overdue" in result.stdout


def test_json_ld_gives_the_earliest_unpaid_instalment_and_the_whole_balance(tmp_path):
    site = site_with(tmp_path, PLAN)
    entry = site.entry("2026-001")
    data = invoice_jsonld(entry.invoice, entry.figures, site.ledger.business, entry.client)
    assert data["paymentDueDate"] == "2026-11-01"  # the second instalment: 202.50 of it unpaid
    assert data["totalPaymentDue"]["value"] == "710.00"  # the whole balance, not the 202.50 to pay now
    assert data["paymentStatus"] == "https://schema.org/PaymentPastDue"


def test_a_credit_note_settles_instalments_in_date_order_with_the_payments(tmp_path):
    invoice = site_with(tmp_path, PLAN).entry("2026-001").invoice
    # A credit note of 250.00 on 15 Nov: applied after the payments, 500.00 + 250.00 = 750.00
    # settles 302.50 and 400.00 and leaves 47.50 on the last instalment (507.50 − 47.50 = 460.00 unpaid).
    figures = compute(invoice, NOV_23, (Credit("R-001", datetime.date(2026, 11, 15), Decimal("250.00")),))
    assert [(i.paid, i.status) for i in figures.instalments] == [
        (Decimal("302.50"), "paid"),
        (Decimal("400.00"), "paid"),
        (Decimal("47.50"), "partially paid"),
    ]
    assert figures.balance == Decimal("460.00")  # 1210.00 − 500.00 − 250.00
    assert figures.to_pay_now == Decimal("460.00")  # nothing unpaid is due yet: the next instalment's unpaid part
    assert figures.status == "partially paid"
    assert figures.next_due == datetime.date(2026, 12, 1)


def test_to_pay_now_before_anything_is_due_and_on_the_deposit_day(tmp_path):
    no_payments = re.sub(r"payments:.*", "", textwrap.dedent(PLAN), flags=re.S)
    # On the issue date the deposit is due: 302.50 to pay now, 1210.00 balance.
    figures = site_with(tmp_path, no_payments, datetime.date(2026, 10, 1)).entry("2026-001").figures
    assert (figures.to_pay_now, figures.balance, figures.status) == (Decimal("302.50"), Decimal("1210.00"), "due")
    # Without a deposit, before the first date, the next instalment is what is to pay now.
    later = no_payments.replace("  - due: 2026-10-01\n    percent: 25%\n", "  - due: 2026-10-15\n    percent: 25%\n")
    figures = site_with(tmp_path, later, datetime.date(2026, 10, 2)).entry("2026-001").figures
    assert (figures.to_pay_now, figures.next_due) == (Decimal("302.50"), datetime.date(2026, 10, 15))


def test_paid_in_full_leaves_nothing_to_pay_now(tmp_path):
    paid = textwrap.dedent(PLAN) + "  - date: 2026-11-20\n    amount: 710.00\n"
    entry = site_with(tmp_path, paid).entry("2026-001")
    assert entry.figures.status == "paid" and entry.figures.to_pay_now == 0 and entry.ways is None
    assert {i.status for i in entry.figures.instalments} == {"paid"}


def test_percentages_round_half_up_to_minor_units(tmp_path):
    # 1 × 1000.05, no tax: 50 % = 500.025 → 500.03 (half up); the rest 1000.05 − 500.03 = 500.02.
    # 12.5 % of 1000.05 = 125.00625 → 125.01.
    invoice = """
        number: "2026-001"
        client: acme
        issued: 2026-11-01
        items:
          - description: Work
            unit_price: 1000.05
        schedule:
          - due: 2026-11-01
            percent: 12.5%
          - due: 2026-11-15
            percent: 50%
          - due: 2026-12-01
        """
    figures = site_with(tmp_path, invoice).entry("2026-001").figures
    assert [i.amount for i in figures.instalments] == [Decimal("125.01"), Decimal("500.03"), Decimal("375.01")]
    # 125.01 + 500.03 + 375.01 = 1000.05


def test_a_schedule_that_does_not_add_up_is_an_error_at_its_line(tmp_path):
    copy_site(tmp_path, with_invoices=False)
    short = textwrap.dedent(PLAN).replace("  - due: 2026-12-01\n", "  - due: 2026-12-01\n    amount: 500.00\n")
    write_files(tmp_path, {"invoices/business.yml": BUSINESS, "invoices/clients/acme.yml": CLIENT, "invoices/2026/a.yml": short})
    result = run_invoices(tmp_path, "check")
    assert result.returncode == 1
    # 302.50 + 400.00 + 500.00 = 1202.50, not the 1210.00 due
    assert result.stdout.splitlines()[0] == (
        "invoices/2026/a.yml:10: schedule: the instalments add up to 1202.50 EUR, but the amount due is 1210.00 EUR; they must be equal"
    )
    build = mkdocs_build(tmp_path)
    assert build.returncode != 0 and "invoices/2026/a.yml:10: schedule: the instalments add up to 1202.50 EUR" in build.stderr


@pytest.mark.parametrize(
    "old, new, expected",
    [
        # the instalments before the last already take everything: 302.50 + 1000.00 ≥ 1210.00
        ("amount: 400.00", "amount: 1000.00", "a.yml:10: schedule: the instalments before the last already add up to 1302.50 EUR"),
        ("  - due: 2026-11-01\n", "  - due: 2026-09-30\n", "a.yml:13: due: an instalment due 2026-09-30 is before the issue date 2026-10-01"),
        ("  - due: 2026-12-01\n", "  - due: 2026-10-20\n", "a.yml:15: due: instalments are listed in date order, each after the one before; 2026-10-20 is not after 2026-11-01"),
        ("issued: 2026-10-01\n", "issued: 2026-10-01\ndue: 2026-12-31\n", "a.yml:4: due: 2026-12-31 is not the last instalment's date (2026-12-01)"),
        ("percent: 25%", "percent: 25%\n    amount: 10.00", "a.yml:11: an instalment gives an amount or a percent, not both"),
        ("    amount: 400.00\n", "", "a.yml:13: an instalment needs an amount or a percent (only the last one may give neither"),
        ("amount: 400.00", "amount: 400.001", "a.yml:14: amount: 400.001 has more decimals than EUR allows (2)"),
        ("percent: 25%", "percent: 125%", "a.yml:12: percent: a percentage must be between 0% and 100%, got 125%"),
    ],
)
def test_schedule_mistakes_are_errors_at_their_line(tmp_path, old, new, expected):
    copy_site(tmp_path, with_invoices=False)
    write_files(tmp_path, {"invoices/business.yml": BUSINESS, "invoices/clients/acme.yml": CLIENT, "invoices/2026/a.yml": replaced(textwrap.dedent(PLAN), old, new)})
    printed = check_output(tmp_path)
    assert any(line.startswith("invoices/2026/" + expected) for line in printed), printed


def test_reminders_go_per_instalment_and_one_never_blocks_another(tmp_path):
    # On 2 Nov, with only the 300.00 of 5 Oct paid: the deposit's 2.50 has been overdue since
    # 1 Oct (32 days: stage overdue-5 with a reminder every 7 days, (32 − 1) // 7 + 1 = 5) and the
    # second instalment since 1 Nov (overdue-1). To pay now: 2.50 + 400.00 = 402.50.
    one_payment = textwrap.dedent(PLAN).replace("  - date: 2026-11-10\n    amount: 200.00\n", "")
    site = site_with(tmp_path, one_payment, datetime.date(2026, 11, 2))
    (first,) = reminders_due(site, {}, days_before=3, every=7)
    assert (first.key, first.due, first.amount) == ("2026-10-01 overdue-5", datetime.date(2026, 10, 1), Decimal("402.50"))
    # Once the deposit's reminder is recorded, the second instalment's is still owed ...
    (second,) = reminders_due(site, {"2026-001": {first.key: "2026-11-02"}}, days_before=3, every=7)
    assert (second.key, second.stage, second.amount) == ("2026-11-01 overdue-1", "overdue-1", Decimal("402.50"))
    # ... and with both recorded, nothing is.
    assert reminders_due(site, {"2026-001": {first.key: "2026-11-02", second.key: "2026-11-02"}}, days_before=3, every=7) == []
    # A stage recorded for the invoice as a whole (before it had a plan) blocks no instalment.
    assert len(reminders_due(site, {"2026-001": {"overdue-1": "2026-11-02"}}, days_before=3, every=7)) == 1


def test_the_reminder_e_mail_asks_for_the_instalment_ahead_of_its_date(tmp_path):
    # 28 Nov, all 500.00 paid: the last instalment (507.50, due 1 Dec) is 3 days ahead: "upcoming",
    # while the second's 202.50 is overdue; one reminder a day, the earliest instalment's first.
    site_with(tmp_path, PLAN, full=True)
    result = run_invoices(tmp_path, "remind", today="2026-11-28")
    assert result.returncode == 0, result.stderr
    assert "Subject: Invoice 2026-001 is overdue: €202.50 to pay" in result.stdout
    assert "would send 1 reminder(s)" in result.stdout
    # SPEC §14: the e-mail names the instalment, its unpaid part and what to pay now.
    body = " ".join(result.stdout.split())
    assert "Instalment 2 of 3, due on November 1, 2026: €202.50 unpaid." in body  # 400.00 − 197.50
    assert "To pay now: €202.50" in body and "Amount due:" not in body


def test_an_instalment_reminder_names_it_in_the_clients_language(tmp_path):
    # The same plan for a Spanish-speaking client, on 28 Nov: "Plazo 2 de 3", the date and amount as Spanish writes them.
    site_with(tmp_path, PLAN, full=True)
    write_files(tmp_path, {"invoices/clients/acme.yml": CLIENT.replace("language: en", "language: es")})
    result = run_invoices(tmp_path, "remind", today="2026-11-28")
    assert result.returncode == 0, result.stderr
    body = " ".join(result.stdout.split())
    assert "Plazo 2 de 3, con vencimiento el 1 de noviembre de 2026: 202,50 € pendientes." in body
    assert "A pagar ahora: 202,50 €" in body


def test_the_calendar_has_one_event_per_unpaid_instalment_and_the_page_carries_to_pay_now(tmp_path):
    site_with(tmp_path, PLAN, full=True)
    result = mkdocs_build(tmp_path, "--strict")
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "site" / "i" / token("invoice", "acme", "1", "2026-001")
    events = Calendar.from_ical((folder / "due-date.ics").read_bytes()).walk("VEVENT")
    # The deposit is paid: two events, the second instalment's unpaid 202.50 and the last one's 507.50.
    assert [(e.decoded("dtstart"), "202.50" in str(e["summary"]) or "507.50" in str(e["summary"])) for e in events] == [
        (datetime.date(2026, 11, 1), True),
        (datetime.date(2026, 12, 1), True),
    ]
    assert "€202.50" in str(events[0]["summary"]) and "€507.50" in str(events[1]["summary"])
    assert len({str(e["uid"]) for e in events}) == 2  # each its own, stable event
    page = (folder / "index.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
    assert (data["paymentDueDate"], data["totalPaymentDue"]["value"]) == ("2026-11-01", "710.00")
