"""LED boards: the frame format, the drivers against the emulator, NAKs, and reconnecting after a restart."""

from __future__ import annotations

import asyncio

import pytest

from display.led import LedBoardConfig, LedBoardWorker, LedNakError, TcpLedBoard, board_for, main_board_text
from display.led.board import LedError, SerialLedBoard
from display.led.emulator import LedEmulator
from display.led.protocol import ACK, FrameError, checksum, decode_frame, encode_frame, to_ascii
from tests.procs import free_port

# --- the frame format --------------------------------------------------------------------------------------


def test_frame_layout_is_as_documented() -> None:
    frame = encode_frame("Q3", "S", "1025")
    body = b"Q3:S1025"
    assert frame == b"\x02" + body + b"\x03" + f"{sum(body) % 256:02X}".encode() + b"\r\n"
    assert decode_frame(frame).text == "1025"


def test_vietnamese_round_trips_and_ascii_fallback_drops_diacritics() -> None:
    text = "Cải cách hành chính: Đúng hẹn"
    assert decode_frame(encode_frame("MAIN", "M", text)).text == text
    assert (
        decode_frame(encode_frame("MAIN", "M", text, ascii_only=True)).text == "Cai cach hanh chinh: Dung hen"
    )
    assert to_ascii("đường Đinh Tiên Hoàng") == "duong Dinh Tien Hoang"


def test_control_characters_cannot_break_a_frame() -> None:
    frame = encode_frame("Q1", "S", "a\r\nb\x03c")
    assert frame.count(b"\n") == 1 and frame.count(b"\x03") == 1
    assert decode_frame(frame).text == "a  b c"


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b"\x02Q1:S12\x0300\r\n", "checksum"),
        (b"Q1:S12\r\n", "framing"),
        (b"\x02Q 1:S12\x03" + checksum(b"Q 1:S12") + b"\r\n", "address"),
        (b"\x02Q1:X12\x03" + checksum(b"Q1:X12") + b"\r\n", "command"),
        (b"\x02Q1:S\xff\x03" + checksum(b"Q1:S\xff") + b"\r\n", "encoding"),
    ],
)
def test_bad_frames_are_refused_with_a_reason(line: bytes, reason: str) -> None:
    with pytest.raises(FrameError) as caught:
        decode_frame(line)
    assert caught.value.reason == reason


def test_bad_addresses_and_too_long_text_are_refused_when_sending() -> None:
    for address in ["", "Q 1", "X" * 17, "quầy"]:
        with pytest.raises(FrameError):
            encode_frame(address, "S", "1")
    with pytest.raises(FrameError):
        encode_frame("MAIN", "M", "ư" * 600)


# --- drivers against the emulator --------------------------------------------------------------------------


async def test_tcp_board_shows_scrolls_and_clears() -> None:
    async with LedEmulator(port=0) as emu:
        board = TcpLedBoard("127.0.0.1", emu.port)
        await board.show("Q3", "1025")
        await board.show("MAIN", "Xin mời số 1025 đến quầy số 3", scroll=True)
        assert emu.texts == {"Q3": "1025", "MAIN": "Xin mời số 1025 đến quầy số 3"}
        assert emu.modes == {"Q3": "S", "MAIN": "M"}
        await board.clear("Q3")
        assert "Q3" not in emu.texts
        await board.close()


async def test_emulator_naks_a_bad_checksum_and_keeps_the_old_text() -> None:
    async with LedEmulator(port=0) as emu:
        reader, writer = await asyncio.open_connection("127.0.0.1", emu.port)
        writer.write(encode_frame("Q1", "S", "7"))
        assert await reader.readline() == ACK
        good = encode_frame("Q1", "S", "8")
        writer.write(good[:-4] + (b"00" if good[-4:-2] != b"00" else b"01") + b"\r\n")
        assert await reader.readline() == b"NAK checksum\r\n"
        assert emu.texts["Q1"] == "7" and emu.naks == ["checksum"]
        writer.close()
        await writer.wait_closed()


