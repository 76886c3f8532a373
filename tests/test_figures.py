"""The arithmetic of spec section 2 on cases worked out by hand (the working is in each comment)."""

from __future__ import annotations

import datetime
from decimal import Decimal as D

import pytest

from invoicepub.figures import compute
from invoicepub.model import Invoice, LineItem, Payment
from invoicepub.problems import Source

HERE = Source("invoices/test.yml", 1)
TODAY = datetime.date(2026, 11, 23)


def item(price, quantity="1", tax="0", rate=None, amount=None, withholding=True, category=""):
    return LineItem(
        withholding=withholding,
        tax_category=category,
        description="x",
        quantity=D(quantity),
        unit=None,
        unit_price=D(price),
        discount_rate=D(rate) if rate is not None else None,
        discount_amount=D(amount) if amount is not None else None,
        tax_rate=D(tax),
        source=HERE,
    )


def invoice(*items, currency="EUR", discount=None, withholding=None, payments=(), state="issued", due=datetime.date(2026, 12, 2)):
    return Invoice(
        number="T-1",
        client_id="c",
        issued=datetime.date(2026, 11, 2),
        due=due,
        state=state,
        currency=currency,
        language="en",
        items=tuple(items),
        discount_rate=D(discount) if discount else None,
        withholding_rate=D(withholding) if withholding else None,
        notes=None,
        payments=tuple(Payment(datetime.date(2026, 11, 10), D(a), None, None, HERE) for a in payments),
        source=HERE,
    )


def test_two_tax_rates_line_discount_and_withholding():
    # 10 h × 45.00 = 450.00, −10 % = 405.00          (21 %)
    # 6.5 h × 42.00 = 273.00                          (21 %)
    # 50 × 7.35 = 367.50                               (4 %)
    # subtotal 1045.50; IVA 21 % on 678.00 = 142.38; IVA 4 % on 367.50 = 14.70
    # total 1202.58; IRPF 15 % of 1045.50 = 156.825 → 156.83; due 1045.75
    figures = compute(
        invoice(
            item("45.00", "10", tax="0.21", rate="0.10"),
            item("42.00", "6.5", tax="0.21"),
            item("7.35", "50", tax="0.04"),
            withholding="0.15",
        ),
        TODAY,
    )
    assert [line.net for line in figures.lines] == [D("405.00"), D("273.00"), D("367.50")]
    assert figures.subtotal == D("1045.50")
    assert [(g.rate, g.base, g.tax) for g in figures.tax_groups] == [
        (D("0.04"), D("367.50"), D("14.70")),
        (D("0.21"), D("678.00"), D("142.38")),
    ]
    assert figures.total == D("1202.58")
    assert figures.withholding == D("156.83")
    assert figures.amount_due == D("1045.75")
    assert figures.balance == D("1045.75")
    assert figures.status == "due"


def test_tax_is_rounded_once_per_rate_not_per_line():
    # Three lines of 0.05 at 10 %: per line 0.005 → 0.01 each = 0.03; per rate 0.15 × 10 % = 0.015 → 0.02
    figures = compute(invoice(item("0.05", tax="0.10"), item("0.05", tax="0.10"), item("0.05", tax="0.10")), TODAY)
    assert figures.tax == D("0.02")
    assert figures.total == D("0.17")


def test_invoice_discount_per_rate_group_and_negative_rebate_line():
    # 21 % group: 100.00 + (−20.00 rebate) = 80.00; 5 % off = 4.00; base 76.00; tax 15.96
    # 10 % group: 33.33; 5 % off = 1.6665 → 1.67; base 31.66; tax 3.166 → 3.17
    # total = 76.00 + 31.66 + 15.96 + 3.17 = 126.79
    figures = compute(
        invoice(item("100.00", tax="0.21"), item("-20.00", tax="0.21"), item("33.33", tax="0.10"), discount="0.05"),
        TODAY,
    )
    assert figures.subtotal == D("113.33")
    groups = {g.rate: g for g in figures.tax_groups}
    assert (groups[D("0.21")].discount, groups[D("0.21")].base, groups[D("0.21")].tax) == (D("4.00"), D("76.00"), D("15.96"))
    assert (groups[D("0.1")].discount, groups[D("0.1")].base, groups[D("0.1")].tax) == (D("1.67"), D("31.66"), D("3.17"))
    assert figures.discount == D("5.67")
    assert figures.total == D("126.79")


