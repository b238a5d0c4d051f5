"""Personal development plans: made on joining and promotion, fed by appraisal, kept by the member of staff."""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable

from sqlalchemy import false, or_, select
from sqlalchemy.orm import Session

from staffroom_shared.authz import academy_scope, can_manage_academy
from staffroom_shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from staffroom_shared.uow import UnitOfWork
from staffroom_shared.principal import Principal

from ..adapters.orm import academies, staff
from ..domain.catalogue import Programme, ProgrammeKind
from ..domain.errors import CpdError, IllegalTransition, NotAllowed
from ..domain.plans import DevelopmentPlan, PlanItem, PlanItemSource, PlanItemStatus

STAFF_FIELDS = ("academy_id", "first_name", "last_name", "email", "staff_type", "post", "start_date",
                "leaving_date", "line_manager_id")
ECT_POST = re.compile(r"\b(early career teacher|ect[12]?)\b", re.IGNORECASE)  # ECT2: induction carries on
STAFF_INDUCTION_TITLE = "Induction for new staff"
ECT_INDUCTION_TITLE = "Early career teacher induction (two years)"


# -- the local staff copy ------------------------------------------------------------------------

@dataclass(frozen=True)
class Person:
    """One row of the staff copy (from staff.* events), as the rules here need it."""

    staff_id: uuid.UUID
    academy_id: uuid.UUID
    first_name: str
    last_name: str
    staff_type: str
    post: str
    start_date: date
    leaving_date: date | None
    line_manager_id: uuid.UUID | None

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def in_post_on(self, day: date) -> bool:
        return self.leaving_date is None or day < self.leaving_date

    @property
    def early_career_teacher(self) -> bool:
        return self.staff_type == "teaching" and bool(ECT_POST.search(self.post))


PERSON_FIELDS = ("staff_id", "academy_id", "first_name", "last_name", "staff_type", "post", "start_date",
                 "leaving_date", "line_manager_id")


def person(session: Session, staff_id: uuid.UUID | None) -> Person | None:
    if staff_id is None:
        return None
    row = session.execute(select(*[staff.c[f] for f in PERSON_FIELDS]).where(staff.c.staff_id == staff_id)).first()
    return Person(**row._mapping) if row else None


def names(session: Session, ids) -> dict[uuid.UUID, str]:
    ids = [i for i in set(ids) if i is not None]
    if not ids:
        return {}
    rows = session.execute(select(staff.c.staff_id, staff.c.first_name, staff.c.last_name).where(staff.c.staff_id.in_(ids)))
    return {r.staff_id: f"{r.first_name} {r.last_name}" for r in rows}


def academy_known(session: Session, academy_id: uuid.UUID) -> bool:
    return session.execute(select(academies.c.academy_id).where(academies.c.academy_id == academy_id)).first() is not None


def keep_staff_copy(session: Session, data: dict, snapshot_at) -> bool:
    """Insert or overwrite one member of staff from an event's snapshot; False when the copy already holds a
    newer one (an older event arriving late, after a retry, must not overwrite it)."""
    values = {**{f: data[f] for f in STAFF_FIELDS}, "snapshot_at": snapshot_at}
    updated = session.execute(staff.update().where(
        staff.c.staff_id == data["staff_id"],
        or_(staff.c.snapshot_at.is_(None), staff.c.snapshot_at <= snapshot_at)).values(**values))
    if updated.rowcount:
        return True
    if person(session, data["staff_id"]) is not None:
        return False
    session.execute(staff.insert().values(staff_id=data["staff_id"], **values))
    return True


# -- finding plans and programmes ------------------------------------------------------------------

def plan_of(session: Session, staff_id: uuid.UUID, *, for_update: bool = False) -> DevelopmentPlan | None:
    query = select(DevelopmentPlan).where(DevelopmentPlan.staff_id == staff_id)
    if for_update:
        query = query.with_for_update()
    return session.scalars(query).first()


def plan(session: Session, plan_id: uuid.UUID, *, for_update: bool = False) -> DevelopmentPlan | None:
    return session.get(DevelopmentPlan, plan_id, with_for_update=for_update or None)


def programme_of_kind(session: Session, kind: ProgrammeKind, academy_id: uuid.UUID, npq: str | None = None,
                      titled: str | None = None) -> Programme | None:
    """The programme of this kind offered to the academy (an NPQ of this code; one whose title says `titled`):
    its own before the trust's, then by title."""
    query = select(Programme).where(Programme.kind == kind, Programme.active.is_(True),
                                    or_(Programme.academy_id.is_(None), Programme.academy_id == academy_id))
    if npq is not None:
        query = query.where(Programme.npq == npq)
    found = [p for p in session.scalars(query) if titled is None or titled in p.title.lower()]
    found.sort(key=lambda p: (p.academy_id is None, p.title))
    return found[0] if found else None


