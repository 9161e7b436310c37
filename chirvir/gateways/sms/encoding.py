"""How an SMS network carries a text: GSM-7 (the GSM 03.38 basic set, and its extension table
whose characters take two septets) where every character fits, UCS-2 otherwise; a message too
long for one part goes in numbered parts (concatenation, UDH), each holding a little less."""

from dataclasses import dataclass

GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = frozenset("\f^{}\\[~]|€")
GSM7, UCS2 = 0, 2  # Kannel's `coding` values
SINGLE = {GSM7: 160, UCS2: 70}  # septets, or UCS-2 code units, in one part
CONCATENATED = {GSM7: 153, UCS2: 67}  # in each part of a longer message (the UDH takes the rest)


@dataclass(frozen=True)
class Encoded:
    coding: int
    units: int  # septets for GSM-7, UTF-16 code units for UCS-2
    parts: int


def coding_of(text: str) -> int:
    return GSM7 if all(c in GSM_BASIC or c in GSM_EXTENSION for c in text) else UCS2


def units_of(text: str, coding: int) -> int:
    if coding == GSM7:
        return sum(2 if c in GSM_EXTENSION else 1 for c in text)
    return len(text.encode("utf-16-be")) // 2


def encode(text: str) -> Encoded:
    coding = coding_of(text)
    units = units_of(text, coding)
    parts = 1 if units <= SINGLE[coding] else -(-units // CONCATENATED[coding])
    return Encoded(coding, units, parts)
