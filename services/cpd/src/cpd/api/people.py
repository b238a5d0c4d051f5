"""HTTP resources for development plans and future-leader pathways."""
from __future__ import annotations

import uuid

from flask.views import MethodView
from marshmallow import RAISE

from staffroom_shared.web import Blueprint, ProblemSchema
from staffroom_shared.auth import authenticate
from staffroom_shared.errors import NotFound

from ..domain.plans import PlanItemStatus
from ..service import future_leaders, plans
from . import people_schemas as schemas
from .common import reads as _reads, uow as _uow

plans_blp = Blueprint("plans", __name__, url_prefix="/plans", description="Personal development plans")
leaders_blp = Blueprint("future_leaders", __name__, url_prefix="/future-leaders",
                        description="Future leaders: nominations, shadowing placements")
secondments_blp = Blueprint("secondments", __name__, url_prefix="/secondments",
                            description="Secondments between the trust's academies")
BLUEPRINTS = [plans_blp, leaders_blp, secondments_blp]

NOT_AT_THIS_STAGE = {"description": "not at the stage this step needs (e.g. the item is done); nothing changed",
                     "schema": ProblemSchema, "content_type": "application/problem+json"}



# -- plans --------------------------------------------------------------------------------------


def _plan_out(plan) -> dict:
    return {"id": plan.id, "staff_id": plan.staff_id, "academy_id": plan.academy_id, "role": plan.role,
            "created_on": plan.created_on, "created_because": plan.created_because,
            "staff_name": _reads().staff.names([plan.staff_id]).get(plan.staff_id),
            "items": sorted(plan.items, key=lambda i: (i.status != PlanItemStatus.SUGGESTED, i.title))}


def _visible_plan(plan_id: uuid.UUID) -> dict:
    principal = authenticate()
    reads = _reads()
    plan = reads.plans.get(plan_id)
    plans.visible(reads, principal, plan, plan_id)
    return _plan_out(plan)


@plans_blp.route("")
class Plans(MethodView):
    @plans_blp.arguments(schemas.PlanQuerySchema, location="query", unknown=RAISE)
    @plans_blp.response(200, schemas.PlanSchema(many=True))
    def get(self, args):
        """Plans the caller may see: their own, their reports' (line manager), their academy's (HR; trust HR all)."""
        found = plans.visible_plans(_reads(), authenticate(), academy_id=args.get("academy_id"),
                                    staff_id=args.get("staff_id"))
        return [_plan_out(p) for p in found]


@plans_blp.route("/me")
class MyPlan(MethodView):
    @plans_blp.response(200, schemas.PlanSchema)
    def get(self):
        """The caller's own development plan."""
        principal = authenticate()
        plan = _reads().plans.of_staff(principal.staff_id) if principal.staff_id else None
        if plan is None:
            raise NotFound("you have no development plan yet; POST /plans/me starts one")
        return _plan_out(plan)

    @plans_blp.response(201, schemas.PlanSchema)
    @plans_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def post(self):
        """Start your own plan (for staff in post before CPD began; joiners and promoted staff get one anyway)."""
        principal = authenticate()
        plan = plans.start_plan(_uow(principal), principal)
        return _visible_plan(plan.id)


@plans_blp.route("/<uuid:plan_id>")
class PlanResource(MethodView):
    @plans_blp.response(200, schemas.PlanSchema)
    def get(self, plan_id: uuid.UUID):
        """One plan: the member of staff, their line manager, HR for their academy, trust HR."""
        return _visible_plan(plan_id)


@plans_blp.route("/<uuid:plan_id>/items")
class PlanItems(MethodView):
    @plans_blp.arguments(schemas.PlanItemSchema)
    @plans_blp.response(201, schemas.PlanItemSchema)
    def post(self, data, plan_id: uuid.UUID):
        """Add your own goal (optionally serving an appraisal objective). Only the member of staff."""
        principal = authenticate()
        return plans.add_goal(_uow(principal), principal, plan_id, data)


def _item_step(name: str, status: PlanItemStatus, doc: str):
    class Step(MethodView):
        @plans_blp.response(200, schemas.PlanItemSchema)
        @plans_blp.alt_response(409, **NOT_AT_THIS_STAGE)
        def post(self, plan_id: uuid.UUID, item_id: uuid.UUID):
            principal = authenticate()
            return plans.move_item(_uow(principal), principal, plan_id, item_id, status)

    Step.post.__doc__ = doc
    Step.__name__ = f"PlanItem{name.title()}"
    plans_blp.route(f"/<uuid:plan_id>/items/<uuid:item_id>/{name}")(Step)


