"""Events published by the CPD service (cpd.*)."""
from marshmallow import Schema, fields, validate

from .registry import contract

MONEY = {"as_string": True, "places": 2}


class EnrolmentRef(Schema):
    """Who, what and where: enough for notifications, targets and appraisal to act without asking CPD."""

    enrolment_id = fields.UUID(required=True)
    staff_id = fields.UUID(required=True)
    academy_id = fields.UUID(required=True)
    programme_id = fields.UUID(required=True)
    programme_title = fields.String(required=True)
    cohort_id = fields.UUID(required=True)
    cost = fields.Decimal(required=True, **MONEY)


@contract("cpd.enrolment_requested", 1)
class EnrolmentRequestedV1(EnrolmentRef):
    line_manager_id = fields.UUID(required=True, allow_none=True, metadata={"description": "who must approve"})
    needs_hr_approval = fields.Boolean(required=True)


@contract("cpd.enrolment_approved", 1)
class EnrolmentApprovedV1(EnrolmentRef):
    approved_by = fields.UUID(required=True, allow_none=True)
    stage = fields.String(required=True, validate=validate.OneOf(("line_manager", "hr", "automatic")))
    status = fields.String(required=True, metadata={
        "description": "where the approval left it: awaiting_hr, awaiting_agreement, waiting (the cohort is full) or "
                       "confirmed (a place, announced by cpd.enrolled)"})


@contract("cpd.enrolment_declined", 1)
class EnrolmentDeclinedV1(EnrolmentRef):
    declined_by = fields.UUID(required=True, allow_none=True)
    note = fields.String(required=True)


@contract("cpd.waitlisted", 1)
class WaitlistedV1(EnrolmentRef):
    position = fields.Integer(required=True)


@contract("cpd.enrolled", 1)
class EnrolledV1(EnrolmentRef):
    """A confirmed place (straight away, or promoted from the waiting list)."""

    starts_on = fields.Date(required=True)
    from_waiting_list = fields.Boolean(required=True)
    programme_kind = fields.String(required=True)
    # Optional: the approval that has just given this place (absent for a place that needed none, or came from the
    # waiting list), so the person hears of both in one message.
    approved_by = fields.UUID(allow_none=True, metadata={"description": "who gave the last approval, if one just did"})
    approval_stage = fields.String(validate=validate.OneOf(("line_manager", "hr")),
                                   metadata={"description": "whose approval that was"})
    # Optional, added later: events from before it, and programmes that do not say, have none (null).
    programme_hours = fields.Float(
        allow_none=True, load_default=None, validate=validate.Range(min=0, max=100_000),
        metadata={"description": "the learning hours the place gives, as the programme says; null: not known"})


@contract("cpd.completed", 1)
class CpdCompletedV1(Schema):
    enrolment_id = fields.UUID(required=True)
    staff_id = fields.UUID(required=True)
    academy_id = fields.UUID(required=True)
    programme_id = fields.UUID(required=True)
    programme_title = fields.String(required=True)
    category = fields.String(required=True, metadata={"example": "appraisal_training"})
    appraisal_training = fields.Boolean(required=True, metadata={
        "description": "the programme trains line managers to run appraisals"})
    completed_on = fields.Date(required=True)


@contract("cpd.agreement_required", 1)
class AgreementRequiredV1(EnrolmentRef):
    agreement_id = fields.UUID(required=True)


@contract("cpd.agreement_signed", 1)
class AgreementSignedV1(EnrolmentRef):
    agreement_id = fields.UUID(required=True)
    signed_on = fields.Date(required=True)
    schedule = fields.List(fields.List(fields.Integer()), required=True,
                           metadata={"description": "[[months after completion, percent repayable], ...]"})


@contract("cpd.clawback_due", 1)
class ClawbackDueV1(EnrolmentRef):
    agreement_id = fields.UUID(required=True)
    amount = fields.Decimal(required=True, **MONEY)
    percent = fields.Integer(required=True)
    left_on = fields.Date(required=True)
    completed_on = fields.Date(required=True, allow_none=True)


@contract("cpd.plan_created", 1)
class PlanCreatedV1(Schema):
    plan_id = fields.UUID(required=True)
    staff_id = fields.UUID(required=True)
    academy_id = fields.UUID(required=True)
    role = fields.String(required=True)
    reason = fields.String(required=True, validate=validate.OneOf(("joined", "promoted", "requested")))
    created_on = fields.Date(required=True)
    induction_suggested = fields.Boolean(required=True)


