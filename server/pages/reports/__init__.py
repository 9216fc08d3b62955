"""The reports page."""
