"""What a service's processes share, built once per process: config, database, bus, token checks.

Kept apart from the web app (staffroom_shared.app) so a relay, consumer, scheduler or sender does not import
Flask, flask-smorest and the rest of the web stack it never uses."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Callable

from sqlalchemy import MetaData
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from .bus import Bus, connect
from .config import ServiceConfig
from .db import make_engine, make_session_factory
from .uow import UnitOfWork

if TYPE_CHECKING:
    from .auth import TokenVerifier


@dataclass
class ServiceContext:
    """What a service's processes need, built once per process (never at import time)."""

    config: ServiceConfig
    metadata: MetaData
    engine: Engine
    bus_factory: Callable[[], Bus] = field(repr=False, default=None)
    unit_of_work: type[UnitOfWork] = UnitOfWork  # the service's own, with its repositories and contracts

    @cached_property
    def sessions(self) -> sessionmaker:
        return make_session_factory(self.engine)

    @cached_property
    def read_sessions(self) -> sessionmaker:
        return make_session_factory(self.engine, readonly=True)

    @cached_property
    def verifier(self) -> TokenVerifier:
        from .auth import TokenVerifier  # PyJWT and cryptography: only the web processes check tokens

        return TokenVerifier(self.config)

    @cached_property
    def bus(self) -> Bus:
        return (self.bus_factory or (lambda: connect(self.config.bus_url)))()

    def uow(self, actor: str = "system") -> UnitOfWork:
        return self.unit_of_work(self.sessions, self.metadata, producer=self.config.service, actor=actor)


def build_context(config: ServiceConfig, metadata: MetaData, engine: Engine | None = None,
                  unit_of_work: type[UnitOfWork] = UnitOfWork) -> ServiceContext:
    return ServiceContext(config=config, metadata=metadata, engine=engine or make_engine(config.database_url),
                          unit_of_work=unit_of_work)
