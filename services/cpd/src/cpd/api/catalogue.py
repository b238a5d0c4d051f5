"""HTTP resources for the catalogue, cohorts, enrolments, training agreements, settings, budgets and spend."""
from __future__ import annotations

import uuid

from flask.views import MethodView
from marshmallow import RAISE

from staffroom_shared.web import Blueprint, ProblemSchema, db_session
from staffroom_shared.auth import authenticate
from staffroom_shared.authz import can_manage_academy, require
from staffroom_shared.errors import NotFound, Unprocessable

from ..service import agreements as agreement_commands
from ..service import catalogue as catalogue_commands
from ..service import enrolments as commands
from ..service import listings
from ..service import reports
from ..service.access import hr_scope, may_see_programme, relation, require_relation
from ..service.errors import missing
from ..service.unit_of_work import CpdReads
from . import catalogue_schemas as schemas
from .common import reads as _reads, uow as _uow

programmes_blp = Blueprint("programmes", __name__, url_prefix="/programmes",
                           description="The CPD catalogue: programmes and their cohorts")
cohorts_blp = Blueprint("cohorts", __name__, url_prefix="/cohorts", description="Cohorts, places and waiting lists")
enrolments_blp = Blueprint("enrolments", __name__, url_prefix="/enrolments",
                           description="Requests for places, approvals, attendance, completion and evaluation")
agreements_blp = Blueprint("agreements", __name__, url_prefix="/agreements", description="Training agreements")
admin_blp = Blueprint("cpd-admin", __name__, url_prefix="", description="The trust's CPD settings, budgets and spend")

NOT_AT_THIS_STAGE = {"description": "not at the stage this step needs (e.g. not yet approved); nothing changed",
                     "schema": ProblemSchema, "content_type": "application/problem+json"}




def _fresh() -> None:
    """After a change: end the request's read transaction, so what is read next includes the change
    (a check made before the change would otherwise pin the older snapshot)."""
    db_session().rollback()


def _missing(what: str):
    raise missing(what)


# -- programmes ---------------------------------------------------------------------------------

@programmes_blp.route("")
class Programmes(MethodView):
    # unknown=RAISE: a mistyped filter must be an error, not a silent list of everything.
    @programmes_blp.arguments(schemas.ProgrammeQuerySchema, location="query", unknown=RAISE)
    @programmes_blp.response(200, schemas.ProgrammePageSchema)
    def get(self, args):
        """Programmes offered to the caller's academy (trust-wide and its own); HR also sees what they run."""
        items, total = listings.programmes(_reads(), authenticate(), args)
        return {"items": items, "page": args["page"], "page_size": args["page_size"], "total": total}

    @programmes_blp.arguments(schemas.ProgrammeSchema)
    @programmes_blp.response(201, schemas.ProgrammeSchema)
    def post(self, data):
        """Add a programme (academy HR for their academy; trust HR for any, or trust-wide)."""
        principal = authenticate()
        return catalogue_commands.create_programme(_uow(principal), principal, data)


def _visible_programme(programme_id: uuid.UUID):
    principal = authenticate()
    programme = _reads().catalogue.programme(programme_id)
    if programme is None or not may_see_programme(principal, programme):
        _missing("programme")
    return programme


@programmes_blp.route("/<uuid:programme_id>")
class ProgrammeResource(MethodView):
    @programmes_blp.response(200, schemas.ProgrammeSchema)
    def get(self, programme_id: uuid.UUID):
        return _visible_programme(programme_id)

    @programmes_blp.arguments(schemas.ProgrammeUpdateSchema)
    @programmes_blp.response(200, schemas.ProgrammeSchema)
    def patch(self, changes, programme_id: uuid.UUID):
        """Change a programme (HR who run it). Places already requested keep the cost they were asked at."""
        principal = authenticate()
        _visible_programme(programme_id)
        return catalogue_commands.update_programme(_uow(principal), principal, programme_id, changes)


