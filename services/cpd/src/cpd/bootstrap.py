"""Composition root: wires CPD's config, database, bus (real or fake) and unit of work in one place."""
from __future__ import annotations

from pathlib import Path

from staffroom_shared.context import ServiceContext, build_context
from staffroom_shared.config import ServiceConfig
from staffroom_shared.runner import migrate as run_migrations

from .adapters.orm import metadata, start_mappers
from .service.handlers import HANDLERS  # noqa: F401  (the events this service consumes)
from .service.unit_of_work import CpdUnitOfWork

NAME = "cpd"
MIGRATIONS = Path(__file__).parent / "migrations"


def build(config: ServiceConfig | None = None, **kwargs) -> ServiceContext:
    start_mappers()
    return build_context(config or ServiceConfig.from_env(NAME), metadata, unit_of_work=CpdUnitOfWork, **kwargs)


def migrate(config: ServiceConfig | None = None) -> None:
    config = config or ServiceConfig.from_env(NAME)
    run_migrations(MIGRATIONS, config.database_url)
