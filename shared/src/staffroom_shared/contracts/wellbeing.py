"""Events published by the wellbeing service (wellbeing.*).

None carries an answer or anything that joins one to a person: invitations and reminders name people
(so notifications can reach them) but say nothing of what anyone answered; results carry only figures
for groups at or above the run's minimum size.
"""
from marshmallow import Schema, fields, validate

from .registry import contract


class RunRef(Schema):
    run_id = fields.UUID(required=True)
    title = fields.String(required=True)
    opens_on = fields.Date(required=True)
    closes_on = fields.Date(required=True)
    academy_ids = fields.List(fields.UUID(), required=True, metadata={"description": "empty: every academy"})
    staff_types = fields.List(fields.String(), required=True, metadata={"description": "empty: every staff type"})


@contract("wellbeing.survey_opened", 1)
class SurveyOpenedV1(RunRef):
    invited = fields.Integer(required=True)


@contract("wellbeing.invitation_issued", 1)
class InvitationIssuedV1(Schema):
    """No longer published: it carried the link in clear, so every store it passed through could answer in the
    person's place. Kept so that one still queued when v2 arrives is accepted; notifications ignores its link."""

    run_id = fields.UUID(required=True)
    staff_id = fields.UUID(required=True)
    academy_id = fields.UUID(required=True)
    title = fields.String(required=True)
    closes_on = fields.Date(required=True)
    link = fields.String(required=True)


@contract("wellbeing.invitation_issued", 2)
class InvitationIssuedV2(Schema):
    """One person's invitation. Their single-use link travels sealed to notifications' key (HPKE, see
    staffroom_shared.sealing), bound to this run and person by `survey_link_context`, so the outbox, the broker and
    notifications' tables hold nothing that answers in their place; only notifications' email sender opens it.

    Published instead of v1, not beside it: v1 carries the link in clear, and notifications, its only consumer,
    moves to v2 in the same release."""

    run_id = fields.UUID(required=True)
    staff_id = fields.UUID(required=True)
    academy_id = fields.UUID(required=True)
    title = fields.String(required=True)
    closes_on = fields.Date(required=True)
    sealed_link = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=2000),
                                metadata={
        "description": "the link `<PUBLIC_URL>/surveys/respond#token=…`, sealed with HPKE (RFC 9180: X25519, "
                       "HKDF-SHA256, AES-128-GCM) to SURVEY_LINK_PUBLIC_KEY, info = survey_link_context(run_id, "
                       "staff_id); URL-safe base64 of the encapsulated key and the ciphertext. Null or absent when "
                       "`answer_in_staffroom`"})
    reissued = fields.Boolean(load_default=False, metadata={
        "description": "true: a new link the person asked for themselves (the link they had, and any answers saved "
                       "with it, stopped working); false or absent: their invitation"})
    answer_in_staffroom = fields.Boolean(load_default=False, metadata={
        "description": "true: no link is sent (a lifecycle survey's pool; and, since issue 24's outside test, every "
                       "member of staff asked for feedback, `feedback` true); the person answers from Surveys (or "
                       "Feedback) in Staffroom, \"Answer now\", which gives the link to their signed-in browser "
                       "only. With `reissued`: they chose \"Answer now\" (the link before it stopped working). A "
                       "feedback event with a link (`sealed_address` set) is someone outside the trust's"})
    feedback = fields.Boolean(load_default=False, metadata={
        "description": "true: an invitation to give 360 or upward feedback (issue 24; `run_id` is the feedback "
                       "request's id), answered at `<PUBLIC_URL>/feedback/respond`; false or absent: a survey's"})
    # Optional, added later (issue 24; events from before have neither): so the email names whom it is about, and
    # so someone outside the trust can be asked.
    about = fields.String(allow_none=True, validate=validate.Length(max=300), metadata={
        "description": "feedback only: the full name of the person the feedback is about"})
    sealed_address = fields.String(allow_none=True, validate=validate.Length(min=1, max=2000),
                                   metadata={
        "description": "feedback only, present when the rater is outside the trust: their email address, sealed as "
                       "`sealed_link` is (HPKE to SURVEY_LINK_PUBLIC_KEY) with info = outside_address_context(run_id, "
                       "staff_id). `staff_id` is then an id made for this one invitation, naming nobody in the "
                       "directory; both seals are bound to it. Notifications opens the address only to send the one "
                       "email"})


def survey_link_context(run_id, staff_id) -> bytes:
    """What a sealed survey link is bound to (HPKE info): it opens only for this run and this person."""
    return f"staffroom wellbeing.invitation_issued v2 sealed_link; run {run_id}; staff {staff_id}".encode()


def outside_address_context(run_id, rater_id) -> bytes:
    """What a sealed address of someone outside the trust is bound to: this feedback request and this invitation."""
    return f"staffroom wellbeing.invitation_issued v2 sealed_address; run {run_id}; rater {rater_id}".encode()


@contract("wellbeing.survey_closing_soon", 1)
class SurveyClosingSoonV1(RunRef):
    not_responded = fields.List(fields.UUID(), required=True,
                                metadata={"description": "who to remind: invited and not yet submitted"})


