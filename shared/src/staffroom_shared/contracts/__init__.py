"""Versioned event payload contracts, one module per producing service."""
from . import appraisal, cpd, directory, targets, wellbeing  # noqa: F401
