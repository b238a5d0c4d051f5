"""Every service's Alembic migrations build exactly the tables its code maps, on SQLite and PostgreSQL."""
import pytest
from alembic import command

from staffroom.cli import services
from staffroom_shared.runner import alembic_config
from staffroom_shared.testing import postgres_database


@pytest.mark.parametrize("module", services(), ids=lambda m: m.NAME)
def test_migrations_match_the_models_on_sqlite(module, tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    command.upgrade(alembic_config(module.MIGRATIONS, url), "head")
    command.check(alembic_config(module.MIGRATIONS, url))  # raises if autogenerate would change anything


@pytest.mark.integration
@pytest.mark.parametrize("module", services(), ids=lambda m: m.NAME)
def test_migrations_match_the_models_on_postgresql_and_downgrade_cleanly(module):
    with postgres_database("mig") as url:
        config = alembic_config(module.MIGRATIONS, url)
        command.upgrade(config, "head")
        command.check(config)
        command.downgrade(config, "base")
        command.upgrade(config, "head")
