"""Vietnamese numbers read aloud, for the hall's voice.

Existing callers read numbers digit by digit or break above 999 ("A-1005" read as "A một năm"), and
``num2words(1025, lang="vi")`` says "một nghìn lẻ hai mươi lăm", which is wrong. Citizens listen for their
number, so we own these rules and test them over 0-9999 (``tests/display/test_vn_numbers.py``).

The rules, as spoken in a one-stop office:

- 0 is "không"; 1-9 are "một hai ba bốn năm sáu bảy tám chín".
- 10 is "mười"; 11-19 are "mười một" .. "mười chín", with 15 "mười lăm" (14 stays "mười bốn").
- Tens from 20 are "<digit> mươi": 20 "hai mươi", 90 "chín mươi".
- After a ten ≥ 20 the unit 1 is "mốt" (21 "hai mươi mốt"); after "mười" it stays "một" (11 "mười một").
- After any ten the unit 5 is "lăm" (15 "mười lăm", 25 "hai mươi lăm"); alone it is "năm" (5, 105).
- After a ten ≥ 20 the unit 4 may be "tư" (24 "hai mươi tư", common in the south); "bốn" is the default,
  ``four_as_tu=True`` chooses "tư".
- Hundreds with zero tens and a nonzero unit put "linh" (north) or "lẻ" (south) before the unit:
  105 "một trăm linh năm" / "một trăm lẻ năm"; 110 "một trăm mười"; 100 "một trăm".
- Inside a larger number a group of three digits is read in full, so zero hundreds read "không trăm":
  1025 "một nghìn không trăm hai mươi lăm", 1005 "một nghìn không trăm linh năm",
  2010 "hai nghìn không trăm mười"; a group that is all zeros is left out: 1000 "một nghìn",
  1100 "một nghìn một trăm", 1000005 "một triệu không trăm linh năm".
- Thousands are "nghìn" (north) or "ngàn" (south); then "triệu" (10^6) and "tỷ" (10^9), which repeats for
  larger numbers ("một nghìn tỷ" for 10^12). Negative numbers start with "âm".
- Digit by digit reads each digit as written: 1025 "một không hai năm". A ticket printed "A025" keeps its
  zeros, so :func:`read_digits` takes the string.
"""

from __future__ import annotations

from typing import Literal

Dialect = Literal["north", "south"]

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_THOUSAND = {"north": "nghìn", "south": "ngàn"}
_LINH = {"north": "linh", "south": "lẻ"}
_BILLION = 10**9


def read_number(
    n: int, *, dialect: Dialect = "north", digit_by_digit: bool = False, four_as_tu: bool = False
) -> str:
    """Read ``n`` aloud in Vietnamese; see the module docstring for the rules."""
    if dialect not in _THOUSAND:
        raise ValueError(f"dialect must be 'north' or 'south', not {dialect!r}")
    if digit_by_digit:
        return ("âm " if n < 0 else "") + read_digits(str(abs(n)))
    if n < 0:
        return "âm " + read_number(-n, dialect=dialect, four_as_tu=four_as_tu)
    if n == 0:
        return DIGITS[0]
    return " ".join(_read_positive(n, dialect, four_as_tu, full=False))


def read_digits(digits: str) -> str:
    """Read a string of ASCII digits one by one, keeping leading zeros ("025" -> "không hai năm")."""
    if not digits or not digits.isascii() or not digits.isdigit():
        raise ValueError(f"expected ASCII digits, got {digits!r}")
    return " ".join(DIGITS[int(d)] for d in digits)


def _read_positive(n: int, dialect: Dialect, four_as_tu: bool, *, full: bool) -> list[str]:
    """Words for 0 < n, or for 0 <= n when ``full`` (a group after a larger one, read with "không trăm")."""
    if n >= _BILLION:
        billions = _read_positive(n // _BILLION, dialect, four_as_tu, full=full) + ["tỷ"]
        rest = n % _BILLION
        return billions + (_read_positive(rest, dialect, four_as_tu, full=True) if rest else [])
    scales = ("", _THOUSAND[dialect], "triệu")
    groups = [(n // 1000**i) % 1000 for i in range(3)]
    top = max(i for i, g in enumerate(groups) if g) if n else 0
    words: list[str] = []
    for i in range(top, -1, -1):
        group = groups[i]
        if group == 0:
            continue
        words += _read_group(group, dialect, four_as_tu, full=full or i < top)
        if scales[i]:
            words.append(scales[i])
    return words


def _read_group(n: int, dialect: Dialect, four_as_tu: bool, *, full: bool) -> list[str]:
    """Words for one group of three digits (1..999); ``full`` reads zero hundreds as "không trăm"."""
    hundreds, tens, unit = n // 100, n // 10 % 10, n % 10
    words: list[str] = []
    if hundreds or full:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if unit and words:
            words += [_LINH[dialect], DIGITS[unit]]
        elif unit:
            words.append(DIGITS[unit])
        return words
    if tens == 1:
        words.append("mười")
    else:
        words += [DIGITS[tens], "mươi"]
    if unit:
        words.append(_unit_after_ten(unit, tens, four_as_tu))
    return words


def _unit_after_ten(unit: int, tens: int, four_as_tu: bool) -> str:
    """The unit's word after a ten: the spoken forms "mốt", "lăm" and "tư" exist only there."""
    if unit == 5:
        return "lăm"
    if unit == 1 and tens >= 2:
        return "mốt"
    if unit == 4 and tens >= 2 and four_as_tu:
        return "tư"
    return DIGITS[unit]
