"""HTTP resources for one appraisal: objectives, reviews, evidence, meetings, support, reminders, sign-off, the record."""
from __future__ import annotations

import uuid
from datetime import date

from flask import Response
from flask.views import MethodView
from marshmallow import RAISE

from staffroom_shared.auth import authenticate
from staffroom_shared.web import Blueprint, ProblemSchema

from ..domain.model import Stage
from ..service import appraisals as commands
from ..service import queries
from ..service.access import sees_confidential
from . import exports, presenters, recognition, schemas
from .common import NOT_AT_THIS_STAGE, RULE_BROKEN, document, reads, support_plan_read, uow

appraisals_blp = Blueprint("appraisals", __name__, url_prefix="/appraisals",
                           description="Appraisals: objectives, reviews, evidence, sign-off")


@appraisals_blp.route("")
class Appraisals(MethodView):
    # unknown=RAISE: a mistyped filter (?reviewee=) must be an error, not a silent list of everything.
    @appraisals_blp.arguments(schemas.AppraisalQuerySchema, location="query", unknown=RAISE)
    @appraisals_blp.response(200, schemas.AppraisalPageSchema)
    def get(self, args):
        """Appraisals the caller may see: their own and their reviewees' (HR: their academy; trust HR: all)."""
        items, names, total = queries.appraisals(reads(), authenticate(), args)
        return {"items": [presenters.summary(a, names, dates) for a, dates in items], "page": args["page"],
                "page_size": args["page_size"], "total": total}


@appraisals_blp.route("/<uuid:appraisal_id>")
class AppraisalResource(MethodView):
    @appraisals_blp.response(200, schemas.AppraisalSchema)
    def get(self, appraisal_id: uuid.UUID):
        """One appraisal with its objectives, reviews and evidence (support plan for appraiser and HR only; each
        time one is shown, the audit log records who read it)."""
        return document(appraisal_id)


@appraisals_blp.route("/<uuid:appraisal_id>/appraiser")
class Appraiser(MethodView):
    @appraisals_blp.arguments(schemas.ReassignSchema)
    @appraisals_blp.response(200, schemas.AppraisalSchema)
    @appraisals_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def put(self, data, appraisal_id: uuid.UUID):
        """Reassign the appraiser (HR). The previous appraiser loses access at once."""
        principal = authenticate()
        commands.reassign(uow(principal), principal, appraisal_id, data["appraiser_id"])
        return document(appraisal_id)


@appraisals_blp.route("/<uuid:appraisal_id>/objectives")
class Objectives(MethodView):
    @appraisals_blp.arguments(schemas.ObjectiveSchema)
    @appraisals_blp.response(201, schemas.ObjectiveSchema)
    @appraisals_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def post(self, data, appraisal_id: uuid.UUID):
        """Add an objective (appraiser or reviewee, before objectives are agreed)."""
        principal = authenticate()
        return commands.add_objective(uow(principal), principal, appraisal_id, data)


@appraisals_blp.route("/<uuid:appraisal_id>/objectives/<uuid:objective_id>")
class ObjectiveResource(MethodView):
    @appraisals_blp.arguments(schemas.ObjectiveUpdateSchema)
    @appraisals_blp.response(200, schemas.AppraisalSchema)
    @appraisals_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def patch(self, changes, appraisal_id: uuid.UUID, objective_id: uuid.UUID):
        """Change an objective before agreement; any change asks both parties to agree again."""
        principal = authenticate()
        commands.change_objective(uow(principal), principal, appraisal_id, objective_id, changes)
        return document(appraisal_id)

    @appraisals_blp.response(204)
    @appraisals_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    @appraisals_blp.alt_response(422, **RULE_BROKEN)
    def delete(self, appraisal_id: uuid.UUID, objective_id: uuid.UUID):
        principal = authenticate()
        commands.remove_objective(uow(principal), principal, appraisal_id, objective_id)


@appraisals_blp.route("/<uuid:appraisal_id>/objectives/<uuid:objective_id>/progress")
class Progress(MethodView):
    @appraisals_blp.arguments(schemas.ProgressSchema)
    @appraisals_blp.response(201, schemas.AppraisalSchema)
    @appraisals_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def post(self, data, appraisal_id: uuid.UUID, objective_id: uuid.UUID):
        """Record progress towards an agreed objective, with evidence notes."""
        principal = authenticate()
        commands.record_progress(uow(principal), principal, appraisal_id, objective_id, data)
        return document(appraisal_id, 201)