@contract("cpd.plan_item_suggested", 1)
class PlanItemSuggestedV1(Schema):
    plan_id = fields.UUID(required=True)
    item_id = fields.UUID(required=True)
    staff_id = fields.UUID(required=True)
    academy_id = fields.UUID(required=True)
    title = fields.String(required=True)
    source = fields.String(required=True)
    programme_id = fields.UUID(required=True, allow_none=True)
    development_need_id = fields.UUID(required=True, allow_none=True)


@contract("cpd.future_leader_nominated", 1)
class FutureLeaderNominatedV1(Schema):
    nomination_id = fields.UUID(required=True)
    staff_id = fields.UUID(required=True)
    academy_id = fields.UUID(required=True)
    nominated_by = fields.UUID(required=True)
    nominated_on = fields.Date(required=True)


@contract("cpd.npq_completed", 1)
class NpqCompletedV1(Schema):
    """A place on a national professional qualification ended with the lead provider's outcome. A passed leadership
    NPQ also puts its holder among the future leaders (cpd.future_leader_nominated, recorded by cpd itself)."""

    place_id = fields.UUID(required=True)
    staff_id = fields.UUID(required=True)
    academy_id = fields.UUID(required=True)
    short_code = fields.String(required=True, metadata={"description": "DfE's short code", "example": "NPQSL"})
    outcome = fields.String(required=True, validate=validate.OneOf(("passed", "failed")))
    completed_on = fields.Date(required=True)
    leadership = fields.Boolean(required=True, metadata={"description": "one of DfE's leadership NPQs"})


