"""Events published by the targets service (targets.*): a target's status changed, trust-wide or for one academy."""
from marshmallow import Schema, fields, validate

from .registry import contract

STATUSES = ("met", "on_track", "at_risk", "missed", "no_data")


class TargetStatusChanged(Schema):
    target_key = fields.String(required=True, metadata={"example": "induction_for_new_starters"})
    title = fields.String(required=True)
    academy_id = fields.UUID(required=True, allow_none=True, metadata={"description": "null: trust-wide"})
    value = fields.Float(required=True, allow_none=True, metadata={"description": "% (null: nobody to count)"})
    numerator = fields.Integer(required=True)
    denominator = fields.Integer(required=True)
    threshold = fields.Float(required=True, metadata={"description": "% at or above which the target is met"})
    at_risk_below = fields.Float(required=True)
    deadline = fields.Date(required=True, allow_none=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    previous_status = fields.String(required=True, allow_none=True, validate=validate.OneOf(STATUSES),
                                    metadata={"description": "null: the first time this target was judged here"})
    as_of = fields.Date(required=True)


@contract("targets.at_risk", 1)
class TargetAtRiskV1(TargetStatusChanged):
    """The status became at_risk (below the at-risk line) or missed (not met by the deadline)."""

    status = fields.String(required=True, validate=validate.OneOf(("at_risk", "missed")))


@contract("targets.met", 1)
class TargetMetV1(TargetStatusChanged):
    status = fields.String(required=True, validate=validate.OneOf(("met",)))