@contract("wellbeing.survey_closed", 1)
class SurveyClosedV1(RunRef):
    invited = fields.Integer(required=True)
    responses = fields.Integer(required=True)


@contract("wellbeing.feedback_request_closed", 1)
class FeedbackRequestClosedV1(Schema):
    """A request for 360 or upward feedback closed (by hand, with its round, or on its date): it takes no more
    answers, so an invitation to it that has not been emailed yet is not sent (outsider O6 F9: someone outside the
    trust was emailed a link that answered "closed"). Names no rater and no answer."""

    request_id = fields.UUID(required=True, metadata={"description": "the request, as `run_id` named it in its "
                                                                      "wellbeing.invitation_issued events"})


class Figure(Schema):
    figure = fields.String(required=True)
    n = fields.Integer(required=True)
    mean = fields.Float(required=True, allow_none=True)
    favourable = fields.Float(required=True, allow_none=True)


class Turnover(Schema):
    run_id = fields.UUID(required=True, metadata={"description": "a run (of any owner) that closed earlier"})
    changed = fields.Integer(required=True, metadata={
        "description": "how many people in this group answered one of the two runs and not the other"})


class GroupFigures(Schema):
    cut = fields.String(required=True, validate=validate.OneOf(("trust", "academy")))
    academy_id = fields.UUID(required=True, allow_none=True)
    responses = fields.Integer(required=True)
    figures = fields.List(fields.Nested(Figure), required=True)
    turnover = fields.List(fields.Nested(Turnover), load_default=list, metadata={
        "description": "against each run closed earlier: a comparison is safe only where this is 0 or at least "
                       "the minimum group; a pair found in neither run's list was not counted and is not compared "
                       "(optional: events from before it was sent have none)"})


@contract("wellbeing.results_published", 1)
class ResultsPublishedV1(RunRef):
    """Measure-level figures for the trust and each academy, only where shown (never a suppressed group)."""

    min_group_size = fields.Integer(required=True)
    groups = fields.List(fields.Nested(GroupFigures), required=True)
    # Optional, added later (events from before it have none): a lifecycle survey's pool, whose figures are those of
    # joiners or leavers only, so no consumer takes them for a survey of the staff.
    lifecycle = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(("onboarding", "exit")),
                              metadata={"description": "the lifecycle survey this run is a pool of; null: a survey "
                                                       "of the staff it asked"})


class AcademyAnswers(Schema):
    academy_id = fields.UUID(required=True)
    answers = fields.Integer(required=True)


@contract("wellbeing.answers_released", 1)
class AnswersReleasedV1(RunRef):
    """Authors' answers to HR's replies under comments, passed on together by the daily job once at least the run's
    minimum group of different authors had one waiting. Says how many and under which academies' comments, never
    whose or when each was written."""

    answers = fields.Integer(required=True)
    academies = fields.List(fields.UUID(), required=True, metadata={
        "description": "academies whose comments were answered; empty where all were the trust's pooled comments"})
    released_on = fields.Date(required=True)
    # Optional, added later (events from before it have none): so each academy's HR are told their own number.
    academy_answers = fields.List(fields.Nested(AcademyAnswers), load_default=None, metadata={
        "description": "how many of the answers are under each academy's comments (the rest are under the trust's "
                       "pooled comments)"})


@contract("wellbeing.action_published", 1)
class ActionPublishedV1(Schema):
    """An action plan published for a group of staff ("You said, we did"): who it is for, never a list of people
    (notifications works out the audience from its own copy of the directory) and no figures."""

    action_id = fields.UUID(required=True)
    title = fields.String(required=True)
    measure = fields.String(required=True, metadata={"description": "the measure's key (an instrument's, or custom.*)"})
    measure_title = fields.String(required=True, metadata={"description": "the measure in words"})
    academy_id = fields.UUID(required=True, allow_none=True, metadata={"description": "null: the whole trust"})
    staff_type = fields.String(required=True, allow_none=True, metadata={"description": "null: every staff type"})
    owner_id = fields.UUID(required=True, metadata={"description": "the member of staff leading it"})
    due_on = fields.Date(required=True)


class ReasonCount(Schema):
    reason = fields.String(required=True)
    count = fields.Integer(required=True)


class GroupReasons(Schema):
    cut = fields.String(required=True, validate=validate.OneOf(("trust", "academy")))
    academy_id = fields.UUID(required=True, allow_none=True)
    question = fields.String(required=True)
    answered = fields.Integer(required=True, metadata={"description": "how many in the group answered the question"})
    reasons = fields.List(fields.Nested(ReasonCount), required=True,
                          metadata={"description": "every reason offered, with how many gave it"})


@contract("wellbeing.leaving_reasons_published", 1)
class LeavingReasonsPublishedV1(Schema):
    """A closed exit-survey pool's reasons for leaving, pooled over its window: the trust and each academy whose
    group was shown (at least the minimum group answered), never a hidden group and never a person or a month."""

    run_id = fields.UUID(required=True)
    opens_on = fields.Date(required=True)
    closes_on = fields.Date(required=True)
    min_group_size = fields.Integer(required=True)
    groups = fields.List(fields.Nested(GroupReasons), required=True)
