"""Kept for the suite's demo seeding (`CpdRepository(uow.session).budget(...)`) until it uses the unit of work's
repositories: the catalogue's repository holds the settings and budgets."""
from __future__ import annotations

from .catalogue import Catalogue as CpdRepository
from .catalogue import ProgrammeFilter
from .enrolments import EnrolmentFilter

__all__ = ["CpdRepository", "EnrolmentFilter", "ProgrammeFilter"]
