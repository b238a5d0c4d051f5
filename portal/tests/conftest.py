"""The portal's own database (its sessions), migrated, for tests that build the portal by hand."""
from __future__ import annotations

import pytest

from staffroom_portal.migrate import migrate
from staffroom_shared.config import ServiceConfig


@pytest.fixture
def portal_db(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'portal.db'}"
    migrate(ServiceConfig(service="portal", database_url=url, bus_url=""))
    return url
