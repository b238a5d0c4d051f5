"""HTTP resources for CPD impact: the participant's intent and satisfaction, the line manager's impact check, the
trust's interval, and HR's report per programme (JSON and CSV)."""
from __future__ import annotations

import uuid

from flask import Response
from flask.views import MethodView

from staffroom_shared.auth import authenticate
from staffroom_shared.spreadsheet import csv_text
from staffroom_shared.web import Blueprint, ProblemSchema, db_session

from ..service import impact
from . import impact_schemas as schemas
from .common import reads as _reads, uow as _uow

impact_blp = Blueprint("impact", __name__, url_prefix="", description="CPD impact: what participants will change, "
                       "the impact their line managers see, and HR's report per programme")
BLUEPRINTS = [impact_blp]

NOT_AT_THIS_STAGE = {"description": "not at the stage this step needs (not completed, check not yet due, no longer "
                                    "editable); nothing changed",
                     "schema": ProblemSchema, "content_type": "application/problem+json"}




def _after(enrolment_id: uuid.UUID) -> dict:
    db_session().rollback()  # read what the command committed
    return impact.visible_record(_reads(), authenticate(), enrolment_id)[0]


@impact_blp.route("/enrolments/<uuid:enrolment_id>/impact")
class EnrolmentImpact(MethodView):
    @impact_blp.response(200, schemas.ImpactSchema)
    @impact_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def get(self, enrolment_id: uuid.UUID):
        """A completed enrolment's impact record: the participant, their line manager, HR."""
        return impact.visible_record(_reads(), authenticate(), enrolment_id)[0]


@impact_blp.route("/enrolments/<uuid:enrolment_id>/impact/intent")
class Intent(MethodView):
    @impact_blp.arguments(schemas.IntentSchema)
    @impact_blp.response(200, schemas.ImpactSchema)
    @impact_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def put(self, data, enrolment_id: uuid.UUID):
        """The participant records what they will change in their practice and their satisfaction (editable for
        two weeks); publishes cpd.intent_recorded, which the appraisal shows as evidence."""
        principal = authenticate()
        impact.record_intent(_uow(principal), principal, enrolment_id, data["intent"], data["satisfaction"],
                             data["development_need_id"])
        return _after(enrolment_id)


@impact_blp.route("/enrolments/<uuid:enrolment_id>/impact/seen")
class ImpactSeen(MethodView):
    @impact_blp.arguments(schemas.ImpactSeenSchema)
    @impact_blp.response(200, schemas.ImpactSchema)
    @impact_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def put(self, data, enrolment_id: uuid.UUID):
        """The participant's line manager records the impact seen, once the trust's interval has passed;
        publishes cpd.impact_recorded."""
        principal = authenticate()
        impact.record_impact(_uow(principal), principal, enrolment_id, data["rating"], data["seen"])
        return _after(enrolment_id)


@impact_blp.route("/impact/mine")
class MyImpact(MethodView):
    @impact_blp.response(200, schemas.ImpactSchema(many=True))
    def get(self):
        """The caller's own completed CPD and what they and their line manager recorded of its impact."""
        return impact.mine(_reads(), authenticate())


@impact_blp.route("/impact/checks")
class ImpactChecks(MethodView):
    @impact_blp.response(200, schemas.ImpactSchema(many=True))
    def get(self):
        """A line manager's list: their reports' completed CPD, the impact check due date, and what is recorded."""
        return impact.checks_for(_reads(), authenticate())


@impact_blp.route("/impact/settings")
class ImpactSettings(MethodView):
    @impact_blp.response(200, schemas.ImpactSettingsSchema)
    def get(self):
        """How many weeks after completion the line manager is asked for the impact seen (anyone may read it)."""
        authenticate()
        return impact.check_after(_reads())

    @impact_blp.arguments(schemas.ImpactSettingsSchema)
    @impact_blp.response(200, schemas.ImpactSettingsSchema)
    def put(self, data):
        """Set the interval (trust HR). Records already opened keep their date."""
        principal = authenticate()
        return impact.set_check_after(_uow(principal), principal, data["check_after_weeks"])


@impact_blp.route("/reports/impact/<uuid:programme_id>")
class ImpactReport(MethodView):
    @impact_blp.response(200, schemas.ImpactReportSchema)
    def get(self, programme_id: uuid.UUID):
        """HR: each participant's satisfaction, intent, impact seen and cost on a programme (academy HR: their
        academy's participants; trust HR: all)."""
        return impact.programme_report(_reads(), authenticate(), programme_id)


@impact_blp.route("/reports/impact/<uuid:programme_id>.csv")
class ImpactReportCsv(MethodView):
    @impact_blp.response(200, description="CSV, one row per participant", content_type="text/csv")
    def get(self, programme_id: uuid.UUID):
        """The same report as a spreadsheet, safe against formulas typed into it."""
        report = impact.programme_report(_reads(), authenticate(), programme_id)
        return Response(csv_text(impact.report_csv_rows(report)), mimetype="text/csv", headers={
            "Content-Disposition": f'attachment; filename="cpd-impact-{programme_id}.csv"'})
