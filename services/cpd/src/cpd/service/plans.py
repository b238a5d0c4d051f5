"""Personal development plans: made on joining and promotion, fed by appraisal, kept by the member of staff."""
from __future__ import annotations

import uuid
from datetime import date
from typing import Callable

from staffroom_shared.authz import academy_scope, can_manage_academy, require
from staffroom_shared.errors import Conflict, Forbidden, NotFound
from staffroom_shared.principal import Principal

from ..domain.errors import CpdError
from ..domain.plans import DevelopmentPlan, PlanItem, PlanItemSource, PlanItemStatus, _a, programme_for_role
from ..domain.values import Person
from .errors import missing, rule_broken
from .unit_of_work import CpdReads, CpdUnitOfWork

# -- changes made by events ------------------------------------------------------------------------

def ensure_plan(uow: CpdUnitOfWork, staff_id: uuid.UUID, academy_id: uuid.UUID, role: str, reason: str,
                today: date) -> tuple[DevelopmentPlan, bool]:
    """The person's plan, made now if they have none (True when it was)."""
    existing = uow.plans.of_staff(staff_id, for_update=True)
    if existing is not None:
        return existing, False
    return uow.plans.add(DevelopmentPlan.start(staff_id, academy_id, role, today, reason)), True


def induction_items(uow: CpdUnitOfWork, plan_: DevelopmentPlan, who: Person, today: date) -> list[PlanItem]:
    """The induction the person should be offered (DevelopmentPlan.induction_wanted), suggested with the
    catalogue's programme when it has one, as a plain item when it does not (HR adds the programme later).
    An induction item the plan already has is not suggested again."""
    items = []
    for kind, fallback, detail in plan_.induction_wanted(who, today):
        programme = uow.catalogue.programme_of_kind(kind, who.academy_id)
        title = programme.title if programme else fallback
        if plan_.has_induction_item(title, programme.id if programme else None):
            continue
        items.append(PlanItem(plan_id=plan_.id, title=title[:300], source=PlanItemSource.INDUCTION, detail=detail,
                              programme_id=programme.id if programme else None))
    return items


def _programme_for_role(uow: CpdUnitOfWork, who: Person):
    step = programme_for_role(who.post, who.staff_type)
    return uow.catalogue.programme_of_kind(step[0], who.academy_id, step[1], step[2]) if step else None


def role_items(uow: CpdUnitOfWork, plan_: DevelopmentPlan, who: Person) -> list[PlanItem]:
    """The catalogue's usual development for the person's staff type and post, when it offers one."""
    programme = _programme_for_role(uow, who)
    if programme is None:
        return []
    return [PlanItem(plan_id=plan_.id, title=programme.title[:300], source=PlanItemSource.ROLE,
                     detail=f"The usual development for {_a(who.post.lower())} here. Talk it through with your line "
                            "manager before you ask for a place.", programme_id=programme.id)]


def on_joined(uow: CpdUnitOfWork, who: Person, today: date) -> DevelopmentPlan:
    """A starter's plan with induction, started on their first day (the directory's start date: issue 20 had
    "Started on 6 December 2026 (when you joined)" for someone who joined in June 2025)."""
    plan_, _created = ensure_plan(uow, who.staff_id, who.academy_id, who.post, "joined", who.start_date)
    induction = induction_items(uow, plan_, who, today)
    plan_.joined(today, induction, role_items(uow, plan_, who))
    return plan_


def on_promoted(uow: CpdUnitOfWork, who: Person, previous_post: str, effective: date, today: date) -> DevelopmentPlan:
    """A plan for the new role: the same plan (one per person) re-aimed at the post, with a development item."""
    plan_, _created = ensure_plan(uow, who.staff_id, who.academy_id, who.post, "promoted", today)
    programme = _programme_for_role(uow, who)
    title = f"Development for the new role: {who.post}"
    if programme is not None:
        title = f"{title} ({programme.title})"
    plan_.promoted(who.post, who.academy_id, today, PlanItem(
        plan_id=plan_.id, title=title[:300], source=PlanItemSource.PROMOTION,
        detail=f"Promoted from {previous_post} to {who.post} on {effective.day} {effective:%B %Y}. Agree with your line "
               f"manager what you need to grow into the role in its first year.",
        programme_id=programme.id if programme else None))
    return plan_


def on_development_need(uow: CpdUnitOfWork, data: dict, today: date) -> PlanItem | None:
    """A need from an appraisal review: a suggested item linked to it, never an enrolment. A need that reaches
    CPD before the member of staff did starts their plan."""
    who = uow.staff.person(data["reviewee_id"])
    academy_id = who.academy_id if who else data["academy_id"]
    plan_, _created = ensure_plan(uow, data["reviewee_id"], academy_id, who.post if who else "", "requested", today)
    detail = data["description"]
    if data.get("suggested_support"):
        detail = f"{detail}\n\nSuggested support: {data['suggested_support']}"
    return plan_.suggest(PlanItem(
        plan_id=plan_.id, title=data["area"][:300], source=PlanItemSource.DEVELOPMENT_NEED, detail=detail,
        appraisal_id=data["appraisal_id"], development_need_id=data["need_id"]))


