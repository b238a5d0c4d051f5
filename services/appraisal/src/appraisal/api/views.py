"""HTTP resources for cycles, appraisals and their exports."""
from __future__ import annotations

import uuid
from datetime import date

from flask import request, Response, current_app
from flask.views import MethodView
from marshmallow import RAISE

from staffroom_shared.web import Blueprint, ProblemSchema, context, db_session
from staffroom_shared.auth import authenticate
from staffroom_shared.authz import academy_scope, require
from staffroom_shared.errors import NotFound
from staffroom_shared.principal import Principal

from ..adapters import documents
from ..adapters.repository import AppraisalFilter, AppraisalRepository
from ..domain.model import Stage, key_dates
from ..service import appraisals as commands
from ..service import cycles as cycle_commands
from ..service import reports
from ..service.access import may_see_cycle, require_relation, sees_confidential
from . import schemas

cycles_blp = Blueprint("cycles", __name__, url_prefix="/cycles", description="Appraisal cycles and completion")
appraisals_blp = Blueprint("appraisals", __name__, url_prefix="/appraisals",
                           description="Appraisals: objectives, reviews, evidence, sign-off")
reports_blp = Blueprint("reports", __name__, url_prefix="/reports", description="Reports for HR")


# Documented on every step the state machine can refuse (the 422 for bad fields comes with @arguments).
NOT_AT_THIS_STAGE = {"description": "not at the stage this step needs (e.g. objectives not yet agreed); nothing changed",
                     "schema": ProblemSchema, "content_type": "application/problem+json"}
RULE_BROKEN = {"description": "breaks a rule (e.g. weightings that do not add up to 100); nothing changed",
               "schema": ProblemSchema, "content_type": "application/problem+json"}


def _uow(principal: Principal):
    return context().uow(actor=principal.actor)


def _repo() -> AppraisalRepository:
    return AppraisalRepository(db_session())


# -- cycles -------------------------------------------------------------------------------------

@cycles_blp.route("")
class Cycles(MethodView):
    @cycles_blp.response(200, schemas.CycleSchema(many=True))
    def get(self):
        """Cycles the caller's academy takes part in (trust HR: all)."""
        principal = authenticate()
        scope = academy_scope(principal)
        if scope is not None and not scope:
            scope = [principal.academy_id] if principal.academy_id else []
        return _repo().cycles(scope)

    @cycles_blp.arguments(schemas.CycleSchema)
    @cycles_blp.response(201, schemas.CycleSchema)
    def post(self, data):
        """Set up a cycle in draft (academy HR for their academy, trust HR for any or trust-wide)."""
        principal = authenticate()
        return cycle_commands.create_cycle(_uow(principal), principal, data)


@cycles_blp.route("/<uuid:cycle_id>")
class CycleResource(MethodView):
    @cycles_blp.response(200, schemas.CycleSchema)
    def get(self, cycle_id: uuid.UUID):
        principal = authenticate()
        cycle = _repo().cycle(cycle_id)
        if cycle is None or not may_see_cycle(principal, cycle):
            _missing("appraisal cycle", cycle_id)
        return cycle

    @cycles_blp.arguments(schemas.CycleUpdateSchema)
    @cycles_blp.response(200, schemas.CycleSchema)
    @cycles_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def patch(self, changes, cycle_id: uuid.UUID):
        """Move a key date, rename, or change the observation cap (HR)."""
        principal = authenticate()
        return cycle_commands.update_cycle(_uow(principal), principal, cycle_id, changes)


@cycles_blp.route("/<uuid:cycle_id>/open")
class OpenCycle(MethodView):
    @cycles_blp.response(200, schemas.CycleSchema)
    @cycles_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def post(self, cycle_id: uuid.UUID):
        """Open the cycle: an appraisal for every member of staff in scope, appraiser = line manager."""
        principal = authenticate()
        return cycle_commands.open_cycle(_uow(principal), principal, cycle_id)


@cycles_blp.route("/<uuid:cycle_id>/close")
class CloseCycle(MethodView):
    @cycles_blp.response(200, schemas.CycleSchema)
    @cycles_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def post(self, cycle_id: uuid.UUID):
        """Close the cycle; appraisals not signed off are closed (kept, never deleted)."""
        principal = authenticate()
        return cycle_commands.close_cycle(_uow(principal), principal, cycle_id)


