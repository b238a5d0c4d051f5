"""The Alembic environment every service shares: a service's migrations/env.py calls `run(metadata)`."""
from __future__ import annotations

from alembic import context
from sqlalchemy import MetaData, pool

from .db import make_engine


def run(metadata: MetaData) -> None:
    config = context.config
    url = config.get_main_option("sqlalchemy.url")
    # render_as_batch: SQLite alters a table by copying it, so every migration must be written that way.
    options = {"target_metadata": metadata, "render_as_batch": True}
    if context.is_offline_mode():
        context.configure(url=url, literal_binds=True, **options)
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = config.attributes.get("connection")
    if connection is not None:
        _migrate(connection, options)
        return
    engine = make_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            _migrate(connection, options)
    finally:
        engine.dispose()


def _migrate(connection, options: dict) -> None:
    context.configure(connection=connection, compare_type=True, **options)
    with context.begin_transaction():
        context.run_migrations()
