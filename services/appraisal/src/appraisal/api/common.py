"""What appraisal's three blueprints share: the caller's unit of work and reads, the refusals every step documents,
and an appraisal's answer from the read model (support plans shown are audited as read)."""
from __future__ import annotations

import uuid

from flask import Response, current_app, request

from staffroom_shared.auth import authenticate
from staffroom_shared.errors import NotFound
from staffroom_shared.principal import Principal
from staffroom_shared.web import ProblemSchema, context, db_session

from ..adapters import read_model
from ..service.access import require_relation, sees_confidential
from ..service.unit_of_work import AppraisalUnitOfWork, Reads
from .schemas import KeyDatesSchema

# Documented on every step the state machine can refuse (the 422 for bad fields comes with @arguments).
NOT_AT_THIS_STAGE = {"description": "not at the stage this step needs (e.g. objectives not yet agreed); nothing changed",
                     "schema": ProblemSchema, "content_type": "application/problem+json"}
RULE_BROKEN = {"description": "breaks a rule (e.g. weightings that do not add up to 100); nothing changed",
               "schema": ProblemSchema, "content_type": "application/problem+json"}

_key_dates = KeyDatesSchema()


def uow(principal: Principal) -> AppraisalUnitOfWork:
    return context().uow(actor=principal.actor)


def reads() -> Reads:
    return Reads(db_session())


def document(appraisal_id: uuid.UUID, status: int = 200) -> Response:
    """The appraisal as the caller may see it, from the read model: one statement, and the stored JSON
    is already what AppraisalSchema would give (the schema stays on the routes for the OpenAPI document).
    Every answer that shows a support plan, a read's or a change's, is audited as a read of it. After a change,
    the same document a GET serves."""
    principal = authenticate()
    row = read_model.read(db_session(), appraisal_id)
    if row is None:
        raise NotFound(f"there is no appraisal with id {appraisal_id}")
    found = require_relation(principal, row, "reviewee", "appraiser", "hr", doing="see this appraisal")
    shown = read_model.name_observers(db_session(), read_model.view(row, confidential=sees_confidential(found)))
    shown["key_dates"] = _key_dates.dump(shown["key_dates"])
    if shows_support_plan(shown):
        support_plan_read(principal, appraisal_id)
    response = current_app.json.response(shown)
    response.status_code = status
    return response


def shows_support_plan(shown: dict) -> bool:
    """A plan, or notes kept from one since ended (outsider 9, issue 21: notes shown with the flag off went unaudited)."""
    return bool(shown.get("support_plan") or shown.get("support_plan_notes"))


def support_plan_read(principal: Principal, appraisal_id: uuid.UUID) -> None:
    """Who read a support plan, and when, goes in the audit log (issue 21): it is special-category data. A HEAD
    request sends no body, so shows nothing (outsider 9: it was recorded as a read)."""
    if request.method == "HEAD":
        return
    with uow(principal) as unit:
        unit.audit("support_plan.read", "appraisal", appraisal_id)
        unit.commit()
