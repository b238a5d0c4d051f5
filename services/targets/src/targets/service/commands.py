"""What trust HR changes: a target's definition (threshold, at-risk line, window, deadline, academies, benchmarks)."""
from __future__ import annotations

from datetime import date, datetime, timezone

from staffroom_shared.authz import is_trust_hr, require
from staffroom_shared.errors import Unprocessable
from staffroom_shared.principal import Principal

from ..domain.targets import Definition, DefinitionError, definition_from
from .evaluation import evaluate
from .known_targets import target_or_404
from .unit_of_work import TargetsUnitOfWork


def _refused(exc: DefinitionError) -> Unprocessable:
    errors = [{"location": "json", "pointer": f"#/{exc.field}", "detail": exc.fix or str(exc)}] if exc.field else None
    return Unprocessable(str(exc), errors=errors)


def set_definition(uow: TargetsUnitOfWork, principal: Principal, key: str, data: dict,
                   today: date | None = None) -> Definition:
    """PUT semantics: the definition becomes what was sent, anything left out back to its default. The target is
    judged again at once, so a new threshold that changes its status is announced now, not tomorrow."""
    return _save(uow, principal, key, data, today, partial=False)


def change_definition(uow: TargetsUnitOfWork, principal: Principal, key: str, changes: dict,
                      today: date | None = None) -> Definition:
    """PATCH semantics: what was sent changes, the rest stays as the trust last set it; so a form that changes the
    threshold and deadline leaves the academies and benchmarks it does not show alone. Checked as a whole (the
    at-risk line against the threshold it will sit under), under the definition's lock, and judged again at once."""
    return _save(uow, principal, key, changes, today, partial=True)


def _save(uow: TargetsUnitOfWork, principal: Principal, key: str, data: dict, today: date | None, *,
          partial: bool) -> Definition:
    require(is_trust_hr(principal), "only trust HR sets the trust's targets")
    target_or_404(key)
    if not partial:
        try:
            definition_from(key, data)
        except DefinitionError as exc:
            raise _refused(exc) from None
    today = today or datetime.now(timezone.utc).date()
    with uow:
        current = uow.definitions.lock(key)
        try:
            new = current.changed(data, partial=partial)
        except DefinitionError as exc:
            raise _refused(exc) from None  # leaving the unit of work rolls the lock's row back: nothing changed
        unknown = sorted(set(new.academy_ids) - set(uow.measures.known_academies()), key=str)
        if unknown:  # a target scoped to no academy there is would show no figures anywhere (outsider, issue 22)
            raise Unprocessable("unknown academies", errors=[
                {"location": "json", "pointer": "#/academy_ids", "detail": f"no academy {a} in the directory"}
                for a in unknown])
        before, after = current.settings(), new.settings()
        uow.definitions.save(new, by=principal.actor, at=datetime.now(timezone.utc))
        uow.audit("target_definition_set", "target", key,
                  changes={name: {"from": was, "to": after[name]} for name, was in before.items() if was != after[name]})
        evaluate(uow, [key], today)
        uow.commit()
    return new
