"""HTTP resources for 360, upward and peer feedback: requests (the subject or their line manager), what I am asked to
answer and "Answer now", answering with a link (no sign-in), the report, HR's upward rounds and the trust's smallest
group."""
from __future__ import annotations

from flask import request as http
from flask.views import MethodView
from marshmallow import RAISE, Schema, fields, validate

from staffroom_shared.auth import authenticate
from staffroom_shared.storable import Date, Flag
from staffroom_shared.web import Blueprint, context, db_session, public

from ..domain.feedback import MAX_OUTSIDE, MIN_K, Category, RequestStatus
from ..service import feedback
from ..service.runs import Links
from .schemas import SHORT
from .views import LINK_HEADER, NOT_AT_THIS_STAGE, TOKEN_HEADER, _key, _uow

blp = Blueprint("feedback", __name__, url_prefix="/feedback",
                description="360, upward and peer feedback: asked for by the person or their line manager, answered "
                            "anonymously by category (or named), shown only for categories with enough answers")

CATEGORIES = [c.value for c in Category]


class FeedbackSettingsSchema(Schema):
    k = fields.Integer(strict=True, required=True, validate=validate.Range(min=MIN_K, max=50), metadata={
        "description": f"the fewest anonymous answers a category needs to be shown (at least {MIN_K}); direct "
                       "reports need at least 5 whatever this is"})
    direct_reports = fields.Integer(dump_only=True)


class FeedbackRaterSchema(Schema):
    staff_id = fields.UUID(required=True)
    category = fields.String(required=True, validate=validate.OneOf(["peers", "direct_reports"]))


class FeedbackRequestInSchema(Schema):
    subject_id = fields.UUID(load_default=None, metadata={"description": "whom it is about: you (left out) or someone "
                                                                         "you line-manage"})
    question_set = fields.String(load_default="360", validate=validate.OneOf(["360"]))
    closes_on = Date(required=True, metadata={"description": "after today, and at most 8 weeks ahead"})
    include_line_manager = Flag(load_default=False)
    raters = fields.List(fields.Nested(FeedbackRaterSchema), load_default=list, validate=validate.Length(max=60))
    outside_trust = fields.List(fields.String(validate=validate.Length(max=320)), load_default=list,
                                validate=validate.Length(max=100), metadata={
        "description": f"email addresses of people outside the trust to ask (at most {MAX_OUTSIDE}), in the "
                       "category \"others\": each gets a link by email; Staffroom keeps no address"})


class FeedbackAskedSchema(Schema):
    name = fields.String()
    category = fields.String()
    category_name = fields.String()


class FeedbackStatementSchema(Schema):
    key = fields.String()
    text = fields.String()
    shown = fields.Boolean()
    answered = fields.Integer(allow_none=True)
    mean = fields.Float(allow_none=True)
    counts = fields.List(fields.Integer(), allow_none=True, metadata={"description": "how many gave 1 to 5"})


class FeedbackCommentsSchema(Schema):
    key = fields.String()
    question = fields.String()
    texts = fields.List(fields.String(), metadata={"description": "sorted by text: no order of answering, no rater"})


class FeedbackCategorySchema(Schema):
    category = fields.String()
    shown = fields.Boolean()
    needed = fields.Integer(metadata={"description": "the anonymous answers it needed to be shown"})
    answered = fields.Integer(metadata={"description": "only where shown: a hidden category says nothing"})
    statements = fields.List(fields.Nested(FeedbackStatementSchema))
    comments = fields.List(fields.Nested(FeedbackCommentsSchema))


class NamedFeedbackRatingSchema(Schema):
    key = fields.String()
    text = fields.String()
    value = fields.Integer()


class NamedFeedbackCommentSchema(Schema):
    key = fields.String()
    question = fields.String()
    text = fields.String()


class NamedFeedbackSchema(Schema):
    name = fields.String()
    category = fields.String()
    ratings = fields.List(fields.Nested(NamedFeedbackRatingSchema))
    comments = fields.List(fields.Nested(NamedFeedbackCommentSchema))


