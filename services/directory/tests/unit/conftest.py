"""The in-memory fakes (fakes.py) for the fast command tests: loaded under a name of their own, since every service
has a tests/unit/fakes.py and the suite imports test modules by path (--import-mode=importlib)."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

NAME = "directory_unit_fakes"


def _load():
    if NAME not in sys.modules:
        spec = importlib.util.spec_from_file_location(NAME, Path(__file__).with_name("fakes.py"))
        module = importlib.util.module_from_spec(spec)
        sys.modules[NAME] = module
        spec.loader.exec_module(module)
    return sys.modules[NAME]


fakes = _load()


@pytest.fixture
def uow():
    return fakes.FakeDirectoryUnitOfWork()
