"""HTTP resources: instruments, survey runs and their reports (HR), my surveys (staff), answering (a link)."""
from __future__ import annotations

import json
import uuid
from datetime import date, datetime

from flask import Response, request
from flask.views import MethodView
from marshmallow import RAISE

from staffroom_shared.web import Blueprint, ProblemSchema, context, db_session, public
from staffroom_shared.auth import authenticate
from staffroom_shared.authz import academy_scope, require
from staffroom_shared.errors import NotFound
from staffroom_shared.principal import Principal

from ..domain.instruments import INSTRUMENTS, SCALES
from ..service import reports, respond, runs
from . import schemas

instruments_blp = Blueprint("instruments", __name__, url_prefix="/instruments",
                            description="The published instruments and the trust's own questions, with benchmarks")
runs_blp = Blueprint("runs", __name__, url_prefix="/runs", description="Survey runs, their progress and results (HR)")
me_blp = Blueprint("me", __name__, url_prefix="/me", description="The surveys I am invited to")
survey_blp = Blueprint("survey", __name__, url_prefix="/survey",
                       description="Answering a survey with a single-use link: no sign-in, nothing that names you")
BLUEPRINTS = [instruments_blp, runs_blp, me_blp, survey_blp]

TOKEN_HEADER = "X-Survey-Token"  # noqa: S105 - the header's name, not a secret
BROWSER_KEY_HEADER = "X-Draft-Key"
NOT_AT_THIS_STAGE = {"description": "not at the stage this step needs (e.g. the run is open); nothing changed",
                     "schema": ProblemSchema, "content_type": "application/problem+json"}
LINK_HEADER = {"parameters": [
    {"in": "header", "name": TOKEN_HEADER, "required": True, "schema": {"type": "string", "maxLength": 200},
     "description": "the token from your survey link (after #token=)"},
    {"in": "header", "name": BROWSER_KEY_HEADER, "required": False,
     "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{22,128}$"},
     "description": "a key your browser makes once and keeps: what you save can be opened again only with your link "
                    "and this key together (required to save; sent when opening and submitting to include what "
                    "you saved)"}], "security": []}


def _uow(principal: Principal):
    return context().uow(actor=principal.actor)


def _hr(principal: Principal) -> None:
    require(principal.has_role("trust_hr") or principal.has_role("academy_hr"), "survey runs are for HR")


# -- instruments --------------------------------------------------------------------------------------

def _section(instrument) -> dict:
    return {"key": instrument.key, "title": instrument.title, "instructions": instrument.instructions,
            "licence": instrument.licence, "citation": instrument.citation,
            "acknowledgement": instrument.acknowledgement,
            "counted_whole": any(len(m.items) > 1 for m in instrument.measures),
            "items": [{"key": i.key, "text": i.text, "scale": i.scale} for i in instrument.items]}


def _instrument(instrument) -> dict:
    return {**_section(instrument), "measures": [
        {"key": m.key, "title": m.title, "method": m.method, "minimum": m.minimum, "maximum": m.maximum,
         "higher_is_better": m.higher_is_better, "items": list(m.items),
         "benchmarks": [b.__dict__ for b in m.benchmarks]} for m in instrument.measures]}


@instruments_blp.route("")
class Instruments(MethodView):
    @instruments_blp.response(200, schemas.InstrumentSchema(many=True))
    def get(self):
        """Every instrument a run can use: items, scoring, licence and the national benchmarks of each measure."""
        return [_instrument(i) for i in INSTRUMENTS.values()]


@instruments_blp.route("/<string:key>")
class InstrumentResource(MethodView):
    @instruments_blp.response(200, schemas.InstrumentSchema)
    def get(self, key):
        if key not in INSTRUMENTS:
            raise NotFound(f"there is no instrument {key!r}")
        return _instrument(INSTRUMENTS[key])


# -- runs -----------------------------------------------------------------------------------------------

