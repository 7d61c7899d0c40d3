"""Mask customer data in text: resident ID numbers, bank card numbers, mobile numbers.

What is masked (design principle 3; the seeds require card numbers to be masked):

* **Resident ID numbers** (居民身份证号): 18 characters whose last one is the
  GB 11643-1999 check digit of the first 17 (``0-9`` or ``X``), and 15-digit
  old numbers whose birth date (YYMMDD) is a possible date. The first 3 and the
  last 4 (old: last 3) characters stay.
* **Bank card numbers**: 16 to 19 digits, in one run or in groups of 3 or more
  digits joined by single spaces or dashes (``6222 0212 3456 7890``). All but the
  first 6 and the last 4 digits are masked; the grouping stays. The Luhn check
  does not decide anything, it only labels the number (``luhn`` in the counts).
  An 18-digit number whose check digit is wrong is masked as a card number.
* **Mainland mobile numbers**: ``1[3-9]x xxxx xxxx`` (spaces or dashes allowed
  between the 3-4-4 groups), with an optional ``+86`` / ``0086`` / ``86``
  prefix. The middle four digits are masked.

Matching runs on the NFKC form of the text (full-width ``１３８…`` is found too;
any other Unicode decimal digit counts as its value, any Unicode space as a space,
Unicode dashes as ``-``), while the output keeps the original characters: only the
masked digits change, to ``*`` (``＊`` for a full-width digit). A number is a number
only between digit boundaries (``(?<![0-9])`` … ``(?![0-9])``), which work next to
Chinese characters where ``\\b`` does not. A decimal point is not a boundary that
protects: ``13812345678.50`` is masked like a phone number (no real amount has 11
digits before its point, while two numbers joined by a full stop are real).

Ordinary numbers (amounts, times, dates, step numbers, counts) do not match
these shapes and are left alone. Pure Python; nothing here touches a database.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"

# Kinds counted by a Masker.
ID = "id"
CARD = "card"
CARD_LUHN = "card_luhn"  # a card number that also passes the Luhn check
MOBILE = "mobile"

_B = r"(?<![0-9])"  # no digit before
_E = r"(?![0-9])"  # no digit after
_ID18 = re.compile(_B + r"[1-9][0-9]{16}[0-9Xx]" + _E)
_ID15 = re.compile(_B + r"[1-9][0-9]{14}" + _E)
_RUN = re.compile(_B + r"[0-9]{3,}(?:[ -][0-9]{3,})*")
_MOBILE = re.compile(_B + r"(?:(?:\+86|0086|86)[ -]?)?(1[3-9][0-9](?:[ -]?[0-9]{4}){2})" + _E)
_DIGIT_OR_X = re.compile(r"[0-9Xx]")
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63"
_QUICK = re.compile(r"[0-9]{3}")  # every shape has three digits in a row (after normalising)
_OTHER_DIGIT = re.compile(r"(?![0-9])\d")  # a decimal digit of another script (full-width ones are NFKC'd)
_ZS = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_TRANSLATE = str.maketrans({**{c: "-" for c in _DASHES}, **{c: " " for c in _ZS}})


def id_check_digit(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits of an ID number."""
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS))
    return ID_CHECK[total % 11]


def valid_id18(text: str) -> bool:
    return (
        len(text) == 18 and text[:17].isdigit() and text[:17].isascii()
        and id_check_digit(text[:17]) == text[17].upper()
    )


def _valid_id15(text: str) -> bool:
    month, day = int(text[8:10]), int(text[10:12])
    return 1 <= month <= 12 and 1 <= day <= 31


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def normalise(text: str) -> tuple[str, list[int] | None]:
    """The NFKC form used for matching, and for each of its characters the index of
    the original character it came from (None when the text is unchanged)."""
    if text.isascii():
        return text, None
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        if ch.isascii():
            out.append(ch)
            origin.append(i)
            continue
        digit = unicodedata.decimal(ch, None)
        if digit is not None:
            norm = str(digit)
        elif ch in _DASHES:
            norm = "-"
        elif unicodedata.category(ch) == "Zs":
            norm = " "
        else:
            norm = unicodedata.normalize("NFKC", ch)
        for c in norm:
            out.append(c)
            origin.append(i)
    return "".join(out), origin


@dataclass(frozen=True, slots=True)
class Hit:
    """One number found: where (in the normalised text), what, and which positions to hide.

    A run of digit groups that holds card numbers is one hit: ``kinds`` has one entry
    per card counted in it."""

    start: int
    end: int
    kinds: tuple[str, ...]
    hide: tuple[int, ...]
    priority: int = 0


def _positions(norm: str, start: int, end: int) -> list[int]:
    return [m.start() for m in _DIGIT_OR_X.finditer(norm, start, end)]


def _keep(positions: list[int], first: int, last: int) -> tuple[int, ...]:
    return tuple(positions[first: len(positions) - last])