@programmes_blp.route("/<uuid:programme_id>/active")
class ProgrammeActive(MethodView):
    @programmes_blp.arguments(schemas.ActiveSchema)
    @programmes_blp.response(200, schemas.ProgrammeSchema)
    @programmes_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def put(self, data, programme_id: uuid.UUID):
        """Deactivate (no new requests; places already given carry on) or offer again (HR who run it)."""
        principal = authenticate()
        _visible_programme(programme_id)
        return catalogue_commands.set_programme_active(_uow(principal), principal, programme_id, data["active"])


def _cohort_view(reads: CpdReads, cohorts: list) -> list[dict]:
    places = reads.catalogue.places([c.id for c in cohorts])
    return [{**{n: getattr(c, n) for n in ("id", "programme_id", "name", "starts_on", "ends_on", "capacity",
                                              "location")},
             **places[c.id], "places_left": max(c.capacity - places[c.id]["confirmed"], 0)} for c in cohorts]


@programmes_blp.route("/<uuid:programme_id>/cohorts")
class ProgrammeCohorts(MethodView):
    @programmes_blp.response(200, schemas.CohortSchema(many=True))
    def get(self, programme_id: uuid.UUID):
        """The programme's cohorts with places left and how many are waiting."""
        _visible_programme(programme_id)
        reads = _reads()
        return _cohort_view(reads, reads.catalogue.cohorts_of(programme_id))

    @programmes_blp.arguments(schemas.CohortSchema)
    @programmes_blp.response(201, schemas.CohortSchema)
    @programmes_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def post(self, data, programme_id: uuid.UUID):
        """Add a cohort (HR who run the programme)."""
        principal = authenticate()
        _visible_programme(programme_id)
        cohort = catalogue_commands.create_cohort(_uow(principal), principal, programme_id, data)
        return _cohort_view(_reads(), [cohort])[0]


# -- cohorts ------------------------------------------------------------------------------------

def _visible_cohort(cohort_id: uuid.UUID):
    reads = _reads()
    cohort = reads.catalogue.cohort(cohort_id) or _missing("cohort")
    try:
        _visible_programme(cohort.programme_id)
    except NotFound:
        _missing("cohort")
    return reads, cohort


@cohorts_blp.route("/<uuid:cohort_id>")
class CohortResource(MethodView):
    @cohorts_blp.response(200, schemas.CohortSchema)
    def get(self, cohort_id: uuid.UUID):
        reads, cohort = _visible_cohort(cohort_id)
        return _cohort_view(reads, [cohort])[0]

    @cohorts_blp.arguments(schemas.CohortUpdateSchema)
    @cohorts_blp.response(200, schemas.CohortSchema)
    @cohorts_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def patch(self, changes, cohort_id: uuid.UUID):
        """Rename, move dates, or change capacity; new places go to those waiting, in order (HR)."""
        principal = authenticate()
        _visible_cohort(cohort_id)
        catalogue_commands.update_cohort(_uow(principal), principal, cohort_id, changes)
        _fresh()
        reads, cohort = _visible_cohort(cohort_id)
        return _cohort_view(reads, [cohort])[0]


# -- enrolments ---------------------------------------------------------------------------------

def _enrolment_view(reads: CpdReads, e) -> dict:
    view = {n: getattr(e, n) for n in ("id", "cohort_id", "programme_id", "staff_id", "academy_id", "cost",
                                       "requested_on", "reason", "status", "manager_approved_by", "hr_approved_by",
                                       "decided_on", "decision_note", "attendance_percent", "completed_on",
                                       "impact_rating", "impact_notes")}
    agreement = reads.agreements.for_enrolment(e.id)
    view["agreement_id"] = agreement.id if agreement else None
    view["waiting_position"] = reads.enrolments.waiting_position(e)
    return view


