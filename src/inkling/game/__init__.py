"""The game rules, framework-free."""
