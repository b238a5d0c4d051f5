"""Events published by the appraisal service (appraisal.*)."""
from marshmallow import Schema, fields, validate

from .registry import contract

TEMPLATES = ("teachers", "support", "leaders")
STAGES = ("mid_year", "end_of_year")
OUTCOMES = ("exceeds_expectations", "meets_expectations", "partially_meets_expectations", "does_not_meet_expectations")
JUDGEMENTS = ("good_or_better", "requires_improvement", "inadequate")
PAY = ("progress", "no_progress", "not_eligible")
MILESTONES = ("objectives", "mid_year_review", "end_of_year_review")


class AppraisalRef(Schema):
    """Who and where: enough for notifications and targets to act without asking appraisal."""

    appraisal_id = fields.UUID(required=True)
    cycle_id = fields.UUID(required=True)
    reviewee_id = fields.UUID(required=True)
    appraiser_id = fields.UUID(required=True, allow_none=True)
    academy_id = fields.UUID(required=True)


@contract("appraisal.cycle_opened", 1)
class CycleOpenedV1(Schema):
    cycle_id = fields.UUID(required=True)
    name = fields.String(required=True)
    template = fields.String(required=True, validate=validate.OneOf(TEMPLATES))
    academy_id = fields.UUID(required=True, allow_none=True, metadata={"description": "null: trust-wide"})
    starts_on = fields.Date(required=True)
    objectives_due = fields.Date(required=True)
    mid_year_due = fields.Date(required=True)
    end_of_year_due = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    appraisal_count = fields.Integer(required=True)


@contract("appraisal.appraisal_opened", 1)
class AppraisalOpenedV1(AppraisalRef):
    """One per appraisal created: when a cycle opens, and for a joiner during an open cycle."""

    template = fields.String(required=True, validate=validate.OneOf(TEMPLATES))
    objectives_due = fields.Date(required=True)
    mid_year_due = fields.Date(required=True)
    end_of_year_due = fields.Date(required=True)
    starts_on = fields.Date(allow_none=True, load_default=None, metadata={
        "description": "the reviewee's first day where the appraisal opened before it (a starter added ahead of "
                       "joining), so their own messages wait for it; null or absent: already in post"})


@contract("appraisal.appraiser_assigned", 1)
class AppraiserAssignedV1(AppraisalRef):
    previous_appraiser_id = fields.UUID(required=True, allow_none=True)
    by_hr = fields.Boolean(required=True)


@contract("appraisal.objectives_agreed", 1)
class ObjectivesAgreedV1(AppraisalRef):
    agreed_on = fields.Date(required=True)
    due_on = fields.Date(required=True)
    on_time = fields.Boolean(required=True)
    objective_count = fields.Integer(required=True)


@contract("appraisal.review_completed", 1)
class ReviewCompletedV1(AppraisalRef):
    stage = fields.String(required=True, validate=validate.OneOf(STAGES))
    overall_outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    teaching_judgement = fields.String(required=True, allow_none=True, validate=validate.OneOf(JUDGEMENTS))
    pay_recommendation = fields.String(required=True, allow_none=True, validate=validate.OneOf(PAY))
    completed_on = fields.Date(required=True)
    due_on = fields.Date(required=True)
    on_time = fields.Boolean(required=True)
    appraiser_untrained = fields.Boolean(required=True, metadata={
        "description": "the appraiser had not completed appraisal training; the review stands but is flagged"})


@contract("appraisal.development_need_identified", 1)
class DevelopmentNeedIdentifiedV1(AppraisalRef):
    need_id = fields.UUID(required=True)
    stage = fields.String(required=True, validate=validate.OneOf(STAGES))
    area = fields.String(required=True)
    description = fields.String(required=True)
    suggested_support = fields.String(required=True, allow_none=True)
    identified_on = fields.Date(required=True)


@contract("appraisal.signed_off", 1)
class SignedOffV1(AppraisalRef):
    signed_off_on = fields.Date(required=True)


@contract("appraisal.overdue", 1)
class OverdueV1(AppraisalRef):
    milestone = fields.String(required=True, validate=validate.OneOf(MILESTONES))
    due_on = fields.Date(required=True)
    days_overdue = fields.Integer(required=True)


@contract("appraisal.reminder_sent", 1)
class ReminderSentV1(AppraisalRef):
    """HR reminded the people who must act on an overdue appraisal (at most once a week per appraisal)."""

    milestone = fields.String(required=True, validate=validate.OneOf((*MILESTONES, "sign_off")))
    due_on = fields.Date(required=True)
    days_overdue = fields.Integer(required=True)
    sent_by_id = fields.UUID(required=True, allow_none=True, metadata={"description": "the HR officer who sent it"})
    note = fields.String(required=True, allow_none=True, validate=validate.Length(max=500))


@contract("appraisal.closed", 1)
class ClosedV1(AppraisalRef):
    """The appraisal ended without sign-off: the member of staff left, or HR withdrew it."""

    status = fields.String(required=True, validate=validate.OneOf(("closed", "withdrawn")))
    reason = fields.String(required=True)


@contract("appraisal.recognition_given", 1)
class RecognitionGivenV1(Schema):
    """A colleague gave another recognition or feedback (issue 24). Who to whom, and what kind; never the words,
    which stay in appraisal."""

    recognition_id = fields.UUID(required=True)
    giver_id = fields.UUID(required=True)
    recipient_id = fields.UUID(required=True)
    academy_id = fields.UUID(required=True, metadata={"description": "the recipient's academy"})
    kind = fields.String(required=True, validate=validate.OneOf(("recognition", "feedback")))
    shared_with_line_manager = fields.Boolean(required=True)


@contract("appraisal.recognition_reported", 1)
class RecognitionReportedV1(Schema):
    """The recipient of recognition or feedback reported it to their academy's HR (issue 24). Which one and whose
    HR; never the words nor the recipient's reason, which stay in appraisal. The giver and recipient are there only
    so that neither of them, if an HR contact, is the one told."""

    recognition_id = fields.UUID(required=True)
    giver_id = fields.UUID(required=True)
    recipient_id = fields.UUID(required=True)
    academy_id = fields.UUID(required=True, metadata={"description": "the recipient's academy, whose HR judge it"})
    kind = fields.String(required=True, validate=validate.OneOf(("recognition", "feedback")))
