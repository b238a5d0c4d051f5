"""HTTP resources for action plans on survey results (HR, heads and owners) and the "You said, we did" board."""
from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from staffroom_shared.auth import authenticate
from staffroom_shared.storable import Date, DateTime, one_line
from staffroom_shared.web import Blueprint, ProblemSchema, context, db_session

from ..domain.actions import ActionStatus
from ..domain.model import STAFF_TYPES
from ..service import actions

actions_blp = Blueprint("actions", __name__, url_prefix="/actions",
                        description="Action plans on survey results: planned, published to staff, and followed up")
board_blp = Blueprint("board", __name__, url_prefix="/me",
                      description="You said, we did: the published actions of the trust and my academy")
BLUEPRINTS = [actions_blp, board_blp]

NOT_NOW = {"description": "a step the action's status or stage does not allow; nothing changed",
           "schema": ProblemSchema, "content_type": "application/problem+json"}
TITLE = [validate.Length(min=1, max=200), one_line]
TEXT = validate.Length(min=1, max=4000)


class ActionInSchema(Schema):
    title = fields.String(required=True, validate=TITLE)
    description = fields.String(required=True, validate=TEXT, metadata={"description": "what will be done"})
    measure = fields.String(required=True, validate=validate.Length(min=1, max=100), metadata={
        "description": "a measure's key from GET /instruments, or custom.<key> of the run named in run_id"})
    run_id = fields.UUID(load_default=None, allow_none=True,
                         metadata={"description": "the closed survey whose results prompted it (optional)"})
    academy_id = fields.UUID(load_default=None, allow_none=True, metadata={"description": "null: the whole trust"})
    staff_type = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(STAFF_TYPES),
                               metadata={"description": "null: every staff type"})
    owner_id = fields.UUID(required=True, metadata={"description": "the member of staff leading it"})
    due_on = Date(required=True)


class ActionChangeSchema(Schema):
    title = fields.String(validate=TITLE)
    description = fields.String(validate=TEXT)
    measure = fields.String(validate=validate.Length(min=1, max=100))
    run_id = fields.UUID(allow_none=True)
    academy_id = fields.UUID(allow_none=True)
    staff_type = fields.String(allow_none=True, validate=validate.OneOf(STAFF_TYPES))
    owner_id = fields.UUID()
    due_on = Date()


class UpdateInSchema(Schema):
    text = fields.String(required=True, validate=TEXT)
    status = fields.Enum(ActionStatus, by_value=True, load_default=None, allow_none=True, metadata={
        "description": "a new status: planned can become in_progress, done or dropped; in_progress done or dropped"})


class UpdateOut(Schema):
    on = Date()
    text = fields.String()


class SurveyFigureOut(Schema):
    title = fields.String(metadata={"description": "the survey's title"})
    closed_on = Date()
    mean = fields.Float(allow_none=True)
    favourable = fields.Float(allow_none=True, metadata={"description": "% favourable"})


class BeforeAfterOut(Schema):
    status = fields.String(metadata={"description": "shown, waiting, no_before, hidden or not_compared"})
    note = fields.String(allow_none=True, metadata={"description": "why there is no pair, in words"})
    before = fields.Nested(SurveyFigureOut)
    after = fields.Nested(SurveyFigureOut)


class ActionSchema(Schema):
    id = fields.UUID()
    title = fields.String()
    description = fields.String()
    measure = fields.String()
    measure_title = fields.String()
    run_id = fields.UUID(allow_none=True)
    academy_id = fields.UUID(allow_none=True)
    academy_name = fields.String(allow_none=True)
    staff_type = fields.String(allow_none=True)
    scope_name = fields.String(metadata={"example": "Teaching staff at Oak"})
    owner_id = fields.UUID()
    owner_name = fields.String()
    due_on = Date()
    status = fields.Enum(ActionStatus, by_value=True)
    status_name = fields.String()
    published = fields.Boolean()
    published_at = DateTime(allow_none=True)
    created_at = DateTime()
    updates = fields.List(fields.Nested(UpdateOut), metadata={"description": "newest first"})
    before_after = fields.Nested(BeforeAfterOut)


def _uow(principal):
    return context().uow(actor=principal.actor)


@actions_blp.route("")
class Actions(MethodView):
    @actions_blp.response(200, ActionSchema(many=True))
    def get(self):
        """HR: the trust's actions and their academies' (drafts too); anyone: the actions they lead."""
        return actions.listed(db_session(), authenticate())

    @actions_blp.arguments(ActionInSchema)
    @actions_blp.response(201, ActionSchema)
    def post(self, data):
        """Plan an action (a draft until published): trust HR for any group, academy HR for their academy's."""
        principal = authenticate()
        made = actions.create(_uow(principal), principal, data)
        return actions.get(db_session(), principal, made.id)


@actions_blp.route("/<uuid:action_id>")
class ActionResource(MethodView):
    @actions_blp.response(200, ActionSchema)
    def get(self, action_id):
        return actions.get(db_session(), authenticate(), action_id)

    @actions_blp.arguments(ActionChangeSchema)
    @actions_blp.response(200, ActionSchema)
    @actions_blp.alt_response(409, **NOT_NOW)
    def patch(self, changes, action_id):
        """Change an action; once published, not its group, measure or survey (staff were told)."""
        principal = authenticate()
        actions.edit(_uow(principal), principal, action_id, changes)
        return actions.get(db_session(), principal, action_id)


@actions_blp.route("/<uuid:action_id>/publish")
class Publish(MethodView):
    @actions_blp.response(200, ActionSchema)
    @actions_blp.alt_response(409, **NOT_NOW)
    def post(self, action_id):
        """Show the action to the staff it is for, who are told of it (wellbeing.action_published)."""
        principal = authenticate()
        actions.publish(_uow(principal), principal, action_id)
        return actions.get(db_session(), principal, action_id)


@actions_blp.route("/<uuid:action_id>/updates")
class Updates(MethodView):
    @actions_blp.arguments(UpdateInSchema)
    @actions_blp.response(201, ActionSchema)
    @actions_blp.alt_response(409, **NOT_NOW)
    def post(self, data, action_id):
        """Post progress (the owner or HR), dated today, with a new status if it has one."""
        principal = authenticate()
        actions.post_update(_uow(principal), principal, action_id, data["text"], data["status"])
        return actions.get(db_session(), principal, action_id)


@board_blp.route("/actions")
class Board(MethodView):
    @board_blp.response(200, ActionSchema(many=True))
    def get(self):
        """You said, we did: published actions for the trust and my academy, with progress, and before and after
        only where the survey reports show both figures and the trend would compare them."""
        return actions.board(db_session(), authenticate())
