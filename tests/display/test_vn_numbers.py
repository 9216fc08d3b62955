"""Vietnamese number reading: DOMAIN.md examples, rule checks over 0-9999, a reference comparison."""

from __future__ import annotations

import re

import pytest

from display.voice.vn_numbers import DIGITS, read_digits, read_number

ALL = range(10_000)

EXAMPLES_NORTH = {
    0: "không",
    1: "một",
    5: "năm",
    9: "chín",
    10: "mười",
    11: "mười một",
    14: "mười bốn",
    15: "mười lăm",
    19: "mười chín",
    20: "hai mươi",
    21: "hai mươi mốt",
    24: "hai mươi bốn",
    25: "hai mươi lăm",
    65: "sáu mươi lăm",
    100: "một trăm",
    105: "một trăm linh năm",
    110: "một trăm mười",
    111: "một trăm mười một",
    121: "một trăm hai mươi mốt",
    1000: "một nghìn",
    1005: "một nghìn không trăm linh năm",
    1025: "một nghìn không trăm hai mươi lăm",
    1100: "một nghìn một trăm",
    2010: "hai nghìn không trăm mười",
    2024: "hai nghìn không trăm hai mươi bốn",
    9999: "chín nghìn chín trăm chín mươi chín",
    10_000: "mười nghìn",
    1_000_005: "một triệu không trăm linh năm",
    2_000_000_000: "hai tỷ",
    1_000_000_000_000: "một nghìn tỷ",
}


@pytest.mark.parametrize(("n", "words"), EXAMPLES_NORTH.items())
def test_domain_examples_north(n: int, words: str) -> None:
    assert read_number(n) == words


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (105, "một trăm lẻ năm"),
        (1005, "một ngàn không trăm lẻ năm"),
        (1025, "một ngàn không trăm hai mươi lăm"),
        (1000, "một ngàn"),
    ],
)
def test_south_says_ngan_and_le(n: int, words: str) -> None:
    assert read_number(n, dialect="south") == words


def test_four_after_twenty_can_be_tu_but_not_after_ten() -> None:
    assert read_number(24, four_as_tu=True) == "hai mươi tư"
    assert read_number(2024, four_as_tu=True) == "hai nghìn không trăm hai mươi tư"
    assert read_number(14, four_as_tu=True) == "mười bốn"
    assert read_number(104, four_as_tu=True) == "một trăm linh bốn"


def test_digit_by_digit() -> None:
    assert read_number(1025, digit_by_digit=True) == "một không hai năm"
    assert read_digits("025") == "không hai năm"
    with pytest.raises(ValueError):
        read_digits("1a")


def test_negative_and_bad_dialect() -> None:
    assert read_number(-21) == "âm hai mươi mốt"
    with pytest.raises(ValueError):
        read_number(1, dialect="central")  # type: ignore[arg-type]


# --- rule checks over the whole range: each can fail on a wrong reading ---------------------------


@pytest.mark.parametrize("dialect", ["north", "south"])
def test_rules_hold_for_every_number_below_ten_thousand(dialect: str) -> None:
    linh, other_linh = ("linh", "lẻ") if dialect == "north" else ("lẻ", "linh")
    thousand, other_thousand = ("nghìn", "ngàn") if dialect == "north" else ("ngàn", "nghìn")
    for n in ALL:
        words = read_number(n, dialect=dialect)  # type: ignore[arg-type]
        tokens = words.split()
        assert "mươi một" not in words, n  # 21 is "hai mươi mốt"
        assert "mười mốt" not in words, n  # 11 is "mười một"
        assert not re.search(r"(mươi|mười) năm", words), n  # a unit 5 after a ten is "lăm"
        assert not re.search(r"(^|trăm |linh |lẻ )lăm", words), n  # "lăm" only after a ten
        assert "mốt" not in tokens or tokens[tokens.index("mốt") - 1] == "mươi", n
        assert other_linh not in tokens and other_thousand not in tokens, n
        assert tokens.count(thousand) == (1 if n >= 1000 else 0), n
        assert tokens.count("trăm") == (1 if n >= 100 and (n < 1000 or n % 1000) else 0), n
        assert ("không trăm" in words) == (n >= 1000 and 0 < n % 1000 < 100), n
        assert (linh in tokens) == (n >= 100 and n % 100 < 10 and n % 10 != 0), n
        assert (tokens[0] == "không") == (n == 0), n
        assert "tư" not in tokens, n  # only with four_as_tu


def test_spoken_words_map_back_to_the_number() -> None:
    """Parse every reading back with an independent small parser: proves the words carry the right value."""
    value_of = {w: i for i, w in enumerate(DIGITS)} | {"mốt": 1, "lăm": 5, "tư": 4}
    for n in ALL:
        total, tokens = 0, read_number(n, four_as_tu=True).split()
        if "nghìn" in tokens:
            total += value_of[tokens[0]] * 1000
            tokens = tokens[2:]
        if "trăm" in tokens:
            total += value_of[tokens[0]] * 100
            tokens = tokens[2:]
        if tokens and tokens[0] == "linh":
            tokens = tokens[1:]
        if tokens and tokens[0] == "mười":
            total += 10
            tokens = tokens[1:]
        elif len(tokens) >= 2 and tokens[1] == "mươi":
            total += value_of[tokens[0]] * 10
            tokens = tokens[2:]
        if tokens:
            assert len(tokens) == 1, (n, tokens)
            total += value_of[tokens[0]]
        assert total == n, read_number(n)


def test_digit_by_digit_has_one_word_per_digit() -> None:
    for n in ALL:
        words = read_number(n, digit_by_digit=True).split()
        assert [DIGITS.index(w) for w in words] == [int(d) for d in str(n)]


# --- reference: vn-numberwords 0.2.0 --------------------------------------------------------------


def _lam_differs(n: int) -> bool:
    """vn-numberwords says "năm" after sáu..chín mươi (65 "sáu mươi năm"); we follow DOMAIN.md's "lăm"."""
    return n % 10 == 5 and n // 10 % 10 >= 6


@pytest.mark.parametrize("dialect", ["north", "south"])
def test_matches_vn_numberwords_where_conventions_agree(dialect: str) -> None:
    reference = pytest.importorskip("vn_numberwords")
    dictionary = reference.SouthDictionary() if dialect == "south" else None
    compared = 0
    for n in ALL:
        ours = read_number(n, dialect=dialect, four_as_tu=dialect == "south")  # type: ignore[arg-type]
        theirs = reference.number_to_words(n, dictionary)
        if _lam_differs(n):
            assert ours.rsplit(" ", 1) == [theirs.rsplit(" ", 1)[0], "lăm"], n
            continue
        assert ours == theirs, n
        compared += 1
    assert compared == 10_000 - 400
