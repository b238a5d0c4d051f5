"""The in-memory unit of work (fakes.py) for the fast command tests, and the academy and head most of them start from."""
from __future__ import annotations

import pytest

from .fakes import FakeDirectoryUnitOfWork, academy, person


@pytest.fixture
def uow():
    return FakeDirectoryUnitOfWork()


@pytest.fixture
def oak(uow):
    return academy(uow)


@pytest.fixture
def head(uow, oak):
    return person(uow, oak, "S1", "Hannah", "Hughes", staff_type="leadership", post="Headteacher")