@cycles_blp.route("/<uuid:cycle_id>/completion")
class Completion(MethodView):
    @cycles_blp.response(200, schemas.CompletionRowSchema(many=True))
    def get(self, cycle_id: uuid.UUID):
        """How far each academy has got, by status (HR)."""
        return reports.completion(_repo(), authenticate(), cycle_id)


@cycles_blp.route("/<uuid:cycle_id>/completion.csv")
class CompletionCsv(MethodView):
    @cycles_blp.response(200, description="CSV, one row per academy", content_type="text/csv")
    def get(self, cycle_id: uuid.UUID):
        rows = reports.completion(_repo(), authenticate(), cycle_id)
        return Response(reports.completion_csv(rows), mimetype="text/csv", headers={
            "Content-Disposition": f'attachment; filename="appraisal-completion-{cycle_id}.csv"'})


@cycles_blp.route("/<uuid:cycle_id>/reminders")
class CycleReminders(MethodView):
    @cycles_blp.response(200, schemas.SentReminderSchema(many=True))
    def get(self, cycle_id: uuid.UUID):
        """The last reminder HR sent about each appraisal in the cycle (HR: their academy; trust HR: all)."""
        return reports.reminders(_repo(), authenticate(), cycle_id, commands.REMIND_AGAIN_AFTER)


# -- appraisals ---------------------------------------------------------------------------------

@appraisals_blp.route("")
class Appraisals(MethodView):
    # unknown=RAISE: a mistyped filter (?reviewee=) must be an error, not a silent list of everything.
    @appraisals_blp.arguments(schemas.AppraisalQuerySchema, location="query", unknown=RAISE)
    @appraisals_blp.response(200, schemas.AppraisalPageSchema)
    def get(self, args):
        """Appraisals the caller may see: their own and their reviewees' (HR: their academy; trust HR: all)."""
        principal = authenticate()
        scope = academy_scope(principal)
        f = AppraisalFilter(cycle_id=args.get("cycle_id"), status=args.get("status"),
                            appraiser_id=args.get("appraiser_id"), reviewee_id=args.get("reviewee_id"))
        if scope is None or scope:
            f.academy_ids = scope
            if "academy_id" in args:
                require(scope is None or args["academy_id"] in scope, "you can list appraisals in your own academy only")
                f.academy_ids = [args["academy_id"]]
        else:
            f.visible_to = principal.staff_id
            if "academy_id" in args:
                f.academy_ids = [args["academy_id"]]
        repo = _repo()
        items, total = repo.find(f, page=args["page"], page_size=args["page_size"])
        names = repo.names([a.reviewee_id for a in items] + [a.appraiser_id for a in items])
        started = repo.started(a.reviewee_id for a in items)
        cycles = {cycle_id: repo.cycle(cycle_id) for cycle_id in {a.cycle_id for a in items}}
        return {"items": [reports.summary(a, names, key_dates(cycles[a.cycle_id], started.get(a.reviewee_id)))
                          for a in items], "page": args["page"],
                "page_size": args["page_size"], "total": total}


def _visible(appraisal_id: uuid.UUID, doing: str = "see this appraisal"):
    principal = authenticate()
    repo = _repo()
    appraisal = repo.appraisal(appraisal_id) or _missing("appraisal", appraisal_id)
    found = require_relation(principal, appraisal, "reviewee", "appraiser", "hr", doing=doing)
    return principal, repo, appraisal, found


def _full(appraisal, repo, found) -> dict:
    return reports.detail(appraisal, repo.names([appraisal.reviewee_id, appraisal.appraiser_id,
                                                 *(o.observer_id for o in appraisal.observations)]),
                          confidential=sees_confidential(found))


def _document(appraisal_id: uuid.UUID, status: int = 200) -> Response:
    """The appraisal as the caller may see it, from the read model: one statement, and the stored JSON
    is already what AppraisalSchema would give (the schema stays on the routes for the OpenAPI document).
    Every answer that shows a support plan, a read's or a change's, is audited as a read of it."""
    principal = authenticate()
    row = documents.read(db_session(), appraisal_id) or _missing("appraisal", appraisal_id)
    found = require_relation(principal, row, "reviewee", "appraiser", "hr", doing="see this appraisal")
    shown = documents.name_observers(db_session(), documents.view(row, confidential=sees_confidential(found)))
    if shows_support_plan(shown):
        _support_plan_read(principal, appraisal_id)
    response = current_app.json.response(shown)
    response.status_code = status
    return response


