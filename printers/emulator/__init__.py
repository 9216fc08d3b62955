"""The ESC/POS emulator: a TCP printer that decodes the stream to PNG, and its readback."""
