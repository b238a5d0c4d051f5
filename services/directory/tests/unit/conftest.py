"""The in-memory unit of work (fakes.py) for the fast command tests."""
from __future__ import annotations

import pytest

from .fakes import FakeDirectoryUnitOfWork


@pytest.fixture
def uow():
    return FakeDirectoryUnitOfWork()
