"""What trust HR changes: a target's definition (threshold, at-risk line, window, deadline, academies, benchmarks)."""
from __future__ import annotations

from datetime import date, datetime, timezone

from staffroom_shared.authz import is_trust_hr, require
from staffroom_shared.errors import Unprocessable
from staffroom_shared.uow import UnitOfWork
from staffroom_shared.principal import Principal

from ..adapters.orm import definitions
from ..domain.targets import Definition, DefinitionError, definition_from
from .definitions import lock, stored, target_or_404
from .evaluation import evaluate


def set_definition(uow: UnitOfWork, principal: Principal, key: str, data: dict, today: date | None = None) -> Definition:
    """PUT semantics: the definition becomes what was sent, anything left out back to its default. The target is
    judged again at once, so a new threshold that changes its status is announced now, not tomorrow."""
    require(is_trust_hr(principal), "only trust HR sets the trust's targets")
    target_or_404(key)
    try:
        new = definition_from(key, data)
    except DefinitionError as exc:
        raise Unprocessable(str(exc))
    today = today or datetime.now(timezone.utc).date()
    with uow:
        before, after = stored(lock(uow.session, key)), stored(new)
        uow.session.execute(definitions.update().where(definitions.c.key == key).values(
            **after, updated_by=principal.actor, updated_at=datetime.now(timezone.utc)))
        uow.audit("target_definition_set", "target", key,
                  changes={name: {"from": was, "to": after[name]} for name, was in before.items() if was != after[name]})
        evaluate(uow, [key], today)
        uow.commit()
    return new
