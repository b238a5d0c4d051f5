"""Appraisal service: cycles, objectives, reviews and outcomes, run by line managers."""