TEACHING_ASSISTANT = re.compile(r"\b(teaching assistant|learning support assistant|hlta|higher level teaching)\b")


def programme_for_role(post: str, staff_type: str) -> tuple[ProgrammeKind, str | None, str | None] | None:
    """The usual next step for a role, as trusts in England plan it: (kind, NPQ, words its title has). An NPQ for
    senior posts, a middle leadership programme for leaders of a team, and for a teaching assistant the teaching
    assistant apprenticeship (issue 20: a teaching assistant was never offered it)."""
    text = post.lower()
    if staff_type == "support" and TEACHING_ASSISTANT.search(text):
        return ProgrammeKind.APPRENTICESHIP, None, "teaching assistant"
    found = _senior_step(text, staff_type)
    return (*found, None) if found else None


def _a(words: str) -> str:
    """'an office manager', 'a teacher'."""
    return f"{'an' if words[:1] in 'aeiou' else 'a'} {words}"


def _senior_step(text: str, staff_type: str) -> tuple[ProgrammeKind, str | None] | None:
    if "executive" in text and "head" in text:
        return ProgrammeKind.NPQ, "NPQEL"
    if re.search(r"\b(deputy|assistant|vice)\s+head", text):
        return ProgrammeKind.NPQ, "NPQSL"
    if re.search(r"\b(head ?teacher|principal|head of school)\b", text):
        return ProgrammeKind.NPQ, "NPQH"
    if "senco" in text or "special educational needs co" in text:
        return ProgrammeKind.NPQ, "NPQSENCO"
    if staff_type == "leadership" or (staff_type == "teaching" and re.search(
            r"\b(head of|leader|lead|coordinator|co-ordinator|manager)\b", text)):
        # a programme for leaders of teaching: an office or site manager is not offered it (outsider 5, issue 20)
        return ProgrammeKind.MIDDLE_LEADERSHIP, None
    return None


# -- changes made by events ------------------------------------------------------------------------

def ensure_plan(uow: UnitOfWork, staff_id: uuid.UUID, academy_id: uuid.UUID, role: str, reason: str,
                today: date) -> tuple[DevelopmentPlan, bool]:
    """The person's plan, made now if they have none (True when it was)."""
    existing = plan_of(uow.session, staff_id, for_update=True)
    if existing is not None:
        return existing, False
    new = DevelopmentPlan(staff_id=staff_id, academy_id=academy_id, role=role, created_on=today, created_because=reason)
    uow.session.add(new)
    uow.session.flush()
    return new, True


def emit_plan_created(uow: UnitOfWork, plan_: DevelopmentPlan, reason: str, today: date, induction: bool) -> None:
    uow.emit("cpd.plan_created", {
        "plan_id": plan_.id, "staff_id": plan_.staff_id, "academy_id": plan_.academy_id, "role": plan_.role,
        "reason": reason, "created_on": today, "induction_suggested": induction}, academy_id=plan_.academy_id)


def suggest(uow: UnitOfWork, plan_: DevelopmentPlan, item: PlanItem) -> PlanItem | None:
    """Add a suggestion (unless the plan has it already) and announce it."""
    added = plan_.suggest(item)
    if added is None:
        return None
    uow.session.flush()
    uow.emit("cpd.plan_item_suggested", {
        "plan_id": plan_.id, "item_id": added.id, "staff_id": plan_.staff_id, "academy_id": plan_.academy_id,
        "title": added.title, "source": added.source.value, "programme_id": added.programme_id,
        "development_need_id": added.development_need_id}, academy_id=plan_.academy_id)
    return added


NEW_STARTER = timedelta(days=365)  # who is new: as the targets count starters, in their first year
ECT_YEARS = timedelta(days=2 * 365)  # the statutory induction lasts two years


def induction_items(session: Session, plan_: DevelopmentPlan, who: Person, today: date) -> list[PlanItem]:
    """A new starter (in their first year): the trust's induction; a teacher in an ECT post in their first two
    years: the two-year ECT induction too. Someone long in post whom the directory adds now (a trust's first
    import) is not a starter: staff who joined in 2012 were offered the induction for new staff (outsider).

    Suggested with the catalogue's programme when it has one, as a plain item when it does not (HR adds
    the programme later). An induction item the plan already has is not suggested again.
    """
    wanted = []
    if who.start_date > today - NEW_STARTER:
        wanted.append((ProgrammeKind.STAFF_INDUCTION, STAFF_INDUCTION_TITLE,
                       "Your academy's and the trust's induction: policies, safeguarding, systems and people."))
    if who.early_career_teacher and who.start_date > today - ECT_YEARS:
        wanted.append((ProgrammeKind.ECT_INDUCTION, ECT_INDUCTION_TITLE,
                       "The statutory two-year induction for early career teachers, with a mentor and an "
                       "induction tutor, against the Teachers' Standards."))
    have = {i.title for i in plan_.items if i.source == PlanItemSource.INDUCTION}
    have_programmes = {i.programme_id for i in plan_.items if i.source == PlanItemSource.INDUCTION}
    items = []
    for kind, fallback, detail in wanted:
        programme = programme_of_kind(session, kind, who.academy_id)
        title = programme.title if programme else fallback
        if title in have or (programme is not None and programme.id in have_programmes):
            continue
        items.append(PlanItem(plan_id=plan_.id, title=title[:300], source=PlanItemSource.INDUCTION, detail=detail,
                              programme_id=programme.id if programme else None))
    return items


