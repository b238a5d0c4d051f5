"""Composition root: wires targets' config, database and bus (real or fake) in one place."""
from __future__ import annotations

from pathlib import Path

from staffroom_shared.context import ServiceContext, build_context
from staffroom_shared.config import ServiceConfig
from staffroom_shared.runner import migrate as run_migrations

from .adapters.judgements import PendingJudgements
from .adapters.orm import metadata
from .service.evaluation import judge_pending
from .service.handlers import HANDLERS  # noqa: F401  (the events this service consumes)
from .service.unit_of_work import TargetsUnitOfWork

NAME = "targets"
MIGRATIONS = Path(__file__).parent / "migrations"


def build(config: ServiceConfig | None = None, **kwargs) -> ServiceContext:
    return build_context(config or ServiceConfig.from_env(NAME), metadata, unit_of_work=TargetsUnitOfWork, **kwargs)


def migrate(config: ServiceConfig | None = None) -> None:
    config = config or ServiceConfig.from_env(NAME)
    run_migrations(MIGRATIONS, config.database_url)


def settle(context: ServiceContext) -> dict | None:
    """Judge the targets that events have moved since the last call: the consumer runs this about every half
    second (runner.consumer's settle hook). Looks first with a read-only session, so an idle service takes no
    write lock."""
    with context.read_sessions() as session:
        if not PendingJudgements(session).any():
            return None
    return judge_pending(context.uow())


SETTLE = settle  # the consumer's settle hook (runner.main_consumer, staffroom run)
