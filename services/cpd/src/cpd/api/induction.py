"""HTTP resources for statutory induction: HR's registration and list, the academy's term dates, the tutor's
timetable, reviews, assessments and dashboard, signatures, the ECT's own view, the mentor's mentees, and the
appropriate body's export (CSV and a printable page)."""
from __future__ import annotations

import uuid
from datetime import date, datetime, timezone

from flask import Response, current_app, render_template_string
from flask.views import MethodView

from staffroom_shared.auth import authenticate
from staffroom_shared.spreadsheet import csv_text
from staffroom_shared.web import Blueprint, ProblemSchema, db_session

from ..service import inductions
from . import induction_schemas as schemas
from .common import reads as _reads, uow as _uow
from .induction_template import RECORD

induction_blp = Blueprint("induction", __name__, url_prefix="", description="Statutory induction for early career "
                          "teachers: registration, tutor and mentor, the reduced timetable, progress reviews, formal "
                          "assessments and the appropriate body's decision")
BLUEPRINTS = [induction_blp]

NOT_AT_THIS_STAGE = {"description": "not at the stage this step needs (already recorded or signed, induction "
                                    "ended); nothing changed",
                     "schema": ProblemSchema, "content_type": "application/problem+json"}




def _after(induction_id: uuid.UUID) -> dict:
    db_session().rollback()  # read what the command committed
    return inductions.visible(_reads(), authenticate(), induction_id)


@induction_blp.route("/academies/<uuid:academy_id>/term-dates")
class TermDates(MethodView):
    @induction_blp.response(200, schemas.TermDatesOutSchema)
    def get(self, academy_id: uuid.UUID):
        """The academy's own term dates, which induction is counted in (its staff and HR)."""
        return {"terms": inductions.term_dates(_reads(), authenticate(), academy_id)}

    @induction_blp.arguments(schemas.TermDatesSchema)
    @induction_blp.response(200, schemas.TermDatesOutSchema)
    def put(self, data, academy_id: uuid.UUID):
        """Give the academy's term dates (academy HR, trust HR); they replace those given before."""
        principal = authenticate()
        inductions.set_term_dates(_uow(principal), principal, academy_id, data["terms"])
        db_session().rollback()
        return {"terms": inductions.term_dates(_reads(), principal, academy_id)}


@induction_blp.route("/inductions")
class Inductions(MethodView):
    @induction_blp.arguments(schemas.HrListQuery, location="query")
    @induction_blp.response(200, schemas.InductionSummarySchema(many=True))
    def get(self, query):
        """HR's list of ECTs (academy HR: their academy's; trust HR: all), with what is due next and overdue."""
        return _listed(inductions.hr_list(_reads(), authenticate(), query["academy_id"]))

    @induction_blp.arguments(schemas.RegisterSchema)
    @induction_blp.response(201, schemas.InductionSchema)
    def post(self, data):
        """Register an ECT (academy HR, trust HR); publishes cpd.induction_started."""
        principal = authenticate()
        return _after(inductions.register(_uow(principal), principal, data))


@induction_blp.route("/inductions/mine")
class MyInduction(MethodView):
    @induction_blp.response(200, schemas.InductionSchema)
    def get(self):
        """The ECT's own induction: schedule, reviews, entitlement (the reduced timetable)."""
        return inductions.mine(_reads(), authenticate())


@induction_blp.route("/inductions/mentees")
class Mentees(MethodView):
    @induction_blp.response(200, schemas.InductionSummarySchema(many=True))
    def get(self):
        """The caller's mentees (no assessment notes: mentors do not assess)."""
        return _listed(inductions.mentees(_reads(), authenticate()))


@induction_blp.route("/inductions/tutoring")
class TutorDashboard(MethodView):
    @induction_blp.response(200, schemas.InductionSummarySchema(many=True))
    def get(self):
        """The induction tutor's dashboard: their ECTs, what is due next, anything overdue (most overdue first)."""
        return _listed(inductions.tutor_dashboard(_reads(), authenticate()))


@induction_blp.route("/inductions/mentor-training")
class MentorTraining(MethodView):
    @induction_blp.response(200, schemas.MentorTrainingSchema(many=True))
    def get(self):
        """The caller's own mentor training from the CPD catalogue (programmes of kind "mentor_training"), for the
        mentor's page: enrolled, confirmed, completed."""
        return inductions.mentor_training(_reads(), authenticate())


def _listed(rows: list[dict]) -> Response:
    """A list's rows as InductionSummarySchema would give them (its fields are exactly theirs: dates as ISO text,
    ids as text), without marshmallow's walk over every field of every item: a sixth of a tutor's dashboard
    (bench (l)). The schema stays on the route for the OpenAPI document; a test holds the two the same."""
    return current_app.json.response([{key: _plain(value) for key, value in row.items()} for row in rows])