def on_joined(uow: UnitOfWork, who: Person, today: date) -> DevelopmentPlan:
    """A starter's plan with induction, started on their first day (the directory's start date: issue 20 had
    "Started on 6 December 2026 (when you joined)" for someone who joined in June 2025). cpd.plan_created
    (reason=joined) is announced for every joiner, even when an appraisal need reached CPD first and started
    the plan: targets count starters from it."""
    plan_, _created = ensure_plan(uow, who.staff_id, who.academy_id, who.post, "joined", who.start_date)
    items = induction_items(uow.session, plan_, who, today)
    emit_plan_created(uow, plan_, "joined", today, induction=bool(items) or _has_induction(plan_))
    for item in [*items, *role_items(uow.session, plan_, who)]:
        suggest(uow, plan_, item)
    return plan_


def role_items(session: Session, plan_: DevelopmentPlan, who: Person) -> list[PlanItem]:
    """The catalogue's usual development for the person's staff type and post, when it offers one."""
    step = programme_for_role(who.post, who.staff_type)
    programme = programme_of_kind(session, step[0], who.academy_id, step[1], step[2]) if step else None
    if programme is None:
        return []
    return [PlanItem(plan_id=plan_.id, title=programme.title[:300], source=PlanItemSource.ROLE,
                     detail=f"The usual development for {_a(who.post.lower())} here. Talk it through with your line "
                            "manager before you ask for a place.", programme_id=programme.id)]


def _has_induction(plan_: DevelopmentPlan) -> bool:
    return any(i.source == PlanItemSource.INDUCTION for i in plan_.items)


def on_promoted(uow: UnitOfWork, who: Person, previous_post: str, effective: date, today: date) -> DevelopmentPlan:
    """A plan for the new role: the same plan (one per person) re-aimed at the post, with a development item.

    cpd.plan_created(reason=promoted) is announced for every promotion, plan new or not: it is what the
    trust's target "every promoted colleague has a development plan" counts.
    """
    plan_, _created = ensure_plan(uow, who.staff_id, who.academy_id, who.post, "promoted", today)
    plan_.role, plan_.academy_id = who.post, who.academy_id
    emit_plan_created(uow, plan_, "promoted", today, induction=_has_induction(plan_))
    step = programme_for_role(who.post, who.staff_type)
    programme = programme_of_kind(uow.session, step[0], who.academy_id, step[1], step[2]) if step else None
    title = f"Development for the new role: {who.post}"
    if programme is not None:
        title = f"{title} ({programme.title})"
    suggest(uow, plan_, PlanItem(
        plan_id=plan_.id, title=title[:300], source=PlanItemSource.PROMOTION,
        detail=f"Promoted from {previous_post} to {who.post} on {effective.day} {effective:%B %Y}. Agree with your line "
               f"manager what you need to grow into the role in its first year.",
        programme_id=programme.id if programme else None))
    return plan_


def on_development_need(uow: UnitOfWork, data: dict, today: date) -> PlanItem | None:
    """A need from an appraisal review: a suggested item linked to it, never an enrolment."""
    who = person(uow.session, data["reviewee_id"])
    academy_id = who.academy_id if who else data["academy_id"]
    plan_, created = ensure_plan(uow, data["reviewee_id"], academy_id, who.post if who else "", "requested", today)
    if created:  # the need reached CPD before the member of staff did: their plan starts here
        emit_plan_created(uow, plan_, "requested", today, induction=False)
    detail = data["description"]
    if data.get("suggested_support"):
        detail = f"{detail}\n\nSuggested support: {data['suggested_support']}"
    return suggest(uow, plan_, PlanItem(
        plan_id=plan_.id, title=data["area"][:300], source=PlanItemSource.DEVELOPMENT_NEED, detail=detail,
        appraisal_id=data["appraisal_id"], development_need_id=data["need_id"]))


# -- who may see and change a plan ---------------------------------------------------------------