async def test_a_nak_reaches_the_driver_as_an_error() -> None:
    async with LedEmulator(port=0) as emu:
        board = TcpLedBoard("127.0.0.1", emu.port)
        board._exchange = _corrupting(board._exchange)  # type: ignore[method-assign]
        with pytest.raises(LedNakError, match="checksum"):
            await board.show("Q1", "1")
        await board.close()


def _corrupting(exchange):  # a line noise stand-in: flips one payload byte after the checksum was computed
    async def corrupted(frame: bytes) -> bytes:
        return await exchange(frame.replace(b":S1", b":S2"))

    return corrupted


async def test_serial_driver_speaks_the_same_frames() -> None:
    async with LedEmulator(port=0) as emu:
        board = SerialLedBoard(f"socket://127.0.0.1:{emu.port}", timeout=3.0)
        await board.show("Q2", "Quầy Hộ tịch")
        assert emu.texts["Q2"] == "Quầy Hộ tịch"
        await board.close()


async def test_unreachable_board_raises_quickly() -> None:
    with pytest.raises(LedError):
        await TcpLedBoard("127.0.0.1", free_port(), timeout=2.0).show("Q1", "1")


# --- the worker --------------------------------------------------------------------------------------------


async def test_worker_keeps_only_the_newest_text_per_address() -> None:
    async with LedEmulator(port=0) as emu:
        worker = LedBoardWorker(TcpLedBoard("127.0.0.1", emu.port))
        for number in ("1023", "1024", "1025"):
            worker.show("Q3", number)
        worker.show("MAIN", "Cải cách hành chính", scroll=True)
        await worker.start()
        try:
            await emu.wait_for("Q3", "1025")
            await emu.wait_for("MAIN", "Cải cách hành chính")
        finally:
            await worker.stop()
        assert [f.text for f in emu.frames if f.address == "Q3"] == ["1025"]
        assert worker.state == "ok" and worker.last_seen is not None


async def test_worker_goes_offline_and_reconnects_after_the_board_restarts() -> None:
    emu = LedEmulator(port=0)
    await emu.start()
    port = emu.port
    worker = LedBoardWorker(
        TcpLedBoard("127.0.0.1", port, timeout=1.0), retry_delay=0.05, max_retry_delay=0.2
    )
    await worker.start()
    try:
        worker.show("Q1", "1001")
        await emu.wait_for("Q1", "1001")
        await worker.wait_state("ok")
        await emu.stop()
        worker.show("Q1", "1002")  # sent while the board is down
        await worker.wait_state("offline")
        assert worker.pending == 1 and worker.last_error
        emu = LedEmulator(port=port)
        await emu.start()
        await emu.wait_for("Q1", "1002", timeout=10)
        await worker.wait_state("ok")
        assert worker.pending == 0 and worker.last_error is None
    finally:
        await worker.stop()
        await emu.stop()


# --- configuration -----------------------------------------------------------------------------------------


def test_config_builds_drivers_and_validates() -> None:
    assert isinstance(board_for(LedBoardConfig(address="Q1", counter="quầy số 1")), TcpLedBoard)
    assert isinstance(
        board_for(LedBoardConfig(address="Q1", transport="serial", url="loop://")), SerialLedBoard
    )
    with pytest.raises(FrameError):
        LedBoardConfig(address="quầy 1")
    with pytest.raises(ValueError):
        LedBoardConfig(address="Q1", transport="serial")


def test_main_board_text_survives_the_ascii_fallback() -> None:
    text = main_board_text([("1025", "Quầy 3"), ("A007", "Quầy 1")], "CCHC vì nhân dân")
    assert text == "1025 - Quầy 3   |   A007 - Quầy 1   |   CCHC vì nhân dân"
    assert "?" not in to_ascii(text)
