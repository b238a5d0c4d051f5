"""Versioned event payload contracts, one module per producing service."""
from . import appraisal, cpd, directory, subject_access, targets, wellbeing  # noqa: F401
