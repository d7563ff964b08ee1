"""Solvers of the gated-ReLU convex program (5)."""
