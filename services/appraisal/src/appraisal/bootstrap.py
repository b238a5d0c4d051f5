"""Composition root: wires appraisal's config, database and bus (real or fake) in one place."""
from __future__ import annotations

from pathlib import Path

from staffroom_shared.context import ServiceContext, build_context
from staffroom_shared.config import ServiceConfig
from staffroom_shared.runner import migrate as run_migrations

from .adapters import read_model
from .adapters.orm import metadata, start_mappers
from .api.presenters import document
from .service.handlers import HANDLERS  # noqa: F401  (the events this service consumes)
from .service.unit_of_work import AppraisalUnitOfWork

NAME = "appraisal"
MIGRATIONS = Path(__file__).parent / "migrations"


def build(config: ServiceConfig | None = None, **kwargs) -> ServiceContext:
    start_mappers()
    context = build_context(config or ServiceConfig.from_env(NAME), metadata, unit_of_work=AppraisalUnitOfWork, **kwargs)
    # every unit of work rewrites the documents of what it changed, as the API presents them
    read_model.keep_fresh(context.sessions, document)
    return context


def migrate(config: ServiceConfig | None = None) -> None:
    config = config or ServiceConfig.from_env(NAME)
    run_migrations(MIGRATIONS, config.database_url)