@runs_blp.route("")
class Runs(MethodView):
    @runs_blp.arguments(schemas.RunQuerySchema, location="query", unknown=RAISE)
    @runs_blp.response(200, schemas.RunSchema(many=True))
    def get(self, args):
        """Runs the caller may see: trust HR all; academy HR their academy's and the trust-wide ones covering it."""
        principal = authenticate()
        _hr(principal)
        return runs.visible_runs(db_session(), principal, args.get("status"))

    @runs_blp.arguments(schemas.RunSchema)
    @runs_blp.response(201, schemas.RunSchema)
    def post(self, data):
        """Build a run (a draft) from instruments and the trust's own questions, scoped to academies and staff types."""
        principal = authenticate()
        _hr(principal)
        return runs.create(_uow(principal), principal, data)


@runs_blp.route("/<uuid:run_id>")
class RunResource(MethodView):
    @runs_blp.response(200, schemas.RunSchema)
    def get(self, run_id):
        principal = authenticate()
        _hr(principal)
        return runs.get(db_session(), principal, run_id)

    @runs_blp.arguments(schemas.RunUpdateSchema)
    @runs_blp.response(200, schemas.RunSchema)
    @runs_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def patch(self, changes, run_id):
        """Change a draft run."""
        principal = authenticate()
        return runs.edit(_uow(principal), principal, run_id, changes)


@runs_blp.route("/<uuid:run_id>/questionnaire")
class Preview(MethodView):
    @runs_blp.response(200, schemas.QuestionnaireSchema)
    def get(self, run_id):
        """The questionnaire exactly as respondents will be shown it (a preview for HR; nothing saved in it)."""
        principal = authenticate()
        _hr(principal)
        run = runs.get(db_session(), principal, run_id)
        return _questionnaire(run, run.questionnaire(), {}, False)


def _questionnaire(run, form, saved: dict, saved_elsewhere: bool) -> dict:
    used = {item.scale for item in form.items.values()}
    return {"title": run.title, "closes_on": run.closes_on, "saved": saved, "saved_elsewhere": saved_elsewhere,
            "scales": [SCALES[s].__dict__ for s in SCALES if s in used],
            "sections": [_section(i) for i in form.instruments]}


@runs_blp.route("/<uuid:run_id>/schedule")
class Schedule(MethodView):
    @runs_blp.response(200, schemas.RunSchema)
    @runs_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def post(self, run_id):
        """Fix the run: it opens on opens_on (at once if that has come), inviting everyone in scope."""
        principal = authenticate()
        return runs.schedule(_uow(principal), principal, run_id, runs.Links.from_config(context().config))


@runs_blp.route("/<uuid:run_id>/close")
class Close(MethodView):
    @runs_blp.response(200, schemas.RunSchema)
    @runs_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def post(self, run_id):
        """Close an open run early; its results are worked out and published now."""
        principal = authenticate()
        return runs.close(_uow(principal), principal, run_id, _key())


@runs_blp.route("/<uuid:run_id>/progress")
class Progress(MethodView):
    @runs_blp.response(200, schemas.ProgressSchema(many=True))
    def get(self, run_id):
        """Response counts per academy (never who, never what)."""
        principal = authenticate()
        _hr(principal)
        session = db_session()
        return runs.progress(session, runs.get(session, principal, run_id), academy_scope(principal))


def as_json(report: dict) -> Response:
    """The report as JSON, written directly: it is built in exactly ReportSchema's shape (a test holds them
    equal), and a trust-wide report has thousands of figures, where marshmallow took half the time."""
    return Response(json.dumps(report, default=_plain, separators=(",", ":")), mimetype="application/json")


def _plain(value):
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def _closed_run(run_id: uuid.UUID):
    principal = authenticate()
    _hr(principal)
    session = db_session()
    return principal, session, runs.closed(session, principal, run_id)


@runs_blp.route("/<uuid:run_id>/report")
class Report(MethodView):
    @runs_blp.arguments(schemas.ReportQuerySchema, location="query", unknown=RAISE)
    @runs_blp.response(200, schemas.ReportSchema)
    @runs_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def get(self, args, run_id):
        """Results per group (trust, academy, staff type, service band, academy × staff type) beside national
        benchmarks, with the trend across runs. Groups below the minimum size, and any group that would let one
        be worked out by subtraction, are shown as suppressed with no figures."""
        principal, session, run = _closed_run(run_id)
        return as_json(reports.report(session, run, academy_scope(principal), args.get("cut")))


