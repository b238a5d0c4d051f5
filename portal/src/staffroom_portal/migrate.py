"""Bring the portal's database (its sessions) up to the newest migration: `python -m staffroom_portal.migrate`."""
from __future__ import annotations

from pathlib import Path

from staffroom_shared.config import ServiceConfig
from staffroom_shared.log import configure_logging
from staffroom_shared.runner import migrate as run_migrations

MIGRATIONS = Path(__file__).parent / "migrations"


def migrate(config: ServiceConfig | None = None) -> None:
    config = config or ServiceConfig.from_env("portal", bus_url="")
    run_migrations(MIGRATIONS, config.database_url)


if __name__ == "__main__":
    configure_logging(service="portal")
    migrate()