@enrolments_blp.route("")
class Enrolments(MethodView):
    @enrolments_blp.arguments(schemas.EnrolmentQuerySchema, location="query", unknown=RAISE)
    @enrolments_blp.response(200, schemas.EnrolmentPageSchema)
    def get(self, args):
        """Enrolments the caller may see: their own and their reports' (HR: their academy; trust HR: all)."""
        reads = _reads()
        items, total = listings.enrolments(reads, authenticate(), args)
        return {"items": [_enrolment_view(reads, e) for e in items], "page": args["page"],
                "page_size": args["page_size"], "total": total}

    @enrolments_blp.arguments(schemas.EnrolmentRequestSchema)
    @enrolments_blp.response(201, schemas.EnrolmentSchema)
    @enrolments_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def post(self, data):
        """Ask for a place on a cohort for yourself. Goes to your line manager (and HR above the approval
        threshold); free sessions that need no approval get a place, or a place on the waiting list, at once."""
        principal = authenticate()
        e = commands.request_place(_uow(principal), principal, data["cohort_id"], data["reason"])
        return _after(e.id)


def _visible_enrolment(enrolment_id: uuid.UUID):
    principal = authenticate()
    reads = _reads()
    e = reads.enrolments.get(enrolment_id) or _missing("enrolment")
    found = relation(principal, staff_id=e.staff_id, academy_id=e.academy_id,
                     line_manager_id=reads.staff.line_manager_of(e.staff_id))
    require_relation(found, "participant", "manager", "hr", what="enrolment",
                     doing="see this enrolment")
    return reads, e


def _after(enrolment_id: uuid.UUID) -> dict:
    _fresh()
    reads, e = _visible_enrolment(enrolment_id)
    return _enrolment_view(reads, e)


@enrolments_blp.route("/<uuid:enrolment_id>")
class EnrolmentResource(MethodView):
    @enrolments_blp.response(200, schemas.EnrolmentSchema)
    def get(self, enrolment_id: uuid.UUID):
        reads, e = _visible_enrolment(enrolment_id)
        return _enrolment_view(reads, e)


def _step(name: str, schema, command, summary: str, *, args=lambda data: (), kwargs=lambda data: {}):
    """A POST/PUT step on an enrolment: the same shape for each, so each is one line below."""

    class Step(MethodView):
        @enrolments_blp.arguments(schema)
        @enrolments_blp.response(200, schemas.EnrolmentSchema)
        @enrolments_blp.alt_response(409, **NOT_AT_THIS_STAGE)
        def post(self, data, enrolment_id: uuid.UUID):
            principal = authenticate()
            command(_uow(principal), principal, enrolment_id, *args(data), **kwargs(data))
            return _after(enrolment_id)

    Step.post.__doc__ = summary
    Step.__name__ = f"Enrolment{name.title().replace('-', '')}"
    enrolments_blp.route(f"/<uuid:enrolment_id>/{name}")(Step)


_step("approve", schemas.NoteSchema, commands.approve,
      "Approve (the line manager first; HR next when the cost is over the approval threshold).",
      kwargs=lambda d: {"note": d["note"]})
_step("decline", schemas.DeclineSchema, commands.decline, "Decline, saying why (line manager or HR).",
      args=lambda d: (d["note"],))
_step("withdraw", schemas.NoteSchema, commands.withdraw,
      "Withdraw the request or give up the place (participant or HR); the next in line gets it.",
      kwargs=lambda d: {"note": d["note"]})
_step("attendance", schemas.AttendanceSchema, commands.record_attendance,
      "Record attendance, as a percentage (line manager or HR).", args=lambda d: (d["percent"],))
_step("completion", schemas.CompletionSchema, commands.complete,
      "Record completion, or that the programme was finished without completing (line manager or HR).",
      args=lambda d: (d["completed"], d["completed_on"]))
_step("evaluation", schemas.EvaluationSchema, commands.evaluate,
      "The participant's evaluation of the impact afterwards.", args=lambda d: (d["rating"], d["notes"]))


# -- training agreements ------------------------------------------------------------------------

@agreements_blp.route("")
class Agreements(MethodView):
    @agreements_blp.response(200, schemas.AgreementSchema(many=True))
    def get(self):
        """The caller's own training agreements (HR: their academy's; trust HR: all)."""
        return listings.agreements(_reads(), authenticate())


