"""Readers for official data formats from an official URL or a local mirror."""
