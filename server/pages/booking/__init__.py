"""The citizen's booking page."""