def _visible_agreement(agreement_id: uuid.UUID):
    principal = authenticate()
    agreement = _reads().agreements.get(agreement_id) or _missing("training agreement")
    # Agreements are the participant's and HR's: a line manager sees the enrolment, not the contract.
    found = relation(principal, staff_id=agreement.staff_id, academy_id=agreement.academy_id, line_manager_id=None)
    require_relation(found, "participant", "hr", what="training agreement",
                     doing="see this training agreement")
    return agreement


@agreements_blp.route("/<uuid:agreement_id>")
class AgreementResource(MethodView):
    @agreements_blp.response(200, schemas.AgreementSchema)
    def get(self, agreement_id: uuid.UUID):
        return _visible_agreement(agreement_id)


@agreements_blp.route("/<uuid:agreement_id>/sign")
class SignAgreement(MethodView):
    @agreements_blp.response(200, schemas.AgreementSchema)
    @agreements_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def post(self, agreement_id: uuid.UUID):
        """The participant signs; the place is then given (or the waiting list joined)."""
        principal = authenticate()
        agreement_commands.sign(_uow(principal), principal, agreement_id)
        _fresh()
        return _visible_agreement(agreement_id)


# -- settings, budgets, spend -------------------------------------------------------------------

@admin_blp.route("/settings")
class Settings(MethodView):
    @admin_blp.response(200, schemas.SettingsSchema)
    def get(self):
        """The trust's thresholds and repayment schedule (anyone may read them before asking for CPD)."""
        authenticate()
        return _reads().catalogue.policy()

    @admin_blp.arguments(schemas.SettingsSchema)
    @admin_blp.response(200, schemas.SettingsSchema)
    def put(self, data):
        """Set the thresholds and repayment schedule (trust HR). Agreements already made keep their schedule."""
        principal = authenticate()
        return catalogue_commands.update_settings(_uow(principal), principal, data)


@admin_blp.route("/budgets")
class Budgets(MethodView):
    @admin_blp.arguments(schemas.BudgetQuerySchema, location="query", unknown=RAISE)
    @admin_blp.response(200, schemas.BudgetSchema(many=True))
    def get(self, args):
        """CPD budgets for the academies the caller runs (HR)."""
        scope = hr_scope(authenticate(), "CPD budgets")
        return _reads().catalogue.budgets(scope, args.get("year_starting"))


@admin_blp.route("/budgets/<uuid:academy_id>/<int:year_starting>")
class BudgetResource(MethodView):
    @admin_blp.arguments(schemas.BudgetSchema)
    @admin_blp.response(200, schemas.BudgetSchema)
    def put(self, data, academy_id: uuid.UUID, year_starting: int):
        """Set an academy's CPD budget for a year (2026 for 2026/27; HR for the academy or trust HR)."""
        principal = authenticate()
        require(can_manage_academy(principal, academy_id), "only HR for this academy (or trust HR) sets its CPD budget")
        if not 2000 <= year_starting <= 2100:  # 422 in words, not "no budget year with id 1" (outsider 7, issue 20)
            detail = f"the budget year is the year it starts, from 2000 to 2100 (2026 for 2026/27); {year_starting} is not"
            raise Unprocessable(detail, errors=[{"location": "path", "pointer": "#/year_starting", "detail": detail}])
        return catalogue_commands.set_budget(_uow(principal), principal, academy_id, year_starting, data["amount"])


@admin_blp.route("/reports/spend")
class Spend(MethodView):
    @admin_blp.arguments(schemas.SpendQuerySchema, location="query", unknown=RAISE)
    @admin_blp.response(200, schemas.SpendSchema)
    def get(self, args):
        """Spend on confirmed and finished places per academy and per programme, against the year's budget (HR)."""
        return reports.spend(_reads().catalogue, authenticate(), args["year_starting"])


BLUEPRINTS = [programmes_blp, cohorts_blp, enrolments_blp, agreements_blp, admin_blp]
