"""What cpd's test folders share."""
from __future__ import annotations

import pytest

from cpd import bootstrap
from staffroom_shared.config import ServiceConfig
from staffroom_shared.testing import postgres_database


@pytest.fixture(scope="module")
def pg_context(tmp_path_factory):
    """cpd on a fresh PostgreSQL database of its own, built by the migrations, for one test module."""
    with postgres_database("cpd") as url:
        config = ServiceConfig.from_env("cpd", {"STAFFROOM_DATA_DIR": str(tmp_path_factory.mktemp("pg")),
                                                "DATABASE_URL": url, "LOG_LEVEL": "WARNING"})
        bootstrap.migrate(config)
        ctx = bootstrap.build(config)
        yield ctx
        ctx.engine.dispose()
