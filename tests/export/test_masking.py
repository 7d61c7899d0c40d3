"""Masking of customer data: examples, then properties (hypothesis).

Properties:
* a valid ID number (18 with its GB 11643 check digit, or 15 old), a 16–19-digit card
  number (any grouping by spaces or dashes, Luhn-valid or not) and a mainland mobile
  number (optional +86, 3-4-4 grouping), embedded in Chinese or English text, half- or
  full-width, is never left whole;
* ordinary numbers — amounts, times, dates, step numbers, counts — are left alone.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dutydesk.export.masking import CARD, CARD_LUHN, ID, MOBILE, Masker, id_check_digit, luhn_ok, mask_text, valid_id18

from .helpers import luhn_complete, valid_id

# -- examples ---------------------------------------------------------------------------


def test_gb11643_check_digit() -> None:
    # the standard's own example (GB 11643-1999, appendix) and a number ending in X
    assert id_check_digit("11010519491231002") == "X"
    assert valid_id18("11010519491231002X") and valid_id18("11010519491231002x")
    assert not valid_id18("110105194912310021")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("身份证11010519491231002X。", "身份证110***********002X。"),
        ("ID:11010519491231002x,", "ID:110***********002x,"),
        ("旧证号110105491231002号", "旧证号110*********002号"),
        ("卡号6222021234567890123已冻结", "卡号622202*********0123已冻结"),
        ("card 6222 0212 3456 7890, ok", "card 6222 02** **** 7890, ok"),
        ("card 6222-0212-3456-7890-123", "card 6222-02**-****-***0-123"),
        ("手机13812345678", "手机138****5678"),
        ("call +86 138-1234-5678 now", "call +86 138-****-5678 now"),
        ("+8613812345678", "+86138****5678"),
        ("０086 138 1234 5678", "０086 138 **** 5678"),
        ("电话１３８１２３４５６７８。", "电话１３８＊＊＊＊５６７８。"),
        ("two 6222021234567890 6222021234567891", "two 622202******7890 622202******7891"),
    ],
)
def test_examples(text: str, expected: str) -> None:
    assert mask_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "金额 ¥52,300.00,第3步,10:02:30,2024-06-03,3人受伤",
        "amount 1,381,234.50 yuan, 381234567.50",
        "12345678901234",  # 14 digits: nothing
        "room 1380 at 12:00, 2 people",
    ],
)
def test_left_alone(text: str) -> None:
    assert mask_text(text) == text


def test_a_full_stop_does_not_protect_a_number() -> None:
    # found by hypothesis: two IDs joined by "." were taken for a decimal and left whole
    first = valid_id("11000020000101000")
    assert mask_text(f"{first}.{first}") == f"110***********{first[-4:]}.110***********{first[-4:]}"
    assert mask_text("13812345678.50") == "138****5678.50"


def test_a_card_right_after_another_number_is_not_left_whole() -> None:
    # found by hypothesis: an old ID, a space, then a card grouped by fours; split greedily,
    # the ID took the card's first group and the rest of the card was left whole
    out = mask_text("110000990101000 3000 0000 0000 0000")
    assert "3000000000000000" not in flat(out) and "110000990101000" not in flat(out)


def test_an_18_digit_number_with_a_wrong_check_digit_is_masked_as_a_card() -> None:
    masker = Masker()
    assert masker.text("110105194912310021") == "110105********0021"
    assert masker.counts == {CARD: 1}


def test_counts_label_luhn() -> None:
    masker = Masker()
    masker.text(f"{luhn_complete('622202123456789')} / 6222021234567891 / 13812345678 / {valid_id('11010519850312123')}")
    assert masker.counts == {CARD_LUHN: 1, CARD: 1, MOBILE: 1, ID: 1}


def test_structure_keys_are_kept() -> None:
    masker = Masker()
    value = {"seq": 12, "field": "people", "value": "客户 13812345678", "changes": {"happened_at": "2024-06-03T02:05:00.000000Z"}}
    out = masker.value(value, keep=frozenset({"field", "happened_at"}))
    assert out == {"seq": 12, "field": "people", "value": "客户 138****5678",
                   "changes": {"happened_at": "2024-06-03T02:05:00.000000Z"}}


# -- strategies --------------------------------------------------------------------------

CJK = "".join(chr(c) for c in range(0x4E00, 0x4E00 + 400))
CONTEXT_ALPHABET = CJK + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ ,.:;()[]!?,。:;()【】、“”《》—\n"
context = st.text(alphabet=CONTEXT_ALPHABET, max_size=12)
#: a separator between two numbers: at least one character that is neither digit nor space/dash
word_sep = st.text(alphabet=CONTEXT_ALPHABET.replace(" ", "").replace("\n", ""), min_size=1, max_size=6)
#: what may stand between two secrets: words, or a single space, dash, dot, slash... (never nothing)
secret_sep = st.one_of(word_sep, st.sampled_from([" ", "-", ".", "+", "/", ":", ",", "，", "x"]))

FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@st.composite
def id18(draw: st.DrawFn) -> str:
    region = draw(st.integers(110000, 659999))
    born = draw(st.dates(date(1900, 1, 1), date(2024, 12, 31)))
    serial = draw(st.integers(0, 999))
    first = f"{region}{born:%Y%m%d}{serial:03d}"
    check = id_check_digit(first)
    if check == "X" and draw(st.booleans()):
        check = "x"
    return first + check


@st.composite
def id15(draw: st.DrawFn) -> str:
    region = draw(st.integers(110000, 659999))
    born = draw(st.dates(date(1900, 1, 1), date(1999, 12, 31)))
    return f"{region}{born:%y%m%d}{draw(st.integers(0, 999)):03d}"


@st.composite
def card(draw: st.DrawFn) -> tuple[str, str]:
    """(digits, as written)."""
    length = draw(st.integers(16, 19))
    body = str(draw(st.integers(3, 6))) + "".join(draw(st.lists(st.sampled_from("0123456789"),
                                                                min_size=length - 2, max_size=length - 2)))
    digits = luhn_complete(body) if draw(st.booleans()) else body + draw(st.sampled_from("0123456789"))
    style = draw(st.sampled_from(["plain", "4", "6-rest", "4-4-4-rest"]))
    sep = draw(st.sampled_from([" ", "-"]))
    if style == "plain":
        written = digits
    elif style == "4":
        written = sep.join(digits[i:i + 4] for i in range(0, len(digits), 4))
    elif style == "6-rest":
        written = digits[:6] + sep + digits[6:]
    else:
        written = sep.join([digits[0:4], digits[4:8], digits[8:12], digits[12:]])
    return digits, written


@st.composite
def mobile(draw: st.DrawFn) -> tuple[str, str]:
    digits = "1" + draw(st.sampled_from("3456789")) + "".join(
        draw(st.lists(st.sampled_from("0123456789"), min_size=9, max_size=9)))
    sep = draw(st.sampled_from(["", " ", "-"]))
    written = f"{digits[:3]}{sep}{digits[3:7]}{sep}{digits[7:]}"
    prefix = draw(st.sampled_from(["", "+86", "+86 ", "+86-", "0086", "86 "]))
    return digits, prefix + written


@st.composite
def secret(draw: st.DrawFn) -> tuple[str, str]:
    """(what must not survive, digits and X only; as written in the text)."""
    kind = draw(st.sampled_from(["id18", "id15", "card", "mobile"]))
    if kind == "id18":
        value = draw(id18())
        pair = (value.upper(), value)
    elif kind == "id15":
        value = draw(id15())
        pair = (value, value)
    elif kind == "card":
        pair = draw(card())
    else:
        pair = draw(mobile())
    if draw(st.booleans()):
        pair = (pair[0], pair[1].translate(FULLWIDTH))
    return pair


def flat(text: str) -> str:
    """Digits, X and masks of NFKC text, everything else dropped (so grouping cannot hide a number)."""
    return re.sub(r"[^0-9X*]", "", unicodedata.normalize("NFKC", text).upper())


# -- properties ------------------------------------------------------------------------------


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(before=context, found=secret(), after=context)
@example(before="客户", found=("11010519491231002X", "11010519491231002X"), after="。")
@example(before="tel", found=("13812345678", "+8613812345678"), after="")
def test_one_number_in_text_is_never_left_whole(before: str, found: tuple[str, str], after: str) -> None:
    digits, written = found
    out = mask_text(before + written + after)
    assert digits not in flat(out), (before + written + after, out)
    assert out.startswith(before) and out.endswith(after)  # the text around it is untouched


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(parts=st.lists(st.tuples(secret_sep, secret()), min_size=1, max_size=4), tail=context)
def test_several_numbers_in_text_are_never_left_whole(parts: list[tuple[str, tuple[str, str]]], tail: str) -> None:
    text = "".join(sep + written for sep, (_, written) in parts) + tail
    out = mask_text(text)
    for _, (digits, _written) in parts:
        assert digits not in flat(out), (text, out)


@st.composite
def ordinary(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["amount", "amount_commas", "decimal", "wan", "time", "time_s", "date", "date_zh",
                                 "step_zh", "step_en", "seq", "count", "percent", "year"]))
    n = draw(st.integers(0, 999_999_999))
    small = draw(st.integers(0, 99))
    if kind == "amount":
        return f"{n}元"
    if kind == "amount_commas":
        return f"¥{n:,}"
    if kind == "decimal":
        return f"{n:,}.{small:02d}"
    if kind == "wan":
        return f"{n % 100_000}.{small % 10}万元"
    if kind in ("time", "time_s"):
        h, m, s = draw(st.integers(0, 23)), draw(st.integers(0, 59)), draw(st.integers(0, 59))
        return f"{h:02d}:{m:02d}" + (f":{s:02d}" if kind == "time_s" else "")
    if kind in ("date", "date_zh"):
        d = date(2000, 1, 1) + timedelta(days=draw(st.integers(0, 15000)))
        return f"{d:%Y-%m-%d}" if kind == "date" else f"{d.year}年{d.month}月{d.day}日"
    if kind == "step_zh":
        return f"第{small}步"
    if kind == "step_en":
        return f"step {small}"
    if kind == "seq":
        return f"#{n % 100000}"
    if kind == "count":
        return f"{small}人"
    if kind == "percent":
        return f"{small}.{small % 10}%"
    return f"{draw(st.integers(1900, 2100))}年"


@settings(max_examples=400)
@given(parts=st.lists(st.tuples(word_sep, ordinary()), min_size=1, max_size=6), tail=context)
def test_ordinary_numbers_are_left_alone(parts: list[tuple[str, str]], tail: str) -> None:
    text = "".join(sep + number for sep, number in parts) + tail
    assert mask_text(text) == text


@given(st.text(max_size=200))
def test_mask_never_fails_and_only_replaces_digits(text: str) -> None:
    out = mask_text(text)
    assert len(out) == len(text)
    for a, b in zip(text, out):
        assert a == b or b in "*＊"


def test_luhn() -> None:
    assert luhn_ok("4539578763621486") and not luhn_ok("4539578763621487")