def shows_support_plan(shown: dict) -> bool:
    """A plan, or notes kept from one since ended (outsider 9, issue 21: notes shown with the flag off went unaudited)."""
    return bool(shown.get("support_plan") or shown.get("support_plan_notes"))


def _support_plan_read(principal: Principal, appraisal_id: uuid.UUID) -> None:
    """Who read a support plan, and when, goes in the audit log (issue 21): it is special-category data. A HEAD
    request sends no body, so shows nothing (outsider 9: it was recorded as a read)."""
    if request.method == "HEAD":
        return
    with _uow(principal) as uow:
        uow.audit("support_plan.read", "appraisal", appraisal_id)
        uow.commit()


def _after(appraisal_id: uuid.UUID, status: int = 200) -> Response:
    """The appraisal as the caller may now see it (after a change): the same document a GET serves."""
    return _document(appraisal_id, status)


@appraisals_blp.route("/<uuid:appraisal_id>")
class AppraisalResource(MethodView):
    @appraisals_blp.response(200, schemas.AppraisalSchema)
    def get(self, appraisal_id: uuid.UUID):
        """One appraisal with its objectives, reviews and evidence (support plan for appraiser and HR only; each
        time one is shown, the audit log records who read it)."""
        return _document(appraisal_id)


@appraisals_blp.route("/<uuid:appraisal_id>/appraiser")
class Appraiser(MethodView):
    @appraisals_blp.arguments(schemas.ReassignSchema)
    @appraisals_blp.response(200, schemas.AppraisalSchema)
    @appraisals_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def put(self, data, appraisal_id: uuid.UUID):
        """Reassign the appraiser (HR). The previous appraiser loses access at once."""
        principal = authenticate()
        commands.reassign(_uow(principal), principal, appraisal_id, data["appraiser_id"])
        return _after(appraisal_id)


@appraisals_blp.route("/<uuid:appraisal_id>/objectives")
class Objectives(MethodView):
    @appraisals_blp.arguments(schemas.ObjectiveSchema)
    @appraisals_blp.response(201, schemas.ObjectiveSchema)
    @appraisals_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def post(self, data, appraisal_id: uuid.UUID):
        """Add an objective (appraiser or reviewee, before objectives are agreed)."""
        principal = authenticate()
        return commands.add_objective(_uow(principal), principal, appraisal_id, data)


@appraisals_blp.route("/<uuid:appraisal_id>/objectives/<uuid:objective_id>")
class ObjectiveResource(MethodView):
    @appraisals_blp.arguments(schemas.ObjectiveUpdateSchema)
    @appraisals_blp.response(200, schemas.AppraisalSchema)
    @appraisals_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def patch(self, changes, appraisal_id: uuid.UUID, objective_id: uuid.UUID):
        """Change an objective before agreement; any change asks both parties to agree again."""
        principal = authenticate()
        commands.change_objective(_uow(principal), principal, appraisal_id, objective_id, changes)
        return _after(appraisal_id)

    @appraisals_blp.response(204)
    @appraisals_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    @appraisals_blp.alt_response(422, **RULE_BROKEN)
    def delete(self, appraisal_id: uuid.UUID, objective_id: uuid.UUID):
        principal = authenticate()
        commands.remove_objective(_uow(principal), principal, appraisal_id, objective_id)


@appraisals_blp.route("/<uuid:appraisal_id>/objectives/<uuid:objective_id>/progress")
class Progress(MethodView):
    @appraisals_blp.arguments(schemas.ProgressSchema)
    @appraisals_blp.response(201, schemas.AppraisalSchema)
    @appraisals_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def post(self, data, appraisal_id: uuid.UUID, objective_id: uuid.UUID):
        """Record progress towards an agreed objective, with evidence notes."""
        principal = authenticate()
        commands.record_progress(_uow(principal), principal, appraisal_id, objective_id, data)
        return _after(appraisal_id, 201)


