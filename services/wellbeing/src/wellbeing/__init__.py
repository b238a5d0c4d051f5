"""Staffroom wellbeing: anonymous engagement and wellbeing surveys, reported against national benchmarks."""
