"""Specs for printers/layout.py: the slip fits the paper and reads back (OCR) with its Vietnamese intact."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from PIL import Image

from printers.emulator.readback import ocr, read_number
from printers.ticket.layout import TicketLayout, TicketSlip, render_ticket
from printers.ticket.typeface import font, text_width, wrap

needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract-ocr not installed")

LONG_PROCEDURE = (
    "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh và cấp lại giấy chứng nhận quyền sử dụng đất, "
    "quyền sở hữu nhà ở và tài sản khác gắn liền với đất"
)


def make_slip(**changes: object) -> TicketSlip:
    slip = TicketSlip(
        office_name="Trung tâm Phục vụ hành chính công tỉnh Thừa Thiên Huế",
        procedure_name=LONG_PROCEDURE,
        field_name="Đất đai",
        number="1025",
        issued_at=datetime(2025, 5, 20, 1, 15, tzinfo=UTC),
        waiting_ahead=7,
        estimated_wait_min=25,
        status_url="https://motcua.example.vn/t/20250520-1025",
        priority_label="Người cao tuổi",
        counter_hint="Mời đến quầy số 3",
    )
    return replace(slip, **changes)


def column_is_white(image: Image.Image, x: int) -> bool:
    return all(image.getpixel((x, y)) for y in range(image.height))


@pytest.mark.parametrize(("paper_mm", "dots"), [(58, 384), (80, 576)])
def test_ticket_is_exactly_the_printable_width_in_one_bit(paper_mm: int, dots: int) -> None:
    image = render_ticket(make_slip(), TicketLayout(paper_mm=paper_mm, footer="Hotline: 1900 1234"))
    assert image.mode == "1"
    assert image.width == dots
    assert image.height > dots  # a real slip is taller than wide


@pytest.mark.parametrize("paper_mm", [58, 80])
def test_nothing_is_drawn_on_the_outer_margin(paper_mm: int) -> None:
    slip = make_slip(number="99999", procedure_name="Thủtụccấpđổigiấyphépláixequốctếkhôngcókhoảngtrắngnàocả")
    image = render_ticket(slip, TicketLayout(paper_mm=paper_mm))
    for x in (0, 1, 2, 3, image.width - 4, image.width - 3, image.width - 2, image.width - 1):
        assert column_is_white(image, x), f"ink at column {x}"
    assert image.getbbox() is not None


def test_long_vietnamese_procedure_wraps_within_58mm() -> None:
    face = font(24)
    lines = wrap(LONG_PROCEDURE, face, 384 - 24)
    assert len(lines) >= 3
    assert all(text_width(line, face) <= 384 - 24 for line in lines)
    assert " ".join(lines) == LONG_PROCEDURE  # wrapping loses no word


def test_a_word_wider_than_the_paper_is_split_not_clipped() -> None:
    face = font(24)
    word = "Thủtục" * 20
    lines = wrap(word, face, 200)
    assert "".join(lines) == word
    assert all(text_width(line, face) <= 200 for line in lines)


def test_longer_procedure_makes_a_taller_ticket() -> None:
    layout = TicketLayout(paper_mm=58)
    short = render_ticket(make_slip(procedure_name="Chứng thực"), layout)
    long = render_ticket(make_slip(), layout)
    assert long.height > short.height


def test_naive_issue_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        make_slip(issued_at=datetime(2025, 5, 20, 8, 15))


def test_unknown_paper_width_is_refused() -> None:
    with pytest.raises(ValueError, match="paper_mm"):
        TicketLayout(paper_mm=76)


@needs_tesseract
@pytest.mark.parametrize("paper_mm", [58, 80])
def test_number_and_diacritics_read_back_by_ocr(paper_mm: int) -> None:
    slip = make_slip(
        number="4827", issued_at=datetime(2025, 5, 20, 8, 15, tzinfo=timezone(timedelta(hours=7)))
    )
    image = render_ticket(slip, TicketLayout(paper_mm=paper_mm))
    assert read_number(image) == "4827"
    text = ocr(image)
    assert "Số người chờ trước bạn: 7" in text
    assert "Thời gian chờ dự kiến" in text
    assert "08:15 20/05/2025" in text  # shown in Asia/Ho_Chi_Minh local time


@needs_tesseract
def test_issue_time_is_printed_in_office_local_time() -> None:
    text = ocr(render_ticket(make_slip(), TicketLayout(paper_mm=80, show_qr=False)))
    assert "08:15 20/05/2025" in text  # 01:15 UTC is 08:15 in Vietnam
