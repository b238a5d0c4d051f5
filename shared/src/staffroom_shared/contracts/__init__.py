"""Versioned event payload contracts, one module per producing service, and their registry."""
from . import appraisal, cpd, directory, subject_access, targets, wellbeing  # noqa: F401  (each registers its own)
from .registry import UnknownContract, contract, contracts, owner, schema_for  # noqa: F401
