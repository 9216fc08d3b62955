"""The one message catalogue: every entry in both languages, Vietnamese written with its diacritics, nothing added
at import time, label tables defined once, and the pages' scripts reading their words from the server."""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

from aiohttp.test_utils import TestClient

from server import messages
from server.domain.tickets import OUTCOME_LABELS, Outcome
from server.messages import labels
from server.reports import definitions

ROOT = Path(__file__).resolve().parents[2]
VIETNAMESE_LETTERS = set("ăâđêôơưĂÂĐÊÔƠƯ")
# Entries whose Vietnamese is rightly ASCII: a language switch's own label, codes, abbreviations.
ASCII_VI = {"kiosk.switch_lang", "booking.lang", "kiosk.done", "admin_page.switch_lang", "console.switch_lang",
            "reports_page.switch_lang", "reports_page.print", "reports_page.by_group", "admin_page.show"} | {
    f"weekday_short.{n}" for n in range(1, 8)}


def _has_vietnamese_marks(text: str) -> bool:
    """A Vietnamese sentence of any length carries tone marks or the letters ă â đ ê ô ơ ư."""
    return any(ch in VIETNAMESE_LETTERS or (not ch.isascii() and ch.isalpha()) for ch in text)


def _placeholders(template: str) -> set[str]:
    """Placeholder names, a language's own variant counted once ({action} and {action_en}; {vi} and {en})."""
    names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    return {"text" if name in ("vi", "en") else name.removesuffix("_en").removesuffix("_vi") for name in names}


def test_every_message_has_vietnamese_and_english_with_the_same_placeholders() -> None:
    for code, pair in messages.MESSAGES.items():
        assert isinstance(pair, tuple) and len(pair) == 2, code
        vi, en = pair
        assert vi.strip() and en.strip(), code
        assert _placeholders(vi) == _placeholders(en), code


def test_vietnamese_is_written_with_its_diacritics() -> None:
    ascii_only = [code for code, (vi, _) in messages.MESSAGES.items()
                  if code not in ASCII_VI and len(re.sub(r"\{\w+\}", "", vi).strip()) > 2
                  and not _has_vietnamese_marks(vi)]
    assert ascii_only == []


def test_nothing_registers_messages_at_import() -> None:
    assert not hasattr(messages, "register")
    for path in [*ROOT.glob("server/**/*.py"), *ROOT.glob("display/**/*.py"), *ROOT.glob("printers/**/*.py"),
                 *ROOT.glob("kiosk/**/*.py")]:
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"\bregister\(\{|MESSAGES\[[^\]]+\]\s*=|MESSAGES\.update\(", source), path


def test_label_tables_are_defined_once() -> None:
    assert OUTCOME_LABELS is labels.OUTCOMES and OUTCOME_LABELS[Outcome.REFUSED] == ("Từ chối tiếp nhận", "Refused")
    assert definitions.WEEKDAYS is labels.WEEKDAYS and definitions.STEP_LABELS is labels.STEPS
    assert definitions.SCORES is labels.SCORES and definitions.SESSION_TYPES is labels.SESSION_TYPES
    assert messages.text("outcome.refused", "en") == "Refused" and messages.text("weekday.7") == "Chủ nhật"


# A few sentences each page shows: none of its static files may carry its own copy.
KNOWN = {
    "kiosk/static": ["kiosk.start_title", "kiosk.appt_not_found", "kiosk.printer_paper_out", "kiosk.status_offline"],
    "server/pages/booking/static": ["booking.consent", "booking.no_slots", "appointment_status.cancelled"],
    "server/pages/console/static": ["outcome.dossier_received", "score.4", "rating_reason.1",
                                    "console.step_waiting_leader", "console.state_called", "console.offline",
                                    "console.finished_rate", "console.reprint_unavailable", "console.approved_ok",
                                    "console.no_ticket_at_counter", "console.rate_resets_in", "console.taken_over_text",
                                    "kiosk.rate_question", "kiosk.rate_already", "kiosk.rate_anonymous"],
    "server/pages/reports/static": ["reports_page.title", "reports_page.defs", "reports_page.satisfaction_line",
                                    "reports_page.no_ratings", "reports_page.period_line", "reports_page.letters"],
    "display/static": ["display.waiting", "slogans.new", "slogans.edit_title", "slogans.confirm_delete"],
}


def test_no_page_script_keeps_a_copy_of_a_catalogue_sentence() -> None:
    for folder, codes in KNOWN.items():
        scripts = {p: re.sub(r"^\s*//.*$", "", p.read_text(encoding="utf-8"), flags=re.M)  # code, not comments
                   for p in (ROOT / folder).rglob("*.js")}
        assert scripts, folder
        for code in codes:
            for lang_text in messages.MESSAGES[code]:
                fixed = re.split(r"\{\w+\}", lang_text)[0].strip() if "{" in lang_text else lang_text
                if len(fixed) < 8 and " " not in fixed:  # "Refused", "waiting": a word, not a copied sentence
                    continue
                for path, source in scripts.items():
                    assert fixed not in source, f"{path} copies {code}: {fixed!r}"


def _texts_of(html: str) -> dict[str, list[str]]:
    found = re.search(r'<script type="application/json" id="texts">(.*?)</script>', html, re.S)
    assert found, "the page carries no texts block"
    return json.loads(found.group(1))


async def test_pages_carry_their_words_from_the_catalogue(client: TestClient) -> None:
    kiosk = _texts_of(await (await client.get("/kiosk?device=demo-kiosk-1")).text())
    assert kiosk["start_title"] == list(messages.pair("kiosk.start_title"))
    booking = _texts_of(await (await client.get("/book")).text())
    assert booking["consent"] == list(messages.pair("booking.consent"))
    assert booking["appointment_status.no_show"] == ["Vắng mặt", "Missed"]
    assert booking["weekday_short.7"] == ["CN", "Sun"]
    console = _texts_of(await (await client.get("/counter")).text())
    assert console["outcome.incomplete"] == list(labels.OUTCOMES["incomplete"])
    assert console["score.1"] == ["Không hài lòng", "Dissatisfied"] and console["rating_reason.6"][0] == "Lý do khác"


def test_a_texts_block_cannot_be_closed_by_its_text() -> None:
    block = str(messages.texts_script("kiosk"))
    assert block.count("</script>") == 1 and block.endswith("</script>")
    assert "<" not in block[len('<script type="application/json" id="texts">'):-len("</script>")]
