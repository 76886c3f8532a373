"""Units of measure as EN 16931 reads them: UN/ECE Recommendation 20 codes (BT-130).

An item's ``unit:`` is free text for the page ("h", "ud.", "page"); the e-invoice needs a
code. Common words map to their code; anything else is counted as "one" (C62), the code
EN 16931 uses for a plain count. The page keeps the word as written either way.

=====================================================  ====  ===================
unit: (case and a final dot ignored)                   code  Rec. 20 name
=====================================================  ====  ===================
h, hr, hrs, hour, hours, hora, horas                   HUR   hour
min, minute, minutes, minuto, minutos                  MIN   minute
d, day, days, día, días, dia, dias, jornada, jornadas  DAY   day
week, weeks, semana, semanas                           WEE   week
month, months, mes, meses                              MON   month
year, years, año, años                                 ANN   year
pc, pcs, piece, pieces, ud, uds, unidad, unidades      H87   piece
kg                                                     KGM   kilogram
km                                                     KMT   kilometre
m                                                      MTR   metre
m2, m²                                                 MTK   square metre
l                                                      LTR   litre
(anything else, or no unit)                            C62   one
=====================================================  ====  ===================
"""

from __future__ import annotations

ONE = "C62"

_CODES = {
    "HUR": ("h", "hr", "hrs", "hour", "hours", "hora", "horas"),
    "MIN": ("min", "minute", "minutes", "minuto", "minutos"),
    "DAY": ("d", "day", "days", "día", "días", "dia", "dias", "jornada", "jornadas"),
    "WEE": ("week", "weeks", "semana", "semanas"),
    "MON": ("month", "months", "mes", "meses"),
    "ANN": ("year", "years", "año", "años"),
    "H87": ("pc", "pcs", "piece", "pieces", "ud", "uds", "unidad", "unidades"),
    "KGM": ("kg",),
    "KMT": ("km",),
    "MTR": ("m",),
    "MTK": ("m2", "m²"),
    "LTR": ("l",),
}
_BY_WORD = {word: code for code, words in _CODES.items() for word in words}


def unit_code(unit: str | None) -> str:
    """The Rec. 20 code of a unit as written: ``"h"`` → HUR, ``"ud."`` → H87, ``"page"`` → C62."""
    if not unit:
        return ONE
    return _BY_WORD.get(unit.strip().lower().rstrip("."), ONE)