def test_amount_discount_on_a_line():
    # 3 × 19.99 = 59.97, minus 5.00 off = 54.97
    figures = compute(invoice(item("19.99", "3", amount="5.00")), TODAY)
    assert figures.lines[0].net == D("54.97")


def test_half_up_rounding_of_1_005():
    # 1 × 1.005 → 1.01 (half up), never 1.00 as a float 1.00499999… would give
    figures = compute(invoice(item("1.005")), TODAY)
    assert figures.subtotal == D("1.01")


def test_jpy_has_no_minor_units():
    # 3 × 333.5 = 1000.5 → 1001; tax 10 % = 100.1 → 100; total 1101
    figures = compute(invoice(item("333.5", "3", tax="0.10"), currency="JPY"), TODAY)
    assert figures.subtotal == D("1001")
    assert figures.tax == D("100")
    assert figures.total == D("1101")


def test_kwd_has_three_minor_units():
    # 1.2345 → 1.235 (half up at the third decimal); no tax
    figures = compute(invoice(item("1.2345"), currency="KWD"), TODAY)
    assert figures.total == D("1.235")


@pytest.mark.parametrize(
    "payments, due, state, expected",
    [
        ((), datetime.date(2026, 12, 2), "issued", "due"),
        (("10.00",), datetime.date(2026, 12, 2), "issued", "partially paid"),
        (("10.00",), datetime.date(2026, 11, 22), "issued", "overdue"),
        ((), datetime.date(2026, 11, 23), "issued", "due"),  # due today is not yet overdue
        (("100.00",), datetime.date(2026, 11, 1), "issued", "paid"),
        (("150.00",), datetime.date(2026, 11, 1), "issued", "paid"),
        ((), datetime.date(2026, 12, 2), "void", "void"),
    ],
)
def test_status(payments, due, state, expected):
    figures = compute(invoice(item("100.00"), payments=payments, due=due, state=state), TODAY)
    assert figures.status == expected


def test_overpayment_is_a_credit_and_nothing_is_payable():
    figures = compute(invoice(item("100.00"), payments=("150.00",)), TODAY)
    assert figures.balance == D("-50.00")
    assert figures.payable == D("0.00")


def test_days_overdue():
    figures = compute(invoice(item("1.00"), due=datetime.date(2026, 11, 13)), TODAY)
    assert figures.days_overdue == 10


def test_lines_kept_out_of_withholding():
    # Design 1000.00 at 21 % subject to IRPF; costs paid in the client's name ("suplidos")
    # 150.00 at 0 %, kept out of the withholding base; IRPF 15 %.
    figures = compute(invoice(item("1000.00", tax="0.21"), item("150.00", withholding=False), withholding=D("0.15")), TODAY)
    assert figures.subtotal == D("1150.00")
    assert [group.tax for group in figures.tax_groups] == [D("0.00"), D("210.00")]  # 0 %, then 1000.00 × 21 %
    assert figures.total == D("1360.00")  # 1150.00 + 210.00
    assert figures.withholding == D("150.00")  # 15 % of 1000.00 only (it would be 172.50 on 1150.00)
    assert figures.amount_due == D("1210.00")  # 1360.00 − 150.00