# -- who may see and change a plan ---------------------------------------------------------------

def relation(reads: CpdReads | CpdUnitOfWork, principal: Principal, plan_: DevelopmentPlan) -> set[str]:
    """'owner', 'line_manager', 'hr' (academy HR their academy, trust HR all)."""
    found = set()
    if principal.staff_id is not None and principal.staff_id == plan_.staff_id:
        found.add("owner")
    elif can_manage_academy(principal, plan_.academy_id):
        found.add("hr")
    if principal.staff_id is not None and "owner" not in found:
        who = reads.staff.person(plan_.staff_id)
        if who is not None and who.line_manager_id == principal.staff_id:
            found.add("line_manager")
    return found


def visible(reads: CpdReads | CpdUnitOfWork, principal: Principal, plan_: DevelopmentPlan | None, plan_id) -> set[str]:
    """The caller's relations; someone with none learns nothing, not even that the plan exists."""
    found = relation(reads, principal, plan_) if plan_ is not None else set()
    if not found:
        raise missing("development plan")
    return found


def visible_plans(reads: CpdReads, principal: Principal, *, academy_id=None, staff_id=None) -> list[DevelopmentPlan]:
    """Plans the caller may see: HR their academy (trust HR all), a line manager their reports', everyone their own.
    Narrowed to an academy, it is one of HR's own."""
    scope = academy_scope(principal)
    if academy_id is not None and scope is not None:
        require(academy_id in scope, "you can list plans in your own academy only")
    return reads.plans.visible(scope, principal.staff_id, academy_id=academy_id, staff_id=staff_id)


# -- commands from the API -------------------------------------------------------------------------

def _change(uow: CpdUnitOfWork, principal: Principal, plan_id: uuid.UUID, doing: str,
            action: Callable[[DevelopmentPlan], dict]) -> DevelopmentPlan:
    """Only the member of staff changes their own plan; others who may read it are told so (403)."""
    with uow:
        plan_ = uow.plans.get(plan_id, for_update=True)
        found = visible(uow, principal, plan_, plan_id)
        if "owner" not in found:
            raise Forbidden(f"only the member of staff can {doing} in their own development plan")
        try:
            detail = action(plan_)
        except CpdError as exc:
            raise rule_broken(exc) from None
        uow.audit(doing.replace(" ", "_"), "development_plan", plan_.id, detail)
        uow.commit()
        return plan_


def add_goal(uow: CpdUnitOfWork, principal: Principal, plan_id: uuid.UUID, data: dict) -> PlanItem:
    """The member of staff's own goal; linked to an appraisal objective when they give its id."""
    added: list[PlanItem] = []

    def action(plan_: DevelopmentPlan) -> dict:
        source = PlanItemSource.APPRAISAL_OBJECTIVE if data.get("objective_id") else PlanItemSource.OWN_GOAL
        item = PlanItem(plan_id=plan_.id, title=data["title"], source=source, status=PlanItemStatus.ACCEPTED,
                        detail=data.get("detail", ""), objective_id=data.get("objective_id"),
                        appraisal_id=data.get("appraisal_id"), programme_id=data.get("programme_id"),
                        due_on=data.get("due_on"))
        plan_.items.append(item)
        added.append(item)
        return {"item": {"id": item.id, "source": source.value, **data}}

    _change(uow, principal, plan_id, "add a goal", action)
    return added[0]


def move_item(uow: CpdUnitOfWork, principal: Principal, plan_id: uuid.UUID, item_id: uuid.UUID,
              status: PlanItemStatus) -> PlanItem:
    moved: list[PlanItem] = []
    doing = {PlanItemStatus.ACCEPTED: "accept an item", PlanItemStatus.DISMISSED: "dismiss an item",
             PlanItemStatus.DONE: "complete an item"}[status]

    def action(plan_: DevelopmentPlan) -> dict:
        item = next((i for i in plan_.items if i.id == item_id), None)
        if item is None:
            raise missing("item in this development plan")
        before = item.status
        item.move_to(status)
        moved.append(item)
        return {"item_id": item.id, "status": [before.value, item.status.value]}

    _change(uow, principal, plan_id, doing, action)
    return moved[0]


def start_plan(uow: CpdUnitOfWork, principal: Principal, today: date | None = None) -> DevelopmentPlan:
    """A member of staff who has none (e.g. in post before CPD was switched on) starts their own."""
    today = today or date.today()
    with uow:
        who = uow.staff.person(principal.staff_id)
        if who is None:
            raise NotFound("you are not in CPD's copy of the directory yet; try again in a minute")
        plan_, created = ensure_plan(uow, who.staff_id, who.academy_id, who.post, "requested", today)
        if not created:
            raise Conflict("you already have a development plan: add to it rather than starting another")
        uow.audit("start_plan", "development_plan", plan_.id, {"role": who.post})
        uow.commit()
        return plan_