@appraisals_blp.route("/<uuid:appraisal_id>/objectives/agreement")
class Agreement(MethodView):
    @appraisals_blp.response(200, schemas.AppraisalSchema)
    @appraisals_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    @appraisals_blp.alt_response(422, **RULE_BROKEN)
    def post(self, appraisal_id: uuid.UUID):
        """The caller (appraiser or reviewee) agrees the objectives; with both, they are agreed."""
        principal = authenticate()
        commands.agree_objectives(_uow(principal), principal, appraisal_id)
        return _after(appraisal_id)


@appraisals_blp.route("/<uuid:appraisal_id>/reviews/<any('mid-year', 'end-of-year'):stage>")
class ReviewResource(MethodView):
    @appraisals_blp.arguments(schemas.ReviewSchema)
    @appraisals_blp.response(201, schemas.AppraisalSchema)
    @appraisals_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def post(self, data, appraisal_id: uuid.UUID, stage: str):
        """Complete the mid-year or end-of-year review (appraiser). Development needs go to CPD as events."""
        principal = authenticate()
        commands.complete_review(_uow(principal), principal, appraisal_id, _stage(stage), data)
        return _after(appraisal_id, 201)


@appraisals_blp.route("/<uuid:appraisal_id>/reviews/<any('mid-year', 'end-of-year'):stage>/comments")
class ReviewComments(MethodView):
    @appraisals_blp.arguments(schemas.CommentSchema)
    @appraisals_blp.response(200, schemas.AppraisalSchema)
    @appraisals_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def put(self, data, appraisal_id: uuid.UUID, stage: str):
        """The reviewee's own comments on a review."""
        principal = authenticate()
        commands.comment_on_review(_uow(principal), principal, appraisal_id, _stage(stage), data["comments"])
        return _after(appraisal_id)


@appraisals_blp.route("/<uuid:appraisal_id>/sign-off")
class SignOff(MethodView):
    @appraisals_blp.arguments(schemas.SignOffSchema)
    @appraisals_blp.response(200, schemas.AppraisalSchema)
    @appraisals_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def post(self, data, appraisal_id: uuid.UUID):
        """The reviewee signs off their appraisal after the end-of-year review."""
        principal = authenticate()
        commands.sign_off(_uow(principal), principal, appraisal_id, data["comment"])
        return _after(appraisal_id)


@appraisals_blp.route("/<uuid:appraisal_id>/observations")
class Observations(MethodView):
    @appraisals_blp.arguments(schemas.ObservationSchema)
    @appraisals_blp.response(201, schemas.ObservationSchema)
    @appraisals_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def post(self, data, appraisal_id: uuid.UUID):
        """Record a lesson observation or learning walk as evidence (appraiser or HR; capped per cycle)."""
        principal = authenticate()
        return commands.add_observation(_uow(principal), principal, appraisal_id, data)


@appraisals_blp.route("/<uuid:appraisal_id>/observers")
class Observers(MethodView):
    @appraisals_blp.response(200, schemas.ColleagueSchema(many=True))
    def get(self, appraisal_id: uuid.UUID):
        """Who may be named as an observation's observer (appraiser or HR): the academy's teachers and leaders in post
        and the appraiser, but not the reviewee, by surname. A head or deputy often observes for the appraiser
        (outsider, issue 20)."""
        _, repo, appraisal, found = _visible(appraisal_id)
        require(found & {"appraiser", "hr"}, "the appraiser or HR records an observation, and names its observer")
        people = [p for p in repo.people(appraisal.academy_id) if p.may_observe(appraisal, date.today())]
        return [{"id": p.staff_id, "name": f"{p.first_name} {p.last_name}", "post": p.post}
                for p in sorted(people, key=lambda p: (p.last_name, p.first_name))]


@appraisals_blp.route("/<uuid:appraisal_id>/meetings")
class Meetings(MethodView):
    @appraisals_blp.arguments(schemas.MeetingSchema)
    @appraisals_blp.response(201, schemas.MeetingSchema)
    @appraisals_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def post(self, data, appraisal_id: uuid.UUID):
        """Arrange an objective-setting or review meeting (appraiser or HR)."""
        principal = authenticate()
        return commands.schedule_meeting(_uow(principal), principal, appraisal_id, data)


