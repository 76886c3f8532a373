"""Payment payloads: the EPC text field by field, the RF reference and hosted link templates."""

from __future__ import annotations

from decimal import Decimal

import pytest
from stdnum import iso11649

from invoicepub.payments import epc, hosted, rf


ACCOUNT = epc.Config(iban="ES6720859252090330063402", bic="CAZRES2Z", account_holder="Estudio Lumen, S.L.")


def test_epc_payload_fields():
    text = epc.payload(ACCOUNT, number="2026-004", amount=Decimal("1045.75"), currency="EUR", payee="Estudio Lumen, S.L.")
    assert text.split("\n") == [
        "BCD", "002", "1", "SCT", "CAZRES2Z", "Estudio Lumen, S.L.", "ES6720859252090330063402",
        "EUR1045.75", "", "", "2026-004",
    ]


def test_epc_with_an_rf_reference_has_a_structured_field_and_no_remittance_text():
    account = epc.Config(iban="ES6720859252090330063402", reference="rf")
    text = epc.payload(account, number="539007547034", amount=Decimal("10.00"), currency="EUR", payee="A")
    # ISO 11649's own example: RF18 5390 0754 7034
    assert text.split("\n")[4:] == ["", "A", "ES6720859252090330063402", "EUR10.00", "", "RF18539007547034", ""]


def test_epc_payee_is_the_account_holder_else_the_trading_name():
    assert epc.payee(ACCOUNT, "Lumen") == "Estudio Lumen, S.L."
    assert epc.payee(epc.Config(iban="ES6720859252090330063402"), "Lumen") == "Lumen"


def test_epc_amount_always_has_two_decimals():
    text = epc.payload(ACCOUNT, number="x", amount=Decimal("1451.8"), currency="EUR", payee="A")
    assert text.split("\n")[7] == "EUR1451.80"


@pytest.mark.parametrize("amount", ["0", "0.001", "1000000000.00", "-5"])
def test_epc_refuses_amounts_it_cannot_carry(amount):
    with pytest.raises(ValueError):
        epc.payload(ACCOUNT, number="x", amount=Decimal(amount), currency="EUR", payee="A")


def test_rf_reference_is_valid_iso_11649():
    reference = rf.creditor_reference("2026-014")
    assert reference.startswith("RF") and reference.endswith("2026014")
    assert iso11649.is_valid(reference)
    # The standard's own example: RF18 5390 0754 7034
    assert rf.creditor_reference("539007547034") == "RF18539007547034"
    # By hand: "AB1" + "RF00" as digits (A=10, B=11, 1, R=27, F=15, 0, 0) is 10111271500;
    # 10111271500 mod 97 = 36, and 98 − 36 = 62
    assert rf.creditor_reference("ab-1") == "RF62AB1"


def test_hosted_templates_are_filled_url_encoded():
    template = hosted.validate("https://pay.example/?n={number}&a={amount}&c={currency}&who={client}")
    url = hosted.fill(template, number="A/2026 1", amount="10.50", currency="EUR", client="acme & co")
    assert url == "https://pay.example/?n=A%2F2026%201&a=10.50&c=EUR&who=acme%20%26%20co"


def test_hosted_template_with_unknown_field_is_refused():
    with pytest.raises(ValueError, match=r"unknown template field \{total\}"):
        hosted.validate("https://pay.example/{total}")
