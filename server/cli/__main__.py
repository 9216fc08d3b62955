"""`python -m server.cli`: the same entry point as the `motcua` command."""

from server.cli import main

main()
