"""Labels in each page language and locale formatting of amounts, numbers, dates and rates."""

from __future__ import annotations

import copy
import datetime
import unicodedata
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.dates import format_date
from babel.numbers import NumberPattern, format_decimal, format_percent, get_currency_symbol

from .money import minor_units

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "invoice": "Invoice",
        "invoice_number": "Invoice {number}",
        "client_page_title": "Invoices for {name}",
        "from": "From",
        "bill_to": "Bill to",
        "tax_id": "Tax ID",
        "contact": "Contact",
        "issued": "Issue date",
        "due": "Due date",
        "status": "Status",
        "status.due": "Due",
        "status.partially paid": "Partially paid",
        "status.overdue": "Overdue",
        "status.paid": "Paid",
        "status.void": "Void",
        "status.draft": "Draft",
        "balance_due": "Balance due",
        "due_on": "due {date}",
        "overdue_as_of": "overdue as of {date} (due {due})",
        "status_as_of": "{status} (as of {date})",
        "as_of": "as of {date}",
        "paid_col": "Paid",
        "amount_due_col": "Amount due",
        "credit": "Credit in your favour",
        "nothing_due": "Nothing to pay",
        "void_notice": "This invoice has been voided. Nothing is due and it cannot be paid.",
        "paid_notice": "Paid in full. Thank you!",
        "how_to_pay_link": "How to pay",
        "items": "Items",
        "description": "Description",
        "quantity": "Qty",
        "unit": "Unit",
        "unit_price": "Unit price",
        "line_discount": "Discount",
        "net": "Amount",
        "subtotal": "Subtotal",
        "discount": "Discount {rate}",
        "tax": "Tax {rate}",
        "tax_on": "on {base}",
        "withholding": "Income tax withheld {rate}",
        "total": "Total",
        "amount_due": "Amount due",
        "paid": "Paid",
        "payments": "Payment history",
        "no_payments": "No payments received as of {date}.",
        "date": "Date",
        "method": "Method",
        "reference": "Reference",
        "amount": "Amount",
        "how_to_pay": "How to pay",
        "scan_to_pay": "Scan with your banking app",
        "qr_alt": "{rail} QR code: pay {amount} to {name}, {account_label} {account}{bic}, reference {reference}.",
        "qr_bic": ", BIC {bic}",
        "rail.epc": "SEPA transfer",
        "rail.swiss_qr": "Swiss QR-bill",
        "rail.spayd": "QR Platba",
        "rail.upi": "UPI",
        "rail.pix": "Pix",
        "account.epc": "IBAN",
        "account.swiss_qr": "IBAN",
        "account.spayd": "IBAN",
        "account.upi": "UPI ID",
        "account.pix": "Pix key",
        "bank_transfer": "Bank transfer",
        "account_holder": "Account holder",
        "iban": "IBAN",
        "bic": "BIC",
        "quote_reference": "Reference to quote",
        "pay_by_card": "Pay by card",
        "pay_with_paypal": "Pay with PayPal",
        "notes": "Notes",
        "questions": "Questions about this invoice?",
        "questions_client": "Questions about your invoices?",
        "email": "Email",
        "phone": "Phone",
        "hours": "Hours",
        "mail_subject": "Invoice {number}",
        "mail_subject_client": "Invoices for {name}",
        "preview": "Preview — these are local preview links, not the published ones. Set INVOICES_SECRET to build the real site.",
        "your_invoices": "Your invoices",
        "number": "Number",
        "balance": "Balance",
        "currency": "Currency",
        "outstanding": "Outstanding",
        "overdue_total": "Overdue",
        "all_payments": "Payments received",
        "invoice_col": "Invoice",
        "nothing_outstanding": "Nothing outstanding. Thank you!",
        "pay_now": "Pay",
        "print": "Print or save as PDF",
        "mention.E": "Exempt from VAT",
        "mention.AE": "Reverse charge: VAT to be accounted for by the recipient (Art. 196 Directive 2006/112/EC)",
        "mention.K": "Exempt intra-Community supply of goods (Art. 138 Directive 2006/112/EC)",
        "mention.G": "Exempt export of goods outside the EU (Art. 146 Directive 2006/112/EC)",
        "mention.O": "Not subject to VAT: supplied outside the territory of application of the tax",
        "no_einvoice.withholding": "No e-invoice (XML) for this invoice: the EN 16931 standard has no place for income tax withheld.",
        "no_einvoice.seller_tax_id": "No e-invoice (XML) for this invoice: the seller's VAT number is missing.",
        "no_einvoice.seller_country": "No e-invoice (XML) for this invoice: the seller's country is missing.",
        "no_einvoice.buyer_country": "No e-invoice (XML) for this invoice: the client's country is missing.",
        "no_einvoice.currency": "No e-invoice (XML) for this invoice: the EN 16931 standard allows amounts with at most two decimals.",
        "no_einvoice.not_subject_mixed": "No e-invoice (XML) for this invoice: the EN 16931 standard does not allow lines not subject to VAT beside taxed ones.",
        "download_pdf": "Download PDF",
        "download_xml": "Download e-invoice (XML)",
        "reminder_subject.upcoming": "Reminder: invoice {number} is due on {date}",
        "reminder_subject.due": "Invoice {number} is due today",
        "reminder_subject.overdue": "Invoice {number} is overdue: {amount} to pay",
        "add_to_calendar": "Add the due date to your calendar",
        "add_all_to_calendar": "Add all due dates to your calendar",
        "calendar_summary": "Invoice {number} due: {amount} ({business})",
        "calendar_description": "Invoice {number}: {amount} to pay.\nInvoice, payment details and QR code: {link}",
        "new.header": "Invoice {number} for {client}",
        "new.publish": 'Fill in the items, then delete the "status: draft" line to publish it.',
        "new.due": "{days} days after the issue date",
        "new.withholding": "income tax withheld (defaults in business.yml or the client's file)",
        "new.items": "One entry per line of the invoice. quantity defaults to 1; unit, discount and tax are optional.",
        "new.placeholder": "Describe the work",
        "new.thanks": "Thank you!",
    },
    "es": {
        "invoice": "Factura",
        "invoice_number": "Factura {number}",
        "client_page_title": "Facturas de {name}",
        "from": "Emisor",
        "bill_to": "Cliente",
        "tax_id": "NIF",
        "contact": "Contacto",
        "issued": "Fecha de emisión",
        "due": "Vencimiento",
        "status": "Estado",
        "status.due": "Pendiente",
        "status.partially paid": "Pago parcial",
        "status.overdue": "Vencida",
        "status.paid": "Pagada",
        "status.void": "Anulada",
        "status.draft": "Borrador",
        "balance_due": "Importe pendiente",
        "due_on": "vence el {date}",
        "overdue_as_of": "vencida a {date} (vencimiento: {due})",
        "status_as_of": "{status} (a {date})",
        "as_of": "a {date}",
        "paid_col": "Pagado",
        "amount_due_col": "Total a pagar",
        "credit": "Saldo a su favor",
        "nothing_due": "Nada pendiente de pago",
        "void_notice": "Esta factura ha sido anulada. No hay nada que pagar.",
        "paid_notice": "Pagada en su totalidad. ¡Gracias!",
        "how_to_pay_link": "Cómo pagar",
        "items": "Conceptos",
        "description": "Concepto",
        "quantity": "Cant.",
        "unit": "Unidad",
        "unit_price": "Precio unitario",
        "line_discount": "Descuento",
        "net": "Importe",
        "subtotal": "Subtotal",
        "discount": "Descuento {rate}",
        "tax": "IVA {rate}",
        "tax_on": "sobre {base}",
        "withholding": "Retención IRPF {rate}",
        "total": "Total",
        "amount_due": "Total a pagar",
        "paid": "Pagado",
        "payments": "Historial de pagos",
        "no_payments": "Ningún pago recibido a {date}.",
        "date": "Fecha",
        "method": "Forma de pago",
        "reference": "Referencia",
        "amount": "Importe",
        "how_to_pay": "Cómo pagar",
        "scan_to_pay": "Escanee con la app de su banco",
        "qr_alt": "Código QR {rail}: pagar {amount} a {name}, {account_label} {account}{bic}, referencia {reference}.",
        "qr_bic": ", BIC {bic}",
        "rail.epc": "de transferencia SEPA",
        "rail.swiss_qr": "de factura QR suiza",
        "rail.spayd": "QR Platba",
        "rail.upi": "UPI",
        "rail.pix": "Pix",
        "account.epc": "IBAN",
        "account.swiss_qr": "IBAN",
        "account.spayd": "IBAN",
        "account.upi": "ID de UPI",
        "account.pix": "clave Pix",
        "bank_transfer": "Transferencia bancaria",
        "account_holder": "Titular",
        "iban": "IBAN",
        "bic": "BIC",
        "quote_reference": "Concepto a indicar",
        "pay_by_card": "Pagar con tarjeta",
        "pay_with_paypal": "Pagar con PayPal",
        "notes": "Notas",
        "questions": "¿Preguntas sobre esta factura?",
        "questions_client": "¿Preguntas sobre sus facturas?",
        "email": "Correo",
        "phone": "Teléfono",
        "hours": "Horario",
        "mail_subject": "Factura {number}",
        "mail_subject_client": "Facturas de {name}",
        "preview": "Vista previa: estos enlaces son locales, no los publicados. Defina INVOICES_SECRET para generar el sitio real.",
        "your_invoices": "Sus facturas",
        "number": "Número",
        "balance": "Pendiente",
        "currency": "Moneda",
        "outstanding": "Pendiente de pago",
        "overdue_total": "Vencido",
        "all_payments": "Pagos recibidos",
        "invoice_col": "Factura",
        "nothing_outstanding": "No hay nada pendiente. ¡Gracias!",
        "pay_now": "Pagar",
        "print": "Imprimir o guardar como PDF",
        "mention.E": "Operación exenta de IVA",
        "mention.AE": "Inversión del sujeto pasivo (art. 84.Uno.2º Ley 37/1992; art. 196 Directiva 2006/112/CE)",
        "mention.K": "Entrega intracomunitaria exenta (art. 25 Ley 37/1992; art. 138 Directiva 2006/112/CE)",
        "mention.G": "Exportación exenta (art. 21 Ley 37/1992; art. 146 Directiva 2006/112/CE)",
        "mention.O": "Operación no sujeta a IVA (arts. 69 y 70 Ley 37/1992)",
        "no_einvoice.withholding": "Sin factura electrónica (XML): la norma EN 16931 no admite la retención de IRPF.",
        "no_einvoice.seller_tax_id": "Sin factura electrónica (XML): falta el NIF-IVA del emisor.",
        "no_einvoice.seller_country": "Sin factura electrónica (XML): falta el país del emisor.",
        "no_einvoice.buyer_country": "Sin factura electrónica (XML): falta el país del cliente.",
        "no_einvoice.currency": "Sin factura electrónica (XML): la norma EN 16931 solo admite importes con dos decimales como máximo.",
        "no_einvoice.not_subject_mixed": "Sin factura electrónica (XML): la norma EN 16931 no admite operaciones no sujetas junto a otras sujetas a IVA.",
        "download_pdf": "Descargar PDF",
        "download_xml": "Descargar factura electrónica (XML)",
        "reminder_subject.upcoming": "Recordatorio: la factura {number} vence el {date}",
        "reminder_subject.due": "La factura {number} vence hoy",
        "reminder_subject.overdue": "Factura {number} vencida: {amount} pendiente",
        "add_to_calendar": "Añadir el vencimiento a su calendario",
        "add_all_to_calendar": "Añadir todos los vencimientos a su calendario",
        "calendar_summary": "Vence la factura {number}: {amount} ({business})",
        "calendar_description": "Factura {number}: {amount} pendiente de pago.\nFactura, datos de pago y código QR: {link}",
        "new.header": "Factura {number} para {client}",
        "new.publish": 'Rellene los conceptos y borre la línea "status: draft" para publicarla.',
        "new.due": "{days} días después de la fecha de emisión",
        "new.withholding": "retención de IRPF (valores por defecto en business.yml o en la ficha del cliente)",
        "new.items": "Una entrada por cada línea de la factura. quantity vale 1 por defecto; unit, discount y tax son opcionales.",
        "new.placeholder": "Describa el trabajo",
        "new.thanks": "¡Gracias por su confianza!",
    },
}


