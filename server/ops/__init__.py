"""Housekeeping: backup and restore, device health, the health text."""