@appraisals_blp.route("/<uuid:appraisal_id>/meetings.ics")
class MeetingsCalendar(MethodView):
    @appraisals_blp.response(200, description="iCalendar (RFC 5545)", content_type="text/calendar")
    def get(self, appraisal_id: uuid.UUID):
        """The appraisal's meetings as a calendar file for Outlook or Google Calendar."""
        _, repo, appraisal, _found = _visible(appraisal_id)
        names = repo.names([appraisal.reviewee_id, appraisal.appraiser_id])
        return Response(reports.meetings_ics(appraisal, names), mimetype="text/calendar", headers={
            "Content-Disposition": f'attachment; filename="appraisal-{appraisal_id}.ics"'})


@appraisals_blp.route("/<uuid:appraisal_id>/support-plan")
class SupportPlan(MethodView):
    @appraisals_blp.arguments(schemas.SupportPlanSchema)
    @appraisals_blp.response(200, schemas.AppraisalSchema)
    @appraisals_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def put(self, data, appraisal_id: uuid.UUID):
        """Put someone on, or take them off, a support plan (appraiser or HR; confidential)."""
        principal = authenticate()
        commands.set_support_plan(_uow(principal), principal, appraisal_id, data["support_plan"], data["notes"])
        return _after(appraisal_id)


@appraisals_blp.route("/<uuid:appraisal_id>/reminders")
class Reminders(MethodView):
    @appraisals_blp.arguments(schemas.ReminderRequestSchema)
    @appraisals_blp.response(201, schemas.ReminderSchema)
    @appraisals_blp.alt_response(409, description="nothing in the appraisal is overdue; nothing sent",
                                 schema=ProblemSchema, content_type="application/problem+json")
    @appraisals_blp.alt_response(429, description="a reminder about it was sent in the last week (Retry-After says "
                                 "when another can be); nothing sent", schema=ProblemSchema,
                                 content_type="application/problem+json")
    def post(self, data, appraisal_id: uuid.UUID):
        """Remind whoever must act on an overdue appraisal (HR; at most one a week per appraisal, audited)."""
        principal = authenticate()
        return commands.send_reminder(_uow(principal), principal, appraisal_id, data["note"])


@appraisals_blp.route("/<uuid:appraisal_id>/withdrawal")
class Withdrawal(MethodView):
    @appraisals_blp.arguments(schemas.WithdrawSchema)
    @appraisals_blp.response(200, schemas.AppraisalSchema)
    @appraisals_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def post(self, data, appraisal_id: uuid.UUID):
        """Take an appraisal out of the cycle, e.g. for long-term absence (HR). It is kept, not deleted."""
        principal = authenticate()
        commands.withdraw(_uow(principal), principal, appraisal_id, data["reason"])
        return _after(appraisal_id)


@appraisals_blp.route("/<uuid:appraisal_id>/record")
class Record(MethodView):
    @appraisals_blp.response(200, description="print-ready HTML for the personnel file", content_type="text/html")
    def get(self, appraisal_id: uuid.UUID):
        """The appraisal record as a printable document (use the browser's Print → Save as PDF); a support plan
        shown in it is audited as read."""
        principal, repo, appraisal, found = _visible(appraisal_id)
        cycle = repo.cycle(appraisal.cycle_id)
        person = repo.person(appraisal.reviewee_id)
        view = {**_full(appraisal, repo, found), "key_dates": key_dates(cycle, person.start_date if person else None)}
        if view.get("support_plan"):  # the record prints the plan and its notes only while there is one (outsider 10)
            _support_plan_read(principal, appraisal_id)
        return Response(reports.record_html(view, cycle), mimetype="text/html")


# -- reports ------------------------------------------------------------------------------------

@reports_blp.route("/untrained-appraisers")
class UntrainedAppraisers(MethodView):
    @reports_blp.response(200, schemas.UntrainedReviewSchema(many=True))
    def get(self):
        """Reviews completed by appraisers who had not done appraisal training (HR)."""
        return reports.untrained_reviews(_repo(), authenticate())


def _stage(value: str) -> Stage:
    return Stage(value.replace("-", "_"))


def _missing(what: str, ident) -> None:
    raise NotFound(f"there is no {what} with id {ident}")