class FeedbackReportSchema(Schema):
    named = fields.List(fields.Nested(NamedFeedbackSchema))
    categories = fields.List(fields.Nested(FeedbackCategorySchema))


class FeedbackTooFewSchema(Schema):
    category = fields.String()
    category_name = fields.String()
    asked = fields.Integer()
    needed = fields.Integer()


class FeedbackRequestSchema(Schema):
    id = fields.UUID()
    title = fields.String()
    subject_id = fields.UUID()
    subject = fields.String()
    kind = fields.String(metadata={"description": "360 or upward"})
    asked_by = fields.String(metadata={"description": "who asked: the person or their line manager, by name; \"HR\" "
                                                      "for an upward round's"})
    question_set = fields.String()
    closes_on = Date()
    closed_on = Date(allow_none=True)
    status = fields.Enum(RequestStatus, by_value=True)
    shared = fields.Boolean(metadata={"description": "the subject shared the report with their line manager"})
    invited = fields.Integer()
    k = fields.Integer()
    you_are = fields.String(allow_none=True, metadata={"description": "subject, line_manager or hr"})
    may_close = fields.Boolean()
    answered = fields.Integer(allow_none=True, metadata={"description": "HR only, while open: how many have answered"})
    asked = fields.List(fields.Nested(FeedbackAskedSchema), metadata={"description": "who was asked (never who answered)"})
    too_few_to_show = fields.List(fields.Nested(FeedbackTooFewSchema), metadata={
        "description": "while open: the anonymous groups asked of fewer people than their answers need to be shown "
                       "together (only answers given with a name can show)"})
    report = fields.Nested(FeedbackReportSchema, allow_none=True, metadata={
        "description": "once closed: to the subject, and to their line manager if shared; never to HR"})


class FeedbackShareSchema(Schema):
    shared = Flag(required=True)


class FeedbackPersonSchema(Schema):
    staff_id = fields.UUID()
    name = fields.String()
    direct_report = fields.Boolean()


class FeedbackChoicesQuerySchema(Schema):
    subject_id = fields.UUID(load_default=None)


class FeedbackChoicesSchema(Schema):
    subject = fields.Nested(FeedbackPersonSchema)
    line_manager = fields.Nested(FeedbackPersonSchema, allow_none=True)
    colleagues = fields.List(fields.Nested(FeedbackPersonSchema))
    k = fields.Integer()
    direct_reports = fields.Integer()


class FeedbackQuestionSchema(Schema):
    key = fields.String()
    text = fields.String()
    scale = fields.String()
    labels = fields.List(fields.String())
    max_length = fields.Integer(allow_none=True)


class FeedbackFormSchema(Schema):
    title = fields.String()
    subject = fields.String()
    closes_on = Date()
    category = fields.String(validate=validate.OneOf(CATEGORIES))
    category_name = fields.String()
    must_be_named = fields.Boolean(metadata={"description": "a line manager's answers are always shown with their name"})
    may_be_named = fields.Boolean(metadata={"description": "false for someone outside the trust, who answers without "
                                                           "a name"})
    shown_from = fields.Integer(allow_none=True, metadata={"description": "anonymous answers your category needs"})
    questions = fields.List(fields.Nested(FeedbackQuestionSchema))


class FeedbackAnswerSchema(Schema):
    answers = fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=100)), values=fields.Raw(),
                          required=True, validate=validate.Length(max=50),
                          metadata={"example": {"fb360.communicates": 4, "fb360.keep_doing": "Sharing resources"}})
    named = Flag(load_default=False, metadata={"description": "show my name with my answers"})


class FeedbackAskedOfMeSchema(Schema):
    request_id = fields.UUID()
    title = fields.String()
    about = fields.String(metadata={"description": "whom the feedback is about, by name"})
    kind = fields.String(metadata={"description": "360 or upward"})
    category = fields.String(validate=validate.OneOf(CATEGORIES))
    category_name = fields.String(metadata={"description": "the group you were asked in, in words"})
    closes_on = Date()
    answered = fields.Boolean(metadata={"description": "whether you have answered (yours only)"})
    open = fields.Boolean(metadata={"description": "whether it still takes answers"})