def relation(session: Session, principal: Principal, plan_: DevelopmentPlan) -> set[str]:
    """'owner', 'line_manager', 'hr' (academy HR their academy, trust HR all)."""
    found = set()
    if principal.staff_id is not None and principal.staff_id == plan_.staff_id:
        found.add("owner")
    elif can_manage_academy(principal, plan_.academy_id):
        found.add("hr")
    if principal.staff_id is not None and "owner" not in found:
        who = person(session, plan_.staff_id)
        if who is not None and who.line_manager_id == principal.staff_id:
            found.add("line_manager")
    return found


def visible(session: Session, principal: Principal, plan_: DevelopmentPlan | None, plan_id) -> set[str]:
    """The caller's relations; someone with none learns nothing, not even that the plan exists."""
    found = relation(session, principal, plan_) if plan_ is not None else set()
    if not found:
        raise NotFound(f"there is no development plan with id {plan_id}")
    return found


def visible_plans(session: Session, principal: Principal, *, academy_id=None, staff_id=None) -> list[DevelopmentPlan]:
    """Plans the caller may see: HR their academy (trust HR all), a line manager their reports', everyone their own."""
    query = select(DevelopmentPlan)
    scope = academy_scope(principal)
    reports = select(staff.c.staff_id).where(staff.c.line_manager_id == principal.staff_id)
    mine = [DevelopmentPlan.staff_id == principal.staff_id] if principal.staff_id else []
    if principal.staff_id:
        mine.append(DevelopmentPlan.staff_id.in_(reports))
    if scope is None:
        pass
    elif scope:
        query = query.where(or_(DevelopmentPlan.academy_id.in_(scope), *mine))
    else:
        query = query.where(or_(*mine)) if mine else query.where(false())
    if academy_id is not None:
        query = query.where(DevelopmentPlan.academy_id == academy_id)
    if staff_id is not None:
        query = query.where(DevelopmentPlan.staff_id == staff_id)
    return list(session.scalars(query.order_by(DevelopmentPlan.academy_id, DevelopmentPlan.staff_id)))


def rule_broken(exc: CpdError) -> Exception:
    if isinstance(exc, IllegalTransition):
        return Conflict(str(exc))
    if isinstance(exc, NotAllowed):
        return Forbidden(str(exc))
    return Unprocessable(str(exc))


# -- commands from the API -------------------------------------------------------------------------

def _change(uow: UnitOfWork, principal: Principal, plan_id: uuid.UUID, doing: str,
            action: Callable[[DevelopmentPlan], dict]) -> DevelopmentPlan:
    """Only the member of staff changes their own plan; others who may read it are told so (403)."""
    with uow:
        plan_ = plan(uow.session, plan_id, for_update=True)
        found = visible(uow.session, principal, plan_, plan_id)
        if "owner" not in found:
            raise Forbidden(f"only the member of staff can {doing} in their own development plan")
        try:
            detail = action(plan_)
        except CpdError as exc:
            raise rule_broken(exc) from None
        uow.session.flush()
        uow.audit(doing.replace(" ", "_"), "development_plan", plan_.id, detail)
        uow.commit()
        return plan_


def add_goal(uow: UnitOfWork, principal: Principal, plan_id: uuid.UUID, data: dict) -> PlanItem:
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


def move_item(uow: UnitOfWork, principal: Principal, plan_id: uuid.UUID, item_id: uuid.UUID,
              status: PlanItemStatus) -> PlanItem:
    moved: list[PlanItem] = []
    doing = {PlanItemStatus.ACCEPTED: "accept an item", PlanItemStatus.DISMISSED: "dismiss an item",
             PlanItemStatus.DONE: "complete an item"}[status]

    def action(plan_: DevelopmentPlan) -> dict:
        item = next((i for i in plan_.items if i.id == item_id), None)
        if item is None:
            raise NotFound(f"development plan {plan_id} has no item {item_id}")
        before = item.status
        item.move_to(status)
        moved.append(item)
        return {"item_id": item.id, "status": [before.value, item.status.value]}

    _change(uow, principal, plan_id, doing, action)
    return moved[0]


def start_plan(uow: UnitOfWork, principal: Principal, today: date | None = None) -> DevelopmentPlan:
    """A member of staff who has none (e.g. in post before CPD was switched on) starts their own."""
    today = today or date.today()
    with uow:
        who = person(uow.session, principal.staff_id)
        if who is None:
            raise NotFound("you are not in CPD's copy of the directory yet; try again in a minute")
        plan_, created = ensure_plan(uow, who.staff_id, who.academy_id, who.post, "requested", today)
        if not created:
            raise Conflict(f"you already have a development plan ({plan_.id})")
        emit_plan_created(uow, plan_, "requested", today, induction=False)
        uow.audit("start_plan", "development_plan", plan_.id, {"role": who.post})
        uow.commit()
        return plan_
