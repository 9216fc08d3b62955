"""motcua: the office server, its pages and commands, and the province hub."""

from importlib.metadata import version

__version__ = version("motcua")
"""The one version, from pyproject.toml (the installed package's metadata)."""