def _plain(value):
    if isinstance(value, (date, uuid.UUID)):
        return str(value)
    if isinstance(value, dict):
        return {key: _plain(v) for key, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


@induction_blp.route("/inductions/<uuid:induction_id>")
class OneInduction(MethodView):
    @induction_blp.response(200, schemas.InductionSchema)
    def get(self, induction_id: uuid.UUID):
        """One induction: the ECT, their tutor, their mentor (without notes) and HR."""
        return inductions.visible(_reads(), authenticate(), induction_id)


@induction_blp.route("/inductions/<uuid:induction_id>/people")
class People(MethodView):
    @induction_blp.arguments(schemas.AssignSchema)
    @induction_blp.response(200, schemas.InductionSchema)
    @induction_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def put(self, data, induction_id: uuid.UUID):
        """Assign the induction tutor and mentor (HR)."""
        principal = authenticate()
        inductions.assign(_uow(principal), principal, induction_id, data["tutor_id"], data["mentor_id"])
        return _after(induction_id)


@induction_blp.route("/inductions/<uuid:induction_id>/absences")
class Absences(MethodView):
    @induction_blp.arguments(schemas.AbsenceSchema)
    @induction_blp.response(200, schemas.InductionSchema)
    @induction_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def post(self, data, induction_id: uuid.UUID):
        """Record absence and its kind of leave (HR); 30 days or more in a year extends induction."""
        principal = authenticate()
        inductions.record_absence(_uow(principal), principal, induction_id, data)
        return _after(induction_id)


@induction_blp.route("/inductions/<uuid:induction_id>/posts")
class Posts(MethodView):
    @induction_blp.arguments(schemas.PostSchema)
    @induction_blp.response(200, schemas.InductionSchema)
    @induction_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def post(self, data, induction_id: uuid.UUID):
        """A new working pattern (FTE) or school from a day (HR); the one before ends the day before."""
        principal = authenticate()
        inductions.change_post(_uow(principal), principal, induction_id, data)
        return _after(induction_id)


@induction_blp.route("/inductions/<uuid:induction_id>/timetable/<int:school_year>/<int:term_number>")
class Timetable(MethodView):
    @induction_blp.arguments(schemas.TimetableSchema)
    @induction_blp.response(200, schemas.InductionSchema)
    @induction_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def put(self, data, induction_id: uuid.UUID, school_year: int, term_number: int):
        """The tutor or HR record, or correct, the share of a main pay range teacher's timetable taught in a term,
        at any time while induction is served."""
        principal = authenticate()
        inductions.record_timetable(_uow(principal), principal, induction_id, school_year, term_number,
                                    data["percent"])
        return _after(induction_id)


@induction_blp.route("/inductions/<uuid:induction_id>/reviews")
class Reviews(MethodView):
    @induction_blp.arguments(schemas.ReviewSchema)
    @induction_blp.response(201, schemas.InductionSchema)
    @induction_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def post(self, data, induction_id: uuid.UUID):
        """The tutor records a progress review or formal assessment the schedule gives; "not making satisfactory
        progress" starts a support plan and publishes cpd.induction_support_plan_started."""
        principal = authenticate()
        inductions.record_review(_uow(principal), principal, induction_id, data)
        return _after(induction_id)


@induction_blp.route("/inductions/<uuid:induction_id>/reviews/<uuid:review_id>/signatures")
class Signatures(MethodView):
    @induction_blp.arguments(schemas.SignSchema)
    @induction_blp.response(200, schemas.InductionSchema)
    @induction_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def post(self, data, induction_id: uuid.UUID, review_id: uuid.UUID):
        """Sign a review or assessment: the tutor, academy HR for the headteacher, the ECT (with comments)."""
        principal = authenticate()
        inductions.sign(_uow(principal), principal, induction_id, review_id, data["signing_as"], data["comments"])
        return _after(induction_id)


@induction_blp.route("/inductions/<uuid:induction_id>/decision")
class AppropriateBodyDecision(MethodView):
    @induction_blp.arguments(schemas.DecisionSchema)
    @induction_blp.response(200, schemas.InductionSchema)
    @induction_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def post(self, data, induction_id: uuid.UUID):
        """Record the appropriate body's decision (HR): passed or failed ends induction (cpd.induction_ended);
        extended adds terms."""
        principal = authenticate()
        inductions.record_decision(_uow(principal), principal, induction_id, data)
        return _after(induction_id)


@induction_blp.route("/inductions/<uuid:induction_id>/leaving")
class Leaving(MethodView):
    @induction_blp.arguments(schemas.LeftSchema)
    @induction_blp.response(200, schemas.InductionSchema)
    @induction_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def post(self, data, induction_id: uuid.UUID):
        """The ECT left before completing (HR); publishes cpd.induction_ended (left)."""
        principal = authenticate()
        inductions.record_leaving(_uow(principal), principal, induction_id, data["left_on"])
        return _after(induction_id)


@induction_blp.route("/inductions/<uuid:induction_id>/record.csv")
class RecordCsv(MethodView):
    @induction_blp.response(200, description="CSV, one row per review or assessment", content_type="text/csv")
    def get(self, induction_id: uuid.UUID):
        """The reviews and assessments for the appropriate body, safe against formulas typed into them."""
        record = inductions.for_export(_reads(), authenticate(), induction_id)
        return Response(csv_text(inductions.export_rows(record)), mimetype="text/csv", headers={
            "Content-Disposition": 'attachment; filename="induction-record.csv"'})


@induction_blp.route("/inductions/<uuid:induction_id>/record")
class RecordPage(MethodView):
    @induction_blp.response(200, description="print-ready HTML for the appropriate body", content_type="text/html")
    def get(self, induction_id: uuid.UUID):
        """The induction record as a printable page (the browser's Print → Save as PDF)."""
        record = inductions.for_export(_reads(), authenticate(), induction_id)
        return Response(render_template_string(RECORD, r=record, printed=datetime.now(timezone.utc)),
                        mimetype="text/html")
