"""The sentence the hall hears and the line the TV shows when a ticket is called.

The phrase is data (an admin can change the wording), but its two slots are fixed so a typo in the template
is caught when the setting is saved, not when the first citizen is called. Tickets are display strings
("1025", "A025", "HT-012"): a letter prefix is spoken letter by letter with its Vietnamese name, then the
number, read in full (correct for every number) or digit by digit as written (keeping leading zeros), as the
office chooses. Counter names are read as written with their digits spoken ("quầy số 3" -> "quầy số ba").
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

from display.voice.vn_numbers import Dialect, read_digits, read_number

DEFAULT_TEMPLATE = "Xin mời công dân có số thứ tự {number} đến {counter}"
SLOTS = frozenset({"number", "counter"})

# How a letter on a ticket is named aloud; spelled so that espeak-ng's Vietnamese voices say it right.
LETTER_NAMES = {
    "A": "a", "B": "bê", "C": "xê", "D": "dê", "Đ": "đê", "E": "e", "F": "ép", "G": "giê", "H": "hát",
    "I": "i", "J": "gi", "K": "ca", "L": "e lờ", "M": "em mờ", "N": "en nờ", "O": "o", "P": "pê", "Q": "quy",
    "R": "e rờ", "S": "ét xì", "T": "tê", "U": "u", "V": "vê", "W": "vê kép", "X": "ích xì", "Y": "i dài",
    "Z": "dét",
}  # fmt: skip

_TICKET = re.compile(r"^\s*([^\W\d_]*)[\s\-./]*(\d+)\s*$")
_DIGIT_RUN = re.compile(r"\d+")


@dataclass(frozen=True)
class AnnouncementTemplate:
    """A call phrase with the slots ``{number}`` and ``{counter}``, each used exactly once."""

    text: str = DEFAULT_TEMPLATE

    def __post_init__(self) -> None:
        try:
            fields = [name for _, name, spec, conv in string.Formatter().parse(self.text) if name is not None]
        except ValueError as exc:
            raise ValueError(f"announcement template is not valid: {exc}") from exc
        if sorted(fields) != sorted(SLOTS):
            raise ValueError(
                f"announcement template must use {{number}} and {{counter}} once each, not {fields}"
            )

    def fill(self, number: str, counter: str) -> str:
        return self.text.format(number=number, counter=counter)


def ticket_spoken(
    ticket: str, *, dialect: Dialect = "north", digit_by_digit: bool = False, four_as_tu: bool = False
) -> str:
    """Speak a ticket as printed: "A025" -> "a hai mươi lăm", "105" -> "một trăm linh năm"."""
    match = _TICKET.match(ticket)
    if match is None:
        raise ValueError(f"a ticket is an optional letter prefix and digits, not {ticket!r}")
    prefix, digits = match.groups()
    words = [letter_spoken(letter) for letter in prefix.upper()]
    if digit_by_digit:
        words.append(read_digits(digits))
    else:
        words.append(read_number(int(digits), dialect=dialect, four_as_tu=four_as_tu))
    return " ".join(words)


def letter_spoken(letter: str) -> str:
    """The Vietnamese name of a letter; letters outside the table are passed through for the voice to try."""
    return LETTER_NAMES.get(letter.upper(), letter.lower())


def counter_spoken(name: str, *, dialect: Dialect = "north", four_as_tu: bool = False) -> str:
    """A counter's name as written, each run of digits read as a number: "Quầy 12" -> "Quầy mười hai"."""
    return _DIGIT_RUN.sub(
        lambda m: read_number(int(m.group()), dialect=dialect, four_as_tu=four_as_tu), name
    ).strip()


def phrase_for(
    number: str,
    counter_name: str,
    template: AnnouncementTemplate = AnnouncementTemplate(),
    dialect: Dialect = "north",
    digit_by_digit: bool = False,
    four_as_tu: bool = False,
) -> str:
    """The sentence to speak for a call; ``four_as_tu`` says "tư" for a final 4 after a tens word (24)."""
    return template.fill(
        ticket_spoken(number, dialect=dialect, digit_by_digit=digit_by_digit, four_as_tu=four_as_tu),
        counter_spoken(counter_name, dialect=dialect, four_as_tu=four_as_tu),
    )


def display_text_for(
    number: str, counter_name: str, template: AnnouncementTemplate = AnnouncementTemplate()
) -> str:
    """The same sentence as written, for the TV and the main LED board: "... số thứ tự A025 đến quầy số 3"."""
    return template.fill(number.strip(), counter_name.strip())