class Formatter:
    """Labels and locale formatting for one page language."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.locale = _locale(language)
        self.labels = LABELS[language]

    def label(self, key: str, **values: object) -> str:
        return self.labels[key].format(**values) if values else self.labels[key]

    def money(self, amount: Decimal, currency: str) -> str:
        """``€1,451.78`` / ``CHF 4,550.00`` in English, ``1.451,78 €`` in Spanish, ``−€3,000.00`` when negative.

        Always ISO 4217's minor units (CLDR shows RSD without decimals), CLDR's currency
        spacing between a currency code and the digits (which Babel does not apply by
        itself), the minus sign U+2212, and never a negative zero.
        """
        digits = minor_units(currency)
        return format_money(amount, currency, self.locale, digits, digits)

    def number(self, value: Decimal) -> str:
        """A quantity as written: ``10``, ``1.5``, never padded."""
        return format_decimal(value.normalize(), locale=self.locale, decimal_quantization=False)

    def unit_price(self, amount: Decimal, currency: str) -> str:
        """A unit price keeps extra decimals when it has them (``€0.125``)."""
        digits = minor_units(currency)
        return format_money(amount, currency, self.locale, digits, max(digits, -amount.normalize().as_tuple().exponent))

    def rate(self, fraction: Decimal) -> str:
        """A rate as a percentage: ``21%`` / ``21 %``, ``10.5%``."""
        return format_percent(fraction, locale=self.locale, decimal_quantization=False)

    def country(self, code: str) -> str:
        """The country's name in this language: ``ES`` → ``Spain`` / ``España``."""
        return self.locale.territories.get(code, code)

    def date(self, day: datetime.date) -> str:
        return format_date(day, format="long", locale=self.locale)

    def short_date(self, day: datetime.date) -> str:
        return format_date(day, format="medium", locale=self.locale)


