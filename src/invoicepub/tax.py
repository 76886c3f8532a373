"""Tax categories of an invoice line (SPEC §9): what an item's ``tax:`` says, as EN 16931 reads it.

``tax:`` is a rate (``21%``: standard rate, category S; ``0%``: zero rated, Z) or one of
the words below, each a 0 % line with its EN 16931 VAT category (UNCL5305) and, where one
fits, its VAT exemption reason code (CEF VATEX list):

=================  ====  ============  =============================================
tax:               code  VATEX         meaning
=================  ====  ============  =============================================
exempt             E     (none)        exempt; the invoice's ``tax_reason:`` is the ground
reverse charge     AE    VATEX-EU-AE   the client accounts for the VAT (art. 196 VAT Directive)
intra-community    K     VATEX-EU-IC   intra-community supply of goods (art. 138)
export             G     VATEX-EU-G    goods exported outside the EU (art. 146)
not subject        O     VATEX-EU-O    outside the scope of VAT (place of supply abroad)
=================  ====  ============  =============================================

An exemption has many legal grounds (VATEX-EU-132-1A … -1Q, -143, national ones); the tool
cannot know which one applies, so an ``exempt`` line carries the user's ``tax_reason:`` text
(BT-120) and no code (BT-121): EN 16931 asks for one or the other (BR-E-10).
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Any

from babel import Locale

from .fields import percentage

STANDARD = "S"
ZERO_RATED = "Z"
EXEMPT = "E"
REVERSE_CHARGE = "AE"
INTRA_COMMUNITY = "K"
EXPORT = "G"
NOT_SUBJECT = "O"

# What a user writes after ``tax:``, and the category it means.
KEYWORDS = {
    "exempt": EXEMPT,
    "reverse charge": REVERSE_CHARGE,
    "intra-community": INTRA_COMMUNITY,
    "export": EXPORT,
    "not subject": NOT_SUBJECT,
}
WORDS = {code: word for word, code in KEYWORDS.items()}
# The VAT exemption reason code (BT-121) of each 0 % category that has one.
EXEMPTION_CODES = {
    REVERSE_CHARGE: "VATEX-EU-AE",
    INTRA_COMMUNITY: "VATEX-EU-IC",
    EXPORT: "VATEX-EU-G",
    NOT_SUBJECT: "VATEX-EU-O",
}
# Categories printed with a mention under their tax line (label "mention.<code>").
MENTIONED = (EXEMPT, REVERSE_CHARGE, INTRA_COMMUNITY, EXPORT, NOT_SUBJECT)
# Categories whose client must be identified: the client accounts for the VAT, or the supply
# is only exempt when the client has an EU VAT number (art. 226(4), 138 VAT Directive).
NEEDS_CLIENT_TAX_ID = (REVERSE_CHARGE, INTRA_COMMUNITY)


def category_of_rate(rate: Decimal) -> str:
    """A rate written as a percentage: standard rated above 0 %, zero rated at 0 %."""
    return STANDARD if rate else ZERO_RATED


def parse(value: Any, raw: str | None) -> tuple[Decimal, str]:
    """``"21%"`` → (0.21, "S"); ``"reverse charge"`` → (0, "AE"); ValueError naming the choices otherwise."""
    if isinstance(value, str):
        word = " ".join(value.lower().split())
        if word in KEYWORDS:
            return Decimal(0), KEYWORDS[word]
        if "%" not in word:
            raise ValueError(f"expected a rate such as 21% or one of {', '.join(KEYWORDS)}, got {value.strip()!r}")
    rate = percentage(value, raw)
    return rate, category_of_rate(rate)


def check_default(value: Any, raw: str | None) -> str:
    """A default ``tax:`` for new invoices (business.yml, a client's file), kept as written."""
    parse(value, raw)
    return value.strip()


def has_country_prefix(tax_id: str) -> bool:
    """A VAT number as EN 16931 wants it: led by its country's ISO 3166 code (EL for Greece, XI for
    Northern Ireland), such as ESB98765432 (BR-CO-09)."""
    prefix = tax_id.strip()[:2]
    return len(prefix) == 2 and prefix.isascii() and prefix.isupper() and (prefix in ("EL", "XI") or prefix in _countries())


@lru_cache(maxsize=1)
def _countries() -> frozenset[str]:
    return frozenset(code for code in Locale("en").territories if len(code) == 2 and code.isalpha())
