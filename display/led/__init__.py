"""LED boards in the hall: protocol, drivers, per-connection workers and an emulator."""

from display.led.board import LedBoard, LedError, LedNakError, SerialLedBoard, TcpLedBoard
from display.led.boards import LedBoardConfig, board_for, group_by_connection, main_board_text
from display.led.worker import LedBoardWorker

__all__ = [
    "LedBoard",
    "LedBoardConfig",
    "LedBoardWorker",
    "LedError",
    "LedNakError",
    "SerialLedBoard",
    "TcpLedBoard",
    "board_for",
    "group_by_connection",
    "main_board_text",
]
