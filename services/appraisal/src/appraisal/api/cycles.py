"""HTTP resources for appraisal cycles: setting up, opening and closing them, and how far each academy has got."""
from __future__ import annotations

import uuid

from flask import Response
from flask.views import MethodView

from staffroom_shared.auth import authenticate
from staffroom_shared.web import Blueprint

from ..service import cycles, queries, reports
from ..service.appraisals import REMIND_AGAIN_AFTER
from . import exports, schemas
from .common import NOT_AT_THIS_STAGE, reads, uow

cycles_blp = Blueprint("cycles", __name__, url_prefix="/cycles", description="Appraisal cycles and completion")


@cycles_blp.route("")
class Cycles(MethodView):
    @cycles_blp.response(200, schemas.CycleSchema(many=True))
    def get(self):
        """Cycles the caller's academy takes part in (trust HR: all)."""
        return queries.cycles(reads(), authenticate())

    @cycles_blp.arguments(schemas.CycleSchema)
    @cycles_blp.response(201, schemas.CycleSchema)
    def post(self, data):
        """Set up a cycle in draft (academy HR for their academy, trust HR for any or trust-wide)."""
        principal = authenticate()
        return cycles.create_cycle(uow(principal), principal, data)


@cycles_blp.route("/<uuid:cycle_id>")
class CycleResource(MethodView):
    @cycles_blp.response(200, schemas.CycleSchema)
    def get(self, cycle_id: uuid.UUID):
        return queries.cycle(reads(), authenticate(), cycle_id)

    @cycles_blp.arguments(schemas.CycleUpdateSchema)
    @cycles_blp.response(200, schemas.CycleSchema)
    @cycles_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def patch(self, changes, cycle_id: uuid.UUID):
        """Move a key date, rename, or change the observation cap (HR)."""
        principal = authenticate()
        return cycles.update_cycle(uow(principal), principal, cycle_id, changes)


@cycles_blp.route("/<uuid:cycle_id>/open")
class OpenCycle(MethodView):
    @cycles_blp.response(200, schemas.CycleSchema)
    @cycles_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def post(self, cycle_id: uuid.UUID):
        """Open the cycle: an appraisal for every member of staff in scope, appraiser = line manager."""
        principal = authenticate()
        return cycles.open_cycle(uow(principal), principal, cycle_id)


@cycles_blp.route("/<uuid:cycle_id>/close")
class CloseCycle(MethodView):
    @cycles_blp.response(200, schemas.CycleSchema)
    @cycles_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def post(self, cycle_id: uuid.UUID):
        """Close the cycle; appraisals not signed off are closed (kept, never deleted)."""
        principal = authenticate()
        return cycles.close_cycle(uow(principal), principal, cycle_id)


@cycles_blp.route("/<uuid:cycle_id>/completion")
class Completion(MethodView):
    @cycles_blp.response(200, schemas.CompletionRowSchema(many=True))
    def get(self, cycle_id: uuid.UUID):
        """How far each academy has got, by status (HR)."""
        return reports.completion(reads(), authenticate(), cycle_id)


@cycles_blp.route("/<uuid:cycle_id>/completion.csv")
class CompletionCsv(MethodView):
    @cycles_blp.response(200, description="CSV, one row per academy", content_type="text/csv")
    def get(self, cycle_id: uuid.UUID):
        rows = reports.completion(reads(), authenticate(), cycle_id)
        return Response(exports.completion_csv(rows), mimetype="text/csv", headers={
            "Content-Disposition": f'attachment; filename="appraisal-completion-{cycle_id}.csv"'})


@cycles_blp.route("/<uuid:cycle_id>/reminders")
class CycleReminders(MethodView):
    @cycles_blp.response(200, schemas.SentReminderSchema(many=True))
    def get(self, cycle_id: uuid.UUID):
        """The last reminder HR sent about each appraisal in the cycle (HR: their academy; trust HR: all)."""
        return reports.reminders(reads(), authenticate(), cycle_id, REMIND_AGAIN_AFTER)
