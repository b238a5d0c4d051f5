"""Composition root: wires wellbeing's config, database and bus (real or fake) in one place."""
from __future__ import annotations

from pathlib import Path

from staffroom_shared.context import ServiceContext, build_context
from staffroom_shared.config import ServiceConfig
from staffroom_shared.runner import migrate as run_migrations

from .adapters.orm import metadata, start_mappers
from .service.handlers import HANDLERS  # noqa: F401  (the events this service consumes)
from .service.runs import Links
from .service.unit_of_work import WellbeingUnitOfWork

NAME = "wellbeing"
MIGRATIONS = Path(__file__).parent / "migrations"


def build(config: ServiceConfig | None = None, **kwargs) -> ServiceContext:
    start_mappers()
    config = config or ServiceConfig.from_env(NAME)
    Links.from_config(config)  # refuse to start without notifications' key for survey links, not at the first invitation
    return build_context(config, metadata, unit_of_work=WellbeingUnitOfWork, **kwargs)


def migrate(config: ServiceConfig | None = None) -> None:
    config = config or ServiceConfig.from_env(NAME)
    run_migrations(MIGRATIONS, config.database_url)
