"""Vietnamese phone numbers in one canonical form: country code and subscriber digits."""

from __future__ import annotations

import re

__all__ = ["PhoneError", "display_phone", "normalize_phone"]

_DIGITS = re.compile(r"\d+")


class PhoneError(ValueError):
    pass


def normalize_phone(raw: str) -> str:
    """'0912 345 678', '84912345678', '+84 912 345 678' → '84912345678'."""
    digits = "".join(_DIGITS.findall(raw or ""))
    if raw.strip().startswith("00"):
        digits = digits[2:]
    if digits.startswith("84") and len(digits) in (11, 12):
        subscriber = digits[2:]
    elif digits.startswith("0") and len(digits) in (10, 11):
        subscriber = digits[1:]
    elif len(digits) in (9, 10) and not digits.startswith("0"):
        subscriber = digits
    else:
        raise PhoneError(raw)
    if subscriber.startswith("0"):
        raise PhoneError(raw)
    return "84" + subscriber


def display_phone(phone: str) -> str:
    """'84912345678' → '0912 345 678' (the way people write it in Vietnam)."""
    local = "0" + phone[2:] if phone.startswith("84") else phone
    return f"{local[:4]} {local[4:7]} {local[7:]}".strip()