class FeedbackLinkSchema(Schema):
    link = fields.String(metadata={"description": "<PUBLIC_URL>/feedback/respond#token=…: yours alone, works once; "
                                                  "open it in this browser"})


class UpwardRoundInSchema(Schema):
    title = fields.String(required=True, validate=SHORT)
    academy_id = fields.UUID(load_default=None, metadata={"description": "none: every academy (trust HR)"})
    closes_on = Date(required=True, metadata={"description": "after today, and at most 8 weeks ahead"})


class UpwardRoundRequestSchema(Schema):
    request_id = fields.UUID()
    manager = fields.String()
    invited = fields.Integer()
    answered = fields.Integer(allow_none=True, metadata={
        "description": "while the round is open, and not to a manager asked about in it"})
    status = fields.Enum(RequestStatus, by_value=True)


class UpwardRoundSchema(Schema):
    id = fields.UUID()
    title = fields.String()
    academy_id = fields.UUID(allow_none=True)
    closes_on = Date()
    opened_on = Date()
    status = fields.Enum(RequestStatus, by_value=True)
    managers = fields.Integer()
    invited = fields.Integer()
    answered = fields.Integer(allow_none=True, metadata={
        "description": "while the round is open, and not to a manager asked about in it"})
    complete = fields.Boolean()
    requests = fields.List(fields.Nested(UpwardRoundRequestSchema))


class LeftOutManagerSchema(Schema):
    manager = fields.String(metadata={"description": "the manager's name"})
    reason = fields.String(metadata={"description": "why they were left out, in words"})


class OpenedUpwardRoundSchema(UpwardRoundSchema):
    left_out = fields.List(fields.Nested(LeftOutManagerSchema), metadata={
        "description": "managers in scope not asked about, each with why: too few direct reports in post to be "
                       "shown, an open request about them asking the same people, or feedback about them this school "
                       "year that was already shown"})


def _links() -> Links:
    return Links.from_config(context().config)


@blp.route("/settings")
class Settings(MethodView):
    @blp.response(200, FeedbackSettingsSchema)
    def get(self):
        """The trust's smallest group for feedback."""
        authenticate()
        return feedback.settings(db_session())

    @blp.arguments(FeedbackSettingsSchema)
    @blp.response(200, FeedbackSettingsSchema)
    def put(self, data):
        """Set it (trust HR); requests already made keep theirs."""
        principal = authenticate()
        return feedback.set_k(_uow(principal), principal, data["k"])


@blp.route("/choices")
class Choices(MethodView):
    @blp.arguments(FeedbackChoicesQuerySchema, location="query", unknown=RAISE)
    @blp.response(200, FeedbackChoicesSchema)
    def get(self, args):
        """Whom a request about me (or someone I line-manage) may ask: colleagues at their academy, their line
        manager, and which colleagues are their direct reports."""
        principal = authenticate()
        return feedback.choices(db_session(), principal, args["subject_id"])


@blp.route("/requests")
class Requests(MethodView):
    @blp.response(200, FeedbackRequestSchema(many=True))
    def get(self):
        """Requests about me and the people I line-manage; HR: their academy's (or the trust's)."""
        return feedback.listed(db_session(), authenticate())

    @blp.arguments(FeedbackRequestInSchema)
    @blp.response(201, FeedbackRequestSchema)
    def post(self, data):
        """Ask for 360 feedback about me or someone I line-manage: colleagues answer from Feedback in Staffroom
        ("Answer now"); each person outside the trust gets a single-use link by email."""
        principal = authenticate()
        made = feedback.request_feedback(_uow(principal), principal, data, _links())
        return feedback.get(db_session(), principal, made.id)


