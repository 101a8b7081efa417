"""Tooling for the backpropagation course: hidden checks, demo, grading."""

__version__ = "0.1.0"
