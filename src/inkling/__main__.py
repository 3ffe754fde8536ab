"""``python -m inkling`` runs the CLI."""

from inkling.cli import main

main()