@appraisals_blp.route("/<uuid:appraisal_id>/objectives/agreement")
class Agreement(MethodView):
    @appraisals_blp.response(200, schemas.AppraisalSchema)
    @appraisals_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    @appraisals_blp.alt_response(422, **RULE_BROKEN)
    def post(self, appraisal_id: uuid.UUID):
        """The caller (appraiser or reviewee) agrees the objectives; with both, they are agreed."""
        principal = authenticate()
        commands.agree_objectives(uow(principal), principal, appraisal_id)
        return document(appraisal_id)


@appraisals_blp.route("/<uuid:appraisal_id>/reviews/<any('mid-year', 'end-of-year'):stage>")
class ReviewResource(MethodView):
    @appraisals_blp.arguments(schemas.ReviewSchema)
    @appraisals_blp.response(201, schemas.AppraisalSchema)
    @appraisals_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def post(self, data, appraisal_id: uuid.UUID, stage: str):
        """Complete the mid-year or end-of-year review (appraiser). Development needs go to CPD as events."""
        principal = authenticate()
        commands.complete_review(uow(principal), principal, appraisal_id, _stage(stage), data)
        return document(appraisal_id, 201)


@appraisals_blp.route("/<uuid:appraisal_id>/reviews/<any('mid-year', 'end-of-year'):stage>/comments")
class ReviewComments(MethodView):
    @appraisals_blp.arguments(schemas.CommentSchema)
    @appraisals_blp.response(200, schemas.AppraisalSchema)
    @appraisals_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def put(self, data, appraisal_id: uuid.UUID, stage: str):
        """The reviewee's own comments on a review."""
        principal = authenticate()
        commands.comment_on_review(uow(principal), principal, appraisal_id, _stage(stage), data["comments"])
        return document(appraisal_id)


@appraisals_blp.route("/<uuid:appraisal_id>/sign-off")
class SignOff(MethodView):
    @appraisals_blp.arguments(schemas.SignOffSchema)
    @appraisals_blp.response(200, schemas.AppraisalSchema)
    @appraisals_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def post(self, data, appraisal_id: uuid.UUID):
        """The reviewee signs off their appraisal after the end-of-year review."""
        principal = authenticate()
        commands.sign_off(uow(principal), principal, appraisal_id, data["comment"])
        return document(appraisal_id)


@appraisals_blp.route("/<uuid:appraisal_id>/observations")
class Observations(MethodView):
    @appraisals_blp.arguments(schemas.ObservationSchema)
    @appraisals_blp.response(201, schemas.ObservationSchema)
    @appraisals_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def post(self, data, appraisal_id: uuid.UUID):
        """Record a lesson observation or learning walk as evidence (appraiser or HR; capped per cycle)."""
        principal = authenticate()
        return commands.add_observation(uow(principal), principal, appraisal_id, data)


@appraisals_blp.route("/<uuid:appraisal_id>/action-steps")
class ActionSteps(MethodView):
    @appraisals_blp.arguments(schemas.ActionStepSchema)
    @appraisals_blp.response(201, schemas.ActionStepSchema)
    @appraisals_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def post(self, data, appraisal_id: uuid.UUID):
        """Record a coaching action step agreed with the teacher, and when it will be followed up (appraiser or HR;
        the reviewee reads it in their appraisal)."""
        principal = authenticate()
        return commands.agree_action_step(uow(principal), principal, appraisal_id, data)


@appraisals_blp.route("/<uuid:appraisal_id>/action-steps/<uuid:step_id>/follow-up")
class ActionStepFollowUp(MethodView):
    @appraisals_blp.arguments(schemas.FollowUpSchema)
    @appraisals_blp.response(200, schemas.ActionStepSchema)
    @appraisals_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def post(self, data, appraisal_id: uuid.UUID, step_id: uuid.UUID):
        """Record what was seen when the action step was followed up (appraiser or HR; once)."""
        principal = authenticate()
        return commands.follow_up_action_step(uow(principal), principal, appraisal_id, step_id, data["seen"])


@appraisals_blp.route("/<uuid:appraisal_id>/observers")
class Observers(MethodView):
    @appraisals_blp.response(200, schemas.ColleagueSchema(many=True))
    def get(self, appraisal_id: uuid.UUID):
        """Who may be named as an observation's observer (appraiser or HR): the academy's teachers and leaders in post
        and the appraiser, but not the reviewee, by surname. A head or deputy often observes for the appraiser
        (outsider, issue 20)."""
        people = queries.observers(reads(), authenticate(), appraisal_id, date.today())
        return [{"id": p.staff_id, "name": p.full_name, "post": p.post} for p in people]


