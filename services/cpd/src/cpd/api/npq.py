"""HTTP resources for national professional qualifications: DfE's courses, HR's places and their changes, the
member of staff's own."""
from __future__ import annotations

import uuid

from flask.views import MethodView
from marshmallow import RAISE

from staffroom_shared.auth import authenticate
from staffroom_shared.web import Blueprint, ProblemSchema, db_session

from ..domain.npq import COURSES, Group, cohort_name
from ..service import npq
from . import npq_schemas as schemas
from .common import reads as _reads, uow as _uow

npq_blp = Blueprint("npq", __name__, url_prefix="", description="National professional qualifications: places, "
                    "lead providers, funding, cohorts and outcomes")
BLUEPRINTS = [npq_blp]

NOT_AT_THIS_STAGE = {"description": "not at the stage this step needs (the provider has answered, the place has "
                                    "ended); nothing changed",
                     "schema": ProblemSchema, "content_type": "application/problem+json"}




def _out(places) -> list[dict]:
    names = _reads().staff.names({p.staff_id for p in places})
    return [{"id": p.id, "staff_id": p.staff_id, "staff_name": names.get(p.staff_id), "academy_id": p.academy_id,
             "course": p.short_code, "course_name": p.course.name, "leadership": p.course.group == Group.LEADERSHIP,
             "lead_provider": p.lead_provider, "cohort": cohort_name(p.cohort_starts_on),
             "cohort_starts_on": p.cohort_starts_on, "expected_end": p.expected_end, "funding": p.funding.value,
             "registered_on": p.registered_on, "status": p.status,
             "outcome": p.outcome.value if p.outcome else None, "completed_on": p.completed_on} for p in places]


def _after(place_id: uuid.UUID) -> dict:
    db_session().rollback()  # read what the command committed
    place, _ = npq.visible(_reads(), authenticate(), place_id)
    return _out([place])[0]


@npq_blp.route("/npq-courses")
class Courses(MethodView):
    @npq_blp.response(200, schemas.NpqCourseSchema(many=True))
    def get(self):
        """DfE's NPQs, with their short codes, groups and usual lengths (anyone signed in)."""
        authenticate()
        return list(COURSES.values())


@npq_blp.route("/npq-places")
class Places(MethodView):
    @npq_blp.arguments(schemas.NpqPlaceQuerySchema, location="query", unknown=RAISE)
    @npq_blp.response(200, schemas.NpqPlaceSchema(many=True))
    def get(self, args):
        """HR: their academy's NPQ places (trust HR: all; ?academy_id= to narrow). Others: their own and their
        reports'. Filter by course, cohort ("Autumn 2026") and status."""
        return _out(npq.places(_reads(), authenticate(), **args))

    @npq_blp.arguments(schemas.NpqRegisterSchema)
    @npq_blp.response(201, schemas.NpqPlaceSchema)
    @npq_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def post(self, data):
        """Register a member of staff for an NPQ (HR for their academy, trust HR): awaiting the lead provider."""
        principal = authenticate()
        return _after(npq.register(_uow(principal), principal, data).id)


@npq_blp.route("/npq-places/mine")
class MyPlaces(MethodView):
    @npq_blp.response(200, schemas.NpqPlaceSchema(many=True))
    def get(self):
        """The caller's own NPQs, newest cohort first."""
        return _out(npq.mine(_reads(), authenticate()))


@npq_blp.route("/npq-places/<uuid:place_id>")
class Place(MethodView):
    @npq_blp.response(200, schemas.NpqPlaceSchema)
    def get(self, place_id: uuid.UUID):
        """One place: its holder, their line manager, HR for their academy, trust HR."""
        place, _ = npq.visible(_reads(), authenticate(), place_id)
        return _out([place])[0]


@npq_blp.route("/npq-places/<uuid:place_id>/provider")
class ProviderNews(MethodView):
    @npq_blp.arguments(schemas.NpqProviderNewsSchema)
    @npq_blp.response(200, schemas.NpqPlaceSchema)
    @npq_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def post(self, data, place_id: uuid.UUID):
        """Record the lead provider's news (HR): the application accepted or rejected; the place deferred, resumed
        or withdrawn."""
        principal = authenticate()
        npq.provider_news(_uow(principal), principal, place_id, data["news"])
        return _after(place_id)


@npq_blp.route("/npq-places/<uuid:place_id>/funding")
class Funding(MethodView):
    @npq_blp.arguments(schemas.NpqFundingSchema)
    @npq_blp.response(200, schemas.NpqPlaceSchema)
    @npq_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def put(self, data, place_id: uuid.UUID):
        """Record DfE's scholarship decision, or who pays instead (HR), until the place has ended."""
        principal = authenticate()
        npq.set_funding(_uow(principal), principal, place_id, data["funding"])
        return _after(place_id)


@npq_blp.route("/npq-places/<uuid:place_id>/outcome")
class OutcomeResource(MethodView):
    @npq_blp.arguments(schemas.NpqOutcomeSchema)
    @npq_blp.response(200, schemas.NpqPlaceSchema)
    @npq_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def post(self, data, place_id: uuid.UUID):
        """Record the outcome, passed or failed, on the day the provider gave it (HR; cpd.npq_completed). A passed
        leadership NPQ puts its holder among the future leaders (cpd.future_leader_nominated)."""
        principal = authenticate()
        npq.record_outcome(_uow(principal), principal, place_id, data["outcome"], data["completed_on"])
        return _after(place_id)
