"""What cpd's blueprints share: the caller's unit of work, and the request's reads."""
from __future__ import annotations

from staffroom_shared.principal import Principal
from staffroom_shared.web import context, db_session

from ..service.unit_of_work import CpdReads, CpdUnitOfWork


def uow(principal: Principal) -> CpdUnitOfWork:
    return context().uow(actor=principal.actor)


def reads() -> CpdReads:
    return CpdReads(db_session())