@contract("cpd.shadowing_arranged", 1)
class ShadowingArrangedV1(Schema):
    shadowing_id = fields.UUID(required=True)
    staff_id = fields.UUID(required=True)
    academy_id = fields.UUID(required=True)
    host_staff_id = fields.UUID(required=True)
    host_academy_id = fields.UUID(required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    focus = fields.String(required=True)


class SecondmentV1(Schema):
    secondment_id = fields.UUID(required=True)
    staff_id = fields.UUID(required=True)
    home_academy_id = fields.UUID(required=True)
    host_academy_id = fields.UUID(required=True)
    post = fields.String(required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    substantive_post_kept = fields.Boolean(required=True)
    recharge_amount = fields.Decimal(required=True, **MONEY)


@contract("cpd.secondment_started", 1)
class SecondmentStartedV1(SecondmentV1):
    pass


@contract("cpd.secondment_ended", 1)
class SecondmentEndedV1(SecondmentV1):
    pass


class ImpactRef(Schema):
    """Which completed programme, whose: enough for appraisal to show it as evidence and targets to count it."""

    enrolment_id = fields.UUID(required=True)
    staff_id = fields.UUID(required=True)
    academy_id = fields.UUID(required=True)
    programme_title = fields.String(required=True)
    completed_on = fields.Date(required=True)


@contract("cpd.intent_recorded", 1)
class IntentRecordedV1(ImpactRef):
    """The participant recorded what they will change in their practice and their satisfaction (again, if edited:
    the latest wins)."""

    programme_id = fields.UUID(required=True)
    intent = fields.String(required=True, metadata={"description": "what I will change in my practice"})
    satisfaction = fields.Integer(required=True, validate=validate.Range(min=1, max=5), metadata={
        "description": "1 very dissatisfied, 2 dissatisfied, 3 neither, 4 satisfied, 5 very satisfied"})
    development_need_id = fields.UUID(required=True, allow_none=True, metadata={
        "description": "the appraisal development need the participant says it served (training linked to appraisal)"})
    appraisal_id = fields.UUID(required=True, allow_none=True)
    recorded_on = fields.Date(required=True)


@contract("cpd.impact_check_due", 1)
class ImpactCheckDueV1(ImpactRef):
    """The trust's interval since completion has passed: the line manager is asked to record the impact seen."""

    line_manager_id = fields.UUID(required=True)
    due_on = fields.Date(required=True)


@contract("cpd.impact_recorded", 1)
class ImpactRecordedV1(ImpactRef):
    """The line manager recorded the impact they have seen (again, if corrected: the latest wins)."""

    programme_id = fields.UUID(required=True)
    rating = fields.Integer(required=True, validate=validate.Range(min=1, max=5), metadata={
        "description": "1 no change seen, 2 a little, 3 some, 4 clear change, 5 transformed practice"})
    seen = fields.String(required=True)
    recorded_by = fields.UUID(required=True)
    recorded_on = fields.Date(required=True)


class InductionRef(Schema):
    """Whose statutory induction, at which academy (cpd's record of it)."""

    induction_id = fields.UUID(required=True)
    staff_id = fields.UUID(required=True, metadata={"description": "the early career teacher"})
    academy_id = fields.UUID(required=True)


@contract("cpd.induction_started", 1)
class InductionStartedV1(InductionRef):
    """An ECT is serving statutory induction from `starts_on`; appraisal may exempt them (S1 2.48)."""

    starts_on = fields.Date(required=True)
    expected_completion = fields.Date(required=True, metadata={
        "description": "from the academy's term dates, before any absence or extension moves it"})
    appropriate_body = fields.String(required=True)
    programme_type = fields.String(required=True, validate=validate.OneOf(("provider-led", "school-led")))
    tutor_id = fields.UUID(required=True, allow_none=True)
    mentor_id = fields.UUID(required=True, allow_none=True)


@contract("cpd.induction_ended", 1)
class InductionEndedV1(InductionRef):
    """Induction at the academy ended: passed or failed (the appropriate body's decision), or the ECT left."""

    outcome = fields.String(required=True, validate=validate.OneOf(("passed", "failed", "left")))
    ended_on = fields.Date(required=True)


@contract("cpd.induction_support_plan_started", 1)
class InductionSupportPlanStartedV1(InductionRef):
    """A progress review found the ECT not making satisfactory progress and a support plan started (S1 4.1). The
    plan's words are not in the event: only the ECT, tutor and headteacher read them."""

    support_plan_id = fields.UUID(required=True)
    tutor_id = fields.UUID(required=True, allow_none=True)
    review_held_on = fields.Date(required=True)
    started_on = fields.Date(required=True)


ITEM_KINDS = ("progress_review", "first_formal_assessment", "final_formal_assessment")


@contract("cpd.induction_people_assigned", 1)
class InductionPeopleAssignedV1(InductionRef):
    """HR named (or changed) the ECT's induction tutor and mentor (S1 2.42, 2.43); either may still be none. Targets
    counts "every ECT with a mentor and a tutor within N weeks of starting" from it and cpd.induction_started."""

    tutor_id = fields.UUID(required=True, allow_none=True)
    mentor_id = fields.UUID(required=True, allow_none=True)
    assigned_on = fields.Date(required=True)


@contract("cpd.induction_timetable_recorded", 1)
class InductionTimetableRecordedV1(InductionRef):
    """The tutor recorded the share of a main pay range teacher's timetable the ECT teaches in one of the academy's
    terms, and the most they may teach then (90% in year one, 95% in year two, pro rata to FTE; S1 2.20-2.21), so
    targets can count "the timetable reduction given". Percentages as strings with up to two places."""

    school_year = fields.Integer(required=True, metadata={"description": "the year the school year starts in"})
    term_number = fields.Integer(required=True, validate=validate.Range(min=1, max=3))
    percent = fields.Decimal(required=True, as_string=True, places=2)
    cap_percent = fields.Decimal(required=True, as_string=True, places=2)


@contract("cpd.induction_review_held", 1)
class InductionReviewHeldV1(InductionRef):
    """The tutor recorded a progress review or formal assessment: when it was due and when it was held (targets:
    "reviews and assessments on time"). Never its outcome or words: a support plan is its own event."""

    kind = fields.String(required=True, validate=validate.OneOf(ITEM_KINDS))
    due_on = fields.Date(required=True)
    held_on = fields.Date(required=True)


@contract("cpd.induction_item_due", 1)
class InductionItemDueV1(InductionRef):
    """A progress review or formal assessment falls due soon, or is now overdue (cpd's daily job, once per item
    and stage): notifications tells the tutor (and, for a formal assessment, the ECT and the academy's HR)."""

    kind = fields.String(required=True, validate=validate.OneOf(ITEM_KINDS))
    stage = fields.String(required=True, validate=validate.OneOf(("due_soon", "overdue")))
    due_on = fields.Date(required=True)
    school_year = fields.Integer(required=True)
    term_number = fields.Integer(required=True, validate=validate.Range(min=1, max=3))
    tutor_id = fields.UUID(required=True, allow_none=True)
