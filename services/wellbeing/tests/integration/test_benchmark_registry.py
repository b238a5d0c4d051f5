"""The benchmark registry's table on SQLite and PostgreSQL: migration 0003 makes what the ORM maps, the trust's
figures round-trip through the repository, one reference per measure, and the migration goes down and up again."""
from __future__ import annotations

import uuid

import pytest
from alembic import command
from sqlalchemy import create_engine
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from staffroom_shared.runner import alembic_config, migrate
from staffroom_shared.testing import postgres_database
from wellbeing.adapters.benchmarks import BenchmarkRepository
from wellbeing.adapters.orm import benchmarks
from wellbeing.bootstrap import MIGRATIONS
from wellbeing.domain import benchmarks as registry

FIGURE = {"measure": "hse.demands", "statistic": "mean", "value": 3.2, "percentile": 50, "source": "HSE Analysis Tool",
          "year": "2025", "population": "its users", "licence": "Licensed to the trust", "note": "é ✓"}
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)]


def _check(url: str) -> None:
    migrate(MIGRATIONS, url)
    engine = create_engine(url)
    columns = {c["name"]: c["nullable"] for c in sa_inspect(engine).get_columns("benchmarks")}
    assert columns == {c.name: c.nullable for c in benchmarks.c}
    with Session(engine) as session, session.begin():
        stored = BenchmarkRepository(session)
        first = registry.trust_benchmark({**FIGURE, "reference": True})
        second = registry.trust_benchmark({**FIGURE, "value": 3.6, "percentile": 75, "reference": True})
        stored.add(first, "hr")
        stored.add(second, "hr")
        stored.not_reference(second.measure, second.id)
    with Session(engine) as session:
        found = BenchmarkRepository(session).all()
        assert sorted((f.value, f.percentile, f.reference, f.note) for f in found) == [
            (3.2, 50, False, "é ✓"), (3.6, 75, True, "é ✓")]
        assert BenchmarkRepository(session).get(uuid.UUID(first.id)).band == "the median"
    engine.dispose()
    config = alembic_config(MIGRATIONS, url)
    command.downgrade(config, "0002")
    engine = create_engine(url)
    assert "benchmarks" not in sa_inspect(engine).get_table_names()
    engine.dispose()
    migrate(MIGRATIONS, url)


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_registry_table_migrates_round_trips_and_goes_down_again(backend, tmp_path):
    if backend == "sqlite":
        _check(f"sqlite:///{tmp_path / 'wellbeing.db'}")
    else:
        with postgres_database("wbbench") as url:
            _check(url)