def candidates(norm: str) -> list[Hit]:
    """Every ID, card and mobile number in normalised text; they may overlap."""
    if not _QUICK.search(norm):
        return []
    found: list[Hit] = []
    for m in _ID18.finditer(norm):
        if valid_id18(m.group()):
            found.append(Hit(m.start(), m.end(), (ID,), _keep(_positions(norm, m.start(), m.end()), 3, 4), 0))
    for m in _ID15.finditer(norm):
        if _valid_id15(m.group()):
            found.append(Hit(m.start(), m.end(), (ID,), _keep(_positions(norm, m.start(), m.end()), 3, 3), 0))
    for m in _RUN.finditer(norm):
        hit = _card_run(norm, m.start(), m.end())
        if hit is not None:
            found.append(hit)
    for m in _MOBILE.finditer(norm):
        digits = _positions(norm, m.start(1), m.end(1))
        found.append(Hit(m.start(), m.end(), (MOBILE,), tuple(digits[3:7]), 2))
    return found


def select(found: list[Hit]) -> list[Hit]:
    """The hits that are counted: leftmost, then longest, then ID > card > mobile; no overlaps."""
    hits: list[Hit] = []
    reached = 0
    for hit in sorted(found, key=lambda h: (h.start, h.start - h.end, h.priority)):
        if hit.start >= reached:
            hits.append(hit)
            reached = hit.end
    return hits


def find(norm: str) -> list[Hit]:
    """The numbers counted in normalised text (see :func:`select`)."""
    return select(candidates(norm))


def _card_run(norm: str, start: int, end: int) -> Hit | None:
    """The card numbers in one run of digit groups (joined by single spaces or dashes).

    Every span of consecutive groups holding 16 to 19 digits could be a card: each
    one's middle (all but its first 6 and last 4 digits) is hidden, so a card next to
    another number (an ID, a second card) is never left whole whichever way they
    are split. Cards are counted over a greedy split (longest first)."""
    groups = [(g.start() + start, g.end() + start) for g in re.finditer(r"[0-9]+", norm[start:end])]
    windows: list[tuple[int, int]] = []
    longest: dict[int, tuple[int, int]] = {}
    for i in range(len(groups)):
        total = 0
        for j in range(i, len(groups)):
            total += groups[j][1] - groups[j][0]
            if total > 19:
                break
            if total >= 16:
                windows.append((groups[i][0], groups[j][1]))
                longest[i] = (groups[i][0], groups[j][1])
    if not windows:
        return None
    hide: set[int] = set()
    for ws, we in windows:
        hide.update(_keep(_positions(norm, ws, we), 6, 4))
    kinds: list[str] = []
    i = 0
    while i < len(groups):
        if i in longest:
            ws, we = longest[i]
            digits = "".join(c for c in norm[ws:we] if c.isdigit())
            kinds.append(CARD_LUHN if luhn_ok(digits) else CARD)
            i = next((k for k, g in enumerate(groups) if g[0] >= we), len(groups))
        else:
            i += 1
    return Hit(min(w[0] for w in windows), max(w[1] for w in windows), tuple(kinds), tuple(sorted(hide)), 1)


@dataclass
class Masker:
    """Masks text and counts what it masked (for the report's notice)."""

    counts: Counter[str] = field(default_factory=Counter)
    _seen: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict, repr=False)

    def text(self, text: str) -> str:
        """``text`` masked; each number masked is counted (names and places repeat: cached)."""
        seen = self._seen.get(text)
        if seen is not None:
            self.counts.update(seen[1])
            return seen[0]
        before = Counter(self.counts)
        out = self._mask(text)
        if len(self._seen) < 4096:
            self._seen[text] = (out, tuple((self.counts - before).elements()))
        return out

    def _mask(self, text: str) -> str:
        if not text.isascii():
            # quick look at the whole text (C speed): most text holds no number to mask
            quick = _OTHER_DIGIT.sub(lambda m: str(unicodedata.decimal(m.group())),
                                     unicodedata.normalize("NFKC", text)).translate(_TRANSLATE)
            if not find(quick):
                return text
        norm, origin = normalise(text)
        found = candidates(norm)
        if not found:
            return text
        for hit in select(found):
            self.counts.update(hit.kinds)
        hidden: set[int] = set()
        for hit in found:  # every candidate hides its digits, counted or not: overlaps hide more
            for pos in hit.hide:
                hidden.add(pos if origin is None else origin[pos])
        chars = list(text)
        for i in hidden:
            wide = unicodedata.east_asian_width(chars[i]) in ("F", "W")
            chars[i] = "＊" if wide else "*"
        return "".join(chars)

    def value(self, value: Any, *, keep: frozenset[str] = frozenset()) -> Any:
        """``value`` with every text in it masked (mapping keys in ``keep`` are left alone)."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Mapping):
            return {k: (v if k in keep else self.value(v, keep=keep)) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.value(v, keep=keep) for v in value]
        return value

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def mask_text(text: str) -> str:
    """``text`` with ID, card and mobile numbers masked."""
    return Masker().text(text)
