"""Events published by the wellbeing service (wellbeing.*).

None carries an answer or anything that joins one to a person: invitations and reminders name people
(so notifications can reach them) but say nothing of what anyone answered; results carry only figures
for groups at or above the run's minimum size.
"""
from marshmallow import Schema, fields, validate

from ..events import contract


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
    """One person's invitation, with their single-use link (the token is in the URL fragment, so browsers
    do not send it to servers and it never reaches an access log)."""

    run_id = fields.UUID(required=True)
    staff_id = fields.UUID(required=True)
    academy_id = fields.UUID(required=True)
    title = fields.String(required=True)
    closes_on = fields.Date(required=True)
    link = fields.String(required=True)


@contract("wellbeing.survey_closing_soon", 1)
class SurveyClosingSoonV1(RunRef):
    not_responded = fields.List(fields.UUID(), required=True,
                                metadata={"description": "who to remind: invited and not yet submitted"})


@contract("wellbeing.survey_closed", 1)
class SurveyClosedV1(RunRef):
    invited = fields.Integer(required=True)
    responses = fields.Integer(required=True)


class Figure(Schema):
    figure = fields.String(required=True)
    n = fields.Integer(required=True)
    mean = fields.Float(required=True, allow_none=True)
    favourable = fields.Float(required=True, allow_none=True)


class GroupFigures(Schema):
    cut = fields.String(required=True, validate=validate.OneOf(("trust", "academy")))
    academy_id = fields.UUID(required=True, allow_none=True)
    responses = fields.Integer(required=True)
    figures = fields.List(fields.Nested(Figure), required=True)


@contract("wellbeing.results_published", 1)
class ResultsPublishedV1(RunRef):
    """Measure-level figures for the trust and each academy, only where shown (never a suppressed group)."""

    min_group_size = fields.Integer(required=True)
    groups = fields.List(fields.Nested(GroupFigures), required=True)
