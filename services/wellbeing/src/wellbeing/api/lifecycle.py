"""HTTP resources for lifecycle surveys: trust HR switch onboarding and exit surveys on and set them up; HR read
their pools (ordinary runs: their reports are at /runs/{id}/report) and the exit pools' reasons for leaving."""
from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from staffroom_shared.auth import authenticate
from staffroom_shared.storable import Date, Flag
from staffroom_shared.web import Blueprint, db_session

from ..domain.lifecycle import MIN_ANSWER_DAYS
from ..domain.model import MIN_GROUP_SIZE, RunStatus
from ..service import lifecycle
from .schemas import QuestionSchema
from .views import _hr, _uow

blp = Blueprint("lifecycle", __name__, url_prefix="/lifecycle",
                description="Onboarding and exit surveys: standing series answered into pools that close only once "
                            "the minimum group has answered")


class LifecycleSettingsSchema(Schema):
    enabled = Flag()
    instruments = fields.List(fields.String(validate=validate.Length(min=1, max=40)), validate=validate.Length(max=10))
    questions = fields.List(fields.Nested(QuestionSchema), validate=validate.Length(max=30))
    delay_days = fields.Integer(strict=True, validate=validate.Range(min=0, max=365), metadata={
        "description": "onboarding: days after the start date; exit: days before the leaving date"})
    answer_days = fields.Integer(strict=True, validate=validate.Range(min=MIN_ANSWER_DAYS, max=90), metadata={
        "description": "the least time anyone invited is given to answer; invited later in a window, they go into "
                       "the next pool"})
    window_days = fields.Integer(strict=True, validate=validate.Range(min=2 * MIN_ANSWER_DAYS, max=366), metadata={
        "description": "how long a pool takes people in; it closes at the end only once the minimum group has "
                       "answered, and otherwise rolls on another window"})
    min_group_size = fields.Integer(strict=True, validate=validate.Range(min=MIN_GROUP_SIZE, max=1000))


class PoolSchema(Schema):
    run_id = fields.UUID()
    title = fields.String()
    status = fields.Enum(RunStatus, by_value=True)
    opens_on = Date()
    closes_on = Date(metadata={"description": "the end of its window as it stands (it moves on while too few answered)"})
    invited = fields.Integer()
    answered = fields.Integer(metadata={"description": "open: answers so far; closed: answers counted"})
    min_group_size = fields.Integer()


class LifecycleSeriesSchema(LifecycleSettingsSchema):
    kind = fields.String()
    name = fields.String()
    since = Date(allow_none=True, metadata={"description": "switched on from; nobody due before it is invited"})
    pools = fields.List(fields.Nested(PoolSchema), metadata={"description": "newest first"})


class ReasonCount(Schema):
    reason = fields.String()
    count = fields.Integer()


class GroupReasons(Schema):
    cut = fields.String()
    academy_id = fields.UUID(allow_none=True)
    question = fields.String()
    answered = fields.Integer()
    reasons = fields.List(fields.Nested(ReasonCount))


class PoolReasonsSchema(Schema):
    run_id = fields.UUID()
    title = fields.String()
    opens_on = Date()
    closes_on = Date()
    groups = fields.List(fields.Nested(GroupReasons), metadata={
        "description": "the trust and each academy whose group was shown; hidden groups are left out"})


@blp.route("")
class LifecycleSurveys(MethodView):
    @blp.response(200, LifecycleSeriesSchema(many=True))
    def get(self):
        """The onboarding and exit series (defaults until set up) with the pools the caller may see."""
        principal = authenticate()
        _hr(principal)
        return lifecycle.overview(db_session(), principal)


@blp.route("/<string:kind>")
class LifecycleSurvey(MethodView):
    @blp.arguments(LifecycleSettingsSchema)
    @blp.response(200, LifecycleSeriesSchema)
    def patch(self, changes, kind):
        """Switch a series on or off, or change what it asks and when (trust HR); pools already open keep their
        questions."""
        principal = authenticate()
        lifecycle.configure(_uow(principal), principal, kind, changes)
        return next(s for s in lifecycle.overview(db_session(), principal) if s["kind"] == kind)


@blp.route("/leaving-reasons")
class LeavingReasons(MethodView):
    @blp.response(200, PoolReasonsSchema(many=True))
    def get(self):
        """Each closed exit pool's reasons for leaving, newest first: counts per shown group, never per person."""
        principal = authenticate()
        _hr(principal)
        return lifecycle.leaving_reasons(db_session(), principal)
