"""Bibliohub: library services platform for networks of libraries."""

__version__ = "0.1.0"