def test_withholding_groups_share_one_tax_line_per_rate():
    # 1000.00 subject and 100.00 not subject, both at 21 %, invoice discount 5 %, IRPF 15 %:
    # discounts per group: 50.00 and 5.00 → bases 950.00 and 95.00;
    # tax once for the rate: round((950.00 + 95.00) × 0.21) = round(219.45) = 219.45;
    # total = 1045.00 + 219.45 = 1264.45; withholding = round(950.00 × 0.15) = 142.50;
    # amount due = 1264.45 − 142.50 = 1121.95.
    figures = compute(
        invoice(item("1000.00", tax="0.21"), item("100.00", tax="0.21", withholding=False), discount=D("0.05"), withholding=D("0.15")),
        TODAY,
    )
    assert len(figures.tax_groups) == 1
    group = figures.tax_groups[0]
    assert (group.net, group.discount, group.base, group.tax) == (D("1100.00"), D("55.00"), D("1045.00"), D("219.45"))
    assert (figures.total, figures.withholding, figures.amount_due) == (D("1264.45"), D("142.50"), D("1121.95"))


def test_the_discount_is_rounded_per_withholding_group():
    # 0.10 subject and 0.10 not subject at 0 %, invoice discount 25 %:
    # per group round(0.10 × 0.25) = round(0.025) = 0.03 (half up), twice → 0.06 off,
    # where one rounding of 0.20 × 0.25 = 0.05 would give 0.05 (SPEC §2 step 3 groups by both).
    figures = compute(invoice(item("0.10"), item("0.10", withholding=False), discount=D("0.25"), withholding=D("0.15")), TODAY)
    assert figures.discount == D("0.06")
    assert figures.total == D("0.14")
    assert figures.withholding == D("0.01")  # round(0.07 × 0.15) = round(0.0105) = 0.01


def test_the_largest_numbers_stay_exact():
    # 999999999999.999999999999 × 999999999999.999999999999 needs 48 digits; rounded to cents:
    # (10^12 − 10^-12)^2 = 10^24 − 2 + 10^-24 → 999999999999999999999998.00
    figures = compute(invoice(item("999999999999.999999999999", quantity="999999999999.999999999999")), TODAY)
    assert figures.total == D("999999999999999999999998.00")


def test_a_rate_without_a_category_is_standard_or_zero_rated():
    assert item("1.00", tax="0.21").tax_category == "S"
    assert item("1.00", tax="0").tax_category == "Z"


def test_lines_are_grouped_by_rate_and_category():
    # 100.00 at 21 % (S), 0.10 reverse charge (AE, 0 %), 0.10 zero rated (Z, 0 %); invoice discount 25 %:
    # S:  100.00, off round(25.00) = 25.00, base 75.00, tax round(75.00 × 0.21) = 15.75
    # AE: 0.10, off round(0.025) = 0.03 (half up), base 0.07, tax 0.00
    # Z:  0.10, off 0.03, base 0.07, tax 0.00
    # discount 25.06 (grouped by rate alone, 0.20 × 25 % = 0.05 would give 25.05);
    # taxable base 75.14; total 75.14 + 15.75 = 90.89
    figures = compute(
        invoice(item("100.00", tax="0.21"), item("0.10", category="AE"), item("0.10"), discount="0.25"),
        TODAY,
    )
    assert [(g.rate, g.category, g.net, g.discount, g.base, g.tax) for g in figures.tax_groups] == [
        (D("0"), "AE", D("0.10"), D("0.03"), D("0.07"), D("0.00")),
        (D("0"), "Z", D("0.10"), D("0.03"), D("0.07"), D("0.00")),
        (D("0.21"), "S", D("100.00"), D("25.00"), D("75.00"), D("15.75")),
    ]
    assert (figures.discount, figures.taxable_base, figures.tax, figures.total) == (D("25.06"), D("75.14"), D("15.75"), D("90.89"))


def test_reverse_charge_beside_a_taxed_line():
    # 12.5 h × 80.00 = 1000.00 at 21 % → tax 210.00; 3 × 33.33 = 99.99 reverse charge → tax 0
    # subtotal 1099.99; total 1099.99 + 210.00 = 1309.99
    figures = compute(invoice(item("80.00", "12.5", tax="0.21"), item("33.33", "3", category="AE")), TODAY)
    assert [(g.category, g.base, g.tax) for g in figures.tax_groups] == [("AE", D("99.99"), D("0.00")), ("S", D("1000.00"), D("210.00"))]
    assert (figures.subtotal, figures.total) == (D("1099.99"), D("1309.99"))
