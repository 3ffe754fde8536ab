"""Use cases that tie game, db, inference and registry together."""
