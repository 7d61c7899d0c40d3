"""Plain helpers of the export tests."""

from __future__ import annotations

from dutydesk.export.masking import id_check_digit


def valid_id(first17: str) -> str:
    """An 18-character resident ID number with its GB 11643 check digit."""
    return first17 + id_check_digit(first17)


def luhn_complete(prefix: str) -> str:
    """``prefix`` with the digit appended that makes it pass the Luhn check."""
    for d in "0123456789":
        digits = prefix + d
        total = 0
        for i, ch in enumerate(reversed(digits)):
            n = int(ch) * (2 if i % 2 else 1)
            total += n - 9 if n > 9 else n
        if total % 10 == 0:
            return digits
    raise AssertionError("unreachable")
