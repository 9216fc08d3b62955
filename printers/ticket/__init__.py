"""The ticket: layout (Pillow), ESC/POS bytes, the typeface."""