@runs_blp.route("/<uuid:run_id>/report.csv")
class ReportCsv(MethodView):
    @runs_blp.arguments(schemas.ReportQuerySchema, location="query", unknown=RAISE)
    @runs_blp.response(200, {"type": "string"}, content_type="text/csv")
    @runs_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def get(self, args, run_id):
        """The report as CSV."""
        principal, session, run = _closed_run(run_id)
        text = reports.csv_text(reports.report(session, run, academy_scope(principal), args.get("cut")))
        return Response(text, mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="survey-{run_id}.csv"'})


@runs_blp.route("/<uuid:run_id>/comments")
class Comments(MethodView):
    @runs_blp.response(200, schemas.CommentGroup(many=True))
    @runs_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def get(self, run_id):
        """Free-text answers for the trust and each academy shown in the results (never a small group)."""
        principal, session, run = _closed_run(run_id)
        return reports.shown_comments(session, run, academy_scope(principal))


@runs_blp.route("/<uuid:run_id>/drivers")
class Drivers(MethodView):
    @runs_blp.arguments(schemas.DriversQuerySchema, location="query", unknown=RAISE)
    @runs_blp.response(200, schemas.DriversSchema)
    @runs_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def get(self, args, run_id):
        """Which measures go most strongly with the outcome (eNPS by default), trust-wide or for one academy."""
        principal, session, run = _closed_run(run_id)
        return reports.drivers_seen(session, run, args.get("academy_id"), academy_scope(principal))


@runs_blp.route("/<uuid:run_id>/link")
class NewLink(MethodView):
    @runs_blp.response(201, schemas.LinkSchema)
    @runs_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def post(self, run_id):
        """Lost your link? A new one for you (the old one and anything saved with it stop working)."""
        principal = authenticate()
        return {"link": runs.new_link(_uow(principal), principal, run_id, runs.Links.from_config(context().config))}


@me_blp.route("/surveys")
class MySurveys(MethodView):
    @me_blp.response(200, schemas.MySurveySchema(many=True))
    def get(self):
        """Open surveys I am invited to, and whether I have answered."""
        return runs.my_surveys(db_session(), authenticate())


# -- answering ------------------------------------------------------------------------------------------

def _token() -> str | None:
    return request.headers.get(TOKEN_HEADER)


def _browser_key() -> str | None:
    return request.headers.get(BROWSER_KEY_HEADER)


def _key() -> bytes:
    return respond.seal_key(context().config)


def _anonymous_uow():
    return context().uow(actor="respondent")


@public
@survey_blp.route("")
class Survey(MethodView):
    @survey_blp.doc(**LINK_HEADER)
    @survey_blp.response(200, schemas.QuestionnaireSchema, description=(
        "The questionnaire and what this browser saved. The body is padded with spaces to one length per survey, "
        "so its size (which access logs record) says nothing about the answers in it."))
    def get(self):
        """The questionnaire for your link, with the answers this browser saved so far."""
        opened = respond.open_with(db_session(), _token(), _key(), _browser_key())
        body = schemas.QuestionnaireSchema().dump(
            _questionnaire(opened.run, opened.questionnaire, opened.saved, opened.saved_elsewhere))
        # Saved answers serialise as their sealed draft does, so they fit in the draft's padded size.
        longest = len(_json({**body, "saved": {}, "saved_elsewhere": False})) + respond.saved_size(opened)
        text = _json(body)
        return Response(text + b" " * (longest - len(text)), mimetype="application/json")


@public
@survey_blp.route("/answers")
class Answers(MethodView):
    @survey_blp.doc(**LINK_HEADER)
    @survey_blp.arguments(schemas.AnswersSchema)
    @survey_blp.response(204, description="saved (nothing is sent back, so no response's size follows the answers)")
    @survey_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def put(self, data):
        """Save answers so far (merged with what this browser saved before); come back to them with your link, in
        the same browser."""
        respond.save(_anonymous_uow(), _token(), data["answers"], _key(), _browser_key())
        return None


def _json(body: dict) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


@public
@survey_blp.route("/submission")
class Submission(MethodView):
    @survey_blp.doc(**LINK_HEADER)
    @survey_blp.arguments(schemas.AnswersSchema)
    @survey_blp.response(204)
    @survey_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def post(self, data):
        """Submit, once: what this browser saved plus these. Afterwards the link no longer works."""
        respond.submit(_anonymous_uow(), _token(), data["answers"], _key(), _browser_key())
        return None
