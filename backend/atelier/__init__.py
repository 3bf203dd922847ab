"""Atelier: a self-hostable real-time post-it board for facilitated co-construction workshops."""

__version__ = "0.1.0"
