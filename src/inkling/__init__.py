"""Inkling: draw, and a model guesses."""

__version__ = "0.1.0"
