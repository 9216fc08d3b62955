"""The demo office, its run, and the office simulation."""
