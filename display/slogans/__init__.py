"""Slogans: the rotation schedule and the triggers that show one."""