_item_step("accept", PlanItemStatus.ACCEPTED, "Accept a suggested item (or take back a dismissed one).")
_item_step("dismiss", PlanItemStatus.DISMISSED, "Dismiss a suggested or accepted item.")
_item_step("complete", PlanItemStatus.DONE, "Mark an accepted item done.")


# -- future leaders ---------------------------------------------------------------------------------

def _nomination_out(nomination) -> dict:
    reads = _reads()
    shadowing, secondments = future_leaders.pathway(reads, nomination.id)
    return {**{k: getattr(nomination, k) for k in ("id", "staff_id", "academy_id", "nominated_by", "nominated_on",
                                                    "reason", "status")},
            "staff_name": reads.staff.names([nomination.staff_id]).get(nomination.staff_id),
            "shadowing": shadowing, "secondments": secondments}


@leaders_blp.route("")
class Nominations(MethodView):
    @leaders_blp.arguments(schemas.NominationQuerySchema, location="query", unknown=RAISE)
    @leaders_blp.response(200, schemas.NominationSchema(many=True))
    def get(self, args):
        """HR: their academy's future leaders (trust HR: all; ?academy_id= to narrow). Others: their own and
        those they nominated."""
        found = future_leaders.nominations(_reads(), authenticate(), academy_id=args.get("academy_id"),
                                           status=args.get("status"))
        return [_nomination_out(n) for n in found]

    @leaders_blp.arguments(schemas.NominationSchema)
    @leaders_blp.response(201, schemas.NominationSchema)
    @leaders_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def post(self, data):
        """Nominate a future leader (their line manager, or HR). They are told (cpd.future_leader_nominated)."""
        principal = authenticate()
        nomination = future_leaders.nominate(_uow(principal), principal, data)
        return _nomination_out(nomination)


@leaders_blp.route("/<uuid:nomination_id>")
class NominationResource(MethodView):
    @leaders_blp.response(200, schemas.NominationSchema)
    def get(self, nomination_id: uuid.UUID):
        nomination, _ = future_leaders.visible_nomination(_reads(), authenticate(), nomination_id)
        return _nomination_out(nomination)


@leaders_blp.route("/<uuid:nomination_id>/response")
class NominationResponse(MethodView):
    @leaders_blp.arguments(schemas.ResponseSchema)
    @leaders_blp.response(200, schemas.NominationSchema)
    @leaders_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def post(self, data, nomination_id: uuid.UUID):
        """The nominee accepts or declines."""
        principal = authenticate()
        nomination = future_leaders.respond(_uow(principal), principal, nomination_id, data["accept"])
        return _nomination_out(nomination)


@leaders_blp.route("/<uuid:nomination_id>/shadowing")
class Shadowing(MethodView):
    @leaders_blp.arguments(schemas.ShadowingSchema)
    @leaders_blp.response(201, schemas.ShadowingSchema)
    @leaders_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def post(self, data, nomination_id: uuid.UUID):
        """Arrange a shadowing placement for an accepted future leader (HR; cpd.shadowing_arranged)."""
        principal = authenticate()
        return future_leaders.arrange_shadowing(_uow(principal), principal, nomination_id, data)


@secondments_blp.route("")
class Secondments(MethodView):
    @secondments_blp.arguments(schemas.SecondmentQuerySchema, location="query", unknown=RAISE)
    @secondments_blp.response(200, schemas.SecondmentSchema(many=True))
    def get(self, args):
        """HR: secondments from or to their academy (trust HR: all). Others: their own."""
        return future_leaders.secondments(_reads(), authenticate(), academy_id=args.get("academy_id"),
                                          status=args.get("status"))

    @secondments_blp.arguments(schemas.SecondmentSchema)
    @secondments_blp.response(201, schemas.SecondmentSchema)
    @secondments_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def post(self, data):
        """Arrange a fixed-term secondment (HR for the home academy). The daily job starts and ends it on its dates."""
        principal = authenticate()
        return future_leaders.arrange_secondment(_uow(principal), principal, data)


@secondments_blp.route("/<uuid:secondment_id>")
class SecondmentResource(MethodView):
    @secondments_blp.response(200, schemas.SecondmentSchema)
    def get(self, secondment_id: uuid.UUID):
        return future_leaders.visible_secondment(_reads(), authenticate(), secondment_id)


@secondments_blp.route("/<uuid:secondment_id>/cancel")
class CancelSecondment(MethodView):
    @secondments_blp.response(200, schemas.SecondmentSchema)
    @secondments_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def post(self, secondment_id: uuid.UUID):
        """Cancel a secondment that has not started (HR for the home academy)."""
        principal = authenticate()
        return future_leaders.cancel_secondment(_uow(principal), principal, secondment_id)
