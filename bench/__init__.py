"""Benchmarks run by hand: event generator, baseline model, side-by-side runner."""