@appraisals_blp.route("/<uuid:appraisal_id>/meetings")
class Meetings(MethodView):
    @appraisals_blp.arguments(schemas.MeetingSchema)
    @appraisals_blp.response(201, schemas.MeetingSchema)
    @appraisals_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def post(self, data, appraisal_id: uuid.UUID):
        """Arrange an objective-setting or review meeting (appraiser or HR)."""
        principal = authenticate()
        return commands.schedule_meeting(uow(principal), principal, appraisal_id, data)


@appraisals_blp.route("/<uuid:appraisal_id>/meetings.ics")
class MeetingsCalendar(MethodView):
    @appraisals_blp.response(200, description="iCalendar (RFC 5545)", content_type="text/calendar")
    def get(self, appraisal_id: uuid.UUID):
        """The appraisal's meetings as a calendar file for Outlook or Google Calendar."""
        found = reads()
        appraisal, _ = queries.visible(found, authenticate(), appraisal_id)
        names = found.staff.names([appraisal.reviewee_id, appraisal.appraiser_id])
        return Response(exports.meetings_ics(appraisal, names), mimetype="text/calendar", headers={
            "Content-Disposition": f'attachment; filename="appraisal-{appraisal_id}.ics"'})


@appraisals_blp.route("/<uuid:appraisal_id>/support-plan")
class SupportPlan(MethodView):
    @appraisals_blp.arguments(schemas.SupportPlanSchema)
    @appraisals_blp.response(200, schemas.AppraisalSchema)
    @appraisals_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def put(self, data, appraisal_id: uuid.UUID):
        """Put someone on, or take them off, a support plan (appraiser or HR; confidential)."""
        principal = authenticate()
        commands.set_support_plan(uow(principal), principal, appraisal_id, data["support_plan"], data["notes"])
        return document(appraisal_id)


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
        return commands.send_reminder(uow(principal), principal, appraisal_id, data["note"])


@appraisals_blp.route("/<uuid:appraisal_id>/withdrawal")
class Withdrawal(MethodView):
    @appraisals_blp.arguments(schemas.WithdrawSchema)
    @appraisals_blp.response(200, schemas.AppraisalSchema)
    @appraisals_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def post(self, data, appraisal_id: uuid.UUID):
        """Take an appraisal out of the cycle, e.g. for long-term absence (HR). It is kept, not deleted."""
        principal = authenticate()
        commands.withdraw(uow(principal), principal, appraisal_id, data["reason"])
        return document(appraisal_id)


@appraisals_blp.route("/<uuid:appraisal_id>/record")
class Record(MethodView):
    @appraisals_blp.response(200, description="print-ready HTML for the personnel file", content_type="text/html")
    def get(self, appraisal_id: uuid.UUID):
        """The appraisal record as a printable document (use the browser's Print → Save as PDF); a support plan
        shown in it is audited as read."""
        principal, found = authenticate(), reads()
        appraisal, relations = queries.visible(found, principal, appraisal_id)
        cycle, dates = queries.dates_for(found, appraisal)
        view = {**presenters.detail(appraisal, queries.names_in(found, appraisal),
                                    confidential=sees_confidential(relations)), "key_dates": dates,
                "templates": queries.templates_for(found, appraisal),
                "cpd_evidence": queries.cpd_evidence(found, appraisal.reviewee_id, appraisal.cycle_id)}
        view["recognition"] = recognition.kept_evidence(found, appraisal_id)  # issue 24: what the reviewee kept
        if view.get("support_plan"):  # the record prints the plan and its notes only while there is one (outsider 10)
            support_plan_read(principal, appraisal_id)
        return Response(exports.record_html(view, cycle), mimetype="text/html")


@appraisals_blp.route("/<uuid:appraisal_id>/cpd-evidence")
class CpdEvidence(MethodView):
    @appraisals_blp.response(200, schemas.CpdEvidenceSchema(many=True))
    def get(self, appraisal_id: uuid.UUID):
        """CPD the reviewee completed during the cycle, with what they will change and the impact their line manager
        saw (from cpd's events): evidence beside the objectives, for whoever may see the appraisal. Kept apart from
        the appraisal's own answer, which is one stored document read in one statement."""
        found = reads()
        appraisal, _relations = queries.visible(found, authenticate(), appraisal_id)
        return queries.cpd_evidence(found, appraisal.reviewee_id, appraisal.cycle_id)


def _stage(value: str) -> Stage:
    return Stage(value.replace("-", "_"))