def format_money(amount: Decimal, currency: str, locale: Locale | str, least: int | None = None, most: int | None = None) -> str:
    """An amount in the locale's currency format with ``least``–``most`` decimals (default: ISO 4217's).

    See ``Formatter.money``: CLDR currency spacing, U+2212 for negatives, no negative zero.
    """
    locale = Locale.parse(locale)
    digits = minor_units(currency)
    least = digits if least is None else least
    most = least if most is None else most
    pattern: NumberPattern = copy.copy(locale.currency_formats["standard"])
    pattern.frac_prec = (least, most)
    if amount.quantize(Decimal(1).scaleb(-most)) == 0:
        amount = abs(amount)  # -0.001 rounds to zero, which has no sign
    text = pattern.apply(amount, locale, currency=currency, currency_digits=False)
    text = _currency_spacing(text, get_currency_symbol(currency, locale=locale))
    return text.replace("-", MINUS_SIGN).replace(locale.number_symbols["latn"]["minusSign"], MINUS_SIGN)


MINUS_SIGN = "\u2212"  # read as "minus" by screen readers; a hyphen is not
_NO_BREAK_SPACE = "\u00a0"


def _currency_spacing(text: str, symbol: str) -> str:
    """CLDR's currencySpacing: a no-break space between a currency code and an adjacent digit.

    The rule inserts it where the symbol's character next to the number is neither a
    symbol nor a space (``CHF``, ``US$`` ends in ``$``: no space) and the number's
    character next to it is a digit: ``CHF4,550.00`` → ``CHF 4,550.00``.
    """
    at = text.find(symbol)
    if at < 0:
        return text
    end = at + len(symbol)
    if end < len(text) and _is_letter_like(symbol[-1]) and text[end].isdigit():
        return text[:end] + _NO_BREAK_SPACE + text[end:]
    if at > 0 and _is_letter_like(symbol[0]) and text[at - 1].isdigit():
        return text[:at] + _NO_BREAK_SPACE + text[at:]
    return text


def _is_letter_like(char: str) -> bool:
    return unicodedata.category(char)[0] not in ("S", "Z")


@lru_cache(maxsize=None)
def _locale(language: str) -> Locale:
    return Locale.parse(language)


@lru_cache(maxsize=None)
def formatter(language: str) -> Formatter:
    return Formatter(language)