@blp.route("/requests/<uuid:request_id>")
class RequestResource(MethodView):
    @blp.response(200, FeedbackRequestSchema)
    def get(self, request_id):
        """A request, with its report once closed if the caller may read it."""
        return feedback.get(db_session(), authenticate(), request_id)


@blp.route("/requests/<uuid:request_id>/share")
class Share(MethodView):
    @blp.arguments(FeedbackShareSchema)
    @blp.response(200, FeedbackRequestSchema)
    def post(self, data, request_id):
        """Share my report with my line manager, or stop sharing it (the subject only)."""
        principal = authenticate()
        feedback.share(_uow(principal), principal, request_id, data["shared"])
        return feedback.get(db_session(), principal, request_id)


@blp.route("/requests/<uuid:request_id>/close")
class CloseRequest(MethodView):
    @blp.response(200, FeedbackRequestSchema)
    @blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def post(self, request_id):
        """Close early (the person it is about, their line manager, or HR): no more answers; the report is worked
        out now."""
        principal = authenticate()
        feedback.close_early(_uow(principal), principal, request_id, _key())
        return feedback.get(db_session(), principal, request_id)


@blp.route("/asked")
class AskedOfMe(MethodView):
    @blp.response(200, FeedbackAskedOfMeSchema(many=True))
    def get(self):
        """The open requests I am asked to answer (about whom, until when, whether I have): staff answer from here,
        as their invitations carry no link."""
        return feedback.asked_of_me(db_session(), authenticate())


@blp.route("/requests/<uuid:request_id>/link")
class AnswerNow(MethodView):
    @blp.response(201, FeedbackLinkSchema)
    @blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def post(self, request_id):
        """"Answer now": a fresh link to my own invitation, for this browser only (any earlier one stops working).
        Anyone not asked in this request is told it does not exist."""
        principal = authenticate()
        return {"link": feedback.new_link(_uow(principal), principal, request_id, _links())}


@public
@blp.route("/respond")
class Respond(MethodView):
    @blp.doc(**LINK_HEADER)
    @blp.response(200, FeedbackFormSchema)
    @blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def get(self):
        """The questions your feedback link asks, and whom about."""
        return feedback.form(db_session(), http.headers.get(TOKEN_HEADER))

    @blp.doc(**LINK_HEADER)
    @blp.arguments(FeedbackAnswerSchema)
    @blp.response(204, description="sent (nothing comes back)")
    @blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def post(self, data):
        """Answer, once: anonymous unless you tick to be named. Afterwards the link no longer works."""
        feedback.answer(context().uow(actor="respondent"), http.headers.get(TOKEN_HEADER), data["answers"],
                        data["named"], _key())
        return None


@blp.route("/rounds")
class Rounds(MethodView):
    @blp.response(200, UpwardRoundSchema(many=True))
    def get(self):
        """Upward rounds (HR): trust HR every one, academy HR their academy's."""
        return feedback.rounds(db_session(), authenticate())

    @blp.arguments(UpwardRoundInSchema)
    @blp.response(201, OpenedUpwardRoundSchema)
    def post(self, data):
        """Open an upward round: every manager in scope with enough direct reports in post is asked about by them."""
        principal = authenticate()
        opened = feedback.open_round(_uow(principal), principal, data, _links())
        return {**feedback.get_round(db_session(), principal, opened["round"].id), "left_out": opened["left_out"]}


@blp.route("/rounds/<uuid:round_id>")
class RoundResource(MethodView):
    @blp.response(200, UpwardRoundSchema)
    def get(self, round_id):
        """A round: each manager's invited and answered counts (never who answered, never what)."""
        return feedback.get_round(db_session(), authenticate(), round_id)


@blp.route("/rounds/<uuid:round_id>/close")
class CloseRound(MethodView):
    @blp.response(200, UpwardRoundSchema)
    @blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def post(self, round_id):
        """Close a round early (HR): every manager's report is worked out now."""
        principal = authenticate()
        feedback.close_round(_uow(principal), principal, round_id, _key())
        return feedback.get_round(db_session(), principal, round_id)

